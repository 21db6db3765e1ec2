"""The three demo portals `make run` serves (issue 10, item 1): each realm file applied with its own
rules, each with its demo data, each signed in to at its own address."""

from __future__ import annotations

import re
from typing import Any

import pytest

from provisioner.demo import data
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.settings import Settings
from tests.fixtures.browser import choose_secret_question, enter_sms_code, to_the_e_mail_link

pytestmark = pytest.mark.keycloak

DEMO_PORTALS = ("caisse-demo", "declarants-demo", "portail-demo")


def _sms_config(admin_rest: Any, realm: str) -> dict[str, str]:
    """The config of the SMS step of the portal's browser flow."""
    base = f"admin/realms/{realm}/authentication"
    (step,) = [
        e
        for e in admin_rest.get(f"{base}/flows/portail-browser/executions")
        if e.get("providerId") == "portail-sms-authenticator"
    ]
    return admin_rest.get(f"{base}/config/{step['authenticationConfig']}")["config"]  # type: ignore[no-any-return]


def test_each_demo_portal_has_its_rules(settings: Settings, realm: str, admin_rest: Any) -> None:
    assert settings.portal_realms == DEMO_PORTALS
    reps = {name: admin_rest.get(f"admin/realms/{name}") for name in DEMO_PORTALS}
    caisse, declarants = reps["caisse-demo"], reps["declarants-demo"]
    assert caisse["passwordPolicy"] == "length(6)"
    assert caisse["loginWithEmailAllowed"] is True and caisse["duplicateEmailsAllowed"] is False
    assert set(caisse["supportedLocales"]) == {"fr", "de", "it", "en"}
    assert caisse["attributes"]["portail.defaultCountry"] == "CH"
    assert _sms_config(admin_rest, "caisse-demo")["mandatory"] == "true"
    assert _sms_config(admin_rest, "portail-demo")["mandatory"] == "false"
    assert "maxLength(12)" in declarants["passwordPolicy"] and "digits(2)" in declarants["passwordPolicy"]
    assert {r["smtpServer"]["fromDisplayName"] for r in reps.values()} == {
        "connect – Caisse Démo",
        "Déclarants Démo",
        "Portail Démo",
    }
    for name, rep in reps.items():  # what the base gives every portal
        assert rep["browserFlow"] == "portail-browser" and rep["bruteForceProtected"] is True, name
        clients = {c["clientId"]: c for c in admin_rest.get(f"admin/realms/{name}/clients")}
        assert clients["portail-admin-ui"]["redirectUris"] == [f"{settings.portal_url(name)}/*"], name


def test_each_demo_portal_has_its_demo_data(demo_data: Any, settings: Settings) -> None:
    by_portal: dict[str, list[str]] = {}
    for login in demo_data:
        by_portal.setdefault(login.portal, []).append(login.username)
    assert tuple(sorted(by_portal)) == DEMO_PORTALS
    assert all(data.OPERATOR in usernames for usernames in by_portal.values())
    gateway = KeycloakGateway(settings)
    caisse = gateway.for_realm("caisse-demo")
    group = caisse.find_group("modelesa")
    assert group is not None and group.attributes["portail.identifier"] == ["CHE-116.281.710"]
    members = {u.username: u for u in caisse.group_members(group.id)}
    assert members["modelesa"].email == "gilbert@modelesa.ch"
    assert members["anna.beispiel@modelesa.ch"].attributes["portail.phone"] == [data.CAISSE.collaborator_phone]
    declarants = gateway.for_realm("declarants-demo")
    group = declarants.find_group("martin-boulangerie")
    assert group is not None
    assert {u.username for u in declarants.group_members(group.id)} >= {
        "martin-boulangerie",
        "lambersart.martin-boulangerie",
        "sophie.durand@boulangerie-martin.example",
    }
    assert gateway.find_group("modelesa") is None  # not in the other portals' realms


