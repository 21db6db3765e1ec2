"""The teleprocedure catalogue of a portal, owned by the database once seeded from the realm file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from provisioner.db import Base, utcnow


class CatalogueEntry(Base):
    """One teleprocedure. A retired entry stays (history, and so that the realm file's seed does
    not bring it back); it gives no Keycloak role, scope or gate and cannot be subscribed to."""

    __tablename__ = "teleprocedure"
    __table_args__ = (UniqueConstraint("portal", "code", name="uq_teleprocedure_portal_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(255))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    document_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
