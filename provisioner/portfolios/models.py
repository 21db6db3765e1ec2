"""The establishments of a firm's portfolio."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from provisioner.db import Base, utcnow

BY_HAND = "manual"
BY_FILING = "filing"  # a relying app reported a filing for it
BY_MANDATE = "mandate"  # a client's mandate was activated


class Establishment(Base):
    """One establishment of a firm's portfolio. It is "to complete" while its company name,
    partner group or monthly deadline is unknown (an establishment a filing brought in)."""

    __tablename__ = "portfolio_establishment"
    __table_args__ = (UniqueConstraint("firm_id", "identifier", name="uq_portfolio_firm_identifier"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64))
    firm_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    identifier: Mapped[str] = mapped_column(String(32), index=True)  # SIRET (or the portal's scheme)
    company_name: Mapped[str | None] = mapped_column(String(255))
    partner_group: Mapped[str | None] = mapped_column(String(128))  # groupe de protection sociale
    monthly_deadline: Mapped[int | None] = mapped_column(Integer)  # day of the month: 5 or 15
    seeding_requested: Mapped[bool] = mapped_column(Boolean, default=False)  # demande d'amorçage
    source: Mapped[str] = mapped_column(String(16), default=BY_HAND)
    last_filing_on: Mapped[date | None] = mapped_column(Date)
    last_filing_teleprocedure: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def complete(self) -> bool:
        return bool(self.company_name) and bool(self.partner_group) and self.monthly_deadline is not None
