"""Account operations: the one place the UI, the API, the CLI and the import change accounts.

Each operation checks the actor's rights and the domain rules, changes the database, writes the
audit log and records the Keycloak work in the sync outbox, all in the caller's transaction.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from provisioner.accounts import domain
from provisioner.accounts.audit import record, snapshot_account
from provisioner.accounts.models import Account, Person, Subscription
from provisioner.accounts.outbox import enqueue_account, enqueue_invitation
from provisioner.accounts.reconciler import reaches_secondaries
from provisioner.accounts.schemas import AccountPatch, PrincipalIn, parse
from provisioner.actors import Actor
from provisioner.catalogue import store as catalogue_store
from provisioner.context import Context
from provisioner.db import Database, serialize
from provisioner.errors import Conflict, DomainError, Forbidden, NotFound, RuleViolation
from provisioner.portals import Portal


@dataclass(frozen=True)
class Page:
    items: list[Account]
    total: int
    page: int
    per_page: int


# -- reading ----------------------------------------------------------------------------------------
def get_account(ctx: Context, account_id: int) -> Account:
    account = ctx.session.get(Account, account_id)
    # An account the actor may not see is reported as missing: its existence is not disclosed.
    if account is None or account.portal != ctx.realm or not ctx.actor.may_see(account.principal_id, account.id):
        raise NotFound(f"Compte {account_id} introuvable.", code="account_not_found")
    return account


def list_accounts(
    ctx: Context,
    *,
    q: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    parent_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    query = select(Account).where(Account.portal == ctx.realm)
    actor = ctx.actor
    if not actor.operator:
        if actor.principal_id is None:
            return Page([], 0, page, per_page)
        visible = or_(Account.id == actor.principal_id, Account.parent_id == actor.principal_id)
        if not actor.administrator:
            visible = Account.id == actor.account_id
        query = query.where(visible)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(
            or_(
                Account.login.ilike(like),
                Account.company_name.ilike(like),
                Account.identifier.ilike(like),
            )
        )
    if status:
        query = query.where(Account.status == status)
    if kind:
        query = query.where(Account.kind == kind)
    if parent_id is not None:
        query = query.where(Account.parent_id == parent_id)
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    per_page = max(1, min(per_page, 500))
    items = ctx.session.scalars(query.order_by(Account.login).offset((max(page, 1) - 1) * per_page).limit(per_page))
    return Page(list(items), total, page, per_page)


# -- helpers ----------------------------------------------------------------------------------------
def login_free(ctx: Context, login: str) -> None:
    taken = (
        select(Account.id)
        .where(Account.portal == ctx.realm, Account.login == login)
        .union_all(select(Person.id).where(Person.portal == ctx.realm, Person.username == login))
    )
    if ctx.session.execute(taken.limit(1)).first() is not None:
        raise Conflict(
            f"L'identifiant « {login} » est déjà utilisé sur ce portail : choisissez-en un autre.",
            code="duplicate_login",
            details={"login": login},
        )


def email_free(ctx: Context, email: str, *, person_id: int | None = None) -> None:
    """On a portal where people sign in with their e-mail address (rule 21), an address is one
    person's (Keycloak refuses a second user with it, the change could never be applied)."""
    if ctx.portal.login_scheme != "email" or not email:
        return
    serialize(ctx.session, f"email:{ctx.realm}:{email.lower()}")  # checked, then written: one at a time
    query = select(Person.id).where(Person.portal == ctx.realm, func.lower(Person.email) == email.lower())
    if person_id is not None:
        query = query.where(Person.id != person_id)
    if ctx.session.scalar(query.limit(1)) is not None:
        raise Conflict(
            f"L'adresse e-mail « {email} » est déjà celle d'un autre utilisateur de ce portail, où chacun se "
            "connecte avec sa propre adresse : indiquez-en une autre.",
            code="duplicate_email",
            details={"email": email},
        )


def people_named(ctx: Context, identifier: str, first_name: str, last_name: str) -> list[Person]:
    """The portal's people of the accounts of that identifier with those names, compared as the
    SIRET + names login compares them (``domain.name_key``)."""
    query = (
        select(Person)
        .join(Account, Person.account_id == Account.id)
        .where(Person.portal == ctx.realm, Account.identifier == identifier)
    )
    wanted = domain.name_key(last_name), domain.name_key(first_name)
    return [
        p for p in ctx.session.scalars(query) if (domain.name_key(p.last_name), domain.name_key(p.first_name)) == wanted
    ]


