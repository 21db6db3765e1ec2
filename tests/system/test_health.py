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
    assert body["checks"]["outbox"] == {"ok": True, "pending": 0}


def test_healthz_reports_keycloak_down(settings: Settings, database: Any) -> None:
    down = create_app(settings.model_copy(update={"keycloak_url": "http://localhost:1"}))
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "degraded"
    assert response.json["checks"]["keycloak"]["ok"] is False
    assert response.json["checks"]["database"]["ok"] is True
