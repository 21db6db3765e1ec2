"""The "Mot de passe" entry of the administration UI (seed 000's tab): a signed-in person changes
its own password on Keycloak's page and comes back to the page it left, told how it went."""

from __future__ import annotations

import re
from typing import Any

import pytest

from provisioner.settings import Settings
from tests.fixtures.browser import sign_in, sms_code
from tests.fixtures.tokens import password_token

pytestmark = [pytest.mark.keycloak, pytest.mark.browser]

NEW_PASSWORD = "Nouveau42mdp"


def _again(page: Any, live_server: str, settings: Settings, gateway: Any, username: str) -> None:
    """Keycloak asks for the password and the SMS code again before a password change."""
    from tests.fixtures import TEST_PASSWORD

    page.wait_for_url(f"{settings.realm_issuer}/**")
    if page.locator("#password-new").count() == 0:
        if page.locator("#username").count():
            page.fill("#username", username)
        page.fill("#password", TEST_PASSWORD)
        page.locator("#kc-login").click()
        page.locator("#code").wait_for()
        user = gateway.find_user(username)
        page.fill("#code", sms_code(page, live_server, user.attributes["portail.phone"][0]))
        page.locator("#kc-submit").click()  # the demo portal's policy: 6 to 12 letters and digits, 2 digits at least


def test_a_person_changes_its_own_password_and_comes_back(
    page: Any, live_server: str, settings: Settings, api: Any, login_as: Any, gateway: Any
) -> None:
    account = api.principal({"DSN": None})
    login_as(account["login"])
    sign_in(page, live_server, settings, account["login"], start=f"/comptes/{account['id']}")
    page.goto(f"{live_server}/comptes/{account['id']}")
    page.get_by_test_id("change-password").click()
    _again(page, live_server, settings, gateway, account["login"])
    page.fill("#password-new", NEW_PASSWORD)
    page.fill("#password-confirm", NEW_PASSWORD)
    page.locator("#kc-submit").click()
    page.wait_for_url(re.compile(re.escape(f"{live_server}/comptes/{account['id']}") + r"\b.*"))
    assert "Votre mot de passe est modifié." in page.get_by_test_id("flash").inner_text()
    assert password_token(settings, account["login"], NEW_PASSWORD).status_code == 200
    assert password_token(settings, account["login"]).status_code == 400  # the old one: invalid_grant


def test_cancelling_leaves_the_password_as_it_was(
    page: Any, live_server: str, settings: Settings, api: Any, login_as: Any, gateway: Any
) -> None:
    account = api.principal({"DSN": None})
    login_as(account["login"])
    sign_in(page, live_server, settings, account["login"])
    page.get_by_test_id("change-password").click()
    _again(page, live_server, settings, gateway, account["login"])
    page.locator("#kc-cancel").click()
    page.wait_for_url(re.compile(re.escape(live_server) + r"/comptes.*"))
    assert "n'a pas été modifié" in page.get_by_test_id("flash").inner_text()
    assert password_token(settings, account["login"]).status_code == 200


def test_signed_out_the_entry_leads_to_the_door(client: Any) -> None:
    response = client.get("/mot-de-passe")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
