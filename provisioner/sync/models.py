"""The sync outbox: Keycloak work recorded in the same transaction as the business change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from provisioner.db import HOLDS_NO_RIGHTS, Base, utcnow

PENDING = "pending"
RUNNING = "running"  # claimed by one process; a claim older than STALE_CLAIM is taken over
DONE = "done"
FAILED = "failed"  # MAX_ATTEMPTS errors that were not an outage: the last one is kept


class OutboxItem(Base):
    __tablename__ = "sync_outbox"
    __table_args__ = HOLDS_NO_RIGHTS  # never what anyone may do

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Items of one queue (e.g. one principal account's) are applied one at a time, oldest first;
    # items of different queues in parallel. None: no order with any other item.
    queue: Mapped[str | None] = mapped_column(String(120), index=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
