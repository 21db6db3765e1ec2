"""The e-mail link on every portal, with its identifiers (issue 10, item 6): the reset page asks
the portal's fields, the link comes to the address on record, the SMS code is asked before any new
password (the hardening issue), and the person signs in with the new password."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from provisioner.settings import Settings
from tests.fixtures.browser import choose_secret_question, enter_sms_code, to_the_e_mail_link
from tests.fixtures.keycloak import keycloak_person

pytestmark = [pytest.mark.keycloak, pytest.mark.browser]

SIRET = "73282932000074"
NEW = "Reprise26"  # within every demo portal's policy


def _person(admin_rest: Any, realm: str) -> dict[str, Any]:
    number = "+4179" + str(uuid.uuid4().int)[:7]
    attributes = {"portail.identifier": [SIRET], "portail.phone": [number]}
    return keycloak_person(admin_rest, realm, "lien", "Hélène", "Ancien2026", attributes=attributes)


def _identifiers(realm: str, person: dict[str, Any]) -> dict[str, str]:
    if realm == "declarants-demo":  # names typed without accents or capitals
        return {"#siret": SIRET, "#lastName": person["lastName"].lower(), "#firstName": "helene"}
    return {"#username": person["email"]}


@pytest.mark.parametrize("portal_realm", ["caisse-demo", "declarants-demo"])
def test_the_e_mail_link_with_the_portals_identifiers_then_the_sms_code(
    page: Any, live_server: str, settings: Settings, admin_rest: Any, portal_realm: str, wait_for: Any
) -> None:
    realm = portal_realm
    person = _person(admin_rest, realm)
    number = person["attributes"]["portail.phone"][0]
    portal = settings.portal_url(realm)

    def open_login() -> None:
        page.goto(f"{portal}/demo-app/")
        page.get_by_test_id("login").click()
        page.wait_for_url(f"{settings.keycloak_url}/realms/{realm}/**")

    open_login()
    page.get_by_role("link", name=re.compile("Mot de passe oublié")).click()
    for selector, value in _identifiers(realm, person).items():
        page.fill(selector, value)
    page.locator("[type=submit]").first.click()
    if realm == "declarants-demo":  # its secret question first: this person chose none
        to_the_e_mail_link(page)

    def reset_mail() -> Any:
        mails = page.request.get(f"{live_server}/dev/outbox.json?channel=email&to={person['email']}").json()
        return next((m for m in mails["messages"] if "login-actions/action-token" in m["body"]), None)

    link = re.search(r"https?://\S+/login-actions/action-token\?key=[\w.-]+", wait_for(reset_mail)["body"])
    assert link and f"/realms/{realm}/" in link.group(0)
    page.goto(link.group(0).replace("&amp;", "&"))
    page.locator("#code").wait_for()  # the SMS step first
    assert page.locator("#password-new").count() == 0
    enter_sms_code(page, live_server, number)
    page.locator("#portail-password-rules").wait_for()  # the portal's rules, before typing
    page.fill("#password-new", NEW)
    page.fill("#password-confirm", NEW)
    page.locator("[type=submit]").first.click()
    if realm == "declarants-demo":  # the portal asks for a secret question once signed in
        choose_secret_question(page)
    page.get_by_text("Votre compte a été mis à jour").or_(page.get_by_test_id("username")).first.wait_for()

    page.context.clear_cookies()
    open_login()
    for selector, value in _identifiers(realm, person).items():
        page.fill(selector, value)
    page.fill("#password", NEW)
    page.locator("#kc-login").click()
    enter_sms_code(page, live_server, number)
    page.wait_for_url(re.compile(re.escape(portal) + r"/demo-app/$"))
    assert page.get_by_test_id("username").inner_text() == person["username"]
