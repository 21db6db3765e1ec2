"""Rule 5: any password change or reset of an account notifies that account's responsible."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.settings import Settings
from tests.fixtures import TEST_PASSWORD

pytestmark = pytest.mark.keycloak


def _mails(app: Any, to: str) -> list[dict[str, Any]]:
    return app.test_client().get(f"/dev/outbox.json?channel=email&to={to}").json["messages"]


def test_admin_reset_notifies_the_responsible(
    app: Any,
    operator_headers: dict[str, str],
    gateway: KeycloakGateway,
    wait_for: Any,
    principal_body: Any,
    new_login: Any,
) -> None:
    login = new_login()
    account = (
        app.test_client()
        .post("/api/v1/accounts", json=principal_body(login, {}), headers=operator_headers)
        .json["account"]
    )
    responsible = f"{login}@example.org"
    user = gateway.find_user(account["login"])
    assert user is not None and user.attributes["portail.responsible-email"] == [responsible]
    # The holder was first e-mailed its link to choose a password (first access); then the notice.
    wait_for(lambda: _mails(app, responsible))
    gateway.set_password(user.id, "Nouveau2026")
    mails = wait_for(lambda: [m for m in _mails(app, responsible) if "action-token" not in m["body"]])
    (mail,) = mails
    assert "mot de passe" in (mail["subject"] + mail["body"]).lower()
    assert account["login"] in mail["body"]


@pytest.mark.browser
def test_password_update_at_login_notifies_the_secondary_responsible(
    app: Any,
    page: Any,
    live_server: str,
    settings: Settings,
    operator_headers: dict[str, str],
    gateway: KeycloakGateway,
    login_as: Any,
    wait_for: Any,
    principal_body: Any,
    new_login: Any,
) -> None:
    client = app.test_client()
    principal = client.post(
        "/api/v1/accounts", json=principal_body(new_login(), {}, secondary_quota=1), headers=operator_headers
    ).json["account"]
    responsible = f"resp-{uuid.uuid4().hex[:8]}@example.org"
    secondary = client.post(
        f"/api/v1/accounts/{principal['id']}/secondaries",
        json={
            "name": "bal",
            "identifier": "42872048600011",
            "company_name": "ETAB BAL",
            "responsible": {"last_name": "BRUN", "first_name": "Thomas", "email": responsible},
        },
        headers=operator_headers,
    ).json["account"]
    login_as(secondary["login"])  # a known password (an admin reset: already notified once)
    baseline = len(wait_for(lambda: _mails(app, responsible)))
    # Switching to a mailbox forces a password update at the next login (rule 9).
    assert (
        client.put(
            f"/api/v1/accounts/{secondary['id']}/mailbox", json={"has_mailbox": True}, headers=operator_headers
        ).status_code
        == 200
    )
    page.goto(f"{live_server}/demo-app/login")
    page.fill("#username", secondary["login"])
    page.fill("#password", TEST_PASSWORD)
    page.locator("#kc-login").click()
    page.locator("#password-new").wait_for()
    page.fill("#password-new", "Change2026")
    page.fill("#password-confirm", "Change2026")
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url(f"{live_server}/demo-app/")
    wait_for(lambda: len(_mails(app, responsible)) > baseline)
