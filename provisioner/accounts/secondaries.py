"""Secondary accounts (rules 6 to 9): created under a principal, with or without mailbox (the
quota), deleted. Deactivation and the rest are the accounts' operations (``services``)."""

from __future__ import annotations

from provisioner.accounts import domain
from provisioner.accounts.audit import record, snapshot_account
from provisioner.accounts.models import Account, Person
from provisioner.accounts.outbox import enqueue_account
from provisioner.accounts.schemas import SecondaryIn
from provisioner.accounts.services import (
    audited,
    email_free,
    invite_logins,
    login_free,
    mailboxes_used,
    names_free,
    set_selection,
)
from provisioner.catalogue import store as catalogue_store
from provisioner.context import Context
from provisioner.db import serialize
from provisioner.errors import Forbidden, RuleViolation


def create_secondary(ctx: Context, principal: Account, data: SecondaryIn) -> Account:
    domain.check_secondary_has_no_secondaries(principal.kind)
    ctx.actor.require_administrator_of(principal.id)
    serialize(ctx.session, f"mailboxes:{principal.id}")  # the quota check
    login = domain.secondary_login(data.name, principal.login)
    login_free(ctx, login)
    identifier = domain.normalize_identifier(ctx.portal.identifier_scheme, data.identifier)
    if domain.is_firm(principal):
        domain.check_firm_secondary(
            ctx.portal.identifier_scheme, principal.identifier, identifier, operator=ctx.actor.operator
        )
    selection = catalogue_store.current(ctx).validate(data.teleprocedures)
    domain.check_rights_ceiling(principal.selection, selection)
    if data.has_mailbox:
        domain.check_mailbox_quota(principal.secondary_quota, mailboxes_used(ctx, principal) + 1)
    responsible = data.responsible.model_dump() if data.responsible else dict(principal.responsible)
    account = Account(
        portal=ctx.realm,
        kind=domain.SECONDARY,
        parent_id=principal.id,
        login=login,
        identifier=identifier,
        company_name=data.company_name,
        company_type=data.company_type,
        status=data.status,
        is_test=data.is_test,
        has_mailbox=data.has_mailbox,
        autonomous=data.autonomous,
        responsible=responsible,
        services=data.services.model_dump(),
    )
    set_selection(account, selection)
    email = data.email or responsible.get("email") or principal.responsible["email"]
    email_free(ctx, email)  # where people sign in with it, the secondary's login needs its own
    first_name = responsible.get("first_name") or "Compte"
    last_name = responsible.get("last_name") or data.name.upper()
    names_free(ctx, identifier, first_name, last_name)  # where they sign in with SIRET and names
    ctx.session.add(account)
    ctx.session.flush()
    account.dossier_number = str(20000 + account.id)
    ctx.session.add(
        Person(
            portal=ctx.realm,
            account_id=account.id,
            kind="secondary",
            username=login,
            email=email,
            first_name=first_name,
            last_name=last_name,
            roles=[],
        )
    )
    audited(ctx, account, "account.created", None)
    if account.status == "open":
        invite_logins(ctx, account)
    return account


def set_mailbox(ctx: Context, account: Account, has_mailbox: bool) -> bool:
    """Rule 9. Returns True when the switch forces the holder to reset the password."""
    if account.kind != domain.SECONDARY or account.parent is None:
        raise Forbidden(
            "Seuls les comptes secondaires ont une option boîte aux lettres.",
            code="not_for_principal",
        )
    ctx.actor.require_administrator_of(account.parent.id)
    serialize(ctx.session, f"mailboxes:{account.parent.id}")  # the quota check
    if has_mailbox == account.has_mailbox:
        return False
    if has_mailbox:
        domain.check_mailbox_quota(account.parent.secondary_quota, mailboxes_used(ctx, account.parent) + 1)
    before = snapshot_account(account)
    reset = domain.mailbox_switch_forces_password_reset(account.has_mailbox, has_mailbox)
    account.has_mailbox = has_mailbox
    if reset:
        for person in account.people:
            person.password_reset_pending = True
    message = "Réinitialisation du mot de passe imposée pour accéder à la boîte aux lettres" if reset else ""
    audited(ctx, account, "account.mailbox", before, message)
    return reset


def delete_secondary(ctx: Context, account: Account) -> None:
    """A secondary account and its login disappear (a principal is closed, never deleted)."""
    if account.kind != domain.SECONDARY or account.parent is None:
        raise RuleViolation(
            "Un compte principal ne se supprime pas : fermez-le (désactivation).",
            code="principal_not_deletable",
        )
    principal = account.parent
    ctx.actor.require_administrator_of(principal.id)
    record(
        ctx.session,
        ctx.actor,
        "account.deleted",
        account=account,
        before=snapshot_account(account),
        message=f"Compte secondaire {account.login} supprimé",
    )
    for person in list(account.people):
        ctx.session.delete(person)
    ctx.session.delete(account)
    ctx.session.flush()
    enqueue_account(ctx.session, ctx.realm, principal.id)
