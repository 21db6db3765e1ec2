"""What the audit log keeps of accounts and people, and the accounts' way of writing to it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from provisioner.accounts.models import Account, Person
from provisioner.actors import Actor
from provisioner.audit import services as audit
from provisioner.audit.models import AuditEntry


def snapshot_account(account: Account) -> dict[str, Any]:
    return {
        "login": account.login,
        "kind": account.kind,
        "identifier": account.identifier,
        "company_name": account.company_name,
        "company_type": account.company_type,
        "status": account.status,
        "is_test": account.is_test,
        "has_mailbox": account.has_mailbox,
        "autonomous": account.autonomous,
        "secondary_quota": account.secondary_quota,
        "mfa_policy": account.mfa_policy,
        "identity_checked": account.identity_checked,
        "teleprocedures": {k: list(v) for k, v in account.selection.items()},
        "dossier_number": account.dossier_number,
        "legal_representative": account.legal_representative,
        "responsible": dict(account.responsible or {}),
        "technical_contact": dict(account.technical_contact or {}),
        "administrative_contact": dict(account.administrative_contact or {}),
        "billing": dict(account.billing or {}),
        "services": dict(account.services or {}),
    }


def snapshot_person(person: Person) -> dict[str, Any]:
    return {
        "username": person.username,
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "locale": person.locale,
        "roles": list(person.roles),
        "enabled": person.enabled,
        "phone": person.phone,
    }


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    account: Account,
    person: Person | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: str = "",
) -> AuditEntry:
    """An entry in ``account``'s change log, about the account or one of its people."""
    return audit.write(
        session,
        actor,
        action,
        portal=account.portal,
        target_type="person" if person is not None else "account",
        target_id=person.id if person is not None else account.id,
        account_id=account.id,
        before=before,
        after=after,
        message=message,
    )