@pytest.mark.browser
def test_signing_in_at_the_swiss_portal_with_an_e_mail_and_the_sms_code(
    page: Any, live_server: str, demo_data: Any, settings: Settings
) -> None:
    """At the Swiss portal's own address, its demo relying app signs Anna in with her e-mail
    address, her password and the SMS code the portal always asks; the ID token is the portal's."""
    portal = _open_login(page, settings, "caisse-demo")
    assert "Caisse Démo" in page.content()
    page.fill("#username", "anna.beispiel@modelesa.ch")
    page.fill("#password", data.DEMO_PASSWORD)
    page.locator("#kc-login").click()
    enter_sms_code(page, live_server, data.CAISSE.collaborator_phone)
    page.wait_for_url(re.compile(re.escape(portal) + r"/demo-app/$"))
    assert page.get_by_test_id("username").inner_text() == "anna.beispiel@modelesa.ch"
    page.screenshot(path="test-artifacts/caisse-demo-signed-in.png")


def _error_text(page: Any) -> str:
    error = page.locator("#input-error-username, #input-error-siret, #input-error").first
    error.wait_for()
    return " ".join(error.inner_text().split())


def _failures(admin_rest: Any, realm: str, username: str) -> int:
    (user,) = admin_rest.get(f"admin/realms/{realm}/users", username=username, exact="true")
    status = admin_rest.get(f"admin/realms/{realm}/attack-detection/brute-force/users/{user['id']}")
    return int(status.get("numFailures", 0))


def _forget_failures(admin_rest: Any, realm: str, username: str) -> None:
    (user,) = admin_rest.get(f"admin/realms/{realm}/users", username=username, exact="true")
    admin_rest.delete(f"admin/realms/{realm}/attack-detection/brute-force/users/{user['id']}")


def _open_login(page: Any, settings: Settings, realm: str) -> str:
    portal = settings.portal_url(realm)
    page.goto(f"{portal}/demo-app/")
    page.get_by_test_id("login").click()
    page.wait_for_url(f"{settings.keycloak_url}/realms/{realm}/**")
    return portal


@pytest.mark.browser
def test_the_declarants_portal_asks_siret_and_names_then_the_sms_code(
    page: Any, live_server: str, demo_data: Any, settings: Settings
) -> None:
    """Seed 004: SIRET, last name and first name (any case, no accents needed), the password, then
    the SMS code of the person's mobile; Sophie is signed in to the portal's relying app."""
    portal = _open_login(page, settings, "declarants-demo")
    assert page.locator("#username").count() == 0  # no username field on this portal
    assert page.locator("label[for=siret]").inner_text().strip() == "SIRET de l'établissement"
    page.fill("#siret", "732 829 320 00074")
    page.fill("#lastName", "durand")
    page.fill("#firstName", "SOPHIE")
    page.fill("#password", data.DEMO_PASSWORD)
    page.screenshot(path="test-artifacts/declarants-login.png")
    page.locator("#kc-login").click()
    enter_sms_code(page, live_server, data.DECLARANTS.collaborator_phone)
    page.locator("#kc-secret-question-config-form, [data-testid=username]").first.wait_for()
    if page.locator("#kc-secret-question-config-form").count():  # her first sign-in: this portal asks one
        choose_secret_question(page)
    page.wait_for_url(re.compile(re.escape(portal) + r"/demo-app/$"))
    assert page.get_by_test_id("username").inner_text() == "sophie.durand@boulangerie-martin.example"


