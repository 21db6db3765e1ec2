"""Password policies per portal (issue 10, item 3; design rule 19): the new-password page lists
the portal's rules before anything is typed, and a refused password is refused with every rule it
breaks named (keycloak-extensions/portail-passwords), in the person's language."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from provisioner.settings import Settings
from tests.fixtures.browser import choose_secret_question, enter_sms_code
from tests.fixtures.keycloak import keycloak_person

pytestmark = [pytest.mark.keycloak, pytest.mark.browser]

FIRST = "Initial2026"


def _person(admin_rest: Any, realm: str, **extra: Any) -> dict[str, Any]:
    """A person who must choose a new password at the next sign-in."""
    return keycloak_person(admin_rest, realm, "test", "Règle", FIRST, requiredActions=["UPDATE_PASSWORD"], **extra)


def _to_new_password_page(page: Any, settings: Settings, realm: str, fields: dict[str, str]) -> None:
    page.goto(f"{settings.portal_url(realm)}/demo-app/")
    page.get_by_test_id("login").click()
    page.wait_for_url(f"{settings.keycloak_url}/realms/{realm}/**")
    for selector, value in fields.items():
        page.fill(selector, value)
    page.fill("#password", FIRST)
    page.locator("#kc-login").click()


def _rules(page: Any) -> list[str]:
    page.locator("#portail-password-rules").wait_for()
    return [" ".join(t.split()) for t in page.locator("#portail-password-rules li").all_inner_texts()]


def _refusal(page: Any, password: str) -> str:
    page.fill("#password-new", password)
    page.fill("#password-confirm", password)
    page.locator("#kc-submit").click()
    error = page.locator("#input-error-password, #input-error-password-new, .pf-v5-c-alert__title").first
    error.wait_for()
    return " ".join(error.inner_text().split())


def test_the_declarants_portal_lists_its_rules_and_names_each_refusal(
    page: Any, live_server: str, settings: Settings, admin_rest: Any, realm: str
) -> None:
    person = _person(admin_rest, "declarants-demo", attributes={"portail.identifier": ["73282932000074"]})
    _to_new_password_page(
        page,
        settings,
        "declarants-demo",
        {"#siret": "73282932000074", "#lastName": person["lastName"], "#firstName": "regle"},
    )
    assert _rules(page) == [
        "contenir au moins 6 caractères",
        "ne pas excéder 12 caractères",
        "contenir au moins 2 chiffres",
        "être composé uniquement de chiffres ou de lettres non accentuées (pas d’espace, de point-virgule…)",
        "être différent de votre identifiant",
    ]
    page.screenshot(path="test-artifacts/declarants-password-rules.png")
    refusals = {
        "Abcdefghijk12": ["longueur maximale"],  # maxLength(12): one rule, Keycloak's own words
        "Abcdefgh": ["chiffre"],  # digits(2)
        "Abcdéfg12": ["lettres non accentuées"],  # regexPattern, in the portal's words
        # Several rules broken: each named, in the words of the list above.
        "Ab1": ["contenir au moins 6 caractères", "contenir au moins 2 chiffres"],
        "Ab é": [
            "contenir au moins 6 caractères",
            "contenir au moins 2 chiffres",
            "être composé uniquement de chiffres ou de lettres non accentuées",
        ],
    }
    for password, named in refusals.items():
        message = _refusal(page, password)
        found = [message.lower().find(rule) for rule in named]
        assert -1 not in found and found == sorted(found), (password, message)  # each, in the list's order
        assert page.locator("#portail-password-rules li").count() == 5  # the rules stay in view
    page.screenshot(path="test-artifacts/declarants-password-refusal.png")
    page.fill("#password-new", "Nouveau2026")
    page.fill("#password-confirm", "Nouveau2026")
    page.locator("#kc-submit").click()
    choose_secret_question(page)  # this portal asks for one at the first sign-in
    page.wait_for_url(f"{settings.portal_url('declarants-demo')}/demo-app/")


def test_the_swiss_portal_asks_six_characters_in_the_persons_language(
    page: Any, live_server: str, settings: Settings, admin_rest: Any, realm: str
) -> None:
    number = "+4179" + str(uuid.uuid4().int)[:7]
    person = _person(admin_rest, "caisse-demo", attributes={"portail.phone": [number], "locale": ["de"]})
    _to_new_password_page(page, settings, "caisse-demo", {"#username": person["email"]})
    enter_sms_code(page, live_server, number)
    assert _rules(page) == ["mindestens 6 Zeichen enthalten"]
    assert "mindestens 6 Zeichen" in _refusal(page, "kurz")
