"""Applying keycloak-config/ to the real Keycloak is idempotent and never loses users."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from provisioner.catalogue import store
from provisioner.catalogue.realm_files import apply_realm_config
from provisioner.keycloak.gateway import KeycloakApiError
from provisioner.portals import read_realm_file
from provisioner.realms.config import load_realm_configs, variables_from
from provisioner.realms.services import apply_configs
from provisioner.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.keycloak


def _config_dir(
    tmp_path: Path,
    realm: str,
    *,
    teleprocedures: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> Path:
    raw = read_realm_file(REPO_ROOT / "keycloak-config" / "realms" / "portail-demo.json")  # with its base
    raw["realm"] = realm
    raw["settings"].update(overrides)
    if teleprocedures is not None:
        raw["portal"]["teleprocedures"] = teleprocedures
    (tmp_path / "realms").mkdir(exist_ok=True)
    (tmp_path / "realms" / f"{realm}.json").write_text(json.dumps(raw))
    return tmp_path


@pytest.fixture()
def scratch_realm(admin_rest: Any) -> Any:
    name = f"apply-{uuid.uuid4().hex[:8]}"
    yield name
    admin_rest.delete(f"admin/realms/{name}")


def test_shipped_config_is_applied_and_second_apply_changes_nothing(
    settings: Settings, admin_rest: Any, realm: str, database: Any
) -> None:
    configs = load_realm_configs(settings.keycloak_config_dir, variables_from(settings), dev_mode=True)
    assert apply_realm_config(settings) == []  # the realm files, with the database's catalogue
    actual = admin_rest.get(f"admin/realms/{realm}")
    assert actual["defaultLocale"] == "fr" and actual["loginTheme"] == "portail"
    assert actual["bruteForceProtected"] is True
    assert actual["smtpServer"]["port"] == str(settings.smtp_port)

    # What the teleprocedure catalogue implies is there too (and was part of "no change" above).
    base = f"admin/realms/{realm}"
    (demo,) = [c for c in configs if c.realm == realm]
    with database.session() as session:  # seeded from the file; other tests may have added more
        codes = [e.code for e in store.entries(session, realm)]
    assert {tp["code"] for tp in demo.portal["teleprocedures"]} <= set(codes)
    assert {"DSN", "DPAE", "DADS-U"} <= set(codes)
    roles = {r["name"] for r in admin_rest.get(f"{base}/roles")}
    assert {f"tp-{c.lower()}" for c in codes} <= roles
    scopes = {s["name"]: s for s in admin_rest.get(f"{base}/client-scopes")}
    assert scopes["portail-account"]["attributes"]["include.in.token.scope"] == "true"
    assert {m["config"]["claim.name"] for m in scopes["portail-account"]["protocolMappers"]} == {
        "account_id",
        "account_login",
        "account_kind",
        "account_identifier",
        "teleprocedures",
        "roles",
    }
    (dsn_mapper,) = scopes["tp-dsn"]["protocolMappers"]
    assert dsn_mapper["config"]["user.attribute"] == "portail.tp.dsn"
    assert dsn_mapper["config"]["claim.name"] == "document_types.DSN"
    (app,) = admin_rest.get(f"{base}/clients", clientId="portail-demo-app")
    defaults = {s["name"] for s in admin_rest.get(f"{base}/clients/{app['id']}/default-client-scopes")}
    assert defaults == {
        "acr",
        "basic",
        "email",
        "profile",
        "roles",
        "web-origins",
        "portail-account",
    }
    optional = {s["name"] for s in admin_rest.get(f"{base}/clients/{app['id']}/optional-client-scopes")}
    assert {f"tp-{c.lower()}" for c in codes} <= optional and "offline_access" in optional
    (admin_ui,) = admin_rest.get(f"{base}/clients", clientId="portail-admin-ui")
    ui_optional = {s["name"] for s in admin_rest.get(f"{base}/clients/{admin_ui['id']}/optional-client-scopes")}
    assert not any(name.startswith("tp-") for name in ui_optional)

    assert actual["browserFlow"] == "portail-browser"
    gates = _gates(admin_rest, realm)
    assert set(gates) == {f"tp-{c.lower()}" for c in codes}
    assert gates["tp-dpae"] == [
        ("conditional-client-scope", "REQUIRED", {"client_scope": "tp-dpae", "negate": "false"}),
        ("conditional-user-role", "REQUIRED", {"condUserRole": "tp-dpae", "negate": "true"}),
        ("portail-deny-teleprocedure", "REQUIRED", {"denyErrorMessage": "portail.tp-denied.dpae"}),
    ]
    assert "téléprocédure DPAE" in admin_rest.get(f"{base}/localization/fr")["portail.tp-denied.dpae"]


def _gates(admin_rest: Any, realm: str) -> dict[str, list[tuple[str, str, dict[str, str]]]]:
    """The teleprocedure gates of the portal's browser flow: role -> [(provider, requirement,
    config)]."""
    base = f"admin/realms/{realm}/authentication"
    gates: dict[str, list[tuple[str, str, dict[str, str]]]] = {}
    for execution in admin_rest.get(f"{base}/flows/portail-browser/executions"):
        if execution["level"] != 0 or not execution["displayName"].startswith("portail-browser tp-"):
            continue
        assert execution["requirement"] == "CONDITIONAL"
        steps = []
        for step in admin_rest.get(f"{base}/flows/{quote(execution['displayName'])}/executions"):
            config = admin_rest.get(f"{base}/config/{step['authenticationConfig']}")["config"]
            steps.append((step["providerId"], step["requirement"], config))
        gates[execution["displayName"].removeprefix("portail-browser ")] = steps
    return gates


def test_a_new_teleprocedure_gets_its_role_scope_and_gate(
    settings: Settings, admin_rest: Any, scratch_realm: str, tmp_path: Path
) -> None:
    variables = variables_from(settings)
    shipped = read_realm_file(REPO_ROOT / "keycloak-config" / "realms" / "portail-demo.json")
    catalogue = shipped["portal"]["teleprocedures"]
    apply_configs(admin_rest, load_realm_configs(_config_dir(tmp_path, scratch_realm), variables, dev_mode=True))
    base = f"admin/realms/{scratch_realm}"

    added = {
        "code": "AT-MP",
        "description": "Déclaration d'accident du travail",
        "recipients": ["CPAM"],
        "documentTypes": ["accident", "maladie-professionnelle"],
    }
    _config_dir(tmp_path, scratch_realm, teleprocedures=[*catalogue, added])
    changes = {str(c) for c in apply_configs(admin_rest, load_realm_configs(tmp_path, variables, dev_mode=True))}
    key = "portail.tp-denied.at-mp"
    assert changes == {
        f"{scratch_realm}: create role tp-at-mp",
        f"{scratch_realm}: create client-scope tp-at-mp",
        f"{scratch_realm}: add scope-link portail-demo-app/optional/tp-at-mp",
        f"{scratch_realm}: update localization de ({key})",
        f"{scratch_realm}: update localization en ({key})",
        f"{scratch_realm}: update localization fr ({key})",
        f"{scratch_realm}: update localization it ({key})",
        f"{scratch_realm}: add execution portail-browser/portail-browser tp-at-mp",
        f"{scratch_realm}: add execution portail-reset-credentials/portail-reset-credentials tp-at-mp",
    }
    assert admin_rest.get(f"{base}/roles/tp-at-mp")["description"].startswith("Téléprocédure AT-MP")
    (scope,) = [s for s in admin_rest.get(f"{base}/client-scopes") if s["name"] == "tp-at-mp"]
    assert scope["protocolMappers"][0]["config"]["claim.name"] == "document_types.AT-MP"
    assert _gates(admin_rest, scratch_realm)["tp-at-mp"][1] == (
        "conditional-user-role",
        "REQUIRED",
        {"condUserRole": "tp-at-mp", "negate": "true"},
    )
    # MessageFormat: the description's apostrophe is doubled so that Keycloak shows one.
    assert "(Déclaration d''accident du travail)" in admin_rest.get(f"{base}/localization/fr")[key]
    executions = admin_rest.get(f"{base}/authentication/flows/portail-browser/executions")
    assert [e["displayName"] for e in executions if e["level"] == 0][-1] == "portail-browser tp-at-mp"
    assert apply_configs(admin_rest, load_realm_configs(tmp_path, variables, dev_mode=True)) == []

    # Out of the catalogue: its gate and scope link go; role and scope stay (never deleted).
    _config_dir(tmp_path, scratch_realm, teleprocedures=catalogue)
    changes = {str(c) for c in apply_configs(admin_rest, load_realm_configs(tmp_path, variables, dev_mode=True))}
    assert changes == {
        f"{scratch_realm}: remove scope-link portail-demo-app/optional/tp-at-mp",
        f"{scratch_realm}: remove execution portail-browser/portail-browser tp-at-mp",
        f"{scratch_realm}: remove execution portail-reset-credentials/portail-reset-credentials tp-at-mp",
    }
    assert "tp-at-mp" not in _gates(admin_rest, scratch_realm)
    with pytest.raises(KeycloakApiError) as gone:  # the subflow itself is deleted, not just unlinked
        admin_rest.get(f"{base}/authentication/flows/{quote('portail-browser tp-at-mp')}/executions")
    assert gone.value.status == 404
    assert apply_configs(admin_rest, load_realm_configs(tmp_path, variables, dev_mode=True)) == []


def test_change_a_setting_keeps_users_groups_and_credentials(
    settings: Settings, admin_rest: Any, scratch_realm: str, tmp_path: Path
) -> None:
    variables = variables_from(settings)
    first = apply_configs(
        admin_rest, load_realm_configs(_config_dir(tmp_path, scratch_realm), variables, dev_mode=True)
    )
    assert any(c.kind == "realm" and c.action == "create" for c in first)
    assert apply_configs(admin_rest, load_realm_configs(tmp_path, variables, dev_mode=True)) == []

    base = f"admin/realms/{scratch_realm}"
    group_id = admin_rest.post(f"{base}/groups", {"name": "compte-test"})
    user_id = admin_rest.post(
        f"{base}/users",
        {
            "username": "keepme",
            "email": "keep@example.org",
            "firstName": "Keep",
            "lastName": "Me",
            "enabled": True,
        },
    )
    admin_rest.put(f"{base}/users/{user_id}/reset-password", {"type": "password", "value": "Garde2026"})
    admin_rest.put(f"{base}/users/{user_id}/groups/{group_id}", {})

    _config_dir(tmp_path, scratch_realm, displayName="Portail Modifié", failureFactor=3)
    changes = apply_configs(admin_rest, load_realm_configs(tmp_path, variables, dev_mode=True))
    assert [(c.kind, c.action, set(c.fields)) for c in changes] == [
        ("realm", "update", {"displayName", "failureFactor"})
    ]
    realm_rep = admin_rest.get(base)
    assert realm_rep["displayName"] == "Portail Modifié" and realm_rep["failureFactor"] == 3
    assert admin_rest.get(f"{base}/users/{user_id}")["username"] == "keepme"
    assert [g["name"] for g in admin_rest.get(f"{base}/users/{user_id}/groups")] == ["compte-test"]
    assert [c["type"] for c in admin_rest.get(f"{base}/users/{user_id}/credentials")] == ["password"]
    assert apply_configs(admin_rest, load_realm_configs(tmp_path, variables, dev_mode=True)) == []


def test_drift_made_by_hand_is_repaired(
    settings: Settings, admin_rest: Any, scratch_realm: str, tmp_path: Path
) -> None:
    variables = variables_from(settings)
    apply_configs(admin_rest, load_realm_configs(_config_dir(tmp_path, scratch_realm), variables, dev_mode=True))
    base = f"admin/realms/{scratch_realm}"
    (client,) = admin_rest.get(f"{base}/clients", clientId="portail-provisioner")
    sa_user = admin_rest.get(f"{base}/clients/{client['id']}/service-account-user")
    (rm,) = admin_rest.get(f"{base}/clients", clientId="realm-management")
    path = f"{base}/users/{sa_user['id']}/role-mappings/clients/{rm['id']}"
    extra = next(r for r in admin_rest.get(f"{base}/clients/{rm['id']}/roles") if r["name"] == "realm-admin")
    admin_rest.post(path, [extra])  # someone grants the service account too much
    admin_rest.put(f"{base}", {"bruteForceProtected": False})
    # ... and someone weakens the login flow: other browser flow, a gate switched off, a condition
    # inverted, the OTP step removed.
    admin_rest.put(f"{base}", {"browserFlow": "browser"})
    flows = f"{base}/authentication/flows"
    (gate,) = [
        e for e in admin_rest.get(f"{flows}/portail-browser/executions") if e["displayName"] == "portail-browser tp-dsn"
    ]
    admin_rest.put(f"{flows}/portail-browser/executions", {**gate, "requirement": "DISABLED"})
    role_step = next(
        e
        for e in admin_rest.get(f"{flows}/{quote('portail-browser tp-dpae')}/executions")
        if e["providerId"] == "conditional-user-role"
    )
    config = admin_rest.get(f"{base}/authentication/config/{role_step['authenticationConfig']}")
    admin_rest.put(
        f"{base}/authentication/config/{config['id']}",
        {**config, "config": {**config["config"], "negate": "false"}},
    )
    otp = next(
        e for e in admin_rest.get(f"{flows}/portail-browser/executions") if e.get("providerId") == "auth-otp-form"
    )
    admin_rest.delete(f"{base}/authentication/executions/{otp['id']}")

    changes = {str(c) for c in apply_configs(admin_rest, load_realm_configs(tmp_path, variables, dev_mode=True))}
    assert changes == {
        f"{scratch_realm}: remove service-role portail-provisioner (realm-admin)",
        f"{scratch_realm}: update realm {scratch_realm} (bruteForceProtected)",
        f"{scratch_realm}: update execution portail-browser/portail-browser tp-dsn (requirement)",
        f"{scratch_realm}: update authenticator-config tp-dpae-absent (config)",
        f"{scratch_realm}: add execution portail-browser second facteur/auth-otp-form",
        f"{scratch_realm}: update flow-binding portail-browser (browserFlow)",
    }
    assert "realm-admin" not in {r["name"] for r in admin_rest.get(path)}
    assert admin_rest.get(base)["browserFlow"] == "portail-browser"
    assert all(step[1] == "REQUIRED" for steps in _gates(admin_rest, scratch_realm).values() for step in steps)
    assert _gates(admin_rest, scratch_realm)["tp-dpae"][1][2]["negate"] == "true"
    assert apply_configs(admin_rest, load_realm_configs(tmp_path, variables, dev_mode=True)) == []


def test_dry_run_changes_nothing(settings: Settings, admin_rest: Any, scratch_realm: str, tmp_path: Path) -> None:
    configs = load_realm_configs(_config_dir(tmp_path, scratch_realm), variables_from(settings), dev_mode=True)
    changes = apply_configs(admin_rest, configs, dry_run=True)
    assert [str(c) for c in changes] == [f"{scratch_realm}: create realm {scratch_realm}"]
    assert scratch_realm not in {r["realm"] for r in admin_rest.get("admin/realms")}
    apply_configs(admin_rest, configs)  # so the fixture has something to delete
