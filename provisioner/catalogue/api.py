"""``/api/v1/teleprocedures``: the portal's teleprocedure catalogue. Everyone signed in reads it
(administrators choose from it); only operators change it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from provisioner.audit.schemas import AuditList
from provisioner.audit.services import as_json
from provisioner.catalogue import schemas, services, store
from provisioner.catalogue.models import CatalogueEntry
from provisioner.context import Context
from provisioner.errors import NotFound
from provisioner.web.api import api_context, authenticate, commit_and_sync
from provisioner.web.openapi import Answer, answers, spec

bp = Blueprint("catalogue_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
TAGS = ["teleprocedures"]
CODE = "<string(maxlength=31):code>"


def _counts(ctx: Context) -> dict[str, int]:
    return services.subscriber_counts(ctx.session, ctx.realm)


def entry_out(entry: CatalogueEntry, accounts: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": entry.code,
        "description": entry.description,
        "recipients": list(entry.recipients),
        "document_types": list(entry.document_types),
        "retired": entry.retired_at is not None,
        "retired_at": entry.retired_at.isoformat() + "Z" if entry.retired_at else None,
    }
    if accounts is not None:  # operators only: how many accounts subscribe
        out["accounts"] = accounts
    return out


@bp.get("/teleprocedures")
@spec.validate(query=schemas.CatalogueQuery, resp=answers(HTTP_200=schemas.TeleprocedureList), tags=TAGS)
def list_teleprocedures(query: schemas.CatalogueQuery) -> Answer:
    """The portal's teleprocedure catalogue (operators also see the subscriber counts and, on
    request, the retired ones)."""
    ctx = api_context()
    include_retired = query.include_retired
    if include_retired:
        ctx.actor.require_operator()  # retired teleprocedures are the operators' history
    counts = _counts(ctx) if ctx.actor.operator else {}
    entries = store.entries(ctx.session, ctx.realm, include_retired=include_retired)
    return jsonify({"items": [entry_out(e, counts.get(e.code, 0) if ctx.actor.operator else None) for e in entries]})


@bp.get(f"/teleprocedures/{CODE}")
@spec.validate(resp=answers(HTTP_200=schemas.TeleprocedureRead), tags=TAGS)
def get_teleprocedure(code: str) -> Answer:
    """One teleprocedure."""
    ctx = api_context()
    entry = store.get_entry(ctx.session, ctx.realm, code)
    if entry.retired_at is not None and not ctx.actor.operator:
        raise NotFound(f"Téléprocédure {code} introuvable dans le catalogue.", code="teleprocedure_not_found")
    count = _counts(ctx).get(entry.code, 0) if ctx.actor.operator else None
    return jsonify({"teleprocedure": entry_out(entry, count)})


@bp.post("/teleprocedures")
@spec.validate(json=schemas.TeleprocedureIn, resp=answers(HTTP_201=schemas.TeleprocedureChanged), tags=TAGS)
def create_teleprocedure(json: schemas.TeleprocedureIn) -> Answer:
    """Add a teleprocedure, or bring a retired one back (operators)."""
    ctx = api_context()
    ctx.actor.require_operator()
    entry = services.create(ctx, json)
    out = entry_out(entry, 0)
    return jsonify({"teleprocedure": out, "sync": commit_and_sync()}), 201


@bp.patch(f"/teleprocedures/{CODE}")
@spec.validate(
    query=schemas.ForceQuery,
    json=schemas.TeleprocedurePatch,
    resp=answers(HTTP_200=schemas.TeleprocedureChanged),
    tags=TAGS,
)
def patch_teleprocedure(code: str, query: schemas.ForceQuery, json: schemas.TeleprocedurePatch) -> Answer:
    """Change description, recipients, document types (operators). Removing document types that
    accounts hold answers 409 unless ``force=true``, which withdraws them from those accounts."""
    ctx = api_context()
    ctx.actor.require_operator()
    entry = services.update(ctx, code, json, force=query.force)
    out = entry_out(entry, _counts(ctx).get(entry.code, 0))
    return jsonify({"teleprocedure": out, "sync": commit_and_sync()})


@bp.delete(f"/teleprocedures/{CODE}")
@spec.validate(query=schemas.ForceQuery, resp=answers(HTTP_200=schemas.TeleprocedureChanged), tags=TAGS)
def retire_teleprocedure(code: str, query: schemas.ForceQuery) -> Answer:
    """Retire a teleprocedure (operators): 409 while accounts subscribe, unless ``force=true``."""
    ctx = api_context()
    ctx.actor.require_operator()
    entry = services.retire(ctx, code, force=query.force)
    out = entry_out(entry, _counts(ctx).get(entry.code, 0))
    return jsonify({"teleprocedure": out, "sync": commit_and_sync()})


@bp.get(f"/teleprocedures/{CODE}/audit")
@spec.validate(resp=answers(HTTP_200=AuditList), tags=TAGS)
def teleprocedure_audit(code: str) -> Answer:
    """The teleprocedure's change history (operators)."""
    ctx = api_context()
    ctx.actor.require_operator()
    return jsonify({"items": [as_json(e) for e in services.history(ctx.session, ctx.realm, code)]})
