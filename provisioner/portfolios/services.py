"""Portfolio operations (rule 14, seed 003): a firm's administrators add, complete and remove
establishments; a relying app's report of a filing adds one the firm did not have, "to complete".
Removal and re-adding are free. Every change is in the firm's audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, func, or_, select

from provisioner.accounts import domain
from provisioner.accounts.models import Account, Person
from provisioner.actors import Actor
from provisioner.audit import services as audit
from provisioner.catalogue import store as catalogue_store
from provisioner.context import Context
from provisioner.db import serialize
from provisioner.errors import Conflict, NotFound, RuleViolation
from provisioner.portfolios.models import BY_FILING, Establishment
from provisioner.portfolios.schemas import EstablishmentIn, EstablishmentPatch, FilingIn, PortfolioQuery

FIRM_TYPES = domain.FIRM_TYPES
is_firm = domain.is_firm  # a firm's principal account: the accounts that have a portfolio


@dataclass(frozen=True)
class Page:
    items: list[Establishment]
    total: int
    to_complete: int
    page: int
    per_page: int


def firm(ctx: Context, account_id: int) -> Account:
    """The firm's principal account, if the actor administers it (else 404: nothing is learnt of
    another firm's portfolio) and it is a firm."""
    account = ctx.session.get(Account, account_id)
    if account is None or account.portal != ctx.realm or not ctx.actor.administers(account.principal_id):
        raise NotFound("Compte introuvable.", code="account_not_found")
    if not is_firm(account):
        raise RuleViolation(
            "Seul le compte principal d'un cabinet (expert-comptable, tiers déclarant, OGA) a un portefeuille.",
            code="not_a_firm",
            details={"company_type": account.company_type, "expected": list(FIRM_TYPES)},
        )
    return account


def _incomplete() -> Any:
    return or_(
        Establishment.company_name.is_(None),
        Establishment.partner_group.is_(None),
        Establishment.monthly_deadline.is_(None),
    )


def list_portfolio(ctx: Context, account: Account, query: PortfolioQuery) -> Page:
    base = select(Establishment).where(Establishment.firm_id == account.id)
    if query.q:
        like = f"%{query.q.strip()}%"
        base = base.where(or_(Establishment.identifier.ilike(like), Establishment.company_name.ilike(like)))
    if query.state == "to_complete":
        base = base.where(_incomplete())
    elif query.state == "complete":
        base = base.where(~_incomplete())
    total = ctx.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    to_complete = (
        ctx.session.scalar(select(func.count()).where(Establishment.firm_id == account.id, _incomplete())) or 0
    )
    items = ctx.session.scalars(
        base.order_by(Establishment.identifier).offset((query.page - 1) * query.per_page).limit(query.per_page)
    )
    return Page(list(items), total, to_complete, query.page, query.per_page)


def get_establishment(ctx: Context, establishment_id: int) -> Establishment:
    """One establishment of a portfolio the actor administers, locked until the change is saved
    (a change and a removal at once: one after the other, the second finds it gone: 404)."""
    query = select(Establishment).where(Establishment.id == establishment_id, Establishment.portal == ctx.realm)
    if not ctx.actor.operator:  # who may see it is part of the locking query: another's is never waited for
        query = query.where(Establishment.firm_id == ctx.actor.principal_id if ctx.actor.administrator else false())
    found = ctx.session.scalar(query.with_for_update())
    if found is None:
        raise NotFound("Établissement introuvable dans vos portefeuilles.", code="establishment_not_found")
    return found


def snapshot(entry: Establishment) -> dict[str, Any]:
    return {
        "identifier": entry.identifier,
        "company_name": entry.company_name,
        "partner_group": entry.partner_group,
        "monthly_deadline": entry.monthly_deadline,
        "seeding_requested": entry.seeding_requested,
    }


def _audited(ctx: Context, actor: Actor, action: str, entry: Establishment, before: dict[str, Any] | None) -> None:
    audit.write(
        ctx.session,
        actor,
        action,
        portal=ctx.realm,
        target_type="establishment",
        target_id=entry.id,
        account_id=entry.firm_id,
        before=before,
        after=snapshot(entry) if action != "portfolio.removed" else None,
    )


