"""Changing the teleprocedure catalogue, and keeping Keycloak in line with it.

The realm file's ``portal.teleprocedures`` is the seed: ``provisioner keycloak apply`` adds the
codes the database has never seen. From then on the database owns the catalogue; operators change
it through the API (``/api/v1/teleprocedures``). Each change writes the audit log and records in
the sync outbox that the derived Keycloak objects (role, client scope, login gate, refusal texts;
see ``provisioner.realms.teleprocedures``) must be applied again.

A teleprocedure or document type that accounts still hold is not taken away silently: the change
is refused (409, the accounts counted) unless ``force`` is given, which withdraws it from every
account first, one audit entry per account.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from provisioner.audit import services as audit
from provisioner.audit.models import AuditEntry
from provisioner.catalogue import store
from provisioner.catalogue.audit import audit_change, snapshot
from provisioner.catalogue.models import CatalogueEntry
from provisioner.catalogue.outbox import enqueue_catalogue
from provisioner.catalogue.schemas import TeleprocedureIn, TeleprocedurePatch
from provisioner.catalogue.usage import subscribers
from provisioner.context import Context
from provisioner.db import utcnow
from provisioner.errors import Conflict


def history(session: Session, portal: str, code: str, limit: int = 200) -> list[AuditEntry]:
    return audit.entries_about(session, "teleprocedure", store.get_entry(session, portal, code).id, limit)


def holders(session: Session, portal: str, code: str, document_types: set[str] | None = None) -> list[int]:
    """Ids of the accounts subscribed to ``code`` (holding one of ``document_types`` if given)."""
    return subscribers().holders(session, portal, code, document_types)


def subscriber_counts(session: Session, portal: str) -> dict[str, int]:
    """How many accounts subscribe to each code (operators see it in the catalogue)."""
    return subscribers().counts(session, portal)


def _refuse_in_use(code: str, account_ids: list[int], what: str, removed: list[str] | None = None) -> Conflict:
    held = "ces types de document" if removed else "cette téléprocédure"
    return Conflict(
        f"{what} : {len(account_ids)} compte(s) les détiennent encore. Retirez {held} de ces comptes "
        "(PUT /api/v1/accounts/{id}/teleprocedures), ou relancez avec force=true pour les leur retirer "
        "à tous (chaque retrait est tracé dans le journal du compte).",
        code="teleprocedure_in_use",
        details={
            "teleprocedure": code,
            "document_types": removed,
            "accounts": len(account_ids),
            "account_ids": account_ids[:50],
        },
    )


def _changed(ctx: Context) -> None:
    """Keycloak must follow, and this context must not go on checking against the old catalogue."""
    enqueue_catalogue(ctx.session, ctx.realm)
    store.forget(ctx)


def create(ctx: Context, data: TeleprocedureIn) -> CatalogueEntry:
    ctx.actor.require_operator()
    existing = ctx.session.scalar(
        select(CatalogueEntry).where(CatalogueEntry.portal == ctx.realm, CatalogueEntry.code == data.code)
    )
    if existing is not None and existing.retired_at is None:
        raise Conflict(
            f"La téléprocédure {data.code} existe déjà ; modifiez-la (PATCH /api/v1/teleprocedures/{data.code}).",
            code="teleprocedure_exists",
            details={"teleprocedure": data.code},
        )
    before = snapshot(existing) if existing is not None else None
    if existing is None:
        last = ctx.session.scalar(select(func.max(CatalogueEntry.position)).where(CatalogueEntry.portal == ctx.realm))
        existing = CatalogueEntry(portal=ctx.realm, code=data.code, position=(last or 0) + 1)
        ctx.session.add(existing)
    existing.description = data.description
    existing.recipients = list(data.recipients)
    existing.document_types = list(data.document_types)
    existing.retired_at = None
    try:
        ctx.session.flush()
    except IntegrityError as exc:  # the same code created by someone else at this very moment
        raise Conflict(
            f"La téléprocédure {data.code} vient d'être créée par ailleurs ; rechargez le catalogue.",
            code="teleprocedure_exists",
            details={"teleprocedure": data.code},
        ) from exc
    audit_change(ctx.session, ctx.actor, "teleprocedure.create", existing, before)
    _changed(ctx)
    return existing


def update(ctx: Context, code: str, patch: TeleprocedurePatch, *, force: bool = False) -> CatalogueEntry:
    ctx.actor.require_operator()
    entry = store.get_entry(ctx.session, ctx.realm, code)
    if entry.retired_at is not None:
        raise Conflict(
            f"La téléprocédure {entry.code} est retirée du catalogue ; recréez-la (POST /api/v1/teleprocedures).",
            code="teleprocedure_retired",
            details={"teleprocedure": entry.code},
        )
    before = snapshot(entry)
    if patch.document_types is not None:
        removed = sorted(set(entry.document_types) - set(patch.document_types))
        in_use = holders(ctx.session, ctx.realm, entry.code, set(removed)) if removed else []
        if in_use and not force:
            raise _refuse_in_use(
                entry.code,
                in_use,
                f"Type(s) de document {', '.join(removed)} de {entry.code} encore attribué(s)",
                removed,
            )
        for account_id in in_use:
            subscribers().withdraw(ctx, account_id, entry.code, set(removed))
        entry.document_types = list(patch.document_types)
    if patch.description is not None:
        entry.description = patch.description
    if patch.recipients is not None:
        entry.recipients = list(patch.recipients)
    ctx.session.flush()
    if snapshot(entry) != before:
        audit_change(ctx.session, ctx.actor, "teleprocedure.update", entry, before)
        _changed(ctx)
    return entry


def retire(ctx: Context, code: str, *, force: bool = False) -> CatalogueEntry:
    ctx.actor.require_operator()
    entry = store.get_entry(ctx.session, ctx.realm, code)
    if entry.retired_at is not None:
        return entry  # DELETE is idempotent
    in_use = holders(ctx.session, ctx.realm, entry.code)
    if in_use and not force:
        raise _refuse_in_use(entry.code, in_use, f"La téléprocédure {entry.code} ne peut pas être retirée")
    for account_id in in_use:
        subscribers().withdraw(ctx, account_id, entry.code, None)
    before = snapshot(entry)
    entry.retired_at = utcnow()
    ctx.session.flush()
    audit_change(
        ctx.session,
        ctx.actor,
        "teleprocedure.retire",
        entry,
        before,
        message=f"Retirée à {len(in_use)} compte(s)" if in_use else "",
    )
    _changed(ctx)
    return entry
