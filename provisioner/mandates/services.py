"""Clients and mandates (rule 15, seed 001).

A firm's administrator adds a client: a mandate "created", with a one-time activation key kept
hashed (and sealed until its letter is printed). The letter goes to the client by post; the
client hands the key to the firm, whose administrator enters it once: the mandate is active and
the client's establishment joins the firm's portfolio. The key works only for the firm that
asked: another firm's attempts are refused, counted, and lock the key after ``WRONG_FIRM_LOCK``.
A firm's wrong keys are rate-limited (``MAX_FAILURES`` per ``FAILURE_WINDOW``). Lost key: the
firm deletes the client and adds it again (a new key; the old one is gone with its row). The firm
or the client's own administrator revokes a mandate. Every step is in the firm's audit log (and a
revocation by the client in the client's too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import false, func, or_, select
from sqlalchemy.exc import IntegrityError

from provisioner.accounts import domain
from provisioner.accounts.models import Account
from provisioner.actors import Actor
from provisioner.audit import services as audit
from provisioner.catalogue import store as catalogue_store
from provisioner.context import Context
from provisioner.db import serialize, utcnow
from provisioner.errors import Conflict, DomainError, InvalidInput, NotFound, RateLimited, RuleViolation
from provisioner.mandates import keys, letters
from provisioner.mandates.models import (
    ACTIVE,
    CREATED,
    ENDED,
    EXPIRED,
    LOCKED,
    PRINTED,
    REVOKED,
    KeyAttempt,
    Mandate,
)
from provisioner.mandates.schemas import ClientIn, ClientsQuery, address
from provisioner.portfolios import services as portfolios
from provisioner.portfolios.models import BY_MANDATE, Establishment

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
WRONG_FIRM_LOCK = 3


@dataclass(frozen=True)
class Page:
    items: list[Mandate]
    total: int
    page: int
    per_page: int


firm = portfolios.firm  # the firm's principal account, if the actor administers it (else 404)


def snapshot(mandate: Mandate) -> dict[str, Any]:
    return {
        "identifier": mandate.identifier,
        "company_name": mandate.company_name,
        "teleprocedures": list(mandate.teleprocedures),
        "starts_on": mandate.starts_on.isoformat(),
        "ends_on": mandate.ends_on.isoformat() if mandate.ends_on else None,
        "status": mandate.status,
    }


def _audited(
    ctx: Context, action: str, mandate: Mandate, before: dict[str, Any] | None, *, account_id: int | None = None
) -> None:
    audit.write(
        ctx.session,
        ctx.actor,
        action,
        portal=ctx.realm,
        target_type="mandate",
        target_id=mandate.id,
        account_id=account_id or mandate.firm_id,
        before=before,
        after=None if action == "mandate.deleted" else snapshot(mandate),
    )


def add_client(ctx: Context, secret: str, account: Account, data: ClientIn, *, today: date | None = None) -> Mandate:
    """« Ajouter un client »: a mandate to activate, its key sealed for the letter."""
    identifier = domain.normalize_identifier(ctx.portal.identifier_scheme, data.identifier)
    if identifier == account.identifier:
        raise RuleViolation("Un cabinet ne se donne pas de mandat à lui-même.", code="own_establishment")
    codes = catalogue_store.require_codes(ctx.session, ctx.realm, data.teleprocedures)
    starts = today or utcnow().date()
    if data.ends_on is not None and data.ends_on < starts:
        raise InvalidInput(
            "La date de fin du mandat est passée : choisissez aujourd'hui ou plus tard.",
            code="ends_in_the_past",
            details={"field": "ends_on"},
        )
    taken = ctx.session.scalar(
        select(Mandate.id).where(Mandate.firm_id == account.id, Mandate.identifier == identifier)
    )
    if taken is not None:
        raise _client_exists(identifier, taken)
    key = keys.new_key()
    days = ctx.portal.mandate_key_days
    mandate = Mandate(
        portal=ctx.realm,
        firm_id=account.id,
        identifier=identifier,
        company_name=data.company_name,
        address_line1=data.address_line1,
        address_line2=data.address_line2 or None,
        postcode=data.postcode.strip().upper(),
        city=data.city,
        teleprocedures=codes,
        starts_on=starts,
        ends_on=data.ends_on,
        status=CREATED,
        key_hash=keys.digest(secret, ctx.realm, key),
        key_sealed=keys.seal(secret, key),
        key_expires_at=utcnow() + timedelta(days=days) if days else None,
        created_by=ctx.actor.name,
    )
    savepoint = ctx.session.begin_nested()  # added at the same moment by another request: the constraint says
    try:
        ctx.session.add(mandate)
        ctx.session.flush()
    except IntegrityError as exc:
        savepoint.rollback()
        raise _client_exists(identifier, None) from exc
    savepoint.commit()
    _audited(ctx, "mandate.created", mandate, None)
    return mandate


def _client_exists(identifier: str, taken: int | None) -> Conflict:
    return Conflict(
        f"{identifier} est déjà un client du cabinet. Clé perdue : supprimez ce client puis ajoutez-le à "
        "nouveau (une nouvelle clé et un nouveau courrier ; l'ancienne clé ne fonctionnera plus).",
        code="client_exists",
        details={"identifier": identifier, "id": taken},
    )


def list_clients(ctx: Context, account: Account, query: ClientsQuery) -> Page:
    base = select(Mandate).where(Mandate.firm_id == account.id)
    if query.q:
        like = f"%{query.q.strip()}%"
        base = base.where(or_(Mandate.identifier.ilike(like), Mandate.company_name.ilike(like)))
    if query.state:
        base = base.where(_in_state(query.state, utcnow()))
    total = ctx.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    items = ctx.session.scalars(
        base.order_by(Mandate.company_name, Mandate.id).offset((query.page - 1) * query.per_page).limit(query.per_page)
    )
    return Page(list(items), total, query.page, query.per_page)


def _in_state(state: str, now: datetime) -> Any:
    waiting = Mandate.status.in_((CREATED, PRINTED))
    key_dead = Mandate.key_expires_at.is_not(None) & (Mandate.key_expires_at <= now)
    past_end = Mandate.ends_on.is_not(None) & (Mandate.ends_on < now.date())
    if state in (CREATED, PRINTED):
        return (Mandate.status == state) & ~key_dead
    if state == EXPIRED:
        return waiting & key_dead
    if state == ACTIVE:
        return (Mandate.status == ACTIVE) & ~past_end
    if state == ENDED:
        return (Mandate.status == ACTIVE) & past_end
    return Mandate.status == state


def get_mandate(ctx: Context, mandate_id: int, *, client_too: bool = False) -> Mandate:
    """A mandate of a firm the actor administers (or, with ``client_too``, asked of an
    establishment whose account it administers), locked until the change is saved; else 404.
    Who may see it is part of the locking query: another's mandate is never locked or waited for."""
    query = select(Mandate).where(Mandate.id == mandate_id, Mandate.portal == ctx.realm)
    if not ctx.actor.operator:
        mine = Mandate.firm_id == ctx.actor.principal_id if ctx.actor.administrator else false()
        if client_too:
            mine = or_(mine, Mandate.identifier.in_(_vouched_identifiers(ctx)))
        query = query.where(mine)
    found = ctx.session.scalar(query.with_for_update(of=Mandate))
    if found is None:
        raise NotFound("Mandat introuvable.", code="mandate_not_found")
    return found


