from typing import Any

import pytest

from provisioner.app import create_app
from provisioner.settings import Settings

pytestmark = pytest.mark.keycloak


def test_healthz_all_green(client: Any, realm: str) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["keycloak"]["ok"]
    assert body["checks"]["outbox"]["ok"] and body["checks"]["outbox"]["pending"] == 0
    served = ("caisse-demo", "declarants-demo", "portail-demo")
    assert tuple(body["checks"]["keycloak"]["portals"]) == tuple(body["checks"]["outbox"]["portals"]) == served
    assert all(check["ok"] for check in body["checks"]["keycloak"]["portals"].values())


def test_healthz_reports_a_portal_whose_realm_is_missing(settings: Settings, tmp_path: Any, database: Any) -> None:
    """A realm file not applied to Keycloak: that portal is down, the others are fine."""
    import shutil

    shutil.copytree(settings.keycloak_config_dir, tmp_path, dirs_exist_ok=True)
    (tmp_path / "realms" / "absent-demo.json").write_text(
        '{"realm": "absent-demo", "extends": "../portal-base.json", "settings": {}}', encoding="utf-8"
    )
    response = create_app(settings.model_copy(update={"keycloak_config_dir": tmp_path})).test_client().get("/healthz")
    assert response.status_code == 503
    portals = response.json["checks"]["keycloak"]["portals"]
    assert portals["absent-demo"]["ok"] is False and portals["portail-demo"]["ok"] is True


def test_healthz_reports_keycloak_down(settings: Settings, database: Any) -> None:
    down = create_app(settings.model_copy(update={"keycloak_url": "http://localhost:1"}))
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "degraded"
    assert response.json["checks"]["keycloak"]["ok"] is False
    assert response.json["checks"]["database"]["ok"] is True