def names_free(ctx: Context, identifier: str, first_name: str, last_name: str, *, person_id: int | None = None) -> None:
    """On a portal where people sign in with the SIRET, their last name and first name (rule 21),
    those three name one person: two people of one SIRET with the same names (compared as the
    login page compares them) could neither of them sign in."""
    if ctx.portal.login_scheme != "siret-names":
        return
    serialize(ctx.session, f"names:{ctx.realm}:{identifier}")  # checked, then written: one at a time
    if any(p.id != person_id for p in people_named(ctx, identifier, first_name, last_name)):
        raise Conflict(
            f"« {first_name} {last_name} » est déjà le nom d'un utilisateur du SIRET {identifier} sur ce portail, "
            "où l'on se connecte avec le SIRET, le nom et le prénom : aucun des deux ne pourrait se connecter. "
            "Distinguez-les, par exemple par un deuxième prénom.",
            code="duplicate_names",
            details={"identifier": identifier, "first_name": first_name, "last_name": last_name},
        )


def set_selection(account: Account, selection: Mapping[str, Sequence[str]]) -> None:
    current = {s.code: s for s in account.subscriptions}
    for code in set(current) - set(selection):
        account.subscriptions.remove(current[code])
    for code, types in selection.items():
        if code in current:
            current[code].document_types = list(types)
        else:
            account.subscriptions.append(Subscription(code=code, document_types=list(types)))


def _phone(ctx: Context, value: str | None) -> str | None:
    return domain.normalize_phone(value, ctx.portal.default_country) if value else None


def mailboxes_used(ctx: Context, principal: Account) -> int:
    """How many secondary accounts of ``principal`` have a mailbox (what the quota counts)."""
    return (
        ctx.session.scalar(select(func.count()).where(Account.parent_id == principal.id, Account.has_mailbox.is_(True)))
        or 0
    )


def _dump(model: Any) -> Any:
    return model.model_dump() if model is not None else {}


def audited(ctx: Context, account: Account, action: str, before: dict[str, Any] | None, message: str = "") -> None:
    """Write the change of ``account`` (as it was, as it is now) to its log; Keycloak follows.
    (For the account operations here and in ``secondaries``.)"""
    if account.id is None:
        ctx.session.flush()
    after = snapshot_account(account)
    record(ctx.session, ctx.actor, action, account=account, before=before, after=after, message=message)
    # A secondary's change is its own (its people); a principal's spans its secondaries when it
    # changes what they get (its ceiling, its state), else only its group and own people, and
    # their roles only if its teleprocedures changed.
    spans = account.kind == domain.PRINCIPAL and (before is None or reaches_secondaries(before, after))
    part = None if spans else account.id
    identity = before is not None and before["teleprocedures"] == after["teleprocedures"]
    new = before is None and account.kind == domain.PRINCIPAL
    enqueue_account(ctx.session, ctx.realm, account.principal_id, part, identity=identity, new=new)


def _reselect(
    ctx: Context, account: Account, selection: Mapping[str, Sequence[str]], action: str, message: str = ""
) -> None:
    """Set the account's subscriptions to ``selection``, audited."""
    before = snapshot_account(account)
    set_selection(account, selection)
    lapsed = []
    for person in account.people:  # rule 12: no declarant permission outlives its subscription
        kept = domain.without_lapsed(person.roles, account.selection)
        if kept != list(person.roles):
            lapsed.append(f"{person.username}: {', '.join(sorted(set(person.roles) - set(kept)))}")
            person.roles = kept
    if lapsed:
        message = "; ".join(filter(None, [message, "Autorisations retirées : " + " / ".join(lapsed)]))
    audited(ctx, account, action, before, message)


# -- principal accounts ----------------------------------------------------------------------------
def create_principal(ctx: Context, data: PrincipalIn) -> Account:
    account = _new_principal(ctx, data)
    _save_new_principals(ctx, [account])
    return account


