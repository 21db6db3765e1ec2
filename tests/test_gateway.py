"""The Keycloak gateway against the real server."""

import uuid
from typing import Any

import pytest

from provisioner.errors import UpstreamUnavailable
from provisioner.keycloak.gateway import OWNER_ATTRIBUTE, KeycloakGateway
from provisioner.settings import Settings

pytestmark = pytest.mark.keycloak


def test_service_account_creates_groups_and_users_idempotently(gateway: KeycloakGateway) -> None:
    name = f"gw-{uuid.uuid4().hex[:8]}"
    group = gateway.ensure_group(name, {"portail.identifier": ["07955542100019"]})
    assert gateway.ensure_group(name, {"portail.identifier": ["07955542100019"]}).id == group.id
    assert gateway.find_group(name).attributes[OWNER_ATTRIBUTE] == ["portail-provisioner"]  # type: ignore[union-attr]

    user, created = gateway.ensure_user(
        name, email=f"{name}@example.org", first_name="Ana", last_name="Lyse"
    )
    again, created_again = gateway.ensure_user(
        name, email=f"{name}@example.org", first_name="Ana", last_name="Lyse"
    )
    assert created and not created_again and again.id == user.id
    gateway.add_to_group(user.id, group.id)
    gateway.grant_realm_roles(user.id, ["account-admin"])
    found = gateway.find_user(name)
    assert found is not None and found.attributes[OWNER_ATTRIBUTE] == ["portail-provisioner"]


def test_keycloak_down_is_upstream_unavailable(settings: Settings) -> None:
    gateway = KeycloakGateway(settings.model_copy(update={"keycloak_url": "http://localhost:1"}))
    with pytest.raises(UpstreamUnavailable) as caught:
        gateway.find_user("asp1ent")
    assert caught.value.retryable
    assert gateway.check()["ok"] is False


def test_service_account_cannot_administer_the_realm(gateway: KeycloakGateway, realm: str) -> None:
    from provisioner.keycloak.gateway import KeycloakApiError

    with pytest.raises(KeycloakApiError) as caught:
        gateway.rest.put(f"admin/realms/{realm}", {"displayName": "pwned"})
    assert caught.value.status == 403


def test_demo_data_loads_twice_without_duplicates(
    demo_data: Any, settings: Settings, gateway: KeycloakGateway
) -> None:
    from provisioner.cli import load_demo_data

    assert [d.username for d in load_demo_data(settings)] == [d.username for d in demo_data]
    group = gateway.find_group("asp1ent")
    assert group is not None
    members = gateway.rest.get(f"admin/realms/{gateway.realm}/groups/{group.id}/members", max=100)
    usernames = sorted(m["username"] for m in members)
    assert usernames == sorted(
        [
            "asp1ent",
            "lea.martin",
            "tbn1.asp1ent",
            "tbn2.asp1ent",
            "fdn25.asp1ent",
            "lvt.asp1ent",
            "sqdqd.asp1ent",
        ]
    )
    closed = gateway.find_user("fdn25.asp1ent")
    assert closed is not None and closed.enabled is False
