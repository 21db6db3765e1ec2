"""What the audit log keeps of a teleprocedure, and the catalogue's way of writing to it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from provisioner.actors import Actor
from provisioner.audit import services as audit
from provisioner.catalogue.models import CatalogueEntry


def snapshot(entry: CatalogueEntry) -> dict[str, Any]:
    return {
        "code": entry.code,
        "description": entry.description,
        "recipients": list(entry.recipients),
        "document_types": list(entry.document_types),
        "retired": entry.retired_at is not None,
    }


def audit_change(
    session: Session,
    actor: Actor,
    action: str,
    entry: CatalogueEntry,
    before: dict[str, Any] | None,
    message: str = "",
) -> None:
    audit.write(
        session,
        actor,
        action,
        portal=entry.portal,
        target_type="teleprocedure",
        target_id=entry.id,
        account_id=None,
        before=before,
        after=snapshot(entry),
        message=message,
    )