@pytest.mark.browser
def test_unknown_identifiers_answer_as_a_wrong_password_and_a_wrong_password_counts(
    page: Any, demo_data: Any, settings: Settings, admin_rest: Any
) -> None:
    """A SIRET/name combination of nobody, an unknown e-mail address: the message of a wrong
    password, word for word, and the typed identifiers kept; a wrong password counts towards the
    resolved person's lock-out."""
    holder = "martin-boulangerie"
    _forget_failures(admin_rest, "declarants-demo", holder)
    messages = []
    for last_name, password in (("MARTIN", "Faux2026x"), ("MARTINEZ", data.DEMO_PASSWORD)):
        _open_login(page, settings, "declarants-demo")
        page.fill("#siret", "73282932000074")
        page.fill("#lastName", last_name)
        page.fill("#firstName", "Claire")
        page.fill("#password", password)
        page.locator("#kc-login").click()
        messages.append(_error_text(page))
        assert page.input_value("#lastName") == last_name and page.input_value("#siret") == "73282932000074"
        page.wait_for_timeout(1100)  # slower than the realm's quick-login check (1 s)
    assert messages[0] == messages[1] == "Identifiant ou mot de passe incorrect.", messages
    assert _failures(admin_rest, "declarants-demo", holder) == 1  # the wrong password, on Claire
    _forget_failures(admin_rest, "declarants-demo", holder)

    _open_login(page, settings, "caisse-demo")
    assert page.locator("label[for=username]").inner_text().strip() == "Adresse e-mail"
    answers = []
    for login in ("personne@modelesa.ch", "modelesa"):  # unknown address; a username is not an address
        page.fill("#username", login)
        page.fill("#password", data.DEMO_PASSWORD)
        page.locator("#kc-login").click()
        answers.append(_error_text(page))
    assert answers == ["Identifiant ou mot de passe incorrect."] * 2, answers


@pytest.mark.browser
def test_the_reset_page_asks_the_portals_identifiers_and_says_the_same_to_everyone(
    page: Any, live_server: str, demo_data: Any, settings: Settings
) -> None:
    """Forgotten password on the declarants' portal: SIRET and names; someone found gets the
    e-mail link at the address on record, nobody found gets the very same page and no mail."""
    to = "claire.martin@boulangerie-martin.example"

    def mails() -> int:
        return len(page.request.get(f"{live_server}/dev/outbox.json?channel=email&to={to}").json()["messages"])

    before = mails()
    pages, questions = [], []
    for last_name in ("Martin", "Personne"):
        _open_login(page, settings, "declarants-demo")
        page.locator("a[href*='reset-credentials']").first.click()
        page.locator("#siret").wait_for()
        page.fill("#siret", "73282932000074")
        page.fill("#lastName", last_name)
        page.fill("#firstName", "claire")
        page.locator("#kc-form-buttons button, #kc-form-buttons input, button[type=submit]").first.click()
        page.locator("#kc-secret-question-form").wait_for()  # a question for everyone (none chosen here)
        question = page.locator("#kc-question").inner_text()
        questions.append(" ".join(page.locator("body").inner_text().replace(question, "<question>").split()))
        to_the_e_mail_link(page)
        page.wait_for_load_state()
        pages.append(" ".join(page.locator("body").inner_text().split()))  # the whole page
    assert questions[0] == questions[1], questions
    assert pages[0] == pages[1], pages
    assert "Si un compte correspond à ces informations" in pages[0]
    assert mails() == before + 1  # Claire's link only


@pytest.mark.browser
def test_going_back_from_the_reset_page_to_the_login_form_forgets_who_was_typed(
    page: Any, demo_data: Any, settings: Settings
) -> None:
    """Someone types another person's identifiers on the reset page, then opens the login form of
    the same tab: the form asks the identifiers again and names nobody (the person chosen for the
    reset is cleared, as Keycloak's own reset step does)."""
    from urllib.parse import parse_qs, urlsplit

    _open_login(page, settings, "declarants-demo")
    page.locator("a[href*='reset-credentials']").first.click()
    page.locator("#siret").wait_for()
    action = page.locator("#kc-reset-password-form").get_attribute("action") or ""
    tab = parse_qs(urlsplit(action).query)["tab_id"][0]
    page.fill("#siret", "73282932000074")
    page.fill("#lastName", "MARTIN")
    page.fill("#firstName", "Claire")
    page.locator("[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(
        f"{settings.keycloak_url}/realms/declarants-demo/login-actions/authenticate"
        f"?client_id={settings.demo_app_client_id}&tab_id={tab}"
    )
    page.wait_for_load_state()
    assert "martin-boulangerie" not in page.content()
    if page.locator("#password").count():  # a login form: it asks who you are again
        assert page.locator("#siret").count() == 1
