"""A request to the administrators of a person's account, and every attempt (for the rate limits)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from provisioner.accounts.models import Person
from provisioner.db import HOLDS_NO_RIGHTS, Base, utcnow

PENDING = "pending"
HANDLED = "handled"
UNMATCHED = "unmatched"  # the identifiers designated nobody (kept for the rate limits only)
LIMITED = "limited"  # the person asked too often: no new mail


class AdminRequest(Base):
    __tablename__ = "admin_request"
    __table_args__ = HOLDS_NO_RIGHTS  # never what anyone may do

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    principal_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    ip_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)
    handled_by: Mapped[str | None] = mapped_column(String(255))
    outcome: Mapped[str | None] = mapped_column(String(255))  # what was done, in words

    person: Mapped[Person | None] = relationship()

    def expired(self, now: datetime) -> bool:
        return self.status == PENDING and self.expires_at <= now
