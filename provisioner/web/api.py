"""JSON API plumbing: the services' context for a bearer token, bodies and parameters, and
"commit, then apply to Keycloak" (a change is saved first, never lost)."""

from __future__ import annotations

from typing import Any

from flask import g

from provisioner.context import Context
from provisioner.errors import UpstreamUnavailable
from provisioner.logs import get_logger
from provisioner.portals import load_portal
from provisioner.sync import worker
from provisioner.sync.outbox import tracked_now
from provisioner.web.state import database, db_session, gateway, portal, settings
from provisioner.web.tokens import current_actor

log = get_logger(__name__)
INLINE_ITEMS = 50  # a bulk request applies this many accounts at once; the sync worker does the rest


def portal_context(actor: Any) -> Context:
    """The services' context for this request's portal and ``actor``."""
    config = settings()
    return Context(db_session(), load_portal(config.keycloak_config_dir, config.keycloak_realm), actor)


def authenticate() -> None:
    """Every API blueprint's ``before_request``: the bearer token is checked before the request's
    input, so an unauthenticated caller learns nothing of the API's rules."""
    g.api_actor = current_actor()


def api_context() -> Context:
    return portal_context(g.get("api_actor") or current_actor())


def commit_and_sync() -> dict[str, Any]:
    """Save first (never lost), then apply this change's Keycloak work at once (with any work that
    goes first and is still waiting, e.g. the catalogue: accounts may need its roles); what is not
    applied now stays in the outbox for the sync worker."""
    session = db_session()
    now, mine = tracked_now(session)
    session.commit()
    if not mine:
        return {"status": "applied"}
    try:
        ids = sorted({*now[:INLINE_ITEMS], *worker.waiting_first(database(), portal())})
        report = worker.process(database(), gateway(), item_ids=ids)
        done = worker.applied(database(), mine)
    except UpstreamUnavailable:
        report, done = None, False
    except Exception as exc:  # noqa: BLE001 - the change is committed: it is pending, never a 500
        log.warning("sync.inline_failed", error=f"{type(exc).__name__}: {exc}")
        report, done = None, False
    if done:
        return {"status": "applied"}
    if report is None or report.upstream_down:
        message = "Modification enregistrée ; Keycloak est indisponible, elle sera appliquée dès son retour."
    elif len(now) > INLINE_ITEMS or len(now) < len(mine):
        message = "Modification enregistrée ; le service de synchronisation termine de l'appliquer dans Keycloak."
    else:
        message = "Modification enregistrée ; elle n'a pas encore pu être appliquée dans Keycloak et sera retentée."
    return {"status": "pending", "message": message}
