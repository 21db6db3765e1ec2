"""Dev outbox: every mail and SMS the dev sinks received (dev mode and tests only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from provisioner.db import HOLDS_NO_RIGHTS, Base, utcnow


class DevMessage(Base):
    __tablename__ = "dev_message"
    __table_args__ = HOLDS_NO_RIGHTS  # never what anyone may do

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # email | sms
    sender: Mapped[str] = mapped_column(String(255), default="")
    recipient: Mapped[str] = mapped_column(String(1024))
    subject: Mapped[str] = mapped_column(String(1024), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
