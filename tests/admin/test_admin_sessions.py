"""Administration sessions can be revoked (hardening issue): ending the Keycloak session, removing
the operator role or disabling the person ends access to the admin UI at the next request."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.settings import Settings
from tests.fixtures.browser import sign_in

pytestmark = [pytest.mark.keycloak, pytest.mark.browser]


def test_ending_the_keycloak_session_ends_the_admin_session(
    page: Any, live_server: str, settings: Settings, api: Any, login_as: Any, gateway: KeycloakGateway
) -> None:
    account = api.principal({"DSN": None})
    login_as(account["login"])
    sign_in(page, live_server, settings, account["login"])
    user = gateway.find_user(account["login"])
    assert user is not None
    gateway.logout(user.id)  # an administrator ends it in Keycloak (or the user signs out elsewhere)
    page.goto(f"{live_server}/comptes/{account['id']}")
    assert page.get_by_test_id("login").is_visible()  # back at the door: signed out


def test_removing_the_operator_role_ends_operator_access(
    page: Any, live_server: str, settings: Settings, admin_rest: Any, realm: str, new_operator: Any
) -> None:
    username, user_id = new_operator()
    role = admin_rest.get(f"admin/realms/{realm}/roles/portal-operator")
    sign_in(page, live_server, settings, username)
    assert page.goto(f"{live_server}/comptes").status == 200
    admin_rest.delete(f"admin/realms/{realm}/users/{user_id}/role-mappings/realm", [role])
    assert page.goto(f"{live_server}/comptes").status == 403  # still signed in, no longer an operator


def test_disabling_the_person_ends_its_admin_session(
    page: Any, live_server: str, settings: Settings, api: Any, login_as: Any
) -> None:
    account = api.principal({"DSN": None})
    email = f"adm{uuid.uuid4().hex[:6]}@example.org"
    created = api.call(
        "POST",
        f"/accounts/{account['id']}/collaborators",
        {"email": email, "first_name": "Ada", "last_name": "Admin", "roles": ["account-admin"]},
    )
    assert created.status_code == 201, created.json
    login_as(email)
    sign_in(page, live_server, settings, email)
    assert page.goto(f"{live_server}/comptes/{account['id']}").status == 200
    disabled = api.call("PATCH", f"/people/{created.json['person']['id']}", {"enabled": False})
    assert disabled.status_code == 200 and disabled.json["sync"]["status"] == "applied", disabled.json
    page.goto(f"{live_server}/comptes/{account['id']}")
    assert page.get_by_test_id("login").is_visible()  # its Keycloak sessions ended with it


def test_administrators_sign_in_with_the_sms_code_whatever_the_accounts_policy(
    page: Any, live_server: str, settings: Settings, api: Any, login_as: Any
) -> None:
    """The demo portal's setting: the administration UI has its own flow, SMS for everyone."""
    account = api.principal({"DSN": None})
    relaxed = api.call("PATCH", f"/accounts/{account['id']}", {"mfa_policy": "optional"})
    assert relaxed.status_code == 200, relaxed.json
    login_as(account["login"])
    sign_in(page, live_server, settings, account["login"])  # waits for the SMS page, enters the code
    assert page.url.startswith(f"{live_server}/comptes")


def test_keycloak_tells_the_provisioner_when_a_session_ends(
    page: Any,
    live_server: str,
    settings: Settings,
    api: Any,
    login_as: Any,
    gateway: KeycloakGateway,
    database: Any,
    wait_for: Any,
) -> None:
    """Back-channel logout: the ended session is recorded, so it ends here even while Keycloak
    cannot be asked."""
    from sqlalchemy import func, select

    from provisioner.admin.models import EndedSession

    def ended() -> int:
        with database.read_sessions() as session:
            return session.scalar(select(func.count()).select_from(EndedSession)) or 0

    account = api.principal({"DSN": None})
    login_as(account["login"])
    sign_in(page, live_server, settings, account["login"])
    before = ended()
    user = gateway.find_user(account["login"])
    assert user is not None
    gateway.logout(user.id)
    wait_for(lambda: ended() > before)
    page.goto(f"{live_server}/comptes/{account['id']}")
    assert page.get_by_test_id("login").is_visible()


def test_a_forged_logout_token_is_refused(client: Any) -> None:
    refused = client.post("/deconnexion/keycloak", data={"logout_token": "a.b.c"})
    assert refused.status_code == 400 and refused.json["error"] == "invalid_request"
