"""``/api/v1/accounts``: principal and secondary accounts. Parse (the declared models, which also
make the API document), call a service, answer; errors take the one shape."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from provisioner.accounts import schemas, secondaries, services
from provisioner.accounts.schemas import account_out
from provisioner.audit.schemas import AuditList
from provisioner.audit.services import as_json, entries_for
from provisioner.web.api import api_context, authenticate, commit_and_sync
from provisioner.web.openapi import ACCOUNT_ID, Answer, answers, spec

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
TAGS = ["accounts"]


def _page(page: services.Page) -> dict[str, Any]:
    return {
        "items": [account_out(a) for a in page.items],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    }


def _changed(account: Any, status: int = 200, *, detail: bool = False, **extra: Any) -> Answer:
    out = account_out(account, detail=detail)  # read before the commit expires it
    return jsonify({"account": out, **extra, "sync": commit_and_sync()}), status


@bp.get("/accounts")
@spec.validate(query=schemas.AccountQuery, resp=answers(HTTP_200=schemas.AccountPage), tags=TAGS)
def list_accounts(query: schemas.AccountQuery) -> Answer:
    """Search the principal and secondary accounts you may see."""
    ctx = api_context()
    filters = query.model_dump(exclude_unset=True, exclude={"page", "per_page"})
    return jsonify(_page(services.list_accounts(ctx, **filters, page=query.page, per_page=query.per_page)))


@bp.post("/accounts")
@spec.validate(json=schemas.PrincipalIn, resp=answers(HTTP_201=schemas.AccountChanged), tags=TAGS)
def create_account(json: schemas.PrincipalIn) -> Answer:
    """Create a principal account (operators)."""
    ctx = api_context()
    return _changed(services.create_principal(ctx, json), 201, detail=True)


@bp.post("/accounts/bulk")
@spec.validate(
    json=schemas.BulkIn,
    resp=answers(HTTP_201=schemas.BulkCreated, HTTP_207=schemas.BulkCreated),
    tags=TAGS,
)
def bulk_create(json: schemas.BulkIn) -> Answer:
    """Create many principal accounts (each item as ``POST /accounts``); each succeeds or fails on
    its own: 201 when all are created, 207 with per-item results otherwise."""
    ctx = api_context()
    results = services.create_principals(ctx, json.items)
    created = sum(1 for r in results if r["status"] == "created")
    sync = commit_and_sync() if created else {"status": "applied"}
    status = 201 if created == len(json.items) else 207
    return jsonify({"created": created, "failed": len(json.items) - created, "results": results, "sync": sync}), status


@bp.get(f"/accounts/{ACCOUNT_ID}")
@spec.validate(resp=answers(HTTP_200=schemas.AccountRead), tags=TAGS)
def get_account(account_id: int) -> Answer:
    """One account, with its identity, contacts, options and billing."""
    ctx = api_context()
    return jsonify({"account": account_out(services.get_account(ctx, account_id), detail=True)})


@bp.patch(f"/accounts/{ACCOUNT_ID}")
@spec.validate(json=schemas.AccountPatch, resp=answers(HTTP_200=schemas.AccountChanged), tags=TAGS)
def patch_account(account_id: int, json: schemas.AccountPatch) -> Answer:
    """Change identity, contacts, status, options (only the fields sent)."""
    ctx = api_context()
    account = services.get_account(ctx, account_id)
    services.update_account(ctx, account, json)
    return _changed(account, detail=True)


@bp.delete(f"/accounts/{ACCOUNT_ID}")
@spec.validate(resp=answers(HTTP_200=schemas.Deleted), tags=TAGS)
def delete_account(account_id: int) -> Answer:
    """Delete a secondary account (a principal is closed, never deleted)."""
    ctx = api_context()
    secondaries.delete_secondary(ctx, services.get_account(ctx, account_id))
    return jsonify({"deleted": account_id, "sync": commit_and_sync()})


@bp.put(f"/accounts/{ACCOUNT_ID}/teleprocedures")
@spec.validate(json=schemas.TeleproceduresIn, resp=answers(HTTP_200=schemas.AccountChanged), tags=TAGS)
def put_teleprocedures(account_id: int, json: schemas.TeleproceduresIn) -> Answer:
    """Set the subscriptions and their document types (``{"DSN": ["mensuelle"], "DPAE": null}``;
    null or no types: all of them). A secondary stays within its principal."""
    ctx = api_context()
    account = services.get_account(ctx, account_id)
    services.set_teleprocedures(ctx, account, json.teleprocedures)
    return _changed(account)


@bp.put(f"/accounts/{ACCOUNT_ID}/mailbox")
@spec.validate(json=schemas.MailboxIn, resp=answers(HTTP_200=schemas.MailboxChanged), tags=TAGS)
def put_mailbox(account_id: int, json: schemas.MailboxIn) -> Answer:
    """A secondary account with or without mailbox (with: its login must choose a new password)."""
    ctx = api_context()
    account = services.get_account(ctx, account_id)
    reset = secondaries.set_mailbox(ctx, account, json.has_mailbox)
    return _changed(account, password_reset_required=reset)


@bp.post(f"/accounts/{ACCOUNT_ID}/deactivate")
@spec.validate(resp=answers(HTTP_200=schemas.AccountChanged), tags=TAGS)
def deactivate(account_id: int) -> Answer:
    """Deactivate: the logins are disabled and their sessions end; the account stays listed."""
    ctx = api_context()
    return _changed(services.set_active(ctx, services.get_account(ctx, account_id), False))


@bp.post(f"/accounts/{ACCOUNT_ID}/reactivate")
@spec.validate(resp=answers(HTTP_200=schemas.AccountChanged), tags=TAGS)
def reactivate(account_id: int) -> Answer:
    """Reactivate a deactivated account."""
    ctx = api_context()
    return _changed(services.set_active(ctx, services.get_account(ctx, account_id), True))


@bp.get(f"/accounts/{ACCOUNT_ID}/secondaries")
@spec.validate(query=schemas.SecondaryQuery, resp=answers(HTTP_200=schemas.AccountPage), tags=TAGS)
def list_secondaries(account_id: int, query: schemas.SecondaryQuery) -> Answer:
    """The secondary accounts of a principal."""
    ctx = api_context()
    principal = services.get_account(ctx, account_id)
    filters = query.model_dump(exclude_unset=True, exclude={"page", "per_page"})
    page = services.list_accounts(ctx, parent_id=principal.id, **filters, page=query.page, per_page=query.per_page)
    return jsonify(_page(page))


@bp.post(f"/accounts/{ACCOUNT_ID}/secondaries")
@spec.validate(json=schemas.SecondaryIn, resp=answers(HTTP_201=schemas.AccountChanged), tags=TAGS)
def create_secondary(account_id: int, json: schemas.SecondaryIn) -> Answer:
    """Create a secondary account (its login is ``<name>.<principal login>``)."""
    ctx = api_context()
    principal = services.get_account(ctx, account_id)
    return _changed(secondaries.create_secondary(ctx, principal, json), 201, detail=True)


@bp.get(f"/accounts/{ACCOUNT_ID}/audit")
@spec.validate(resp=answers(HTTP_200=AuditList), tags=TAGS)
def audit(account_id: int) -> Answer:
    """The account's change log, newest first (its administrators and operators)."""
    ctx = api_context()
    account = services.get_account(ctx, account_id)
    ctx.actor.require_administrator_of(account.principal_id)
    return jsonify({"items": [as_json(e) for e in entries_for(ctx.session, account.id)]})
