"""What the API answers about the audit log."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class AuditEntryOut(BaseModel):
    at: str
    actor: str
    action: str
    target_type: str
    target_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    message: str


class AuditList(BaseModel):
    items: list[AuditEntryOut]
