"""Writing and reading the audit log, in the change's own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from provisioner.actors import Actor
from provisioner.audit.models import AuditEntry


def write(
    session: Session,
    actor: Actor,
    action: str,
    *,
    portal: str,
    target_type: str,
    target_id: int | None,
    account_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: str = "",
) -> AuditEntry:
    entry = AuditEntry(
        portal=portal,
        actor=actor.name,
        action=action,
        target_type=target_type,
        target_id=target_id,
        account_id=account_id,
        before=before,
        after=after,
        message=message,
    )
    session.add(entry)
    return entry


def entries_for(session: Session, account_id: int, limit: int = 200) -> list[AuditEntry]:
    """An account's change log, newest first."""
    query = select(AuditEntry).where(AuditEntry.account_id == account_id).order_by(AuditEntry.id.desc()).limit(limit)
    return list(session.scalars(query))


def entries_about(session: Session, target_type: str, target_id: int, limit: int = 200) -> list[AuditEntry]:
    """The changes of one object (e.g. a teleprocedure), newest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.target_type == target_type, AuditEntry.target_id == target_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def as_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.created_at.isoformat() + "Z",
        "actor": entry.actor,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "before": entry.before,
        "after": entry.after,
        "message": entry.message,
    }