def _vouched_identifiers(ctx: Context) -> list[str]:
    """The establishments the actor answers for as a client: those of the accounts it administers
    whose identifier the portal vouches for (the principal's, checked when the portal opened it,
    and its secondaries' in the same company). A secondary declared with another company's SIRET
    never speaks for that company."""
    if ctx.actor.principal_id is None or not ctx.actor.administrator:
        return []
    principal = ctx.session.get(Account, ctx.actor.principal_id)
    if principal is None or not principal.identity_checked:
        return []
    found = ctx.session.scalars(
        select(Account.identifier).where(
            Account.portal == ctx.realm, or_(Account.id == principal.id, Account.parent_id == principal.id)
        )
    )
    scheme = ctx.portal.identifier_scheme
    return sorted({i for i in found if domain.same_company(scheme, principal.identifier, i)})


def delete_client(ctx: Context, mandate: Mandate) -> None:
    """The firm removes the client: its key dies with it (a lost key: add the client again)."""
    _audited(ctx, "mandate.deleted", mandate, snapshot(mandate))
    ctx.session.delete(mandate)
    ctx.session.flush()


def revoke(ctx: Context, mandate: Mandate) -> Mandate:
    """By the firm or by the client's administrator: the firm no longer acts for the client."""
    if mandate.status in (REVOKED, LOCKED):
        raise Conflict(
            f"Ce mandat est déjà {'retiré' if mandate.status == REVOKED else 'verrouillé'}.", code="mandate_closed"
        )
    before = snapshot(mandate)
    by_firm = ctx.actor.administers(mandate.firm_id)
    mandate.status = REVOKED
    mandate.revoked_at = utcnow()
    mandate.revoked_by = "firm" if by_firm else "client"
    mandate.key_sealed = None
    ctx.session.flush()
    _audited(ctx, "mandate.revoked", mandate, before)
    if not by_firm and ctx.actor.principal_id is not None:
        _audited(ctx, "mandate.revoked", mandate, before, account_id=ctx.actor.principal_id)
    return mandate


