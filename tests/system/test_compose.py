"""docker-compose.yml resolves to the production stack, on the pinned Keycloak, refusing to start
without its secrets.

Only ``docker compose config`` runs: it needs the docker client and its compose plugin, not a
Docker engine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]  # tests/system/ -> the repository

# Variables the stack cannot run without (``${NAME:?message}`` in docker-compose.yml).
REQUIRED = {
    "POSTGRES_PASSWORD": "test-postgres-superuser",
    "KEYCLOAK_DB_PASSWORD": "test-keycloak-db",
    "PROVISIONER_DB_PASSWORD": "test-provisioner-db",
    "KEYCLOAK_ADMIN_PASSWORD": "test-keycloak-admin",
    "KC_HOSTNAME": "https://connexion.example.test",
    "PORTAIL_PUBLIC_URL": "https://comptes.example.test",
    "PORTAIL_SECRET_KEY": "test-secret-key",
    "PORTAIL_KEYCLOAK_CLIENT_SECRET": "test-provisioner-client",
    "PORTAIL_ADMIN_UI_CLIENT_SECRET": "test-admin-ui-client",
    "PORTAIL_SMS_PROVIDER": "twilio",
    "PORTAIL_SMTP_HOST": "smtp.example.test",
    "PORTAIL_SMS_GATEWAY_SECRET": "test-sms-gateway",
}


def _compose_cli() -> list[str] | None:
    """The compose v2 plugin when present, else Debian's docker-compose (installed by make test)."""
    candidates = [["docker", "compose"]] if shutil.which("docker") else []
    if shutil.which("docker-compose"):
        candidates.append(["docker-compose"])
    for cli in candidates:
        probe = subprocess.run([*cli, "version"], capture_output=True, timeout=30, check=False)
        if probe.returncode == 0:
            return cli
    return None


COMPOSE = _compose_cli()
pytestmark = pytest.mark.skipif(
    COMPOSE is None,
    reason="neither `docker compose` nor `docker-compose` is installed (make test installs it)",
)


def _pinned_keycloak_version() -> str:
    for line in (REPO / ".env").read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        if name.strip() == "KEYCLOAK_VERSION":
            return value.strip()
    raise AssertionError(".env does not pin KEYCLOAK_VERSION")


def _compose_config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A clean environment: nothing of the caller's (a real KC_HOSTNAME, a COMPOSE_FILE) leaks in.
    # compose still reads KEYCLOAK_VERSION from .env in the project directory, as in production.
    base = {k: os.environ[k] for k in ("PATH", "HOME", "DOCKER_CONFIG") if k in os.environ}
    assert COMPOSE is not None
    json_flag = ["--format", "json"] if COMPOSE == ["docker", "compose"] else []
    return subprocess.run(
        [*COMPOSE, "-f", "docker-compose.yml", "config", *json_flag],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    result = _compose_config(REQUIRED)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]  # type: ignore[no-any-return]  # JSON is YAML


def test_the_stack_has_its_services(services: dict[str, Any]) -> None:
    assert set(services) == {
        "postgres",
        "keycloak",
        "provisioner-init",
        "provisioner",
        "provisioner-sync",
    }
    assert services["postgres"]["image"] == "postgres:16"


def test_keycloak_is_built_from_the_pinned_version(services: dict[str, Any]) -> None:
    build = services["keycloak"]["build"]
    assert build["dockerfile"] == "deploy/keycloak/Dockerfile"
    assert build["args"]["KEYCLOAK_VERSION"] == _pinned_keycloak_version()
    env = services["keycloak"]["environment"]
    assert env["KC_DB"] == "postgres"
    assert env["KC_DB_URL"] == "jdbc:postgresql://postgres:5432/keycloak"
    assert env["KC_PROXY_HEADERS"] == "xforwarded"
    assert env["KC_HOSTNAME"] == REQUIRED["KC_HOSTNAME"]
    assert env["KC_DB_PASSWORD"] == REQUIRED["KEYCLOAK_DB_PASSWORD"]
    assert env["KC_BOOTSTRAP_ADMIN_PASSWORD"] == REQUIRED["KEYCLOAK_ADMIN_PASSWORD"]


