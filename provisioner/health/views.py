"""``GET /healthz``: database, Keycloak and the sync outbox backlog, for probes and humans; Keycloak
and the backlog portal by portal (a realm missing from Keycloak is one portal down)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from provisioner.sync.outbox import backlog
from provisioner.web.state import database, deployment

bp = Blueprint("health", __name__)


def _database() -> dict[str, Any]:
    try:
        with database().read_sessions() as session:  # a probe takes no write lock
            session.execute(text("SELECT 1"))
            pending = {realm: backlog(session, realm) for realm in deployment().portal_realms}
    except Exception as exc:  # noqa: BLE001 - a health check reports, it does not raise
        return {"database": {"ok": False, "error": type(exc).__name__}, "outbox": {"ok": False}}
    return {"database": {"ok": True}, "outbox": {"ok": True, "pending": sum(pending.values()), "portals": pending}}


def _keycloak() -> dict[str, Any]:
    gateway = current_app.extensions["portail.keycloak"]
    portals = {realm: gateway.for_realm(realm).check() for realm in deployment().portal_realms}
    return {"ok": all(check["ok"] for check in portals.values()), "portals": portals}


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    checks = _database()
    checks["keycloak"] = _keycloak()
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "degraded", "checks": checks}
    return jsonify(body), 200 if healthy else 503