def client_account(ctx: Context, account_id: int) -> Account:
    """An account whose administrator the actor is (the client's side of mandates), else 404."""
    account = ctx.session.get(Account, account_id)
    if account is None or account.portal != ctx.realm or not ctx.actor.administers(account.principal_id):
        raise NotFound("Compte introuvable.", code="account_not_found")
    return account


def vouched(ctx: Context, account: Account) -> bool:
    """The portal vouches for this account's identifier: a principal's (checked when the portal
    opened it), or a secondary's in its principal's company."""
    principal = account.parent or account
    if not principal.identity_checked:  # a firm that registered itself, not confirmed yet
        return False
    return account is principal or domain.same_company(
        ctx.portal.identifier_scheme, principal.identifier, account.identifier
    )


def received_out(mandate: Mandate, now: datetime) -> dict[str, Any]:
    return {
        "id": mandate.id,
        "firm": {"company_name": mandate.firm.company_name, "identifier": mandate.firm.identifier},
        "identifier": mandate.identifier,
        "teleprocedures": list(mandate.teleprocedures),
        "starts_on": mandate.starts_on.isoformat(),
        "ends_on": mandate.ends_on.isoformat() if mandate.ends_on else None,
        "state": mandate.state(now),
    }


def received(ctx: Context, account: Account) -> list[Mandate]:
    """The mandates firms asked of this account's establishment (the client's account pages);
    none for a secondary declared with another company's identifier (it does not speak for it)."""
    if not vouched(ctx, account):
        return []
    return list(
        ctx.session.scalars(
            select(Mandate)
            .where(Mandate.portal == ctx.realm, Mandate.identifier == account.identifier)
            .order_by(Mandate.created_at.desc())
        )
    )


@dataclass(frozen=True)
class PrintRun:
    pdf: bytes
    letters: int
    declared: int  # letters sent to the address the firm gave (the portal knew none)


def postal_address(ctx: Context, mandate: Mandate) -> tuple[list[str], bool]:
    """Where the client's letter goes, and whether it is the firm's word: the address the portal
    holds for the establishment (the responsible's address of its open account, checked when the
    portal opened it), else the one the firm gave, which operators check (the SIRENE register)
    before the print run. The firm never chooses where a key it could use is sent."""
    accounts = ctx.session.scalars(
        select(Account).where(
            Account.portal == ctx.realm, Account.identifier == mandate.identifier, Account.status == "open"
        )
    )
    for account in sorted(accounts, key=lambda a: (a.kind != domain.PRINCIPAL, a.id)):
        if not vouched(ctx, account):
            continue
        lines = domain.postal_lines(account.company_name, account.responsible)
        if lines is not None:
            return lines, False
    return address(mandate), True


