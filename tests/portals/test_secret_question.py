"""Recovery by secret question (issue 10, item 4; seed 004), on the declarants' portal, the one
demo portal that lists questions: chosen at the first sign-in (and again when an application asks
for it), asked on "forgotten password" after the portal's identifiers and before the SMS code and
the new password; the answer is hashed by Keycloak, compared case-sensitively, and wrong answers
count towards the lock-out. Unknown identifiers get a question too."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from provisioner.settings import Settings
from tests.fixtures.browser import choose_secret_question, enter_sms_code
from tests.fixtures.keycloak import keycloak_person

pytestmark = [pytest.mark.keycloak, pytest.mark.browser]

REALM = "declarants-demo"
SIRET = "73282932000074"
PASSWORD = "Ancien2026"
NEW = "Reprise26"
PET = "Quel était le nom de votre premier animal de compagnie\u00a0?"


def _person(admin_rest: Any) -> dict[str, Any]:
    number = "+3361" + str(uuid.uuid4().int)[:7]
    attributes = {"portail.identifier": [SIRET], "portail.phone": [number]}
    person = keycloak_person(admin_rest, REALM, "question", "Hélène", PASSWORD, attributes=attributes)
    person["id"] = admin_rest.get(f"admin/realms/{REALM}/users", username=person["username"], exact="true")[0]["id"]
    return person


def _identifiers(page: Any, last_name: str, first_name: str = "helene") -> None:
    page.fill("#siret", SIRET)
    page.fill("#lastName", last_name)
    page.fill("#firstName", first_name)


def _open_login(page: Any, settings: Settings) -> str:
    portal = settings.portal_url(REALM)
    page.goto(f"{portal}/demo-app/")
    page.get_by_test_id("login").click()
    page.wait_for_url(f"{settings.keycloak_url}/realms/{REALM}/**")
    return portal


def _sign_in(page: Any, settings: Settings, live_server: str, person: dict[str, Any], password: str) -> str:
    portal = _open_login(page, settings)
    _identifiers(page, person["lastName"])
    page.fill("#password", password)
    page.locator("#kc-login").click()
    enter_sms_code(page, live_server, person["attributes"]["portail.phone"][0])
    return portal


def _with_question(page: Any, settings: Settings, live_server: str, person: dict[str, Any]) -> None:
    """The person signs in once, chooses "ville-naissance" / "Lambersart", and signs out."""
    portal = _sign_in(page, settings, live_server, person, PASSWORD)
    choose_secret_question(page, "ville-naissance", "Lambersart")
    page.wait_for_url(re.compile(re.escape(portal) + r"/demo-app/$"))
    page.context.clear_cookies()


def _to_question(page: Any, settings: Settings, last_name: str, first_name: str = "helene") -> str:
    _open_login(page, settings)
    page.get_by_role("link", name=re.compile("Mot de passe oublié")).click()
    _identifiers(page, last_name, first_name)
    page.locator("[type=submit]").first.click()
    page.locator("#kc-secret-question-form").wait_for()
    return page.locator("#kc-question").inner_text()


def _answer(page: Any, answer: str) -> str:
    page.fill("#answer", answer)
    page.locator("#kc-submit").click()
    page.wait_for_load_state()
    error = page.locator("#input-error")
    return " ".join(error.inner_text().split()) if error.count() else ""


def _field_error(page: Any, field: str) -> str:
    error = page.locator(f"#input-error-{field}")
    error.wait_for()
    assert f"input-error-{field}" in (page.get_attribute(f"#{field}", "aria-describedby") or "")
    return " ".join(error.inner_text().split())


def _credentials(admin_rest: Any, person: dict[str, Any]) -> list[dict[str, Any]]:
    listed = admin_rest.get(f"admin/realms/{REALM}/users/{person['id']}/credentials")
    return [c for c in listed if c["type"] == "portail-secret-question"]


def _failures(admin_rest: Any, person: dict[str, Any]) -> int:
    return int(admin_rest.get(f"admin/realms/{REALM}/attack-detection/brute-force/users/{person['id']}")["numFailures"])


def test_chosen_at_the_first_sign_in_then_asked_before_the_sms_code_and_the_new_password(
    page: Any, live_server: str, settings: Settings, admin_rest: Any, wait_for: Any
) -> None:
    person = _person(admin_rest)
    portal = _sign_in(page, settings, live_server, person, PASSWORD)

    page.locator("#kc-secret-question-config-form").wait_for()  # before the portal lets her in
    options = page.locator("#question option").all_inner_texts()
    assert len(options) == 5 and PET in options  # the placeholder and the portal's four questions
    page.locator("#kc-submit").click()
    assert _field_error(page, "question") == "Choisissez une question dans la liste."
    page.select_option("#question", "premier-animal")
    page.fill("#answer", "Rex;")
    page.fill("#answerConfirm", "Rex;")
    page.locator("#kc-submit").click()
    assert "lettres, des chiffres" in _field_error(page, "answer")
    assert page.input_value("#question") == "premier-animal"  # what was chosen is kept
    page.fill("#answer", "Médor")
    page.fill("#answerConfirm", "medor")
    page.locator("#kc-submit").click()
    assert "pas identiques" in _field_error(page, "answerConfirm")
    page.screenshot(path="test-artifacts/secret-question-choose.png")
    choose_secret_question(page, "premier-animal", "Médor")
    page.wait_for_url(re.compile(re.escape(portal) + r"/demo-app/$"))

    [stored] = _credentials(admin_rest, person)  # Keycloak holds it, hashed by its password hashing
    data = json.loads(stored["credentialData"])
    assert data["question"] == "premier-animal" and data["hash"]["algorithm"]
    assert "Médor" not in json.dumps(stored) and "secretData" not in stored

    page.context.clear_cookies()
    assert _to_question(page, settings, person["lastName"].upper()) == PET
    page.screenshot(path="test-artifacts/secret-question-ask.png")
    assert person["username"] not in page.content()  # nothing tells that the identifiers found her
    assert (
        _answer(page, "médor")
        == "Réponse incorrecte. Vérifiez les majuscules et les minuscules, ou essayez une autre méthode."
    )
    assert page.get_attribute("#answer", "aria-describedby") == "input-error"
    wait_for(lambda: _failures(admin_rest, person) == 1)  # counted on her, as a wrong password is
    page.wait_for_timeout(1100)  # slower than the realm's quick-login check
    page.fill("#answer", "  Médor ")
    page.locator("#kc-submit").click()
    enter_sms_code(page, live_server, person["attributes"]["portail.phone"][0])  # the second factor still
    page.locator("#portail-password-rules").wait_for()
    page.fill("#password-new", NEW)
    page.fill("#password-confirm", NEW)
    page.locator("[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(portal) + r"/demo-app/$"))  # signed in, with the new password set

    page.context.clear_cookies()
    _sign_in(page, settings, live_server, person, NEW)
    page.wait_for_url(re.compile(re.escape(portal) + r"/demo-app/$"))  # no question asked again


def test_unknown_identifiers_get_a_question_too_the_same_however_typed_and_the_same_refusal(
    page: Any, settings: Settings
) -> None:
    asked = [_to_question(page, settings, last, first) for last, first in (("Personne", "Jean"), ("PERSONNE", "jéan"))]
    assert asked[0] == asked[1] and asked[0].endswith("?")
    assert (
        _answer(page, "Médor")
        == "Réponse incorrecte. Vérifiez les majuscules et les minuscules, ou essayez une autre méthode."
    )
    assert page.locator("#try-another-way").count() == 1  # the e-mail link is offered to everyone


def test_wrong_answers_lock_the_person_out_and_then_even_the_right_one_is_refused(
    page: Any, live_server: str, settings: Settings, admin_rest: Any, wait_for: Any
) -> None:
    person = _person(admin_rest)
    _with_question(page, settings, live_server, person)
    _to_question(page, settings, person["lastName"])
    for n in range(5):  # the realm's failure factor
        _answer(page, f"Lille{n}")
    wait_for(
        lambda: admin_rest.get(f"admin/realms/{REALM}/attack-detection/brute-force/users/{person['id']}")["disabled"]
    )
    refused = _answer(page, "Lambersart")
    assert refused.startswith("Réponse incorrecte"), refused  # the same words: nothing tells it is locked
    assert page.locator("#password-new").count() == 0 and page.locator("#code").count() == 0


def test_an_application_lets_the_person_change_its_question(
    page: Any, live_server: str, settings: Settings, admin_rest: Any
) -> None:
    person = _person(admin_rest)
    _with_question(page, settings, live_server, person)

    _open_login(page, settings)
    page.goto(page.url + "&kc_action=portail-secret-question")  # as the account console does
    _identifiers(page, person["lastName"])
    page.fill("#password", PASSWORD)
    page.locator("#kc-login").click()
    enter_sms_code(page, live_server, person["attributes"]["portail.phone"][0])
    page.locator("#kc-secret-question-config-form").wait_for()
    assert page.input_value("#question") == "ville-naissance"  # the current one, preselected
    assert page.locator("#kc-cancel").count() == 1
    choose_secret_question(page, "premiere-ecole", "Jules Ferry")
    page.wait_for_url(re.compile(re.escape(settings.portal_url(REALM)) + r"/demo-app/.*"))
    [stored] = _credentials(admin_rest, person)  # replaced, not added
    assert json.loads(stored["credentialData"])["question"] == "premiere-ecole"


def test_the_right_answer_is_not_enough_without_a_mobile_to_check_next(
    page: Any, live_server: str, settings: Settings, admin_rest: Any
) -> None:
    """A question is never the only proof: someone without a mobile (nor TOTP) who answers right is
    sent to the e-mail link; no new password, no enrolment of a number by whoever answered."""
    person = keycloak_person(admin_rest, REALM, "sans", "Hélène", PASSWORD, attributes={"portail.identifier": [SIRET]})
    portal = _open_login(page, settings)
    _identifiers(page, person["lastName"])
    page.fill("#password", PASSWORD)
    page.locator("#kc-login").click()
    choose_secret_question(page, "ville-naissance", "Lambersart")
    page.wait_for_url(re.compile(re.escape(portal) + r"/demo-app/$"))
    page.context.clear_cookies()
    _to_question(page, settings, person["lastName"])
    message = _answer(page, "Lambersart")
    assert "ne suffit pas" in message and "Essayer une autre méthode" in message, message
    assert page.locator("#password-new").count() == 0 and page.locator("#phone").count() == 0
