"""Invitations (a personal access code for an account's first administrator), the registrations
under way (the wizard's steps, kept on the server), and the attempts that count against guessing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from provisioner.accounts.models import Account
from provisioner.db import HOLDS_NO_RIGHTS, Base, utcnow

# What is stored; ``Invitation.state`` adds what time decides (a code past its date).
CREATED = "created"  # a letter to print (the sealed code is still here)
PRINTED = "printed"  # the letter came out of a print run (only the code's hash is left)
SENT = "sent"  # posted, or e-mailed
USED = "used"  # the first administrator registered with it
REVOKED = "revoked"  # a new invitation replaced it, or an operator withdrew it
EXPIRED = "expired"  # its time limit passed unused


class Invitation(Base):
    """An account's first administrator invited to register, with a personal access code."""

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("code_hash", name="uq_invitation_code_hash"), HOLDS_NO_RIGHTS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # letter | email
    email: Mapped[str | None] = mapped_column(String(255))  # where an e-mailed invitation went
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    address: Mapped[list[str]] = mapped_column(JSON, default=list)  # a letter's address block
    status: Mapped[str] = mapped_column(String(16), default=CREATED)
    code_hash: Mapped[str] = mapped_column(String(64))
    code_sealed: Mapped[str | None] = mapped_column(Text)  # until the letter is printed or e-mailed
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(255), default="")
    printed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    account: Mapped[Account] = relationship(lazy="joined")

    def state(self, now: datetime) -> str:
        if self.status in (CREATED, PRINTED, SENT) and now >= self.expires_at:
            return EXPIRED
        return self.status


class Registration(Base):
    """A registration under way: what the wizard's steps have established so far (the browser
    holds only its random id, in the signed session). For an invitation, or for a firm that
    registers itself (``application``: what it declared)."""

    __tablename__ = "registration"
    __table_args__ = HOLDS_NO_RIGHTS  # nobody may do anything until it completes

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # of the browser's id, or the e-mailed link
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), index=True)
    application: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # a firm's own registration
    email: Mapped[str | None] = mapped_column(String(255))
    email_code_hash: Mapped[str | None] = mapped_column(String(64))
    email_code_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    email_codes_sent: Mapped[int] = mapped_column(Integer, default=0)
    email_code_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    account_id: Mapped[int | None] = mapped_column(Integer)  # what it opened


class Attempt(Base):
    """A code typed on the public pages that opened nothing: per address (hashed) and per code,
    for the rate limits."""

    __tablename__ = "registration_attempt"
    __table_args__ = HOLDS_NO_RIGHTS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64))
    ip_hash: Mapped[str] = mapped_column(String(64), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
