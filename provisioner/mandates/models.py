"""A firm's clients: each is a mandate asked of the client, by letter, with a one-time
activation key; the firm enters the key once to activate it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from provisioner.accounts.models import Account
from provisioner.db import HOLDS_NO_RIGHTS, Base, utcnow

# What is stored; ``Mandate.state`` adds what time decides (a key or a mandate past its date).
CREATED = "created"  # the letter is to print: the sealed key is still here
PRINTED = "printed"  # the letter left: only the key's hash is left
ACTIVE = "active"  # the firm entered the key
REVOKED = "revoked"  # by the firm or by the client
LOCKED = "locked"  # other firms tried its key: dead, delete and add the client again
EXPIRED = "expired"  # the key's time limit passed before it was entered (a portal's setting)
ENDED = "ended"  # an active mandate past its end date


class Mandate(Base):
    __tablename__ = "mandate"
    __table_args__ = (
        UniqueConstraint("firm_id", "identifier", name="uq_mandate_firm_identifier"),
        UniqueConstraint("key_hash", name="uq_mandate_key_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    identifier: Mapped[str] = mapped_column(String(32), index=True)  # the client's SIRET
    company_name: Mapped[str] = mapped_column(String(255))
    address_line1: Mapped[str] = mapped_column(String(255))
    address_line2: Mapped[str | None] = mapped_column(String(255))
    postcode: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(128))
    teleprocedures: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=CREATED)
    key_hash: Mapped[str] = mapped_column(String(64))  # HMAC of the key: looked up, never shown
    key_sealed: Mapped[str | None] = mapped_column(Text)  # the key encrypted, until its letter is printed
    key_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    wrong_firm_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(255), default="")
    printed_at: Mapped[datetime | None] = mapped_column(DateTime)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime)
    activated_by: Mapped[str | None] = mapped_column(String(255))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(16))  # firm | client

    firm: Mapped[Account] = relationship(lazy="joined")

    def state(self, now: datetime) -> str:
        if self.status in (CREATED, PRINTED) and self.key_expires_at is not None and now >= self.key_expires_at:
            return EXPIRED
        if self.status == ACTIVE and self.ends_on is not None and now.date() > self.ends_on:
            return ENDED
        return self.status


class KeyAttempt(Base):
    """A key a firm entered that activated nothing: for the firm's rate limit."""

    __tablename__ = "mandate_key_attempt"
    __table_args__ = HOLDS_NO_RIGHTS  # never what anyone may do

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64))
    firm_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(32))  # unknown_key | other_firm | not_usable
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