def _new_principal(ctx: Context, data: PrincipalIn) -> Account:
    """A principal account and its holder, checked against the rules and what is saved, not yet
    in the session (``_save_new_principals`` saves them)."""
    ctx.actor.require_operator()
    login = domain.normalize_login(data.login, min_length=3)
    login_free(ctx, login)
    email_free(ctx, data.responsible.email)
    identifier = domain.normalize_identifier(ctx.portal.identifier_scheme, data.identifier)
    names_free(ctx, identifier, data.responsible.first_name, data.responsible.last_name)
    selection = catalogue_store.current(ctx).validate(data.teleprocedures)
    responsible = data.responsible.model_dump()
    responsible["phone"] = _phone(ctx, data.responsible.phone)
    contact_from_responsible = {
        "name": f"{data.responsible.first_name} {data.responsible.last_name}",
        "email": data.responsible.email,
        "phone": responsible["phone"],
    }
    account = Account(
        portal=ctx.realm,
        kind=domain.PRINCIPAL,
        login=login,
        identifier=identifier,
        company_name=data.company_name,
        company_type=data.company_type,
        status=data.status,
        is_test=data.is_test,
        secondary_quota=data.secondary_quota,
        responsible=responsible,
        technical_contact=_dump(data.technical_contact) or contact_from_responsible,
        administrative_contact=_dump(data.administrative_contact) or contact_from_responsible,
        legal_representative=data.legal_representative,
        billing=data.billing.model_dump(),
        services=data.services.model_dump(),
        dossier_number=data.dossier_number,
        subscriptions=[],  # new: nothing to load, even once saved
        secondaries=[],
    )
    set_selection(account, selection)
    Person(
        portal=ctx.realm,
        account=account,
        kind=domain.HOLDER,
        username=login,
        email=data.responsible.email,
        first_name=data.responsible.first_name,
        last_name=data.responsible.last_name,
        roles=[domain.ACCOUNT_ADMIN],
    )
    return account


def _save_new_principals(ctx: Context, accounts: list[Account]) -> None:
    """Save new principal accounts (from ``_new_principal``) with their holders, audit rows and
    Keycloak work: a few statements per table for all of them, not a few per account."""
    ctx.session.add_all(accounts)
    ctx.session.flush()
    for account in accounts:
        account.dossier_number = account.dossier_number or str(20000 + account.id)
    for account in accounts:
        audited(ctx, account, "account.created", None)
        if account.status == "open":
            invite_logins(ctx, account)
    ctx.session.flush()


def _same_person_keys(ctx: Context, account: Account) -> set[tuple[str, ...]]:
    """What two new accounts of one import may not share (``login_free``, ``email_free``,
    ``names_free`` check it against what is saved, not against each other)."""
    holder = account.people[0]
    keys: set[tuple[str, ...]] = {("login", account.login)}
    if ctx.portal.login_scheme == "email":
        keys.add(("email", holder.email.lower()))
    if ctx.portal.login_scheme == "siret-names":
        keys.add(("names", account.identifier, domain.name_key(holder.last_name), domain.name_key(holder.first_name)))
    return keys


def create_principals(ctx: Context, records: Iterable[Any]) -> list[dict[str, Any]]:
    """Bulk creation (API, import): each record succeeds or fails on its own, with its reason.
    The records are checked first, then the good ones saved together; if saving them together
    fails (two records for one login, or a login taken by someone else meanwhile), they are saved
    one by one, each with its own outcome."""
    items = list(records)
    results: list[dict[str, Any]] = [{}] * len(items)
    checked: list[tuple[int, Account]] = []
    keys: set[tuple[str, ...]] = set()
    together = True
    for index, item in enumerate(items):
        try:
            account = _new_principal(ctx, parse(PrincipalIn, item))
        except DomainError as exc:
            results[index] = _refused(index, item, exc)
            continue
        own = _same_person_keys(ctx, account)
        together = together and not own & keys
        keys |= own
        checked.append((index, account))
    if together:
        savepoint = ctx.session.begin_nested()
        try:
            _save_new_principals(ctx, [account for _, account in checked])
        except IntegrityError:
            savepoint.rollback()
            together = False
        else:
            savepoint.commit()
    for index, account in checked:
        if together:
            results[index] = {"index": index, "login": account.login, "status": "created", "id": account.id}
        else:
            results[index] = _create_alone(ctx, index, items[index])
    return results


def _create_alone(ctx: Context, index: int, item: Any) -> dict[str, Any]:
    savepoint = ctx.session.begin_nested()
    try:
        try:
            account = create_principal(ctx, parse(PrincipalIn, item))
        except IntegrityError as exc:  # saved by someone else at the same moment (a login, an address)
            raise Conflict(
                "Un enregistrement fait au même moment entre en conflit avec cette ligne "
                "(identifiant ou adresse déjà pris) : vérifiez-la et réessayez.",
                code="conflict",
            ) from exc
    except DomainError as exc:
        savepoint.rollback()
        return _refused(index, item, exc)
    savepoint.commit()
    return {"index": index, "login": account.login, "status": "created", "id": account.id}


def _refused(index: int, item: Any, exc: DomainError) -> dict[str, Any]:
    login = item.get("login") if isinstance(item, dict) else None
    return {"index": index, "login": login, "status": "error", **exc.to_dict()}