def print_letters(ctx: Context, secret: str, account: Account, mandate_ids: list[int] | None) -> PrintRun:
    """The letters still to print (all, or these clients'), one PDF; their keys then exist only
    on paper (and hashed here). Only the portal prints (an operator, the CLI) and posts them: a
    firm that could print them could read a key and activate a mandate nobody gave it."""
    ctx.actor.require_operator()
    if not account.identity_checked:
        raise RuleViolation(
            "Ce cabinet s'est inscrit lui-même et son identité n'est pas encore confirmée : confirmez-la (SIRENE, "
            "justificatif) avant d'envoyer à ses clients des clés qui le nomment.",
            code="identity_not_checked",
        )
    query = select(Mandate).where(Mandate.firm_id == account.id).with_for_update(of=Mandate)
    if mandate_ids is not None:
        query = query.where(Mandate.id.in_(mandate_ids))
    found = list(ctx.session.scalars(query.order_by(Mandate.postcode, Mandate.company_name, Mandate.id)))
    if mandate_ids is not None:
        missing = sorted(set(mandate_ids) - {m.id for m in found})
        if missing:
            raise NotFound("Clients introuvables chez ce cabinet.", code="mandate_not_found", details={"ids": missing})
        done = [m.id for m in found if m.key_sealed is None]
        if done:
            raise RuleViolation(
                "Le courrier de ces clients est déjà imprimé (ou leur mandat n'attend plus de clé). Pour un "
                "nouveau courrier, supprimez le client et ajoutez-le à nouveau.",
                code="letter_already_printed",
                details={"ids": done},
            )
    now = utcnow()
    todo = [m for m in found if m.key_sealed is not None and m.state(now) in (CREATED, PRINTED)]
    if not todo:
        raise RuleViolation("Aucun courrier à imprimer.", code="no_letter_to_print")
    firm_name = account.company_name
    where = {m.id: postal_address(ctx, m) for m in todo}
    pages = [
        letters.Letter(
            portal_name=ctx.portal.display_name,
            return_address=ctx.portal.return_address,
            support=ctx.portal.support_contact,
            firm_name=firm_name,
            firm_identifier=account.identifier,
            client_name=m.company_name,
            client_identifier=m.identifier,
            address=where[m.id][0],
            teleprocedures=m.teleprocedures,
            key=_unsealed(secret, m),
            key_expires_on=m.key_expires_at.date() if m.key_expires_at else None,
            printed_on=now.date(),
        )
        for m in todo
    ]
    pdf = letters.render(pages)
    for m in todo:
        m.key_sealed = None
        m.printed_at = now
        if m.status == CREATED:
            m.status = PRINTED
        _audited(ctx, "mandate.letter_printed", m, None)
    ctx.session.flush()
    return PrintRun(pdf, len(todo), sum(1 for lines, declared in where.values() if declared))


def _unsealed(secret: str, mandate: Mandate) -> str:
    try:
        return keys.unseal(secret, mandate.key_sealed or "")
    except DomainError as exc:
        raise RuleViolation(
            f"{exc.message} (client {mandate.identifier}, mandat {mandate.id})",
            code=exc.code,
            details={"id": mandate.id, "identifier": mandate.identifier},
        ) from exc


@dataclass(frozen=True)
class Activation:
    mandate: Mandate | None
    refusal: DomainError | None  # to raise once the attempt is saved


