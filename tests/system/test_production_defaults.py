"""Production defaults (hardening issue): outside dev mode the dev SMS sink, the demo accounts and
the demo relying client are refused; every answer carries the security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from provisioner.app import create_app
from provisioner.cli import main
from provisioner.realms.config import load_realm_configs, variables_from
from provisioner.settings import REPO_ROOT, Settings

PRODUCTION = {
    "dev_mode": False,
    "secret_key": "s",
    "keycloak_client_secret": "k",
    "sms_gateway_secret": "g",
    "sms_provider": "twilio",
    "twilio_account_sid": "AC1",
    "twilio_from": "+33600000000",
}


def test_the_dev_sms_sink_is_refused_outside_dev_mode() -> None:
    with pytest.raises(ValidationError, match="PORTAIL_SMS_PROVIDER=dev"):
        Settings(**{**PRODUCTION, "sms_provider": "dev"})  # type: ignore[arg-type]
    assert Settings(**PRODUCTION).sms_provider == "twilio"  # type: ignore[arg-type]


def test_demo_data_is_refused_outside_dev_mode() -> None:
    env = {f"PORTAIL_{k.upper()}": str(v).lower() if isinstance(v, bool) else str(v) for k, v in PRODUCTION.items()}
    result = CliRunner().invoke(main, ["demo", "load"], env=env)
    assert result.exit_code != 0
    assert "development only" in result.output


def test_the_demo_relying_client_exists_only_in_dev_mode() -> None:
    variables = variables_from(Settings(dev_mode=True))

    def clients(dev_mode: bool) -> list[dict[str, Any]]:
        configs = load_realm_configs(REPO_ROOT / "keycloak-config", variables, dev_mode=dev_mode)
        assert len(configs) == 3  # every portal
        return [c for config in configs for c in config.clients]

    assert [c["clientId"] for c in clients(True)].count("portail-demo-app") == 3
    assert "portail-demo-app" not in {c["clientId"] for c in clients(False)}
    assert all("devOnly" not in c for c in clients(True))  # ours, never sent to Keycloak


@pytest.mark.parametrize("path", ["/", "/api/v1/accounts", "/api/v1/openapi.json", "/nowhere"])
def test_security_headers_on_every_answer(client: Any, path: str) -> None:
    headers = client.get(path).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # http here


def test_hsts_behind_https(tmp_path: Path) -> None:
    app = create_app(
        Settings(dev_mode=True, public_url="https://comptes.example.fr", database_url=f"sqlite:///{tmp_path / 'x.db'}")
    )
    assert "max-age=" in app.test_client().get("/nowhere").headers["Strict-Transport-Security"]
