"""Accounts through the JSON API, provisioned into the real Keycloak (rules 1-13, mapping)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.settings import Settings
from tests.fixtures.accounts import SIRET
from tests.fixtures.tokens import password_token

pytestmark = pytest.mark.keycloak


def _roles(gateway: KeycloakGateway, username: str) -> set[str]:
    user = gateway.find_user(username)
    assert user is not None
    return gateway.user_realm_roles(user.id)


def test_principal_and_secondary_show_up_in_keycloak(api: Any, gateway: KeycloakGateway, settings: Settings) -> None:
    principal = api.principal({"DSN": None, "DPAE": None})
    secondary = api.secondary(principal["id"], "cs1", {"DSN": ["mensuelle"]})
    assert secondary.status_code == 201, secondary.json
    assert secondary.json["account"]["login"] == f"cs1.{principal['login']}"

    group = gateway.find_group(principal["login"])
    assert group is not None and group.attributes["portail.identifier"] == [SIRET]
    members = {m["username"] for m in gateway.rest.get(f"admin/realms/{gateway.realm}/groups/{group.id}/members")}
    assert members == {principal["login"], f"cs1.{principal['login']}"}
    assert {"account-admin", "tp-dsn", "tp-dpae"} <= _roles(gateway, principal["login"])
    secondary_roles = _roles(gateway, f"cs1.{principal['login']}")
    assert "tp-dsn" in secondary_roles and "tp-dpae" not in secondary_roles and "account-admin" not in secondary_roles
    user = gateway.find_user(f"cs1.{principal['login']}")
    assert user is not None
    assert user.attributes["portail.teleprocedures"] == ["DSN"]
    assert user.attributes["portail.tp.dsn"] == ["mensuelle"]
    assert user.attributes["portail.account-kind"] == ["secondary"]


def test_rights_ceiling_and_cascade(api: Any, gateway: KeycloakGateway, login_as: Any) -> None:
    principal = api.principal({"DSN": None, "DPAE": None})
    refused = api.secondary(principal["id"], "cs2", {"AED": None})
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "rights_ceiling"
    assert "AED" in refused.json["error"]["details"]["exceeding"]

    created = api.secondary(principal["id"], "cs3", {"DSN": None, "DPAE": ["dpae"]})
    assert created.status_code == 201
    secondary_id = created.json["account"]["id"]
    dropped = api.call("PUT", f"/accounts/{principal['id']}/teleprocedures", {"teleprocedures": {"DPAE": None}})
    assert dropped.status_code == 200, dropped.json
    after = api.call("GET", f"/accounts/{secondary_id}").json["account"]
    assert after["teleprocedures"] == {"DPAE": ["dpae"]}
    assert "tp-dsn" not in _roles(gateway, f"cs3.{principal['login']}")
    audit = api.call("GET", f"/accounts/{secondary_id}/audit").json["items"]
    cascade = next(e for e in audit if e["action"] == "account.teleprocedures.cascade")
    assert "DSN" in cascade["message"] and cascade["before"]["teleprocedures"]["DSN"]


def test_mailbox_quota_deactivate_and_reactivate(api: Any, settings: Settings, login_as: Any) -> None:
    principal = api.principal({"DSN": None}, secondary_quota=1)
    first = api.secondary(principal["id"], "bal1", {}, has_mailbox=True)
    assert first.status_code == 201
    over = api.secondary(principal["id"], "bal2", {}, has_mailbox=True)
    assert over.status_code == 422 and over.json["error"]["code"] == "mailbox_quota_exceeded"
    without = api.secondary(principal["id"], "nobal", {})
    assert without.status_code == 201
    switch = api.call("PUT", f"/accounts/{without.json['account']['id']}/mailbox", {"has_mailbox": True})
    assert switch.status_code == 422 and switch.json["error"]["code"] == "mailbox_quota_exceeded"

    username = f"nobal.{principal['login']}"
    login_as(username)  # sets the test password, proves login works
    secondary_id = without.json["account"]["id"]
    assert api.call("POST", f"/accounts/{secondary_id}/deactivate").status_code == 200
    refused = password_token(settings, username)
    assert refused.status_code == 400 and "disabled" in refused.text.lower()
    listed = api.call("GET", f"/accounts/{principal['id']}/secondaries").json["items"]
    assert {a["login"]: a["status"] for a in listed}[username] == "closed"  # still listed, with its state
    assert api.call("POST", f"/accounts/{secondary_id}/reactivate").status_code == 200
    assert password_token(settings, username).status_code == 200


def test_switching_to_mailbox_forces_a_password_reset(api: Any, gateway: KeycloakGateway) -> None:
    principal = api.principal({}, secondary_quota=5)
    created = api.secondary(principal["id"], "sw", {})
    switched = api.call("PUT", f"/accounts/{created.json['account']['id']}/mailbox", {"has_mailbox": True})
    assert switched.status_code == 200 and switched.json["password_reset_required"] is True
    user = gateway.find_user(f"sw.{principal['login']}")
    assert user is not None
    assert "UPDATE_PASSWORD" in gateway.get_user(user.id).required_actions  # type: ignore[union-attr]


def test_errors_have_one_shape_and_name_the_rule(api: Any, principal_body: Any, new_login: Any) -> None:
    bad_siret = api.call("POST", "/accounts", principal_body(new_login(), {}, identifier="07955542100018"))
    assert bad_siret.status_code == 400
    assert bad_siret.json["error"]["code"] == "invalid_siret"
    login = new_login()
    assert api.call("POST", "/accounts", principal_body(login, {})).status_code == 201
    duplicate = api.call("POST", "/accounts", principal_body(login, {}))
    assert duplicate.status_code == 409 and duplicate.json["error"]["code"] == "duplicate_login"
    invalid = api.call("POST", "/accounts", {"login": "x"})
    assert invalid.status_code == 400 and invalid.json["error"]["code"] == "validation_failed"
    fields = {p["field"] for p in invalid.json["error"]["details"]["problems"]}
    assert {"identifier", "company_name", "responsible"} <= fields
    unknown = api.call("POST", "/accounts", principal_body(new_login(), {"XYZ": None}))
    assert unknown.json["error"]["code"] == "unknown_teleprocedure"


def test_bulk_create_reports_each_item(api: Any, gateway: KeycloakGateway, principal_body: Any, new_login: Any) -> None:
    good = [principal_body(new_login(), {"DSN": None}) for _ in range(3)]
    bad = principal_body(new_login(), {}, identifier="123")
    response = api.call("POST", "/accounts/bulk", {"items": [good[0], bad, good[1], good[2]]})
    assert response.status_code == 207
    assert [r["status"] for r in response.json["results"]] == [
        "created",
        "error",
        "created",
        "created",
    ]
    assert response.json["results"][1]["error"]["code"] == "invalid_siret"
    assert all(gateway.find_group(item["login"]) is not None for item in good)


def test_search_and_pagination(api: Any, principal_body: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    for i in range(3):
        api.call("POST", "/accounts", principal_body(f"s{tag}{i}", {}))
    page = api.call("GET", f"/accounts?q=s{tag}&per_page=2&page=2").json
    assert page["total"] == 3 and len(page["items"]) == 1 and page["page"] == 2
    assert api.call("GET", "/accounts?per_page=abc").json["error"]["code"] == "invalid_parameter"


def test_keycloak_outage_keeps_the_change_and_applies_it_later(
    api: Any, app: Any, settings: Settings, gateway: KeycloakGateway, database: Any, principal_body: Any, new_login: Any
) -> None:
    from provisioner.keycloak.gateway import KeycloakGateway as Gateway
    from provisioner.sync.worker import process

    real = app.extensions["portail.keycloak"]
    app.extensions["portail.keycloak"] = Gateway(settings.model_copy(update={"keycloak_url": "http://localhost:1"}))
    try:
        login = new_login()
        response = api.call("POST", "/accounts", principal_body(login, {"DSN": None}))
        assert response.status_code == 201
        assert response.json["sync"]["status"] == "pending"
        health = app.test_client().get("/healthz").json
        assert health["checks"]["outbox"]["pending"] >= 1 and health["status"] == "degraded"
    finally:
        app.extensions["portail.keycloak"] = real
    assert gateway.find_group(login) is None
    report = process(database, gateway)
    assert report.applied >= 1 and report.pending == 0
    assert gateway.find_group(login) is not None
    assert process(database, gateway).applied == 0  # nothing left, nothing applied twice
    groups = gateway.rest.get(f"admin/realms/{gateway.realm}/groups", search=login, exact="true")
    assert len(groups) == 1


def test_deactivation_ends_sessions(api: Any, gateway: KeycloakGateway, login_as: Any) -> None:
    principal = api.principal({"DSN": None}, secondary_quota=1)
    created = api.secondary(principal["id"], "sess", {"DSN": None})
    username = f"sess.{principal['login']}"
    login_as(username)  # opens a session in Keycloak
    user = gateway.find_user(username)
    assert user is not None
    sessions = f"admin/realms/{gateway.realm}/users/{user.id}/sessions"
    assert gateway.rest.get(sessions)
    assert api.call("POST", f"/accounts/{created.json['account']['id']}/deactivate").status_code == 200
    assert gateway.rest.get(sessions) == []
    assert gateway.get_user(user.id).enabled is False  # type: ignore[union-attr]


def test_reconciler_keeps_the_phone_enrolled_in_keycloak(api: Any, gateway: KeycloakGateway) -> None:
    principal = api.principal({"DSN": None})
    user = gateway.find_user(principal["login"])
    assert user is not None
    rep = gateway.rest.get(f"admin/realms/{gateway.realm}/users/{user.id}")
    rep["attributes"]["portail.phone"] = ["+41791112233"]
    gateway.update_user(user.id, rep)  # as the SMS enrolment required action does
    body = {"responsible": {"last_name": "DURAND", "first_name": "Paul", "email": f"{principal['login']}@example.org"}}
    assert api.call("PATCH", f"/accounts/{principal['id']}", body).json["sync"]["status"] == "applied"
    after = gateway.get_user(user.id)
    assert after is not None and after.last_name == "DURAND"
    assert after.attributes["portail.phone"] == ["+41791112233"]


def test_mfa_override_per_account_reaches_keycloak(api: Any, gateway: KeycloakGateway, login_as: Any) -> None:
    principal = api.principal({"DSN": None}, secondary_quota=1)
    secondary = api.secondary(principal["id"], "mfa", {}).json["account"]
    assert "portail.mfa" not in gateway.find_user(principal["login"]).attributes  # type: ignore[union-attr]
    changed = api.call("PATCH", f"/accounts/{principal['id']}", {"mfa_policy": "required"})
    assert changed.status_code == 200 and changed.json["account"]["mfa_policy"] == "required"
    assert gateway.find_user(principal["login"]).attributes["portail.mfa"] == ["required"]  # type: ignore[union-attr]
    assert gateway.find_user(secondary["login"]).attributes["portail.mfa"] == ["required"]  # type: ignore[union-attr]
    admin = login_as(principal["login"])
    relaxed = api.call("PATCH", f"/accounts/{principal['id']}", {"mfa_policy": "optional"}, headers=admin)
    assert relaxed.status_code == 403 and relaxed.json["error"]["code"] == "operator_only"


def test_deleting_a_secondary_or_a_collaborator_removes_its_keycloak_user(
    api: Any, gateway: KeycloakGateway, login_as: Any
) -> None:
    principal = api.principal({"DSN": None}, secondary_quota=1)
    secondary = api.secondary(principal["id"], "gone", {"DSN": None}).json["account"]
    admin = login_as(principal["login"])
    collaborator = api.call(
        "POST",
        f"/accounts/{principal['id']}/collaborators",
        {"email": f"c.{principal['login']}@example.org", "first_name": "Clé", "last_name": "MENT"},
        headers=admin,
    ).json["person"]
    group = gateway.find_group(principal["login"])
    assert group is not None
    foreign = gateway.rest.post(
        f"admin/realms/{gateway.realm}/users", {"username": f"f{principal['login']}", "enabled": True}
    )
    gateway.add_to_group(foreign, group.id)  # someone added by hand: not ours, left alone

    assert api.call("DELETE", f"/accounts/{secondary['id']}", headers=admin).json["sync"]["status"] == "applied"
    assert api.call("GET", f"/accounts/{secondary['id']}").status_code == 404
    assert gateway.find_user(secondary["login"]) is None
    assert api.call("DELETE", f"/people/{collaborator['id']}", headers=admin).status_code == 200
    assert gateway.find_user(collaborator["username"]) is None
    assert gateway.get_user(foreign) is not None
    audit = {e["action"] for e in api.call("GET", f"/accounts/{principal['id']}/audit").json["items"]}
    assert "person.deleted" in audit

    refused = api.call("DELETE", f"/accounts/{principal['id']}", headers=admin)
    assert refused.status_code == 422 and refused.json["error"]["code"] == "principal_not_deletable"
    holder = api.call("GET", f"/accounts/{principal['id']}/people").json["items"][0]
    refused_holder = api.call("DELETE", f"/people/{holder['id']}", headers=admin)
    assert refused_holder.status_code == 422 and refused_holder.json["error"]["code"] == "not_a_collaborator"