def add(ctx: Context, account: Account, data: EstablishmentIn) -> Establishment:
    identifier = domain.normalize_identifier(ctx.portal.identifier_scheme, data.identifier)
    serialize(ctx.session, f"portfolio:{account.id}:{identifier}")  # checked, then written: one at a time
    taken = ctx.session.scalar(
        select(Establishment.id).where(Establishment.firm_id == account.id, Establishment.identifier == identifier)
    )
    if taken is not None:
        raise Conflict(
            f"L'établissement {identifier} est déjà dans le portefeuille : modifiez-le plutôt.",
            code="already_in_portfolio",
            details={"identifier": identifier, "id": taken},
        )
    entry = Establishment(
        portal=ctx.realm,
        firm_id=account.id,
        identifier=identifier,
        company_name=data.company_name,
        partner_group=data.partner_group,
        monthly_deadline=data.monthly_deadline,
        seeding_requested=data.seeding_requested,
    )
    ctx.session.add(entry)
    ctx.session.flush()
    _audited(ctx, ctx.actor, "portfolio.added", entry, None)
    return entry


def update(ctx: Context, entry: Establishment, patch: EstablishmentPatch) -> Establishment:
    before = snapshot(entry)
    for name, value in patch.model_dump(exclude_unset=True).items():
        setattr(entry, name, value)
    ctx.session.flush()
    _audited(ctx, ctx.actor, "portfolio.updated", entry, before)
    return entry


def remove(ctx: Context, entry: Establishment) -> None:
    _audited(ctx, ctx.actor, "portfolio.removed", entry, snapshot(entry))
    ctx.session.delete(entry)
    ctx.session.flush()


def report_filing(ctx: Context, data: FilingIn) -> tuple[Establishment, bool]:
    """A relying app (the actor) reports a filing by a firm: the establishment is added to the
    firm's portfolio "to complete" if it was not in it. The establishment and whether it is new."""
    firm_account = _filer(ctx, data)
    [code] = catalogue_store.require_codes(ctx.session, ctx.realm, [data.teleprocedure], field="teleprocedure")
    identifier = domain.normalize_identifier(ctx.portal.identifier_scheme, data.identifier)
    serialize(ctx.session, f"portfolio:{firm_account.id}:{identifier}")  # two reports at once: one adds it
    entry = ctx.session.scalar(
        select(Establishment)
        .where(Establishment.firm_id == firm_account.id, Establishment.identifier == identifier)
        .with_for_update()  # a removal at the same moment waits, or has happened: then added again
    )
    new = entry is None
    if entry is None:
        entry = Establishment(portal=ctx.realm, firm_id=firm_account.id, identifier=identifier, source=BY_FILING)
        ctx.session.add(entry)
    before = None if new else snapshot(entry)
    if entry.last_filing_on is None or data.filed_on >= entry.last_filing_on:  # reports may come late
        entry.last_filing_on = data.filed_on
        entry.last_filing_teleprocedure = code
    ctx.session.flush()
    if new:
        _audited(ctx, ctx.actor, "portfolio.added_by_filing", entry, before)
    return entry, new


def _filer(ctx: Context, data: FilingIn) -> Account:
    if (data.account_id is None) == (data.subject is None):
        raise RuleViolation(
            "Indiquez qui a déclaré : soit account_id (le compte du cabinet), soit subject (l'identifiant "
            "Keycloak de la personne), pas les deux.",
            code="filer_required",
        )
    account: Account | None
    if data.subject is not None:
        person = ctx.session.scalar(
            select(Person).where(Person.portal == ctx.realm, Person.keycloak_user_id == data.subject)
        )
        if person is not None and not person.enabled:
            raise RuleViolation("Cette personne est désactivée : elle ne déclare rien.", code="person_disabled")
        account = person.account.parent or person.account if person is not None else None
    else:
        account = ctx.session.get(Account, data.account_id)
    if account is None or account.portal != ctx.realm:
        raise NotFound("Déclarant inconnu sur ce portail.", code="filer_not_found")
    if not is_firm(account):
        raise RuleViolation("Le déclarant n'est pas un cabinet : seul un cabinet a un portefeuille.", code="not_a_firm")
    if account.status != "open":
        raise RuleViolation("Le compte du cabinet n'est pas ouvert : il ne déclare rien.", code="account_not_open")
    return account
