"""The Keycloak gateway against the real server."""

import uuid
from typing import Any

import pytest

from provisioner.errors import UpstreamUnavailable
from provisioner.keycloak.gateway import OWNER_ATTRIBUTE, KeycloakGateway
from provisioner.settings import Settings

pytestmark = pytest.mark.keycloak


def test_service_account_creates_marked_groups_and_users(gateway: KeycloakGateway) -> None:
    name = f"gw-{uuid.uuid4().hex[:8]}"
    group = gateway.create_group(name, {"portail.identifier": ["07955542100019"]})
    found = gateway.find_group(name)
    assert found is not None and found.id == group.id
    assert found.attributes[OWNER_ATTRIBUTE] == ["portail-provisioner"]
    user_id = gateway.create_user(
        {
            "username": name,
            "email": f"{name}@example.org",
            "firstName": "Ana",
            "lastName": "Lyse",
            "enabled": True,
        },
        group_id=group.id,
    )
    gateway.add_realm_roles(user_id, {"account-admin"})
    user = gateway.get_user(user_id)
    assert user is not None and user.owned
    assert gateway.user_group_ids(user_id) == {group.id}
    assert "account-admin" in gateway.user_realm_roles(user_id)
    gateway.remove_realm_roles(user_id, {"account-admin"})
    assert "account-admin" not in gateway.user_realm_roles(user_id)
    assert gateway.get_user("00000000-0000-0000-0000-000000000000") is None


def test_keycloak_down_is_upstream_unavailable(settings: Settings) -> None:
    gateway = KeycloakGateway(settings.model_copy(update={"keycloak_url": "http://localhost:1"}))
    with pytest.raises(UpstreamUnavailable) as caught:
        gateway.find_user("asp1ent")
    assert caught.value.retryable
    assert gateway.check()["ok"] is False


def test_service_account_stays_within_its_realm_and_rights(gateway: KeycloakGateway, realm: str) -> None:
    """It manages users, and the catalogue's roles, scopes and gates (manage-realm, manage-clients),
    but cannot reach the master realm nor grant itself more than it holds."""
    from provisioner.keycloak.gateway import KeycloakApiError

    base = f"admin/realms/{realm}"
    with pytest.raises(KeycloakApiError) as master:
        gateway.rest.get("admin/realms/master/users")
    assert master.value.status == 403
    (client,) = gateway.rest.get(f"{base}/clients", clientId=gateway.settings.keycloak_client_id)
    (management,) = gateway.rest.get(f"{base}/clients", clientId="realm-management")
    me = gateway.rest.get(f"{base}/clients/{client['id']}/service-account-user")
    admin_role = gateway.rest.get(f"{base}/clients/{management['id']}/roles/realm-admin")
    with pytest.raises(KeycloakApiError) as escalate:
        gateway.rest.post(f"{base}/users/{me['id']}/role-mappings/clients/{management['id']}", [admin_role])
    assert escalate.value.status == 403


def test_demo_data_loads_twice_without_duplicates(demo_data: Any, settings: Settings, gateway: KeycloakGateway) -> None:
    from provisioner.demo.services import load_demo_data

    assert [d.username for d in load_demo_data(settings)] == [d.username for d in demo_data]
    group = gateway.find_group("asp1ent")
    assert group is not None
    members = gateway.rest.get(f"admin/realms/{gateway.realm}/groups/{group.id}/members", max=100)
    usernames = {m["username"] for m in members}
    assert usernames >= set(
        [
            "asp1ent",
            "lea.martin@asp1ent.example",
            "tbn1.asp1ent",
            "tbn2.asp1ent",
            "fdn25.asp1ent",
            "lvt.asp1ent",
            "sqdqd.asp1ent",
        ]
    )
    closed = gateway.find_user("fdn25.asp1ent")
    assert closed is not None and closed.enabled is False


def test_demo_collaborator_signs_in_with_sms(demo_data: Any, gateway: KeycloakGateway) -> None:
    from provisioner.demo import data

    user = gateway.find_user(str(data.COLLABORATOR["email"]))
    assert user is not None and user.attributes["portail.phone"] == [data.COLLABORATOR_PHONE]


def test_the_environments_proxy_is_read_once_when_the_connection_is_made(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session keeps what the environment said for Keycloak, and stops asking it per call."""
    from provisioner.keycloak.gateway import _connection

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    session = _connection(settings, as_admin=False)._s
    assert session.trust_env is False
    assert session.proxies["http"] == "http://proxy.example:3128"
    assert session.verify == "/etc/ssl/certs/ca-certificates.crt"
    monkeypatch.setenv("NO_PROXY", "localhost")
    assert (
        "http"
        not in _connection(
            settings.model_copy(update={"keycloak_url": "http://localhost:1"}), as_admin=False
        )._s.proxies
    )
