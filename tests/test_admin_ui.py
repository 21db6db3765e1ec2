"""The administration UI in real Chromium, signed in through the real Keycloak (OIDC + PKCE)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.settings import Settings
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.keycloak, pytest.mark.browser]


def _sign_in(page: Any, live_server: str, settings: Settings, username: str, start: str = "/") -> None:
    page.goto(f"{live_server}{start}")
    page.get_by_test_id("login").click()
    page.wait_for_url(f"{settings.realm_issuer}/**")
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    page.locator("#kc-login").click()
    page.wait_for_url(re.compile(re.escape(live_server) + r"/comptes.*"))


@pytest.fixture()
def principal(api: Any, login_as: Any) -> dict[str, Any]:
    account = api.principal({"DSN": None, "DPAE": None}, secondary_quota=2)
    for name, mailbox in (("etab1", True), ("etab2", False), ("etab3", False)):
        response = api.secondary(account["id"], name, {"DSN": None}, has_mailbox=mailbox)
        assert response.status_code == 201, response.json
    login_as(account["login"])  # a known password
    return account


def test_an_administrator_manages_its_secondary_accounts(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], gateway: KeycloakGateway
) -> None:
    _sign_in(page, live_server, settings, principal["login"])
    assert page.url.endswith(f"/comptes/{principal['id']}")
    assert page.get_by_test_id("login").inner_text() == principal["login"]
    assert page.locator("[data-testid=teleprocedures] tr[data-code]").count() == 2
    assert page.get_by_test_id("quota").inner_text() == "Comptes secondaires avec BAL : 1 sur 2 autorisés"
    assert page.get_by_test_id("count").inner_text() == "3 comptes secondaires trouvés"

    etab2 = f"etab2.{principal['login']}"
    row = page.locator(f"tr[data-login='{etab2}']")
    assert row.get_by_test_id("status").get_attribute("data-status") == "open"
    page.on("dialog", lambda dialog: dialog.accept())  # "Désactiver le compte … ?"
    row.get_by_test_id("deactivate").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "désactivé" in page.get_by_test_id("flash").first.inner_text()
    assert row.get_by_test_id("status").get_attribute("data-status") == "closed"
    assert "Fermé" in row.get_by_test_id("status").inner_text()
    user = gateway.find_user(etab2)
    assert user is not None and not user.enabled  # deactivation reached Keycloak

    page.get_by_test_id("filter-status").select_option("closed")
    page.get_by_test_id("search").click()
    page.wait_for_url("**status=closed**")
    assert page.get_by_test_id("count").inner_text() == "1 compte secondaire trouvé"
    assert page.locator("tr[data-login]").count() == 1
    page.locator(f"tr[data-login='{etab2}']").get_by_test_id("reactivate").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "réactivé" in page.get_by_test_id("flash").first.inner_text()
    user = gateway.find_user(etab2)
    assert user is not None and user.enabled

    page.get_by_test_id("filter-q").fill("ETAB3")
    page.get_by_test_id("filter-status").select_option("")
    page.get_by_test_id("search").click()
    page.wait_for_url("**q=ETAB3**")
    assert [r.get_attribute("data-login") for r in page.locator("tr[data-login]").all()] == [
        f"etab3.{principal['login']}"
    ]


def test_an_administrator_sees_nothing_of_another_account(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], api: Any
) -> None:
    other = api.principal({"DSN": None})
    _sign_in(page, live_server, settings, principal["login"])
    response = page.goto(f"{live_server}/comptes/{other['id']}")
    assert response.status == 404
    assert "introuvable" in page.content() and other["login"] not in page.content()
    page.goto(f"{live_server}/comptes")  # the operators' list: an administrator lands on its own
    assert page.url.endswith(f"/comptes/{principal['id']}")
    # A form posted without its CSRF token changes nothing.
    refused = page.request.post(f"{live_server}/comptes/{principal['id']}/desactiver", fail_on_status_code=False)
    assert refused.status == 400
    assert api.call("GET", f"/accounts/{principal['id']}").json["account"]["status"] == "open"


def test_signed_out_visitors_are_sent_to_sign_in_and_the_ui_speaks_german(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any]
) -> None:
    page.goto(f"{live_server}/comptes/{principal['id']}")
    assert page.url.startswith(f"{live_server}/?next=")
    _sign_in(page, live_server, settings, principal["login"], start=page.url.removeprefix(live_server))
    assert page.url.endswith(f"/comptes/{principal['id']}")  # back where they were going
    page.goto(f"{live_server}/comptes/{principal['id']}?lang=de")
    assert page.locator("html").get_attribute("lang") == "de"
    assert "Verwaltung Ihrer Nebenkonten" in page.content()
    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/comptes")
    assert page.url.startswith(f"{live_server}/?next=")


def test_an_operator_finds_any_account(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], admin_rest: Any, realm: str
) -> None:
    base = f"admin/realms/{realm}"
    username = f"operateur-{uuid.uuid4().hex[:6]}"
    user_id = admin_rest.post(
        f"{base}/users",
        {
            "username": username,
            "email": f"{username}@portail.example",
            "emailVerified": True,
            "firstName": "Olga",
            "lastName": "Opératrice",
            "enabled": True,
            "credentials": [{"type": "password", "value": TEST_PASSWORD, "temporary": False}],
        },
    )
    admin_rest.post(f"{base}/users/{user_id}/role-mappings/realm", [admin_rest.get(f"{base}/roles/portal-operator")])
    _sign_in(page, live_server, settings, username)
    assert page.url.endswith("/comptes")
    page.fill("input[name=q]", principal["login"])
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**q=**")
    logins = [r.get_attribute("data-login") for r in page.locator("tr[data-login]").all()]
    assert principal["login"] in logins and f"etab1.{principal['login']}" in logins
    page.locator(f"tr[data-login='{principal['login']}'] a").click()
    assert page.get_by_test_id("login").inner_text() == principal["login"]
