"""An administrator enrols a collaborator's mobile number on the spot (seed 002, variant 1):
the number gets a code by SMS, the person reads it out, the administrator types it in; only then
is the number saved. Or the administrator clears it and the person enrols at next login (variant 2).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from provisioner.accounts import domain
from provisioner.accounts.audit import record
from provisioner.accounts.models import Person
from provisioner.context import Context
from provisioner.db import Database, utcnow
from provisioner.errors import RuleViolation
from provisioner.phone.models import PhoneChallenge
from provisioner.phone.outbox import enqueue_phone
from provisioner.sms.providers import SmsProvider
from provisioner.sms.services import SmsRequest, send_code

CODE_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 3


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
            requested_by=ctx.actor.name,  # the administrator's caps (per administrator, per portal)
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
    ctx.session.delete(challenge)
    return _set_number(ctx, person, challenge.phone, "person.phone.enrolled")


def clear(ctx: Context, person: Person) -> Person:
    """The person enrols a number at next login (when MFA is mandatory)."""
    ctx.actor.require_administrator_of(person.account.principal_id)
    ctx.session.execute(delete(PhoneChallenge).where(PhoneChallenge.person_id == person.id))  # no late confirm
    return _set_number(ctx, person, None, "person.phone.cleared")


def _set_number(ctx: Context, person: Person, number: str | None, action: str) -> Person:
    """Save the number (masked in the audit log); Keycloak follows."""
    before = person.phone
    person.phone = number
    record(
        ctx.session,
        ctx.actor,
        action,
        account=person.account,
        person=person,
        before={"phone": before and domain.mask_phone(before)},
        after={"phone": number and domain.mask_phone(number)},
    )
    enqueue_phone(ctx.session, ctx.realm, person)
    return person
