"""Applying keycloak-config/ to the real Keycloak is idempotent and never loses users."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from provisioner.realms.config import load_realm_configs, variables_from
from provisioner.realms.services import apply_configs
from provisioner.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.keycloak


def _config_dir(tmp_path: Path, realm: str, **overrides: Any) -> Path:
    raw = json.loads((REPO_ROOT / "keycloak-config" / "realms" / "portail-demo.json").read_text())
    raw["realm"] = realm
    raw["settings"].update(overrides)
    (tmp_path / "realms").mkdir(exist_ok=True)
    (tmp_path / "realms" / f"{realm}.json").write_text(json.dumps(raw))
    return tmp_path


@pytest.fixture()
def scratch_realm(admin_rest: Any) -> Any:
    name = f"apply-{uuid.uuid4().hex[:8]}"
    yield name
    admin_rest.delete(f"admin/realms/{name}")


def test_shipped_config_is_applied_and_second_apply_changes_nothing(
    settings: Settings, admin_rest: Any, realm: str
) -> None:
    configs = load_realm_configs(settings.keycloak_config_dir, variables_from(settings))
    assert apply_configs(admin_rest, configs) == []
    actual = admin_rest.get(f"admin/realms/{realm}")
    assert actual["defaultLocale"] == "fr" and actual["loginTheme"] == "portail"
    assert actual["bruteForceProtected"] is True
    assert actual["smtpServer"]["port"] == str(settings.smtp_port)


def test_change_a_setting_keeps_users_groups_and_credentials(
    settings: Settings, admin_rest: Any, scratch_realm: str, tmp_path: Path
) -> None:
    variables = variables_from(settings)
    first = apply_configs(
        admin_rest, load_realm_configs(_config_dir(tmp_path, scratch_realm), variables)
    )
    assert any(c.kind == "realm" and c.action == "create" for c in first)
    assert apply_configs(admin_rest, load_realm_configs(tmp_path, variables)) == []

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
    admin_rest.put(
        f"{base}/users/{user_id}/reset-password", {"type": "password", "value": "Garde2026"}
    )
    admin_rest.put(f"{base}/users/{user_id}/groups/{group_id}", {})

    _config_dir(tmp_path, scratch_realm, displayName="Portail Modifié", failureFactor=3)
    changes = apply_configs(admin_rest, load_realm_configs(tmp_path, variables))
    assert [(c.kind, c.action, set(c.fields)) for c in changes] == [
        ("realm", "update", {"displayName", "failureFactor"})
    ]
    realm_rep = admin_rest.get(base)
    assert realm_rep["displayName"] == "Portail Modifié" and realm_rep["failureFactor"] == 3
    assert admin_rest.get(f"{base}/users/{user_id}")["username"] == "keepme"
    assert [g["name"] for g in admin_rest.get(f"{base}/users/{user_id}/groups")] == ["compte-test"]
    assert [c["type"] for c in admin_rest.get(f"{base}/users/{user_id}/credentials")] == [
        "password"
    ]
    assert apply_configs(admin_rest, load_realm_configs(tmp_path, variables)) == []


def test_drift_made_by_hand_is_repaired(
    settings: Settings, admin_rest: Any, scratch_realm: str, tmp_path: Path
) -> None:
    variables = variables_from(settings)
    apply_configs(admin_rest, load_realm_configs(_config_dir(tmp_path, scratch_realm), variables))
    base = f"admin/realms/{scratch_realm}"
    (client,) = admin_rest.get(f"{base}/clients", clientId="portail-provisioner")
    sa_user = admin_rest.get(f"{base}/clients/{client['id']}/service-account-user")
    (rm,) = admin_rest.get(f"{base}/clients", clientId="realm-management")
    path = f"{base}/users/{sa_user['id']}/role-mappings/clients/{rm['id']}"
    extra = next(
        r for r in admin_rest.get(f"{base}/clients/{rm['id']}/roles") if r["name"] == "manage-realm"
    )
    admin_rest.post(path, [extra])  # someone grants the service account too much
    admin_rest.put(f"{base}", {"bruteForceProtected": False})

    changes = {str(c) for c in apply_configs(admin_rest, load_realm_configs(tmp_path, variables))}
    assert f"{scratch_realm}: remove service-role portail-provisioner (manage-realm)" in changes
    assert f"{scratch_realm}: update realm {scratch_realm} (bruteForceProtected)" in changes
    assert "manage-realm" not in {r["name"] for r in admin_rest.get(path)}


def test_dry_run_changes_nothing(
    settings: Settings, admin_rest: Any, scratch_realm: str, tmp_path: Path
) -> None:
    configs = load_realm_configs(_config_dir(tmp_path, scratch_realm), variables_from(settings))
    changes = apply_configs(admin_rest, configs, dry_run=True)
    assert [str(c) for c in changes] == [f"{scratch_realm}: create realm {scratch_realm}"]
    assert scratch_realm not in {r["realm"] for r in admin_rest.get("admin/realms")}
    apply_configs(admin_rest, configs)  # so the fixture has something to delete
