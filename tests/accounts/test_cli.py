"""The ``provisioner`` CLI against the test database and the real Keycloak."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from provisioner.accounts.io import read_records
from provisioner.cli import main
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.settings import Settings

pytestmark = pytest.mark.keycloak


@pytest.fixture()
def cli(settings: Settings, realm: str, database: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    env = {
        "PORTAIL_DEV_MODE": "true",
        "PORTAIL_DATABASE_URL": settings.database_url,
        "PORTAIL_KEYCLOAK_URL": settings.keycloak_url,
        "PORTAIL_KEYCLOAK_ADMIN_PASSWORD": settings.keycloak_admin_password.get_secret_value(),
        "PORTAIL_PUBLIC_URL": settings.public_url,
        "PORTAIL_SMTP_PORT": str(settings.smtp_port),
        "PORTAIL_LOG_LEVEL": "WARNING",
    }
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return run


def _csv(tmp_path: Path, rows: list[str]) -> Path:
    header = "login;identifier;company_name;status;responsible_last_name;responsible_first_name;responsible_email;teleprocedures"
    path = tmp_path / "accounts.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_import_reports_each_row_and_provisions_keycloak(cli: Any, tmp_path: Path, gateway: KeycloakGateway) -> None:
    tag = uuid.uuid4().hex[:6]
    path = _csv(
        tmp_path,
        [
            f"i{tag}a;07955542100019;SOCIETE A;open;DUPONT;Pierre;a{tag}@example.org;DSN:mensuelle;DPAE",
            f"i{tag}b;07955542100018;SOCIETE B;open;DUPONT;Paul;b{tag}@example.org;DSN",
            f"i{tag}c;42872048600011;SOCIETE C;open;MARTIN;Léa;c{tag}@example.org;",
        ],
    )
    result = cli("accounts", "import", str(path), "--report", str(tmp_path / "report.json"))
    assert result.exit_code == 1  # one row rejected
    assert "2 created, 1 rejected" in result.output
    report = json.loads((tmp_path / "report.json").read_text())
    assert [r["status"] for r in report] == ["created", "error", "created"]
    assert report[1]["error"]["code"] == "invalid_siret"
    assert gateway.find_group(f"i{tag}a") is not None and gateway.find_group(f"i{tag}b") is None
    user = gateway.find_user(f"i{tag}a")
    assert user is not None and user.attributes["portail.tp.dsn"] == ["mensuelle"]

    listed = cli("accounts", "list", "--q", f"i{tag}", "--format", "json")
    assert {a["login"] for a in json.loads(listed.output)} == {f"i{tag}a", f"i{tag}c"}
    exported = cli("accounts", "export", "--format", "csv")
    again = {r["login"]: r for r in read_records(exported.output, "csv")}
    assert again[f"i{tag}a"]["teleprocedures"]["DSN"] == ["mensuelle"]
    assert again[f"i{tag}a"]["responsible"]["email"] == f"a{tag}@example.org"
    as_json = cli("accounts", "export", "--format", "json")
    assert any(r["login"] == f"i{tag}c" for r in json.loads(as_json.output))


def test_reconcile_repairs_drift_and_is_idempotent(cli: Any, tmp_path: Path, gateway: KeycloakGateway) -> None:
    tag = uuid.uuid4().hex[:6]
    login = f"r{tag}"
    cli(
        "accounts",
        "import",
        str(
            _csv(
                tmp_path,
                [f"{login};07955542100019;DRIFT;open;DUPONT;Jean;{login}@example.org;DSN;DPAE"],
            )
        ),
    )
    account_id = json.loads(cli("accounts", "list", "--q", login, "--format", "json").output)[0]["id"]
    user = gateway.find_user(login)
    group = gateway.find_group(login)
    assert user is not None and group is not None
    gateway.remove_realm_roles(user.id, {"tp-dsn"})  # a role removed by hand
    gateway.update_group(group, {**group.attributes, "portail.company-name": ["CHANGED BY HAND"]})
    result = cli("reconcile", "--account", str(account_id))
    assert f"user {login}: roles granted ['tp-dsn']" in result.output
    assert f"group {login}: attributes updated" in result.output
    assert "tp-dsn" in gateway.user_realm_roles(user.id)

    gateway.rest.delete(f"admin/realms/{gateway.realm}/users/{user.id}")  # a user deleted by hand
    result = cli("reconcile", "--account", str(account_id))
    assert f"user {login}: missing in Keycloak, recreated" in result.output
    recreated = gateway.find_user(login)
    assert recreated is not None and "UPDATE_PASSWORD" in recreated.required_actions
    assert "no changes" in cli("reconcile", "--account", str(account_id)).output


def test_reconcile_leaves_foreign_objects_alone_and_repairs_the_catalogue(
    cli: Any, gateway: KeycloakGateway, api: Any
) -> None:
    name = f"foreign{uuid.uuid4().hex[:6]}"
    gateway.rest.post(f"admin/realms/{gateway.realm}/users", {"username": name, "enabled": True})
    code = f"R{uuid.uuid4().hex[:6].upper()}"
    assert api.call("POST", "/teleprocedures", {"code": code, "description": "Réparée"}).status_code == 201
    base = f"admin/realms/{gateway.realm}"
    (scope,) = [s for s in gateway.rest.get(f"{base}/client-scopes") if s["name"] == f"tp-{code.lower()}"]
    gateway.rest.delete(f"{base}/client-scopes/{scope['id']}")  # by hand, in the admin console
    result = cli("reconcile")
    assert name not in result.output
    assert f"create client-scope tp-{code.lower()}" in result.output
    assert f"add scope-link portail-demo-app/optional/tp-{code.lower()}" in result.output
    user = gateway.find_user(name)
    assert user is not None and user.enabled and not user.owned


def test_bad_create_file_gives_a_clear_error(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"login": "x y"}))
    result = CliRunner().invoke(main, ["accounts", "create", str(path)], env={"PORTAIL_DEV_MODE": "true"})
    assert result.exit_code != 0
    assert "validation_failed" in result.output


def test_sync_worker_applies_what_was_kept_during_an_outage(
    cli: Any, tmp_path: Path, gateway: KeycloakGateway, settings: Settings
) -> None:
    login = f"o{uuid.uuid4().hex[:6]}"
    path = _csv(tmp_path, [f"{login};07955542100019;OUTAGE;open;DUPONT;Jean;{login}@example.org;DSN"])
    runner = CliRunner()
    down = {
        "PORTAIL_DEV_MODE": "true",
        "PORTAIL_DATABASE_URL": settings.database_url,
        "PORTAIL_KEYCLOAK_URL": "http://localhost:1",  # Keycloak unreachable
        "PORTAIL_LOG_LEVEL": "WARNING",
    }
    imported = runner.invoke(main, ["accounts", "import", str(path)], env=down, catch_exceptions=False)
    assert "kept in the outbox" in imported.output
    assert runner.invoke(main, ["sync", "--once"], env=down, catch_exceptions=False).exit_code == 1  # still pending
    assert gateway.find_group(login) is None
    result = cli("sync", "--once")
    assert result.exit_code == 0 and "pending 0" in result.output
    assert gateway.find_group(login) is not None


def test_keycloak_apply_on_a_database_not_migrated_says_what_to_do(settings: Settings, tmp_path: Path) -> None:
    env = {
        "PORTAIL_DEV_MODE": "true",
        "PORTAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}",
        "PORTAIL_KEYCLOAK_URL": settings.keycloak_url,
        "PORTAIL_PUBLIC_URL": settings.public_url,
        "PORTAIL_LOG_LEVEL": "WARNING",
    }
    result = CliRunner().invoke(main, ["keycloak", "apply", "--dry-run"], env=env)
    assert result.exit_code == 1
    assert "run `provisioner db upgrade` first" in result.output