def activate(ctx: Context, secret: str, account: Account, typed: str) -> Activation:
    """The firm's administrator enters a client's key. A refusal is returned, not raised: the
    attempt it counts must be saved before the request answers it."""
    serialize(ctx.session, f"mandate-keys:{account.id}")  # counted, then written: one at a time
    now = utcnow()
    failures = (
        ctx.session.scalar(
            select(func.count(KeyAttempt.id)).where(
                KeyAttempt.firm_id == account.id, KeyAttempt.created_at > now - FAILURE_WINDOW
            )
        )
        or 0
    )
    if failures >= MAX_FAILURES:
        return Activation(
            None,
            RateLimited(
                f"Trop de clés erronées pour ce cabinet : réessayez dans {int(FAILURE_WINDOW.total_seconds() // 60)} "
                "minutes, en recopiant la clé du courrier (16 caractères, sans 0, O, 1, I ni L).",
                code="too_many_attempts",
                details={"retry_after": int(FAILURE_WINDOW.total_seconds())},
            ),
        )
    key = keys.typed(typed)
    if key is None:
        return _failed(
            ctx,
            account,
            "bad_format",
            InvalidInput(
                "Une clé d'activation compte 16 lettres et chiffres, en 4 groupes (ex. ABCD-EFGH-JKMN-PQRS) ; "
                "elle ne contient ni 0, ni O, ni 1, ni I, ni L.",
                code="invalid_key_format",
                details={"field": "key"},
            ),
        )
    mandate = ctx.session.scalar(
        select(Mandate)
        .where(Mandate.portal == ctx.realm, Mandate.key_hash == keys.digest(secret, ctx.realm, key))
        .with_for_update(of=Mandate)
    )
    if mandate is not None and mandate.firm_id != account.id and mandate.state(now) not in (CREATED, PRINTED):
        mandate = None  # a key no longer waiting is nobody's business but its firm's: unknown
    if mandate is None:
        return _failed(
            ctx,
            account,
            "unknown_key",
            RuleViolation(
                "Cette clé d'activation ne correspond à aucun client : vérifiez-la sur le courrier. Si le client "
                "l'a perdue, supprimez-le puis ajoutez-le à nouveau pour qu'il reçoive une nouvelle clé.",
                code="unknown_key",
                details={"field": "key"},
            ),
        )
    if mandate.firm_id != account.id:
        mandate.wrong_firm_attempts += 1
        if mandate.wrong_firm_attempts >= WRONG_FIRM_LOCK:
            before = snapshot(mandate)
            mandate.status = LOCKED
            mandate.key_sealed = None
            # In the key's firm's log, without naming who tried it (another firm's person).
            audit.write(
                ctx.session,
                Actor(name="portail (clé essayée par d'autres cabinets)"),
                "mandate.locked",
                portal=ctx.realm,
                target_type="mandate",
                target_id=mandate.id,
                account_id=mandate.firm_id,
                before=before,
                after=snapshot(mandate),
            )
        return _failed(
            ctx,
            account,
            "other_firm",
            RuleViolation(
                "Cette clé d'activation a été demandée par un autre cabinet : elle ne sert qu'à lui. Pour agir "
                "pour cette entreprise, ajoutez-la à vos clients : elle recevra un courrier avec votre propre clé.",
                code="key_of_another_firm",
                details={"field": "key"},
            ),
        )
    state = mandate.state(now)
    if state == ACTIVE:
        return Activation(
            None, Conflict("Ce mandat est déjà actif.", code="mandate_already_active", details={"id": mandate.id})
        )
    if state not in (CREATED, PRINTED):
        words = {REVOKED: "retiré", LOCKED: "verrouillé", EXPIRED: "expiré", ENDED: "terminé"}
        return _failed(
            ctx,
            account,
            "not_usable",
            RuleViolation(
                f"Cette clé ne peut plus servir : le mandat est {words.get(state, state)}. Supprimez le client puis "
                "ajoutez-le à nouveau pour une nouvelle clé.",
                code="key_not_usable",
                details={"field": "key", "state": state, "id": mandate.id},
            ),
        )
    before = snapshot(mandate)
    mandate.status = ACTIVE
    mandate.activated_at = now
    mandate.activated_by = ctx.actor.name
    mandate.key_sealed = None
    mandate.starts_on = max(mandate.starts_on, now.date())
    ctx.session.flush()
    _audited(ctx, "mandate.activated", mandate, before)
    _into_portfolio(ctx, account, mandate)
    return Activation(mandate, None)


def _failed(ctx: Context, account: Account, outcome: str, refusal: DomainError) -> Activation:
    ctx.session.add(KeyAttempt(portal=ctx.realm, firm_id=account.id, outcome=outcome))
    ctx.session.flush()
    return Activation(None, refusal)


def _into_portfolio(ctx: Context, account: Account, mandate: Mandate) -> None:
    """An activated client's establishment is in the firm's portfolio (to complete: its partner
    group and deadline are the firm's to say)."""
    serialize(ctx.session, f"portfolio:{account.id}:{mandate.identifier}")
    entry = ctx.session.scalar(
        select(Establishment).where(Establishment.firm_id == account.id, Establishment.identifier == mandate.identifier)
    )
    if entry is not None:
        return
    entry = Establishment(
        portal=ctx.realm,
        firm_id=account.id,
        identifier=mandate.identifier,
        company_name=mandate.company_name,
        source=BY_MANDATE,
    )
    ctx.session.add(entry)
    ctx.session.flush()
    audit.write(
        ctx.session,
        ctx.actor,
        "portfolio.added",
        portal=ctx.realm,
        target_type="establishment",
        target_id=entry.id,
        account_id=account.id,
        after=portfolios.snapshot(entry),
        message=f"mandat {mandate.id} activé",
    )


def record_use(ctx: Context, firm_id: int, identifier: str, code: str, filed_on: date) -> None:
    """A filing reported for a client under mandate: a use of the mandate, audited."""
    mandate = ctx.session.scalar(select(Mandate).where(Mandate.firm_id == firm_id, Mandate.identifier == identifier))
    if mandate is None:
        return
    audit.write(
        ctx.session,
        ctx.actor,
        "mandate.used",
        portal=ctx.realm,
        target_type="mandate",
        target_id=mandate.id,
        account_id=firm_id,
        after={"teleprocedure": code, "filed_on": filed_on.isoformat(), "state": mandate.state(utcnow())},
    )
