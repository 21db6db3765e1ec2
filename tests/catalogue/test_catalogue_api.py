"""The teleprocedure catalogue through the API, against the real Keycloak.

Operators add, change and retire teleprocedures; each change reaches Keycloak (role, client scope,
login gate) through the outbox, and a real authorization-code login shows the result. Taking a
teleprocedure away from accounts is refused unless forced, and then audited account by account.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from provisioner.actors import Actor
from provisioner.catalogue import realm_files, store
from provisioner.catalogue import services as catalogue
from provisioner.context import Context
from provisioner.errors import InvalidInput
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.portals import Portal, read_realm_file
from provisioner.realms.config import RealmConfig
from provisioner.settings import REPO_ROOT, Settings
from tests.fixtures.oidc import Browser, assert_denied, claims, exchange, login

pytestmark = pytest.mark.keycloak


def _code() -> str:
    return f"T{uuid.uuid4().hex[:6].upper()}"


def _new(api: Any, code: str, types: list[str]) -> dict[str, Any]:
    response = api.call(
        "POST",
        "/teleprocedures",
        {
            "code": code,
            "description": f"Téléprocédure d'essai {code}",
            "recipients": ["URSSAF"],
            "document_types": types,
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["sync"]["status"] == "applied"
    return response.json["teleprocedure"]  # type: ignore[no-any-return]


def _gate_roles(gateway: KeycloakGateway) -> set[str]:
    executions = gateway.rest.get(f"admin/realms/{gateway.realm}/authentication/flows/portail-browser/executions")
    return {
        e["displayName"].removeprefix("portail-browser ")
        for e in executions
        if e["level"] == 0 and e["displayName"].startswith("portail-browser tp-")
    }


def _keycloak_objects(gateway: KeycloakGateway, code: str) -> dict[str, bool]:
    base = f"admin/realms/{gateway.realm}"
    name = f"tp-{code.lower()}"
    (app,) = gateway.rest.get(f"{base}/clients", clientId=gateway.settings.demo_app_client_id)
    return {
        "role": name in {r["name"] for r in gateway.rest.get(f"{base}/roles")},
        "scope": name in {s["name"] for s in gateway.rest.get(f"{base}/client-scopes")},
        "app_scope": name
        in {s["name"] for s in gateway.rest.get(f"{base}/clients/{app['id']}/optional-client-scopes")},
        "gate": name in _gate_roles(gateway),
    }


def test_a_new_teleprocedure_reaches_keycloak_and_relying_apps(
    api: Any, gateway: KeycloakGateway, login_as: Any, settings: Settings
) -> None:
    code = _code()
    created = _new(api, code, ["mensuelle", "annuelle"])
    assert created == {
        "code": code,
        "description": f"Téléprocédure d'essai {code}",
        "recipients": ["URSSAF"],
        "document_types": ["mensuelle", "annuelle"],
        "retired": False,
        "retired_at": None,
        "accounts": 0,
    }
    assert _keycloak_objects(gateway, code) == {"role": True, "scope": True, "app_scope": True, "gate": True}
    listed = {tp["code"]: tp for tp in api.call("GET", "/teleprocedures").json["items"]}
    assert code in listed and "DSN" in listed

    subscribed = api.principal({code: ["mensuelle"], "DSN": None})
    other = api.principal({"DSN": None})
    assert api.call("GET", f"/teleprocedures/{code}").json["teleprocedure"]["accounts"] == 1
    login_as(subscribed["login"])
    login_as(other["login"])
    with Browser() as browser:
        token = claims(
            settings,
            exchange(settings, login(browser, settings, f"openid tp-{code.lower()}", subscribed["login"]))[
                "access_token"
            ],
        )
    assert token["document_types"] == {code: ["mensuelle"]}
    assert sorted(token["teleprocedures"]) == sorted(["DSN", code])
    with Browser() as browser:
        assert_denied(login(browser, settings, f"openid tp-{code.lower()}", other["login"]), code)


def test_only_operators_change_the_catalogue_and_bad_input_is_explained(api: Any, login_as: Any) -> None:
    principal = api.principal({"DSN": None})
    admin = login_as(principal["login"])
    listed = api.call("GET", "/teleprocedures", headers=admin)
    assert listed.status_code == 200 and "accounts" not in listed.json["items"][0]
    body = {"code": _code(), "description": "Essai"}
    for method, path, payload in (
        ("POST", "/teleprocedures", body),
        ("PATCH", "/teleprocedures/DSN", {"description": "Piratée"}),
        ("DELETE", "/teleprocedures/DSN", None),
        ("GET", "/teleprocedures/DSN/audit", None),
    ):
        response = api.call(method, path, payload, headers=admin)
        assert response.status_code == 403, (method, path, response.json)
        assert response.json["error"]["code"] == "operator_only"
    assert api.call("GET", "/teleprocedures/DSN").json["teleprocedure"]["description"] != "Piratée"

    bad = api.call(
        "POST", "/teleprocedures", {"code": "d s n", "description": "A {0} B", "document_types": ["ok", "ok"]}
    )
    assert bad.status_code == 400
    assert bad.json["error"]["code"] == "validation_failed"
    fields = {p["field"] for p in bad.json["error"]["details"]["problems"]}
    assert fields == {"code", "description", "document_types"}
    duplicate = api.call("POST", "/teleprocedures", {"code": "dsn", "description": "Encore"})
    assert duplicate.status_code == 409 and duplicate.json["error"]["code"] == "teleprocedure_exists"
    missing = api.call("PATCH", "/teleprocedures/NOPE", {"description": "x"})
    assert missing.status_code == 404 and missing.json["error"]["code"] == "teleprocedure_not_found"
    unknown_field = api.call("PATCH", "/teleprocedures/DSN", {"code": "DSN2"})
    assert unknown_field.status_code == 400
    throwaway = _code()
    _new(api, throwaway, [])
    assert api.call("DELETE", f"/teleprocedures/{throwaway}?force=maybe").json["error"]["code"] == "invalid_parameter"
    assert api.call("GET", f"/teleprocedures/{throwaway.lower()}").json["teleprocedure"]["code"] == throwaway
    assert api.call("GET", "/teleprocedures?include_retired=true", headers=admin).status_code == 403


def test_retiring_a_subscribed_teleprocedure_is_refused_unless_forced(
    api: Any, gateway: KeycloakGateway, login_as: Any, settings: Settings
) -> None:
    code = _code()
    _new(api, code, ["normale"])
    principal = api.principal({code: None, "DSN": None}, secondary_quota=1)
    secondary = api.secondary(principal["id"], "etab", {code: None})
    assert secondary.status_code == 201, secondary.json

    refused = api.call("DELETE", f"/teleprocedures/{code}")
    assert refused.status_code == 409
    error = refused.json["error"]
    assert error["code"] == "teleprocedure_in_use" and "force=true" in error["message"]
    assert error["details"]["accounts"] == 2
    assert sorted(error["details"]["account_ids"]) == sorted([principal["id"], secondary.json["account"]["id"]])
    assert code in api.call("GET", f"/accounts/{principal['id']}").json["account"]["teleprocedures"]

    retired = api.call("DELETE", f"/teleprocedures/{code}?force=true")
    assert retired.status_code == 200, retired.json
    assert retired.json["teleprocedure"]["retired"] is True and retired.json["sync"]["status"] == "applied"
    assert list(api.call("GET", f"/accounts/{principal['id']}").json["account"]["teleprocedures"]) == ["DSN"]
    audit = api.call("GET", f"/accounts/{principal['id']}/audit").json["items"]
    assert audit[0]["action"] == "account.teleprocedures.withdrawn" and code in audit[0]["message"]
    holder = gateway.find_user(principal["login"])
    assert holder is not None
    assert f"tp-{code.lower()}" not in gateway.user_realm_roles(holder.id)
    assert f"portail.tp.{code.lower()}" not in holder.attributes
    assert _keycloak_objects(gateway, code) == {"role": False, "scope": False, "app_scope": False, "gate": False}
    assert {"tp-dsn", "tp-dpae"} <= _gate_roles(gateway)  # the other gates stay

    assert code not in {tp["code"] for tp in api.call("GET", "/teleprocedures").json["items"]}
    everything = {tp["code"]: tp for tp in api.call("GET", "/teleprocedures?include_retired=true").json["items"]}
    assert everything[code]["retired"] is True
    again = api.call("PUT", f"/accounts/{principal['id']}/teleprocedures", {"teleprocedures": {code: None}})
    assert again.status_code == 400 and again.json["error"]["code"] == "unknown_teleprocedure"
    assert api.call("DELETE", f"/teleprocedures/{code}").status_code == 200  # idempotent
    patched = api.call("PATCH", f"/teleprocedures/{code}", {"description": "Trop tard"})
    assert patched.status_code == 409 and patched.json["error"]["code"] == "teleprocedure_retired"
    texts = gateway.rest.get(f"admin/realms/{gateway.realm}/localization/fr")
    assert f"portail.tp-denied.{code.lower()}" not in texts and "portail.tp-denied.dsn" in texts
    admin = login_as(principal["login"])
    assert api.call("GET", f"/teleprocedures/{code}", headers=admin).status_code == 404

    # A relying app asking for the retired scope gets no code.
    with Browser() as browser:
        result = login(browser, settings, f"openid tp-{code.lower()}", principal["login"])
    assert result.code is None

    # Brought back: Keycloak objects again, history kept.
    _new(api, code, ["normale"])
    assert _keycloak_objects(gateway, code) == {"role": True, "scope": True, "app_scope": True, "gate": True}
    assert f"portail.tp-denied.{code.lower()}" in gateway.rest.get(f"admin/realms/{gateway.realm}/localization/fr")
    history = [e["action"] for e in api.call("GET", f"/teleprocedures/{code}/audit").json["items"]]
    assert history == ["teleprocedure.create", "teleprocedure.retire", "teleprocedure.create"]
    # Its role has a new id in Keycloak; subscribing again still grants it.
    again = api.call(
        "PUT", f"/accounts/{principal['id']}/teleprocedures", {"teleprocedures": {code: None, "DSN": None}}
    )
    assert again.status_code == 200 and again.json["sync"]["status"] == "applied"
    assert f"tp-{code.lower()}" in gateway.user_realm_roles(holder.id)


def test_removing_a_document_type_still_granted_is_refused_unless_forced(api: Any, gateway: KeycloakGateway) -> None:
    code = _code()
    _new(api, code, ["normale", "rectificative"])
    only_normal = api.principal({code: ["normale"]})
    both = api.principal({code: None})
    untouched = api.principal({code: ["rectificative"]})

    refused = api.call(
        "PATCH", f"/teleprocedures/{code}", {"document_types": ["rectificative"], "description": "Nouveau"}
    )
    assert refused.status_code == 409 and refused.json["error"]["code"] == "teleprocedure_in_use"
    assert refused.json["error"]["details"]["document_types"] == ["normale"]
    assert refused.json["error"]["details"]["accounts"] == 2
    kept = api.call("GET", f"/teleprocedures/{code}").json["teleprocedure"]
    assert kept["document_types"] == ["normale", "rectificative"] and kept["description"] != "Nouveau"

    changed = api.call(
        "PATCH", f"/teleprocedures/{code}?force=true", {"document_types": ["rectificative"], "description": "Nouveau"}
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["teleprocedure"]["document_types"] == ["rectificative"]
    selections = {
        a["login"]: api.call("GET", f"/accounts/{a['id']}").json["account"]["teleprocedures"]
        for a in (only_normal, both, untouched)
    }
    assert selections == {
        only_normal["login"]: {},
        both["login"]: {code: ["rectificative"]},
        untouched["login"]: {code: ["rectificative"]},
    }
    user = gateway.find_user(both["login"])
    assert user is not None and user.attributes[f"portail.tp.{code.lower()}"] == ["rectificative"]
    lost = gateway.find_user(only_normal["login"])
    assert lost is not None and f"tp-{code.lower()}" not in gateway.user_realm_roles(lost.id)
    description = gateway.rest.get(f"admin/realms/{gateway.realm}/roles/tp-{code.lower()}")["description"]
    assert description == f"Téléprocédure {code} : Nouveau"


def test_catalogue_change_during_a_keycloak_outage_is_applied_later(
    api: Any, app: Any, settings: Settings, gateway: KeycloakGateway, database: Any
) -> None:
    from provisioner.sync.worker import process

    code = _code()
    real = app.extensions["portail.keycloak"]
    app.extensions["portail.keycloak"] = KeycloakGateway(
        settings.model_copy(update={"keycloak_url": "http://localhost:1"})
    )
    try:
        response = api.call("POST", "/teleprocedures", {"code": code, "description": "Pendant la panne"})
        assert response.status_code == 201 and response.json["sync"]["status"] == "pending"
    finally:
        app.extensions["portail.keycloak"] = real
    assert _keycloak_objects(gateway, code)["role"] is False
    assert code in {tp["code"] for tp in api.call("GET", "/teleprocedures").json["items"]}  # saved
    assert process(database, gateway).pending == 0
    assert _keycloak_objects(gateway, code) == {"role": True, "scope": True, "app_scope": True, "gate": True}


def test_catalogue_drift_is_repaired(api: Any, gateway: KeycloakGateway, database: Any) -> None:
    from provisioner.catalogue.outbox import apply_catalogue

    code = _code()
    _new(api, code, [])
    base = f"admin/realms/{gateway.realm}"
    gateway.rest.delete(f"{base}/roles/tp-{code.lower()}")  # by hand, in the admin console
    with database.session() as session:
        assert f"{gateway.realm}: create role tp-{code.lower()}" in apply_catalogue(session, gateway)
        assert apply_catalogue(session, gateway) == []
    assert _keycloak_objects(gateway, code)["role"] is True


def test_the_realm_file_seeds_codes_once_and_never_brings_a_retired_one_back(database: Any) -> None:
    realm = f"seed-{uuid.uuid4().hex[:6]}"
    config = RealmConfig(
        realm=realm,
        source=Path(f"{realm}.json"),
        settings={},
        portal={"teleprocedures": [{"code": "ZZ", "description": "Essai", "documentTypes": ["a"]}]},
    )
    with database.session() as session:
        assert realm_files.seed(session, config) == ["ZZ"]
        assert realm_files.seed(session, config) == []
        ctx = Context(
            session, Portal(realm=realm, identifier_scheme="fr-siret", default_country="FR"), Actor.system("t")
        )
        catalogue.retire(ctx, "ZZ")
        assert realm_files.seed(session, config) == []
        assert store.entries(session, realm) == []
        assert [a.action for a in catalogue.history(session, realm, "ZZ")] == [
            "teleprocedure.retire",
            "teleprocedure.seed",
        ]
        bad = RealmConfig(
            realm=realm, source=Path("bad.json"), settings={}, portal={"teleprocedures": [{"code": "a b"}]}
        )
        with pytest.raises(InvalidInput) as error:
            realm_files.seed(session, bad)
        assert error.value.code == "bad_config" and "bad.json" in error.value.message
        session.rollback()


def test_dry_run_apply_shows_the_seed_and_writes_nothing(
    settings: Settings, gateway: KeycloakGateway, database: Any, tmp_path: Path
) -> None:
    from provisioner.catalogue.realm_files import apply_realm_config

    raw = read_realm_file(REPO_ROOT / "keycloak-config" / "realms" / "portail-demo.json")
    code = _code()
    raw["portal"]["teleprocedures"].append({"code": code, "description": "Nouvelle", "documentTypes": ["x"]})
    (tmp_path / "realms").mkdir()
    (tmp_path / "realms" / "portail-demo.json").write_text(json.dumps(raw), encoding="utf-8")
    changes = apply_realm_config(settings.model_copy(update={"keycloak_config_dir": tmp_path}), dry_run=True)
    assert f"portail-demo: seed teleprocedure {code}" in changes
    assert f"portail-demo: create role tp-{code.lower()}" in changes
    with database.session() as session:
        assert code not in {e.code for e in store.entries(session, "portail-demo", include_retired=True)}
    assert _keycloak_objects(gateway, code)["role"] is False
