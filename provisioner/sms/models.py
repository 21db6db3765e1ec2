"""Every SMS request the gateway handled: for rate limits and the audit; never the code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from provisioner.db import HOLDS_NO_RIGHTS, Base, utcnow


class SmsEvent(Base):
    __tablename__ = "sms_event"
    __table_args__ = HOLDS_NO_RIGHTS  # never what anyone may do

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    username: Mapped[str] = mapped_column(String(255), default="")
    number_hash: Mapped[str] = mapped_column(String(64), index=True)  # sha256: limits without storing numbers
    number_masked: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(16))  # login | enrolment
    ip: Mapped[str] = mapped_column(String(64), default="", index=True)
    # The administrator who had it sent from the administration pages ("" when Keycloak asked).
    requested_by: Mapped[str] = mapped_column(String(255), default="", server_default="", index=True)
    outcome: Mapped[str] = mapped_column(String(32))  # sending | sent | rate_limited | country_refused | failed
    provider: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
