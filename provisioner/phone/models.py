"""A code sent to a number an administrator is enrolling; the number is saved once it is read back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from provisioner.db import HOLDS_NO_RIGHTS, Base


class PhoneChallenge(Base):
    __tablename__ = "phone_challenge"
    __table_args__ = HOLDS_NO_RIGHTS  # never what anyone may do

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
