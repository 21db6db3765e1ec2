"""Realm configuration files: loading, placeholders, and the diff that makes apply idempotent."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from provisioner.errors import InvalidInput
from provisioner.portals import read_realm_file
from provisioner.realms.config import RealmConfig, load_realm_configs, variables_from
from provisioner.realms.services import changed_fields, differs
from provisioner.realms.teleprocedures import with_teleprocedures
from provisioner.settings import REPO_ROOT, Settings


def test_shipped_config_loads_with_settings_placeholders() -> None:
    settings = Settings(dev_mode=True, public_url="https://portail.example", smtp_port=2600)
    (demo,) = [
        c
        for c in load_realm_configs(REPO_ROOT / "keycloak-config", variables_from(settings), dev_mode=True)
        if c.realm == "portail-demo"
    ]
    assert demo.settings["defaultLocale"] == "fr"
    assert demo.settings["supportedLocales"] == ["fr", "de", "it", "en"]
    assert demo.settings["smtpServer"]["port"] == "2600"
    app = next(c for c in demo.clients if c["clientId"] == "portail-demo-app")
    assert app["redirectUris"] == ["https://portail.example/demo-app/callback"]
    assert app["attributes"]["pkce.code.challenge.method"] == "S256"
    provisioner = next(c for c in demo.clients if c["clientId"] == "portail-provisioner")
    # Its own realm only, nothing of master: users and groups (accounts), realm and clients (the
    # teleprocedure catalogue's roles, client scopes and login gates, re-applied when operators
    # change the catalogue through the API).
    assert sorted(provisioner["serviceAccountRoles"]) == ["realm-management"]
    assert set(provisioner["serviceAccountRoles"]["realm-management"]) == {
        "manage-users",
        "manage-realm",
        "manage-clients",
        "view-users",
        "query-users",
        "query-groups",
        "view-realm",
        "view-clients",
    }


def test_unknown_placeholder_is_named(tmp_path: Path) -> None:
    (tmp_path / "realms").mkdir()
    (tmp_path / "realms" / "x.json").write_text(json.dumps({"realm": "x", "settings": {"displayName": "${nope}"}}))
    with pytest.raises(InvalidInput, match=r"\$\{nope\}"):
        load_realm_configs(tmp_path, {"public_url": "u"}, dev_mode=True)


def test_a_second_portal_is_a_second_file(tmp_path: Path) -> None:
    (tmp_path / "realms").mkdir()
    for name in ("a", "b"):
        (tmp_path / "realms" / f"{name}.json").write_text(json.dumps({"realm": name, "settings": {}}))
    assert [c.realm for c in load_realm_configs(tmp_path, {}, dev_mode=True)] == ["a", "b"]


@pytest.mark.parametrize(
    ("desired", "actual", "expected"),
    [
        ({"a": 1}, {"a": 1, "b": 2}, False),  # keys we do not manage are left alone
        ({"a": 1}, {"a": 2}, True),
        ({"port": 2525}, {"port": "2525"}, False),  # Keycloak returns some numbers as strings
        (["fr", "de"], ["de", "fr"], False),
        (["fr", "de"], ["fr"], True),
        ({"attrs": {"x": "1"}}, {"attrs": {"x": "1", "y": "2"}}, False),
        (True, "true", True),
        ({"a": None}, {}, False),
    ],
)
def test_differs(desired: object, actual: object, expected: bool) -> None:
    assert differs(desired, actual) is expected


def test_changed_fields_lists_only_differences() -> None:
    assert changed_fields({"a": 1, "b": 2, "c": [1]}, {"a": 1, "b": 3, "c": [1]}) == ("b",)


def _demo(tmp_path: Path | None = None, **portal: object) -> RealmConfig:
    settings = Settings(dev_mode=True, public_url="https://portail.example")
    config_dir = REPO_ROOT / "keycloak-config"
    if tmp_path is not None:
        raw = read_realm_file(config_dir / "realms" / "portail-demo.json")  # with its base: stands alone
        raw["portal"].update(portal)
        (tmp_path / "realms").mkdir()
        (tmp_path / "realms" / "portail-demo.json").write_text(json.dumps(raw))
        config_dir = tmp_path
    (demo,) = [
        c for c in load_realm_configs(config_dir, variables_from(settings), dev_mode=True) if c.realm == "portail-demo"
    ]
    return demo


def test_the_catalogue_gives_a_role_a_scope_and_a_gate_per_teleprocedure() -> None:
    demo = _demo()
    codes = [tp["code"] for tp in demo.portal["teleprocedures"]]
    assert "DADS-U" in codes
    derived = with_teleprocedures(demo)

    roles = {r["name"]: r for r in derived.roles}
    assert {"account-admin", "portal-operator", "tp-dsn", "tp-dads-u"} <= set(roles)
    assert roles["tp-dsn"]["description"] == "Téléprocédure DSN : Déclaration Sociale Nominative"

    scopes = {s["name"]: s for s in derived.client_scopes}
    assert set(scopes) == {"portail-account", "portail-api", "portail-authz", *(f"tp-{c.lower()}" for c in codes)}
    (mapper,) = scopes["tp-dads-u"]["protocolMappers"]
    assert mapper["config"]["user.attribute"] == "portail.tp.dads-u"
    assert mapper["config"]["claim.name"] == "document_types.DADS-U"
    assert mapper["config"]["multivalued"] == "true"
    assert scopes["tp-dads-u"]["attributes"]["include.in.token.scope"] == "true"
    account_claims = {m["config"]["claim.name"]: m for m in scopes["portail-account"]["protocolMappers"]}
    assert set(account_claims) == {
        "account_id",
        "account_login",
        "account_kind",
        "account_identifier",
        "teleprocedures",
        "roles",
    }
    assert account_claims["teleprocedures"]["config"]["user.attribute"] == "portail.teleprocedures"
    assert account_claims["roles"]["protocolMapper"] == "oidc-usermodel-realm-role-mapper"

    clients = {c["clientId"]: c for c in derived.clients}
    assert "teleprocedureScopes" not in clients["portail-demo-app"]
    assert clients["portail-demo-app"]["optionalClientScopes"][-len(codes) :] == [f"tp-{c.lower()}" for c in codes]
    assert "portail-account" in clients["portail-admin-ui"]["defaultClientScopes"]
    # The authorization API's audience, asked for by a relying app's service account (optional).
    (audience,) = scopes["portail-authz"]["protocolMappers"]
    assert audience["config"]["included.custom.audience"] == "portail-authz"
    assert "portail-authz" in clients["portail-demo-app"]["optionalClientScopes"]
    assert clients["portail-demo-app"]["serviceAccountsEnabled"] is True
    assert "optionalClientScopes" not in clients["portail-admin-ui"]

    flow, reset, admin = derived.authentication_flows
    assert reset["alias"] == "portail-reset-credentials" and reset["bindAs"] == "resetCredentialsFlow"
    # The reset signs the user in to the app that asked: the same gates as the login.
    assert [e["flow"] for e in reset["executions"] if "flow" in e][-len(codes) :] == [
        f"portail-reset-credentials tp-{c.lower()}" for c in codes
    ]
    # The administration UI's own flow: the SMS step for everyone, whatever the account's policy.
    assert clients["portail-admin-ui"]["browserFlow"] == admin["alias"] == "portail-admin-browser"
    (sms,) = [e for e in admin["executions"] if e["authenticator"] == "portail-sms-authenticator"]
    assert sms["config"]["enforced"] == "true" and sms["requirement"] == "REQUIRED"
    assert flow["alias"] == "portail-browser" and flow["bindAs"] == "browserFlow"
    top = flow["executions"]
    assert top[0]["flow"] == "portail-browser authentification" and top[0]["requirement"] == "REQUIRED"
    gates = {g["flow"]: g for g in top[1:]}
    assert list(gates) == [f"portail-browser tp-{c.lower()}" for c in codes]
    dpae = gates["portail-browser tp-dpae"]
    assert dpae["requirement"] == "CONDITIONAL"
    assert [(e["authenticator"], e["config"]) for e in dpae["executions"]] == [
        ("conditional-client-scope", {"client_scope": "tp-dpae", "negate": "false"}),
        ("conditional-user-role", {"condUserRole": "tp-dpae", "negate": "true"}),
        ("portail-deny-teleprocedure", {"denyErrorMessage": "portail.tp-denied.dpae"}),
    ]
    assert set(derived.localization) == {"fr", "en", "de", "it"}
    # The description's ASCII apostrophe is doubled for Java's MessageFormat.
    assert "(Déclaration Préalable à l''Embauche (ex DUE))" in derived.localization["fr"]["portail.tp-denied.dpae"]
    assert derived.localization["en"]["portail.tp-denied.dsn"].startswith("Access denied")
    # The file itself is left as written.
    assert {"generated": "teleprocedure-gates"} in demo.authentication_flows[0]["executions"]


@pytest.mark.parametrize("code", ["dsn", "DSN X", "", "D.S.N"])
def test_a_teleprocedure_code_must_make_clean_names(tmp_path: Path, code: str) -> None:
    demo = _demo(tmp_path, teleprocedures=[{"code": code, "description": "x", "documentTypes": []}])
    with pytest.raises(InvalidInput, match="teleprocedure code"):
        with_teleprocedures(demo)


def test_teleprocedure_scopes_without_gates_are_refused(tmp_path: Path) -> None:
    demo = _demo(tmp_path)
    flow, *others = demo.authentication_flows
    ungated = {**flow, "executions": [e for e in flow["executions"] if "generated" not in e]}
    with pytest.raises(InvalidInput, match="teleprocedure-gates"):
        with_teleprocedures(replace(demo, authentication_flows=[ungated, *others]))


def test_a_derived_role_declared_by_hand_is_refused(tmp_path: Path) -> None:
    demo = _demo(tmp_path)
    with pytest.raises(InvalidInput, match="tp-dsn"):
        with_teleprocedures(replace(demo, roles=[*demo.roles, {"name": "tp-dsn"}]))


def test_a_flow_description_keycloak_would_refuse_is_named(tmp_path: Path) -> None:
    (tmp_path / "realms").mkdir()
    flow = {"alias": "f", "executions": [{"flow": "sub", "requirement": "REQUIRED", "description": "x" * 256}]}
    (tmp_path / "realms" / "a.json").write_text(
        json.dumps({"realm": "a", "settings": {}, "authenticationFlows": [flow]})
    )
    with pytest.raises(InvalidInput, match="'sub' is longer than 255"):
        load_realm_configs(tmp_path, {})
