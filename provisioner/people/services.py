"""Collaborators and the people of an account (rules 11 to 13): reading, inviting, changing,
disabling, deleting; each operation checks the actor's rights and the rules, writes the audit log
and records the Keycloak work, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select

from provisioner.accounts import domain
from provisioner.accounts.audit import record, snapshot_person
from provisioner.accounts.models import Account, Person
from provisioner.accounts.outbox import (
    enqueue_invitation,
    enqueue_old_address_notice,
    enqueue_person,
    enqueue_removal,
)
from provisioner.accounts.services import email_free, login_free, names_free
from provisioner.actors import Actor
from provisioner.context import Context
from provisioner.db import Database, serialize
from provisioner.errors import NotFound, RuleViolation
from provisioner.people.schemas import CollaboratorIn, PersonPatch


# -- reading -----------------------------------------------------------------------------------------
def get_person(ctx: Context, person_id: int) -> Person:
    person = ctx.session.get(Person, person_id)
    if person is None or person.portal != ctx.realm:
        raise NotFound(f"Utilisateur {person_id} introuvable.", code="person_not_found")
    account = person.account
    if not ctx.actor.may_see(account.principal_id, account.id):
        raise NotFound(f"Utilisateur {person_id} introuvable.", code="person_not_found")
    return person


def people_of(ctx: Context, account: Account, *, include_disabled: bool = True, q: str | None = None) -> list[Person]:
    query = select(Person).where(Person.account_id == account.id)
    if not include_disabled:
        query = query.where(Person.enabled.is_(True))
    if q:
        like = f"%{q.strip()}%"
        query = query.where(
            or_(
                Person.username.ilike(like),
                Person.email.ilike(like),
                Person.last_name.ilike(like),
                Person.first_name.ilike(like),
            )
        )
    return list(ctx.session.scalars(query.order_by(Person.last_name, Person.first_name)))


def _audited(ctx: Context, person: Person, action: str, before: dict[str, Any] | None, *, after: bool = True) -> None:
    """Write the change of ``person`` to its account's log; Keycloak follows: that person's user
    only (created, updated, or deleted when the person goes)."""
    record(
        ctx.session,
        ctx.actor,
        action,
        account=person.account,
        person=person,
        before=before,
        after=snapshot_person(person) if after else None,
    )
    if after:
        # Its roles are read only if its rights (or its state) may have changed.
        same = before is not None and before["roles"] == list(person.roles) and before["enabled"] == person.enabled
        enqueue_person(ctx.session, ctx.realm, person, identity=same)
    else:
        enqueue_removal(ctx.session, ctx.realm, person.account.principal_id, person.username)


# -- collaborators ---------------------------------------------------------------------------------
def _check_roles(principal: Account, roles: Sequence[str]) -> list[str]:
    return domain.check_permissions(roles, principal.selection)


def add_collaborator(ctx: Context, principal: Account, data: CollaboratorIn) -> Person:
    ctx.actor.require_administrator_of(principal.id)
    domain.check_secondary_has_no_secondaries(principal.kind)
    username = data.email
    login_free(ctx, username)
    email_free(ctx, data.email)
    names_free(ctx, principal.identifier, data.first_name, data.last_name)
    person = Person(
        portal=ctx.realm,
        account_id=principal.id,
        kind=domain.COLLABORATOR,
        username=username,
        email=data.email,
        first_name=data.first_name,
        last_name=data.last_name,
        locale=data.locale,
        roles=_check_roles(principal, data.roles),
    )
    ctx.session.add(person)
    ctx.session.flush()
    _audited(ctx, person, "person.created", None)
    # after the user exists: ids are in order; the welcome names who invited the person
    enqueue_invitation(ctx.session, ctx.realm, person, invited_by=_inviter(ctx))
    return person


def _inviter(ctx: Context) -> str:
    """Who the welcome e-mail says invited the person: the administrator by name, else the portal."""
    me = ctx.session.scalar(select(Person).where(Person.portal == ctx.realm, Person.username == ctx.actor.name))
    return f"{me.first_name} {me.last_name}" if me is not None else (ctx.portal.display_name or ctx.realm)


def delete_collaborator(ctx: Context, person: Person) -> None:
    ctx.actor.require_administrator_of(person.account.principal_id)
    serialize(ctx.session, f"people:{person.account.principal_id}")  # the last-administrator check
    account = person.account
    if person.kind != domain.COLLABORATOR:
        raise RuleViolation(
            "Seuls les collaborateurs se suppriment ; un titulaire ou un compte secondaire se désactive.",
            code="not_a_collaborator",
        )
    if person.enabled and domain.ACCOUNT_ADMIN in person.roles:
        domain.check_keeps_an_administrator(_active_admins(account, excluding=person))
    _audited(ctx, person, "person.deleted", snapshot_person(person), after=False)
    ctx.session.delete(person)
    ctx.session.flush()


def _active_admins(account: Account, excluding: Person | None = None) -> int:
    return sum(1 for p in account.people if p is not excluding and p.enabled and domain.ACCOUNT_ADMIN in p.roles)


def send_password_link(ctx: Context, person: Person) -> None:
    """An administrator sends the person a new link to choose a password (the invitation again,
    or a reset); the previous links keep their own expiry."""
    ctx.actor.require_administrator_of(person.account.principal_id)
    if not person.enabled:
        raise RuleViolation("Cet utilisateur est désactivé : réactivez-le d'abord.", code="person_disabled")
    principal = person.account.parent or person.account
    if person.account.status != "open" or principal.status != "open":
        raise RuleViolation(
            "Ce compte n'est pas ouvert : ses utilisateurs ne peuvent pas se connecter ; ouvrez-le d'abord.",
            code="account_not_open",
        )
    record(ctx.session, ctx.actor, "person.password_link", account=person.account, person=person)
    enqueue_invitation(ctx.session, ctx.realm, person)


def update_person(ctx: Context, person: Person, patch: PersonPatch) -> Person:
    ctx.actor.require_administrator_of(person.account.principal_id)
    serialize(ctx.session, f"people:{person.account.principal_id}")  # the last-administrator check
    account = person.account
    changes = patch.model_dump(exclude_unset=True)
    before = snapshot_person(person)
    if "roles" in changes and changes["roles"] != person.roles and account.kind != domain.PRINCIPAL:
        # Roles are rights within a principal account; a secondary account's login has none to give.
        raise RuleViolation(
            "Les autorisations se donnent aux utilisateurs du compte principal, pas à un compte secondaire.",
            code="not_for_secondary",
        )
    names = {"email", "first_name", "last_name"} & {k for k, v in changes.items() if v != getattr(person, k)}
    if person.kind == domain.HOLDER and names:
        raise RuleViolation(
            "Le titulaire du compte suit son responsable : modifiez le responsable dans l'identité du compte.",
            code="holder_follows_responsible",
            details={"fields": sorted(names)},
        )
    if "roles" in changes:
        changes["roles"] = _check_roles(account, changes["roles"])
    old_email = person.email
    if "email" in changes and changes["email"].lower() != (old_email or "").lower():
        email_free(ctx, changes["email"], person_id=person.id)
    if {"first_name", "last_name"} & set(changes):
        first, last = changes.get("first_name", person.first_name), changes.get("last_name", person.last_name)
        names_free(ctx, account.identifier, first, last, person_id=person.id)
    for field, value in changes.items():
        setattr(person, field, value)
    if person.email != old_email and old_email:
        enqueue_old_address_notice(
            ctx.session,
            ctx.realm,
            old=old_email,
            new=person.email,
            username=person.username,
            locale=person.locale,
            portal_name=ctx.portal.display_name,
        )
    if account.kind == domain.PRINCIPAL and domain.ACCOUNT_ADMIN in before["roles"]:
        domain.check_keeps_an_administrator(_active_admins(account))
    ctx.session.flush()
    _audited(ctx, person, "person.updated", before)
    return person


def record_export(db: Database, actor: Actor, account_id: int, fmt: str, count: int, filters: dict[str, Any]) -> None:
    """An export of the user list is in the account's log (who, when, which format and filters).
    Written apart from the reading request (a unit of work of its own, which may write)."""
    with db.session() as session:
        account = session.get(Account, account_id)
        if account is None:
            return
        shown = ", ".join(f"{k}={v}" for k, v in sorted(filters.items()) if v not in (None, "")) or "aucun"
        record(
            session,
            actor,
            "people.exported",
            account=account,
            message=f"{fmt.upper()}, {count} utilisateurs, filtres : {shown}",
        )
