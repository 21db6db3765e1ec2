"""``/access/v1``: the authorization API for relying apps, in the shape of the OpenID AuthZEN
Authorization API 1.0 (evaluation, evaluations, and its discovery document). The caller is a
relying app with its service account's token (client credentials, audience ``portail-authz``);
the portal is the realm of that token. See docs/authorization.md."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from provisioner.authorization import schemas, services
from provisioner.logs import get_logger
from provisioner.portals import load_portal
from provisioner.web.openapi import Answer, answers, spec
from provisioner.web.state import database, settings
from provisioner.web.tokens import relying_app

log = get_logger(__name__)
bp = Blueprint("authorization_api", __name__)
TAGS = ["authorization"]


@bp.before_request
def _caller() -> None:
    if request.endpoint != "authorization_api.metadata":
        relying_app()  # 401 unless a relying app's service-account token for this API


def _decide(evaluations: list[schemas.EvaluationIn]) -> list[services.Decision]:
    config = settings()
    portal = load_portal(config.keycloak_config_dir, config.keycloak_realm)
    questions = [services.Question(e.subject.id, e.resource.id, e.action.name) for e in evaluations]
    with database().read_sessions() as session:
        return services.evaluate(session, portal, questions)


def _out(decision: services.Decision) -> dict[str, object]:
    return {"decision": decision.allowed, "context": decision.context()}


@bp.post("/access/v1/evaluation")
@spec.validate(json=schemas.EvaluationIn, resp=answers(HTTP_200=schemas.DecisionOut), tags=TAGS)
def evaluation(json: schemas.EvaluationIn) -> Answer:
    """May the user (``subject.id``: its Keycloak id, the ``sub`` of its tokens) act for the
    establishment (``resource.id``: its SIRET or UID) under the teleprocedure (``action.name``)?
    ``context.reason`` says why or why not."""
    return jsonify(_out(_decide([json])[0]))


@bp.post("/access/v1/evaluations")
@spec.validate(json=schemas.EvaluationsIn, resp=answers(HTTP_200=schemas.DecisionsOut), tags=TAGS)
def evaluations(json: schemas.EvaluationsIn) -> Answer:
    """Many evaluations in one call, each completed by the request's defaults (``subject``,
    ``resource``, ``action``), answered in order; ``options.evaluations_semantic``
    ``deny_on_first_deny`` or ``permit_on_first_permit`` stops after the first such answer."""
    decisions = _decide(json.each())
    semantic = json.options.evaluations_semantic
    out = []
    for decision in decisions:
        out.append(_out(decision))
        if (semantic == "deny_on_first_deny" and not decision.allowed) or (
            semantic == "permit_on_first_permit" and decision.allowed
        ):
            break
    return jsonify({"evaluations": out})


@bp.get("/.well-known/authzen-configuration")
@spec.validate(resp=answers(HTTP_200=schemas.Metadata), tags=TAGS, security={})
def metadata() -> Answer:
    """The AuthZEN discovery document: where this decision point answers."""
    base = settings().public_url.rstrip("/")  # the portal's address, not what the Host header says
    return jsonify(
        {
            "policy_decision_point": base,
            "access_evaluation_endpoint": f"{base}/access/v1/evaluation",
            "access_evaluations_endpoint": f"{base}/access/v1/evaluations",
        }
    )
