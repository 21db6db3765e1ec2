"""``/api/v1/teleprocedures``: the portal's teleprocedure catalogue. Everyone signed in reads it
(administrators choose from it); only operators change it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from provisioner.audit.services import as_json
from provisioner.catalogue import services, store
from provisioner.catalogue.models import CatalogueEntry
from provisioner.catalogue.schemas import TeleprocedureIn, TeleprocedurePatch
from provisioner.context import Context
from provisioner.errors import NotFound
from provisioner.schemas import parse
from provisioner.web.api import api_context, commit_and_sync, flag, json_body

bp = Blueprint("catalogue_api", __name__, url_prefix="/api/v1")


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
def list_teleprocedures() -> ResponseReturnValue:
    ctx = api_context()
    include_retired = flag("include_retired")
    if include_retired:
        ctx.actor.require_operator()  # retired teleprocedures are the operators' history
    counts = _counts(ctx) if ctx.actor.operator else {}
    entries = store.entries(ctx.session, ctx.realm, include_retired=include_retired)
    return jsonify({"items": [entry_out(e, counts.get(e.code, 0) if ctx.actor.operator else None) for e in entries]})


@bp.get("/teleprocedures/<code>")
def get_teleprocedure(code: str) -> ResponseReturnValue:
    ctx = api_context()
    entry = store.get_entry(ctx.session, ctx.realm, code)
    if entry.retired_at is not None and not ctx.actor.operator:
        raise NotFound(f"Téléprocédure {code} introuvable dans le catalogue.", code="teleprocedure_not_found")
    count = _counts(ctx).get(entry.code, 0) if ctx.actor.operator else None
    return jsonify({"teleprocedure": entry_out(entry, count)})


@bp.post("/teleprocedures")
def create_teleprocedure() -> ResponseReturnValue:
    ctx = api_context()
    ctx.actor.require_operator()
    entry = services.create(ctx, parse(TeleprocedureIn, json_body()))
    out = entry_out(entry, 0)
    return jsonify({"teleprocedure": out, "sync": commit_and_sync()}), 201


@bp.patch("/teleprocedures/<code>")
def patch_teleprocedure(code: str) -> ResponseReturnValue:
    ctx = api_context()
    ctx.actor.require_operator()
    entry = services.update(ctx, code, parse(TeleprocedurePatch, json_body()), force=flag("force"))
    out = entry_out(entry, _counts(ctx).get(entry.code, 0))
    return jsonify({"teleprocedure": out, "sync": commit_and_sync()})


@bp.delete("/teleprocedures/<code>")
def retire_teleprocedure(code: str) -> ResponseReturnValue:
    ctx = api_context()
    ctx.actor.require_operator()
    entry = services.retire(ctx, code, force=flag("force"))
    out = entry_out(entry, _counts(ctx).get(entry.code, 0))
    return jsonify({"teleprocedure": out, "sync": commit_and_sync()})


@bp.get("/teleprocedures/<code>/audit")
def teleprocedure_audit(code: str) -> ResponseReturnValue:
    ctx = api_context()
    ctx.actor.require_operator()
    return jsonify({"items": [as_json(e) for e in services.history(ctx.session, ctx.realm, code)]})
