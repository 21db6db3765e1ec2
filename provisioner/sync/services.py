"""Outbox queries shared by the health check and the sync worker."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provisioner.sync.models import PENDING, OutboxItem


def backlog(session: Session) -> int:
    return session.scalar(select(func.count()).where(OutboxItem.status == PENDING)) or 0
