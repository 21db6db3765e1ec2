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

from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from provisioner.accounts.actors import Actor
from provisioner.accounts.models import Account, AuditEntry, Subscription
from provisioner.accounts.services import Context, withdraw_teleprocedure
from provisioner.catalogue import store
from provisioner.catalogue.models import CatalogueEntry
from provisioner.catalogue.schemas import TeleprocedureIn, TeleprocedurePatch
from provisioner.db import utcnow
from provisioner.errors import Conflict, InvalidInput
from provisioner.keycloak.gateway import AdminRest
from provisioner.realms.config import RealmConfig
from provisioner.sync.services import enqueue_catalogue


def snapshot(entry: CatalogueEntry) -> dict[str, Any]:
    return {
        "code": entry.code,
        "description": entry.description,
        "recipients": list(entry.recipients),
        "document_types": list(entry.document_types),
        "retired": entry.retired_at is not None,
    }


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    entry: CatalogueEntry,
    before: dict[str, Any] | None,
    message: str = "",
) -> None:
    session.add(
        AuditEntry(
            portal=entry.portal,
            actor=actor.name,
            action=action,
            target_type="teleprocedure",
            target_id=entry.id,
            account_id=None,
            before=before,
            after=snapshot(entry),
            message=message,
        )
    )


def history(session: Session, portal: str, code: str, limit: int = 200) -> list[AuditEntry]:
    entry = store.get_entry(session, portal, code)
    query = (
        select(AuditEntry)
        .where(AuditEntry.target_type == "teleprocedure", AuditEntry.target_id == entry.id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def holders(session: Session, portal: str, code: str, document_types: set[str] | None = None) -> list[int]:
    """Ids of the accounts subscribed to ``code`` (holding one of ``document_types`` if given)."""
    query = (
        select(Subscription)
        .join(Account, Subscription.account_id == Account.id)
        .where(Account.portal == portal, Subscription.code == code)
        .order_by(Subscription.account_id)
    )
    return [
        s.account_id for s in session.scalars(query) if document_types is None or document_types & set(s.document_types)
    ]


def subscriber_counts(session: Session, portal: str) -> dict[str, int]:
    """How many accounts subscribe to each code (operators see it in the catalogue)."""
    query = (
        select(Subscription.code, func.count())
        .join(Account, Subscription.account_id == Account.id)
        .where(Account.portal == portal)
        .group_by(Subscription.code)
    )
    return {code: count for code, count in session.execute(query)}


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
    ctx.__dict__.pop("catalogue", None)  # Context.catalogue is a cached_property


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
    _audit(ctx.session, ctx.actor, "teleprocedure.create", existing, before)
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
            withdraw_teleprocedure(ctx, ctx.session.get_one(Account, account_id), entry.code, set(removed))
        entry.document_types = list(patch.document_types)
    if patch.description is not None:
        entry.description = patch.description
    if patch.recipients is not None:
        entry.recipients = list(patch.recipients)
    ctx.session.flush()
    if snapshot(entry) != before:
        _audit(ctx.session, ctx.actor, "teleprocedure.update", entry, before)
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
        withdraw_teleprocedure(ctx, ctx.session.get_one(Account, account_id), entry.code, None)
    before = snapshot(entry)
    entry.retired_at = utcnow()
    ctx.session.flush()
    _audit(
        ctx.session,
        ctx.actor,
        "teleprocedure.retire",
        entry,
        before,
        message=f"Retirée à {len(in_use)} compte(s)" if in_use else "",
    )
    _changed(ctx)
    return entry


# -- the realm file's seed -------------------------------------------------------------------
def seed(session: Session, config: RealmConfig) -> list[str]:
    """Add the realm file's teleprocedures whose code the database has never held."""
    known = {e.code for e in store.entries(session, config.realm, include_retired=True)}
    added = []
    for position, raw in enumerate(config.portal.get("teleprocedures", []), start=1):
        if not isinstance(raw, dict):
            raise InvalidInput(
                f"{config.source.name}: portal.teleprocedures[{position - 1}] must be an object "
                '{"code", "description", "recipients", "documentTypes"}',
                code="bad_config",
            )
        try:
            data = TeleprocedureIn(
                code=raw.get("code", ""),
                description=raw.get("description", ""),
                recipients=raw.get("recipients", []),
                document_types=raw.get("documentTypes", []),
            )
        except ValueError as exc:
            raise InvalidInput(
                f"{config.source.name}: portal.teleprocedures[{position - 1}] is invalid: {exc}", code="bad_config"
            ) from exc
        if data.code in known:
            continue
        entry = CatalogueEntry(
            portal=config.realm,
            code=data.code,
            description=data.description,
            recipients=list(data.recipients),
            document_types=list(data.document_types),
            position=position,
        )
        session.add(entry)
        session.flush()
        _audit(session, Actor.system("realm-file"), "teleprocedure.seed", entry, None, message=config.source.name)
        known.add(data.code)
        added.append(data.code)
    return added


# -- Keycloak -----------------------------------------------------------------------------------
def effective_config(session: Session, config: RealmConfig) -> RealmConfig:
    """The realm configuration with the database's catalogue in place of the file's."""
    rows = store.entries(session, config.realm, include_retired=True)
    active = [
        {
            "code": e.code,
            "description": e.description,
            "recipients": list(e.recipients),
            "documentTypes": list(e.document_types),
        }
        for e in rows
        if e.retired_at is None
    ]
    retired = [e.code for e in rows if e.retired_at is not None]
    return replace(config, portal={**config.portal, "teleprocedures": active, "retiredTeleprocedures": retired})


def apply_to_keycloak(session: Session, rest: AdminRest, config: RealmConfig, *, dry_run: bool = False) -> list[str]:
    """Bring the catalogue's Keycloak objects in line (the outbox item and ``provisioner reconcile``)."""
    from provisioner.realms.services import RealmApplier

    changes = RealmApplier(rest, effective_config(session, config), dry_run=dry_run).apply_catalogue()
    return [str(c) for c in changes]
