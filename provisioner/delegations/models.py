"""A firm's delegation profiles: a name, teleprocedures, establishments of the portfolio (or all
of it), and the collaborators it is given to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from provisioner.db import Base, utcnow

profile_establishment = Table(
    "delegation_profile_establishment",
    Base.metadata,
    Column("profile_id", ForeignKey("delegation_profile.id", ondelete="CASCADE"), primary_key=True),
    Column("establishment_id", ForeignKey("portfolio_establishment.id", ondelete="CASCADE"), primary_key=True),
)
profile_member = Table(
    "delegation_profile_member",
    Base.metadata,
    Column("profile_id", ForeignKey("delegation_profile.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class DelegationProfile(Base):
    __tablename__ = "delegation_profile"
    __table_args__ = (UniqueConstraint("firm_id", "name", name="uq_delegation_profile_firm_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64))
    firm_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    teleprocedures: Mapped[list[str]] = mapped_column(JSON, default=list)
    whole_portfolio: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    establishments = relationship("Establishment", secondary=profile_establishment, lazy="selectin")
    members = relationship("Person", secondary=profile_member, lazy="selectin")
