"""``POST /api/v1/filings``: a relying app reports a filing by a firm (its service account's
token, as for the authorization API: docs/authorization.md). An establishment the firm did not
have appears in its portfolio "to complete"; a filing for a client under mandate is a use of the
mandate, in the firm's audit log."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from provisioner.actors import Actor
from provisioner.mandates import services as mandates
from provisioner.portfolios import schemas
from provisioner.portfolios import services as portfolios
from provisioner.web.api import commit_and_sync, portal_context
from provisioner.web.openapi import Answer, answers, spec
from provisioner.web.tokens import relying_app

bp = Blueprint("filings_api", __name__, url_prefix="/api/v1")


@bp.before_request
def _relying_app() -> None:
    g.relying_app = relying_app()  # 401 before the body is read: a relying app's service account only


@bp.post("/filings")
@spec.validate(
    json=schemas.FilingIn, resp=answers(HTTP_200=schemas.FilingOut, HTTP_201=schemas.FilingOut), tags=["portfolio"]
)
def report_filing(json: schemas.FilingIn) -> Answer:
    """A relying app reports a filing by a firm (its account, or one of its people): an
    establishment the firm did not have appears in its portfolio "to complete" (201)."""
    ctx = portal_context(Actor(name=f"app:{g.relying_app}"))
    entry, added = portfolios.report_filing(ctx, json)
    mandates.record_use(ctx, entry.firm_id, entry.identifier, json.teleprocedure.upper(), json.filed_on)
    commit_and_sync()  # the app learns no more of the firm's portfolio than what it reported
    return jsonify({"establishment_id": entry.id, "added": added}), 201 if added else 200
