"""The audit log: one row per change, written in the change's own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from provisioner.accounts.actors import Actor
from provisioner.accounts.models import Account, AuditEntry, Person


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
        "teleprocedures": {k: list(v) for k, v in account.selection.items()},
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
    entry = AuditEntry(
        portal=account.portal,
        actor=actor.name,
        action=action,
        target_type="person" if person is not None else "account",
        target_id=person.id if person is not None else account.id,
        account_id=account.id,
        before=before,
        after=after,
        message=message,
    )
    session.add(entry)
    return entry


def entries_for(session: Session, account_id: int, limit: int = 200) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.account_id == account_id).order_by(AuditEntry.id.desc()).limit(limit)
    return list(session.scalars(query))
