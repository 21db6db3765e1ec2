"""Accounts: principal and secondary accounts and the people who sign in for them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from provisioner.db import Base, utcnow


class Account(Base):
    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("portal", "login", name="uq_account_portal_login"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # principal | secondary
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    login: Mapped[str] = mapped_column(String(128))
    dossier_number: Mapped[str | None] = mapped_column(String(32))
    identifier: Mapped[str] = mapped_column(String(32), index=True)  # SIRET, UID, member number
    company_name: Mapped[str] = mapped_column(String(255))
    company_type: Mapped[str] = mapped_column(String(32), default="entreprise")
    status: Mapped[str] = mapped_column(String(16), default="requested")
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    has_mailbox: Mapped[bool] = mapped_column(Boolean, default=False)
    autonomous: Mapped[bool] = mapped_column(Boolean, default=False)
    secondary_quota: Mapped[int] = mapped_column(Integer, default=0)
    responsible: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    technical_contact: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    administrative_contact: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    billing: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    services: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # SMS second factor: "realm" follows the portal's setting; "required"/"optional" override it.
    mfa_policy: Mapped[str] = mapped_column(String(16), default="realm", server_default="realm")
    # Whether the portal checked that the account is the company its identifier names: true for
    # every account an operator creates; false for a firm that registered itself (issue 12) until
    # an operator confirms it. Until then its identifier vouches for nothing (no own filings, no
    # « Mandats reçus », no letters to its address) and it chooses no teleprocedures.
    identity_checked: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    legal_representative: Mapped[str | None] = mapped_column(String(255))
    keycloak_group_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    parent: Mapped[Account | None] = relationship(remote_side=[id], back_populates="secondaries")
    secondaries: Mapped[list[Account]] = relationship(back_populates="parent")
    people: Mapped[list[Person]] = relationship(back_populates="account")
    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="Subscription.code"
    )

    @property
    def principal_id(self) -> int:
        return self.parent_id if self.parent_id is not None else self.id

    @property
    def selection(self) -> dict[str, tuple[str, ...]]:
        return {s.code: tuple(s.document_types) for s in self.subscriptions}


class Subscription(Base):
    """A teleprocedure an account is subscribed to, with the document types it may file."""

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("account_id", "code", name="uq_subscription_account_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    document_types: Mapped[list[str]] = mapped_column(JSON, default=list)

    account: Mapped[Account] = relationship(back_populates="subscriptions")


class Person(Base):
    """Someone who signs in: an account holder, a secondary account's login, a collaborator."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("portal", "username", name="uq_person_portal_username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # holder | secondary | collaborator
    username: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(128))
    last_name: Mapped[str] = mapped_column(String(128))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    password_reset_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    keycloak_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The portal's terms of use the person accepted on registering (their version), and when.
    terms_version: Mapped[str | None] = mapped_column(String(32))
    terms_accepted_at: Mapped[datetime | None] = mapped_column(DateTime)

    account: Mapped[Account] = relationship(back_populates="people")
