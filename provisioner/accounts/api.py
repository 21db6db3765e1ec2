"""``/api/v1/accounts``: principal and secondary accounts. Parse, call a service, answer; errors
take the one shape of ``provisioner.web.errors``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from provisioner.accounts import schemas, services
from provisioner.accounts.schemas import account_out
from provisioner.audit.services import as_json, entries_for
from provisioner.errors import InvalidInput
from provisioner.web.api import api_context, commit_and_sync, int_arg, json_body

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")


def _page(page: services.Page) -> dict[str, Any]:
    return {
        "items": [account_out(a) for a in page.items],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    }


@bp.get("/accounts")
def list_accounts() -> ResponseReturnValue:
    ctx = api_context()
    page = services.list_accounts(
        ctx,
        q=request.args.get("q"),
        status=request.args.get("status"),
        kind=request.args.get("kind"),
        page=int_arg("page", 1),
        per_page=int_arg("per_page", 50),
    )
    return jsonify(_page(page))


@bp.post("/accounts")
def create_account() -> ResponseReturnValue:
    ctx = api_context()
    account = services.create_principal(ctx, schemas.parse(schemas.PrincipalIn, json_body()))
    out = account_out(account, detail=True)
    return jsonify({"account": out, "sync": commit_and_sync()}), 201


@bp.post("/accounts/bulk")
def bulk_create() -> ResponseReturnValue:
    """Many principal accounts in one request; each item succeeds or fails on its own."""
    ctx = api_context()
    body = json_body()
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise InvalidInput("« items » : liste d'au moins un compte attendue.", code="invalid_body")
    if len(items) > 5000:
        raise InvalidInput("5000 comptes au plus par requête.", code="too_many_items")
    results = services.create_principals(ctx, items)
    created = sum(1 for r in results if r["status"] == "created")
    sync = commit_and_sync() if created else {"status": "applied"}
    status = 201 if created == len(items) else 207
    return jsonify({"created": created, "failed": len(items) - created, "results": results, "sync": sync}), status


@bp.get("/accounts/<int:account_id>")
def get_account(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    return jsonify({"account": account_out(services.get_account(ctx, account_id), detail=True)})


@bp.patch("/accounts/<int:account_id>")
def patch_account(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    account = services.get_account(ctx, account_id)
    services.update_account(ctx, account, schemas.parse(schemas.AccountPatch, json_body()))
    out = account_out(account, detail=True)
    return jsonify({"account": out, "sync": commit_and_sync()})


@bp.delete("/accounts/<int:account_id>")
def delete_account(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    services.delete_secondary(ctx, services.get_account(ctx, account_id))
    return jsonify({"deleted": account_id, "sync": commit_and_sync()})


@bp.put("/accounts/<int:account_id>/teleprocedures")
def put_teleprocedures(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get("teleprocedures"), dict):
        raise InvalidInput(
            '« teleprocedures » attendu : {"DSN": ["mensuelle"], "DPAE": null}.',
            code="invalid_body",
        )
    account = services.get_account(ctx, account_id)
    services.set_teleprocedures(ctx, account, body["teleprocedures"])
    out = account_out(account)
    return jsonify({"account": out, "sync": commit_and_sync()})


@bp.put("/accounts/<int:account_id>/mailbox")
def put_mailbox(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get("has_mailbox"), bool):
        raise InvalidInput("« has_mailbox » : true ou false attendu.", code="invalid_body")
    account = services.get_account(ctx, account_id)
    reset = services.set_mailbox(ctx, account, body["has_mailbox"])
    out = account_out(account)
    return jsonify({"account": out, "password_reset_required": reset, "sync": commit_and_sync()})


@bp.post("/accounts/<int:account_id>/deactivate")
def deactivate(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    account = services.set_active(ctx, services.get_account(ctx, account_id), False)
    out = account_out(account)
    return jsonify({"account": out, "sync": commit_and_sync()})


@bp.post("/accounts/<int:account_id>/reactivate")
def reactivate(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    account = services.set_active(ctx, services.get_account(ctx, account_id), True)
    out = account_out(account)
    return jsonify({"account": out, "sync": commit_and_sync()})


@bp.get("/accounts/<int:account_id>/secondaries")
def list_secondaries(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    principal = services.get_account(ctx, account_id)
    page = services.list_accounts(
        ctx,
        parent_id=principal.id,
        q=request.args.get("q"),
        status=request.args.get("status"),
        page=int_arg("page", 1),
        per_page=int_arg("per_page", 50),
    )
    return jsonify(_page(page))


@bp.post("/accounts/<int:account_id>/secondaries")
def create_secondary(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    principal = services.get_account(ctx, account_id)
    account = services.create_secondary(ctx, principal, schemas.parse(schemas.SecondaryIn, json_body()))
    out = account_out(account, detail=True)
    return jsonify({"account": out, "sync": commit_and_sync()}), 201


@bp.get("/accounts/<int:account_id>/audit")
def audit(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    account = services.get_account(ctx, account_id)
    ctx.actor.require_administrator_of(account.principal_id)
    return jsonify({"items": [as_json(e) for e in entries_for(ctx.session, account.id)]})
