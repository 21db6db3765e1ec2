"""``/access/v1``: the authorization API for relying apps, in the shape of the OpenID AuthZEN
Authorization API 1.0 (evaluation, evaluations, and its discovery document). The caller is a
relying app with its service account's token (client credentials, audience ``portail-authz``);
the portal is the realm of that token. See docs/authorization.md."""

from __future__ import annotations

import base64
import time

from flask import Blueprint, Response, current_app, g, jsonify, request

from provisioner.authorization import schemas, services
from provisioner.authorization.cache import Decisions
from provisioner.catalogue import store as catalogue_store
from provisioner.db import utcnow
from provisioner.errors import InvalidInput
from provisioner.logs import get_logger
from provisioner.portals import load_portal
from provisioner.portfolios import services as portfolios
from provisioner.web.api import api_context, authenticate
from provisioner.web.openapi import ACCOUNT_ID, Answer, answers, spec
from provisioner.web.state import database, deployment, settings
from provisioner.web.tokens import relying_app

log = get_logger(__name__)
bp = Blueprint("authorization_api", __name__)
TAGS = ["authorization"]


@bp.before_request
def _caller() -> None:
    g.started = time.perf_counter()
    if request.endpoint != "authorization_api.metadata":
        relying_app()  # 401 unless a relying app's service-account token for this API


@bp.after_request
def _server_timing(response: Response) -> Response:
    """``Server-Timing: app;dur=…``: the milliseconds this service spent (what a relying app's
    latency adds is the network's), and for decisions ``kept;desc="n/m"``: how many of them this
    worker had kept (``cache``)."""
    if "started" in g:
        timing = f"app;dur={(time.perf_counter() - g.started) * 1000:.2f}"
        if "kept" in g:  # how many of the decisions came from this worker's cache
            timing += f', kept;desc="{g.kept[0]}/{g.kept[1]}"'
        response.headers["Server-Timing"] = timing
    return response


def _decisions() -> Decisions:
    """This worker's decision cache (one per application)."""
    kept = current_app.extensions.get("portail.authz_decisions")
    if kept is None:
        config = deployment()
        kept = current_app.extensions.setdefault(
            "portail.authz_decisions", Decisions(config.authz_cache_size, config.authz_cache_seconds)
        )
    return kept  # type: ignore[no-any-return]


def _decide(evaluations: list[schemas.EvaluationIn]) -> list[services.Decision]:
    """The decisions, from this worker's cache where the rights have not changed since they were
    made (``cache``), the others from the database."""
    config = settings()
    realm = config.keycloak_realm
    questions = [services.Question(e.subject.id, e.resource.id, e.action.name) for e in evaluations]
    kept, db, now = _decisions(), database(), utcnow()
    generation = db.rights_generation()  # before anything is read: see cache
    found = [kept.get(realm, q, generation, now) for q in questions]
    missing = list(dict.fromkeys(q for q, decision in zip(questions, found, strict=True) if decision is None))
    g.kept = (sum(1 for decision in found if decision is not None), len(found))
    fresh: dict[services.Question, services.Decision] = {}
    if missing:
        portal = load_portal(config.keycloak_config_dir, realm)
        with db.read_sessions() as session:
            fresh = dict(zip(missing, services.evaluate(session, portal, missing), strict=True))
        for q, decision in fresh.items():
            kept.put(realm, q, generation, now, decision)
    return [decision if decision is not None else fresh[q] for q, decision in zip(questions, found, strict=True)]


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


def _token(after: str | None) -> str:
    return base64.urlsafe_b64encode(after.encode()).decode() if after else ""


def _after(token: str | None) -> str | None:
    if not token:
        return None
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            "Jeton de page illisible : reprenez le `next_token` de la page précédente, tel quel.",
            code="invalid_page_token",
            details={"field": "page.token"},
        ) from exc


@bp.post("/access/v1/search/resource")
@spec.validate(json=schemas.ResourceSearchIn, resp=answers(HTTP_200=schemas.ResourceSearchOut), tags=TAGS)
def search_resource(json: schemas.ResourceSearchIn) -> Answer:
    """The establishments the user may act for under the teleprocedure (its own account's and,
    for a firm's people, its clients' under mandate and delegation), in SIRET order, a page at a
    time: for the portfolio screens of relying apps. Each one is what an evaluation answers
    ``true`` for."""
    config = settings()
    portal = load_portal(config.keycloak_config_dir, config.keycloak_realm)
    with database().read_sessions() as session:
        found, after = services.search(
            session, portal, json.subject.id, json.action.name, after=_after(json.page.token), limit=json.page.limit
        )
    return jsonify(
        {"results": [{"type": "establishment", "id": i} for i in found], "page": {"next_token": _token(after)}}
    )


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
            "search_resource_endpoint": f"{base}/access/v1/search/resource",
        }
    )


# -- for a firm's administrators ----------------------------------------------------------------
coverage_api = Blueprint("coverage_api", __name__, url_prefix="/api/v1")
coverage_api.before_request(authenticate)


def coverage_out(line: services.Coverage) -> dict[str, object]:
    return {
        "identifier": line.entry.identifier,
        "company_name": line.entry.company_name,
        "monthly_deadline": line.entry.monthly_deadline,
        "deadline": line.deadline.isoformat(),
        "covered": bool(line.filers),
        "filers": [{"id": p.id, "name": f"{p.first_name} {p.last_name}"} for p in line.filers],
        "reason": line.reason,
    }


@coverage_api.get(f"/accounts/{ACCOUNT_ID}/deadline-coverage")
@spec.validate(query=schemas.CoverageQuery, resp=answers(HTTP_200=schemas.CoverageOut), tags=TAGS)
def deadline_coverage(account_id: int, query: schemas.CoverageQuery) -> Answer:
    """The firm's establishments whose monthly deadline falls today or within ``days`` days, and
    who may file ``teleprocedure`` for each: those nobody may file for come first, with why
    (``no_active_mandate``, ``no_filer``)."""
    ctx = api_context()
    firm = portfolios.firm(ctx, account_id)
    [code] = catalogue_store.require_codes(ctx.session, ctx.realm, [query.teleprocedure], field="teleprocedure")
    lines = services.deadline_coverage(ctx.session, ctx.portal, firm, code, query.days, utcnow().date())
    return jsonify(
        {
            "teleprocedure": code,
            "days": query.days,
            "uncovered": sum(1 for line in lines if not line.filers),
            "items": [coverage_out(line) for line in lines],
        }
    )
