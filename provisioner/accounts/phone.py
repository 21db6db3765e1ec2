"""An administrator enrols a collaborator's mobile number on the spot (seed 002, variant 1):
the number gets a code by SMS, the person reads it out, the administrator types it in; only then
is the number saved. Or the administrator clears it and the person enrols at next login (variant 2).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from provisioner.accounts import domain
from provisioner.accounts.audit import record
from provisioner.accounts.models import Person
from provisioner.accounts.services import Context
from provisioner.db import Base, Database, utcnow
from provisioner.errors import RuleViolation
from provisioner.sms.providers import SmsProvider
from provisioner.sms.services import SmsRequest, send_code
from provisioner.sync.services import enqueue_phone

CODE_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 3


class PhoneChallenge(Base):
    __tablename__ = "phone_challenge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


def _hash(code: str, person_id: int) -> str:
    return hashlib.sha256(f"{person_id}:{code}".encode()).hexdigest()


def start(ctx: Context, db: Database, provider: SmsProvider, person: Person, phone: str) -> str:
    """Send a code to the new number; returns the masked number. Nothing is saved on the person yet."""
    ctx.actor.require_administrator_of(person.account.principal_id)
    number = domain.normalize_phone(phone, ctx.portal.default_country, mobile_only=True)
    code = f"{secrets.randbelow(1_000_000):06d}"
    ctx.session.execute(delete(PhoneChallenge).where(PhoneChallenge.person_id == person.id))
    ctx.session.add(
        PhoneChallenge(
            person_id=person.id, phone=number, code_hash=_hash(code, person.id), expires_at=utcnow() + CODE_TTL
        )
    )
    ctx.session.commit()  # the challenge exists before the SMS leaves
    send_code(
        db,
        ctx.portal,
        provider,
        SmsRequest(
            realm=ctx.realm,
            user_id=person.keycloak_user_id or f"person-{person.id}",
            username=person.username,
            to=number,
            purpose="enrolment",
            locale=person.locale,
            code=code,
        ),
    )
    return domain.mask_phone(number)


def confirm(ctx: Context, person: Person, code: str) -> Person:
    ctx.actor.require_administrator_of(person.account.principal_id)
    challenge = ctx.session.scalar(select(PhoneChallenge).where(PhoneChallenge.person_id == person.id))
    if challenge is None or challenge.expires_at < utcnow():
        raise RuleViolation("Le code a expiré ou n'a pas été demandé : renvoyez un code.", code="phone_code_expired")
    if challenge.attempts >= MAX_ATTEMPTS:
        raise RuleViolation("Trop d'essais : renvoyez un nouveau code.", code="phone_code_attempts_exceeded")
    if not hmac.compare_digest(challenge.code_hash, _hash(code.strip(), person.id)):
        challenge.attempts += 1
        ctx.session.commit()  # the failed attempt counts even though the request fails
        left = MAX_ATTEMPTS - challenge.attempts
        raise RuleViolation(
            f"Code incorrect ({left} essai(s) restant(s)).", code="phone_code_invalid", details={"attempts_left": left}
        )
    before = person.phone
    person.phone = challenge.phone
    ctx.session.delete(challenge)
    record(
        ctx.session,
        ctx.actor,
        "person.phone.enrolled",
        account=person.account,
        person=person,
        before={"phone": before and domain.mask_phone(before)},
        after={"phone": domain.mask_phone(person.phone)},
    )
    enqueue_phone(ctx.session, ctx.realm, person.id)
    return person


def clear(ctx: Context, person: Person) -> Person:
    """The person enrols a number at next login (when MFA is mandatory)."""
    ctx.actor.require_administrator_of(person.account.principal_id)
    ctx.session.execute(delete(PhoneChallenge).where(PhoneChallenge.person_id == person.id))  # no late confirm
    before = person.phone
    person.phone = None
    record(
        ctx.session,
        ctx.actor,
        "person.phone.cleared",
        account=person.account,
        person=person,
        before={"phone": before and domain.mask_phone(before)},
        after={"phone": None},
    )
    enqueue_phone(ctx.session, ctx.realm, person.id)
    return person
