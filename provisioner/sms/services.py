"""The SMS gateway: checks the abuse limits, words the message, sends through the provider."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provisioner.accounts.audit import record
from provisioner.accounts.domain import mask_phone, normalize_phone
from provisioner.accounts.models import Person
from provisioner.actors import Actor
from provisioner.db import Database, serialize, utcnow
from provisioner.errors import DomainError, RuleViolation
from provisioner.logs import get_logger
from provisioner.portals import Portal
from provisioner.sms.models import SmsEvent
from provisioner.sms.providers import SmsDeliveryFailed, SmsProvider

log = get_logger(__name__)


class SmsRateLimited(DomainError):
    status = 429
    code = "sms_rate_limited"


DEFAULT_TEXTS = {
    "fr": "{portal} : votre code est {code}. Il expire dans {minutes} min. Ne le communiquez à personne.",
    "de": "{portal}: Ihr Code lautet {code}. Er läuft in {minutes} Min. ab. Geben Sie ihn niemandem weiter.",
    "it": "{portal}: il suo codice è {code}. Scade fra {minutes} min. Non lo comunichi a nessuno.",
    "en": "{portal}: your code is {code}. It expires in {minutes} min. Do not share it with anyone.",
}


@dataclass(frozen=True)
class SmsRequest:
    realm: str
    user_id: str
    username: str
    to: str
    purpose: str
    locale: str
    code: str
    ip: str = ""
    ttl_minutes: int = 5
    requested_by: str = ""  # the administrator, for a code sent from the administration pages


ANY = object()  # in _count: any non-empty value


def _hash(number: str) -> str:
    return hashlib.sha256(number.encode()).hexdigest()


def _count(session: Session, since: Any, **where: object) -> int:
    query = select(func.count()).where(SmsEvent.created_at >= since, SmsEvent.outcome.in_(("sending", "sent")))
    for column, value in where.items():
        column_ = getattr(SmsEvent, column)
        query = query.where(column_ != "" if value is ANY else column_ == value)
    return session.scalar(query) or 0


def _event(portal: Portal, req: SmsRequest, outcome: str, provider: str = "") -> SmsEvent:
    return SmsEvent(
        portal=portal.realm,
        user_id=req.user_id,
        username=req.username,
        number_hash=_hash(req.to),
        number_masked=mask_phone(req.to),
        purpose=req.purpose,
        ip=req.ip,
        requested_by=req.requested_by,
        outcome=outcome,
        provider=provider,
    )


def _refuse(session: Session, portal: Portal, req: SmsRequest, outcome: str, error: DomainError) -> None:
    """Log and audit a refused send, then raise the error for the caller's page."""
    session.add(_event(portal, req, outcome))
    person = session.scalar(select(Person).where(Person.portal == portal.realm, Person.username == req.username))
    if person is not None:
        record(
            session,
            Actor(name=f"sms-gateway:{req.username}"),
            f"sms.{outcome}",
            account=person.account,
            person=person,
            message=f"{error.code}: {mask_phone(req.to)} ({req.purpose})",
        )
    log.warning("sms.refused", outcome=outcome, rule=error.code, to=mask_phone(req.to), user=req.username, ip=req.ip)
    session.commit()
    raise error


def send_code(db: Database, portal: Portal, provider: SmsProvider, req: SmsRequest) -> str:
    to = normalize_phone(req.to, portal.default_country)
    req = SmsRequest(**{**req.__dict__, "to": to})
    limits = portal.sms
    with db.session() as session:
        # Counted and reserved in one serialised transaction: two sends at once cannot both pass a cap.
        serialize(session, f"sms:{portal.realm}")
        if limits.allowed_prefixes and not any(to.startswith(p) for p in limits.allowed_prefixes):
            _refuse(
                session,
                portal,
                req,
                "country_refused",
                RuleViolation(
                    "Ce pays n'est pas accepté pour l'envoi de SMS sur ce portail.",
                    code="sms_country_not_allowed",
                    details={"allowed": list(limits.allowed_prefixes)},
                ),
            )
        hour_ago = utcnow() - timedelta(hours=1)
        checks = [
            (_count(session, hour_ago, user_id=req.user_id), limits.max_per_user_per_hour, "user"),
            (_count(session, hour_ago, number_hash=_hash(to)), limits.max_per_number_per_hour, "number"),
        ]
        if req.requested_by:
            checks.append(
                (
                    _count(session, hour_ago, portal=portal.realm, requested_by=req.requested_by),
                    limits.max_per_administrator_per_hour,
                    "administrator",
                )
            )
            checks.append(
                (
                    _count(session, hour_ago, portal=portal.realm, requested_by=ANY),
                    limits.max_administered_per_portal_per_hour,
                    "portal",
                )
            )
        if req.purpose == "enrolment" and req.ip:
            checks.append(
                (_count(session, hour_ago, ip=req.ip, purpose="enrolment"), limits.max_enrolment_per_ip_per_hour, "ip")
            )
        for used, limit, scope in checks:
            if used >= limit:
                _refuse(
                    session,
                    portal,
                    req,
                    "rate_limited",
                    SmsRateLimited(
                        "Trop de codes envoyés en peu de temps. Réessayez dans une heure ou contactez votre administrateur.",
                        details={"scope": scope, "limit": limit, "window": "1h"},
                    ),
                )
        reserved = _event(portal, req, "sending", provider.name)
        session.add(reserved)
        session.flush()
        reserved_id = reserved.id
    template = (
        portal.sms.texts.get(req.locale)
        or DEFAULT_TEXTS.get(req.locale)
        or portal.sms.texts.get("fr")
        or DEFAULT_TEXTS["fr"]
    )
    text = template.format(portal=portal.display_name, code=req.code, minutes=req.ttl_minutes)
    try:
        message_id = provider.send(to, text)
    except SmsDeliveryFailed:
        _settle(db, reserved_id, "failed")
        log.error("sms.failed", provider=provider.name, to=mask_phone(to), user=req.username)
        raise
    _settle(db, reserved_id, "sent")
    log.info("sms.sent", provider=provider.name, to=mask_phone(to), user=req.username, purpose=req.purpose)
    return message_id


def _settle(db: Database, event_id: int, outcome: str) -> None:
    with db.session() as session:
        event = session.get(SmsEvent, event_id)
        if event is not None:
            event.outcome = outcome