IMPORT_CHUNK = 200  # rows an import saves per transaction


def import_principals(
    db: Database, portal: Portal, actor: Actor, records: Iterable[Any], *, chunk: int = IMPORT_CHUNK
) -> list[dict[str, Any]]:
    """A large import (CLI, bulk provisioning): ``create_principals`` committed every ``chunk``
    rows, so that the sync worker applies what is saved while the rest is (``applying_meanwhile``),
    and a long import holds no transaction for minutes. Each row succeeds or fails on its own; if
    the import stops half-way, the rows before are saved (run again, they say "already used")."""
    results: list[dict[str, Any]] = []
    rows = iter(records)
    while batch := list(itertools.islice(rows, chunk)):
        with db.session() as session:
            done = create_principals(Context(session, portal, actor), batch)
        offset = len(results)
        results.extend({**line, "index": line["index"] + offset} for line in done)
    return results


def update_account(ctx: Context, account: Account, patch: AccountPatch) -> Account:
    ctx.actor.require_administrator_of(account.principal_id)
    if "secondary_quota" in patch.model_fields_set:
        serialize(ctx.session, f"mailboxes:{account.principal_id}")  # the quota check
    before = snapshot_account(account)
    changes = patch.model_dump(exclude_unset=True)
    if "status" in changes and changes["status"] != account.status:
        if account.kind == domain.PRINCIPAL:
            ctx.actor.require_operator()  # only the portal validates, opens or closes a principal
        domain.check_status_transition(account.status, changes["status"])
        if changes["status"] == "invited":
            raise RuleViolation(
                "Un compte devient « invité » quand on invite son administrateur : créez l'invitation (lettre ou "
                "e-mail avec son code d'accès) depuis la page Invitations du compte.",
                code="invite_with_a_code",
                details={"field": "status"},
            )
    if "identifier" in changes:
        changes["identifier"] = domain.normalize_identifier(ctx.portal.identifier_scheme, changes["identifier"])
        if changes["identifier"] != account.identifier and not ctx.actor.operator:
            # The legal identifier is what relying apps trust (tokens carry it): once an account
            # exists, the portal checks a change (a secondary's is declared by its administrator at
            # creation, as the seeds' establishments are).
            raise Forbidden(
                "Le SIRET (identifiant légal) d'un compte ne se change que par le support du portail : "
                "contactez-le avec un justificatif.",
                code="identifier_change_operator_only",
                details={"field": "identifier"},
            )
    if account.kind != domain.PRINCIPAL:
        for field in ("secondary_quota", "billing"):
            if field in changes:
                raise Forbidden(
                    "Un compte secondaire n'a ni comptes secondaires ni facturation.",
                    code="not_for_secondary",
                    details={"field": field},
                )
    if "autonomous" in changes and account.kind == domain.PRINCIPAL:
        raise Forbidden("L'autonomie ne concerne que les comptes secondaires.", code="not_for_principal")
    if "autonomous" in changes:
        ctx.actor.require_administrator_of(account.principal_id)
    if "mfa_policy" in changes and changes["mfa_policy"] != account.mfa_policy:
        ctx.actor.require_operator()  # relaxing the second factor is the portal's decision
    if "identity_checked" in changes and changes["identity_checked"] != account.identity_checked:
        ctx.actor.require_operator()  # only the portal vouches for who an account is
    if "secondary_quota" in changes:
        domain.check_mailbox_quota(changes["secondary_quota"], mailboxes_used(ctx, account))
    if changes.get("responsible"):
        changes["responsible"]["phone"] = _phone(ctx, changes["responsible"].get("phone"))
    first_opening = account.status in ("validated", "invited") and changes.get("status") == "open"
    for field, value in changes.items():
        setattr(account, field, value)
    ctx.session.flush()
    if account.kind == domain.PRINCIPAL and "responsible" in changes:
        holder = next((p for p in account.people if p.kind == domain.HOLDER), None)
        if holder is not None:
            email_free(ctx, account.responsible["email"], person_id=holder.id)
            names_free(
                ctx,
                account.identifier,
                account.responsible["first_name"],
                account.responsible["last_name"],
                person_id=holder.id,
            )
            holder.email = account.responsible["email"]
            holder.first_name = account.responsible["first_name"]
            holder.last_name = account.responsible["last_name"]
    if "identifier" in changes:  # its people now sign in with the new SIRET
        for person in account.people:
            names_free(ctx, account.identifier, person.first_name, person.last_name, person_id=person.id)
    audited(ctx, account, "account.updated", before)
    if first_opening:
        invite_logins(ctx, account)
    return account