def test_long_running_services_have_healthchecks(services: dict[str, Any]) -> None:
    for name in ("postgres", "keycloak", "provisioner"):
        assert services[name].get("healthcheck", {}).get("test"), name
    keycloak_probe = " ".join(services["keycloak"]["healthcheck"]["test"])
    assert "9000" in keycloak_probe and "/health/ready" in keycloak_probe
    assert "/healthz" in " ".join(services["provisioner"]["healthcheck"]["test"])


def test_start_order(services: dict[str, Any]) -> None:
    def waits_for(service: str) -> dict[str, str]:
        depends = services[service]["depends_on"]
        return {name: spec["condition"] for name, spec in depends.items()}

    assert waits_for("keycloak") == {"postgres": "service_healthy"}
    assert waits_for("provisioner-init")["keycloak"] == "service_healthy"
    assert waits_for("provisioner") == {
        "keycloak": "service_healthy",
        "provisioner-init": "service_completed_successfully",
    }
    assert waits_for("provisioner-sync")["keycloak"] == "service_healthy"


def test_provisioner_runs_in_production_mode_on_its_own_database(
    services: dict[str, Any],
) -> None:
    for name in ("provisioner-init", "provisioner", "provisioner-sync"):
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/provisioner/Dockerfile", name
        env = service["environment"]
        assert env["PORTAIL_DEV_MODE"] == "false", name
        assert env["PORTAIL_DATABASE_URL"] == (
            "postgresql+psycopg://provisioner:test-provisioner-db@postgres:5432/provisioner"
        ), name
        assert env["PORTAIL_KEYCLOAK_URL"] == "http://keycloak:8080", name
        assert env["PORTAIL_KEYCLOAK_REALM"] == "portail-demo", name
        assert env["PORTAIL_KEYCLOAK_CLIENT_ID"] == "portail-provisioner", name
        assert env["PORTAIL_KEYCLOAK_CLIENT_SECRET"] == REQUIRED["PORTAIL_KEYCLOAK_CLIENT_SECRET"]
        assert env["PORTAIL_SECRET_KEY"] == REQUIRED["PORTAIL_SECRET_KEY"], name
    # The master-realm admin password goes to the one-shot realm apply only.
    assert "PORTAIL_KEYCLOAK_ADMIN_PASSWORD" in services["provisioner-init"]["environment"]
    assert "PORTAIL_KEYCLOAK_ADMIN_PASSWORD" not in services["provisioner"]["environment"]
    assert "PORTAIL_KEYCLOAK_ADMIN_PASSWORD" not in services["provisioner-sync"]["environment"]


def test_init_migrates_then_applies_the_realm_once(services: dict[str, Any]) -> None:
    init = services["provisioner-init"]
    assert init["restart"] == "no"
    command = " ".join(init["command"])
    assert command.index("provisioner db upgrade") < command.index("provisioner keycloak apply")
    assert services["provisioner-sync"]["command"] == ["provisioner", "sync"]


def test_published_ports_listen_on_loopback_for_the_reverse_proxy(
    services: dict[str, Any],
) -> None:
    for name, port in (("keycloak", 8080), ("provisioner", 5000)):
        (published,) = services[name]["ports"]
        if isinstance(published, str):  # docker-compose v1 keeps the short syntax
            assert published == f"127.0.0.1:{port}:{port}/tcp"
            continue
        assert published["target"] == port
        assert published["host_ip"] == "127.0.0.1"
    assert "ports" not in services["postgres"]


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_config_fails_naming_a_missing_secret(missing: str) -> None:
    env = {name: value for name, value in REQUIRED.items() if name != missing}
    result = _compose_config(env)
    assert result.returncode != 0, f"compose config accepted a missing {missing}"
    assert missing in result.stderr, result.stderr


def test_config_fails_without_any_secret() -> None:
    result = _compose_config({})
    assert result.returncode != 0
    assert "required" in result.stderr
    assert any(name in result.stderr for name in REQUIRED), result.stderr


def test_provisioner_checks_tokens_against_the_public_issuer(services: dict[str, Any]) -> None:
    for name in ("provisioner", "provisioner-sync"):
        assert services[name]["environment"]["PORTAIL_KEYCLOAK_PUBLIC_URL"] == REQUIRED["KC_HOSTNAME"]
