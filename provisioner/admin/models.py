"""Keycloak sessions that ended (back-channel logout): an administration session opened with one of
them ends at its next request, even while Keycloak cannot be asked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from provisioner.db import HOLDS_NO_RIGHTS, Base, utcnow


class EndedSession(Base):
    __tablename__ = "ui_ended_session"
    __table_args__ = HOLDS_NO_RIGHTS  # never what anyone may do

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