def open_registered(
    ctx: Context, account: Account, *, email: str, first_name: str, last_name: str, locale: str
) -> Person:
    """Rule 17: the first administrator registered with the account's access code. The holder is
    now the one who registered (the address it proved, its names, its language) and the account
    opens. The registration sets the holder's password itself, so the holder gets no e-mail; the
    account's other logins (its open secondaries') are invited as at any first opening."""
    if account.status != "invited" or account.kind != domain.PRINCIPAL:
        raise RuleViolation("Ce compte n'attend plus l'inscription de son administrateur.", code="account_not_invited")
    holder = next(p for p in account.people if p.kind == domain.HOLDER)
    email_free(ctx, email, person_id=holder.id)
    names_free(ctx, account.identifier, first_name, last_name, person_id=holder.id)
    before = snapshot_account(account)
    account.responsible = {**account.responsible, "email": email, "first_name": first_name, "last_name": last_name}
    account.status = "open"
    holder.email, holder.first_name, holder.last_name, holder.locale = email, first_name, last_name, locale
    holder.enabled = True
    ctx.session.flush()
    audited(ctx, account, "account.registered", before, message=f"{first_name} {last_name} <{email}>")
    for secondary in account.secondaries:
        if secondary.status == "open":
            invite_logins(ctx, secondary)
    return holder


def invite_logins(ctx: Context, account: Account) -> None:
    """First access (rule 11 for every login): when an account opens, its holder (a principal) or
    its login (a secondary) is e-mailed the link to choose a password, as invited collaborators
    are; opening a principal also opens the way for its open secondaries' logins."""
    accounts = [account]
    if account.kind == domain.PRINCIPAL:
        accounts += [s for s in account.secondaries if s.status == "open"]
    elif account.parent is not None and account.parent.status != "open":
        return  # the principal opens later, and invites then
    for each in accounts:
        for person in each.people:
            if person.kind != domain.COLLABORATOR and person.enabled:
                enqueue_invitation(ctx.session, ctx.realm, person)


def set_teleprocedures(ctx: Context, account: Account, requested: Mapping[str, Sequence[str] | None]) -> Account:
    """Rules 3, 7, 8: subscriptions with document types; secondaries stay within the principal."""
    selection = catalogue_store.current(ctx).validate(requested)
    principal = account if account.kind == domain.PRINCIPAL else account.parent
    assert principal is not None
    if account.kind == domain.PRINCIPAL:
        ctx.actor.require_administrator_of(account.id)
    else:
        on_principal_side = ctx.actor.administers(principal.id)
        if not on_principal_side and ctx.actor.account_id != account.id:
            raise Forbidden("Vous n'administrez pas ce compte.", code="not_account_administrator")
        domain.check_may_choose_teleprocedures(on_principal_side, account.autonomous)
        domain.check_rights_ceiling(principal.selection, selection)
    _reselect(ctx, account, selection, "account.teleprocedures")
    if account.kind == domain.PRINCIPAL:
        for secondary in account.secondaries:
            kept, removed = domain.clip_to_ceiling(selection, secondary.selection)
            if not removed:
                continue
            _reselect(
                ctx,
                secondary,
                kept,
                "account.teleprocedures.cascade",
                "Retiré car le compte principal n'y est plus abonné : "
                + ", ".join(f"{code} {list(types)}" for code, types in sorted(removed.items())),
            )
    return account


def withdraw_teleprocedure(ctx: Context, account: Account, code: str, document_types: set[str] | None) -> None:
    """The catalogue takes ``code`` (or some of its document types) away: this account loses it."""
    selection = dict(account.selection)
    if code not in selection:
        return
    kept = tuple(t for t in selection[code] if document_types is not None and t not in document_types)
    if kept:
        selection[code] = kept
    else:
        del selection[code]
    what = code if document_types is None else f"{code} {sorted(document_types)}"
    _reselect(ctx, account, selection, "account.teleprocedures.withdrawn", f"Retiré du catalogue du portail : {what}")


def set_active(ctx: Context, account: Account, active: bool) -> Account:
    """Rule 10: deactivate/reactivate; the account stays listed with its state."""
    if account.kind == domain.PRINCIPAL:
        ctx.actor.require_operator()
    else:
        ctx.actor.require_administrator_of(account.principal_id)
    target = "open" if active else "closed"
    domain.check_status_transition(account.status, target)
    if account.status == target:
        return account
    before = snapshot_account(account)
    account.status = target
    audited(ctx, account, "account.reactivated" if active else "account.deactivated", before)
    return account
