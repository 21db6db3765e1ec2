"""Rule 12 enforced (finding 5 of the hardening issue): a collaborator's Keycloak roles, its
``teleprocedures`` claim and the login gates follow exactly its permissions, per teleprocedure."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from provisioner.accounts import domain
from provisioner.errors import RuleViolation
from provisioner.settings import Settings
from tests.fixtures.oidc import Browser, assert_denied, claims, exchange, login


def test_granted_follows_the_permissions() -> None:
    selection = {"DSN": ("mensuelle",), "DPAE": ()}
    assert domain.granted("holder", [], selection) == selection
    assert domain.granted("secondary", [], selection) == selection
    assert domain.granted("collaborator", ["account-admin"], selection) == selection
    assert domain.granted("collaborator", ["declarant:DSN"], selection) == {"DSN": ("mensuelle",)}
    assert domain.granted("collaborator", ["viewer", "accounting"], selection) == {}
    assert domain.granted("collaborator", ["declarant:AED"], selection) == {}  # lapsed: nothing
    with pytest.raises(RuleViolation) as refused:
        domain.check_permissions(["declarant:AED"], selection)
    assert refused.value.code == "permission_outside_subscriptions"
    assert domain.without_lapsed(["declarant:DSN", "declarant:AED", "viewer"], selection) == [
        "declarant:DSN",
        "viewer",
    ]


def _collaborator(api: Any, principal: dict[str, Any], roles: list[str]) -> Any:
    return api.call(
        "POST",
        f"/accounts/{principal['id']}/collaborators",
        {"email": f"c{uuid.uuid4().hex[:8]}@example.org", "first_name": "Cé", "last_name": "Lia", "roles": roles},
    )


@pytest.mark.keycloak
def test_tokens_and_gates_follow_the_permissions(api: Any, login_as: Any, settings: Settings, gateway: Any) -> None:
    principal = api.principal({"DSN": None, "DPAE": None})
    viewer = _collaborator(api, principal, ["viewer"]).json["person"]
    dsn = _collaborator(api, principal, ["declarant:DSN"]).json["person"]
    for person in (viewer, dsn):
        login_as(person["username"])

    with Browser() as browser:  # read-only: refused at the DSN gate
        assert_denied(login(browser, settings, "openid tp-dsn", viewer["username"]), "DSN")
    with Browser() as browser:  # a DSN declarant: DSN, and not DPAE
        token = claims(
            settings, exchange(settings, login(browser, settings, "openid tp-dsn", dsn["username"]))["access_token"]
        )
        assert token["teleprocedures"] == ["DSN"]
        assert "tp-dsn" in token["roles"] and "tp-dpae" not in token["roles"]
        assert_denied(login(browser, settings, "openid tp-dpae"), "DPAE")

    # Removing the permission removes the role.
    changed = api.call("PATCH", f"/people/{dsn['id']}", {"roles": ["viewer"]})
    assert changed.status_code == 200 and changed.json["sync"]["status"] == "applied", changed.json
    user = gateway.find_user(dsn["username"])
    assert not {r for r in gateway.user_realm_roles(user.id) if r.startswith("tp-")}
    assert gateway.get_user(user.id).attributes.get("portail.teleprocedures", []) == []


@pytest.mark.keycloak
def test_permissions_stay_within_the_subscriptions(api: Any, gateway: Any) -> None:
    principal = api.principal({"DSN": None, "DPAE": None})
    refused = _collaborator(api, principal, ["declarant:AED"])
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["code"] == "permission_outside_subscriptions"
    assert refused.json["error"]["details"]["teleprocedures"] == ["AED"]
    unknown = _collaborator(api, principal, ["declarant"])  # the permission names its teleprocedure
    assert unknown.status_code in (400, 422), unknown.json

    person = _collaborator(api, principal, ["declarant:DPAE", "declarant:DSN"]).json["person"]
    # The account gives up DPAE: the permission goes with it, and the role in Keycloak.
    dropped = api.call("PUT", f"/accounts/{principal['id']}/teleprocedures", {"teleprocedures": {"DSN": None}})
    assert dropped.status_code == 200, dropped.json
    assert api.call("GET", f"/people/{person['id']}").json["person"]["roles"] == ["declarant:DSN"]
    user = gateway.find_user(person["username"])
    assert {r for r in gateway.user_realm_roles(user.id) if r.startswith("tp-")} == {"tp-dsn"}
