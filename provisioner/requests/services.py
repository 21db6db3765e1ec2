"""Asking an establishment's administrators (seed 004), and their handling of it.

``submit`` takes only the portal's identifiers and answers alike whether or not they designate
someone; a person found (enabled, account open) gets one pending request, and its account's
administrators an e-mail. ``handle`` is one action of an administrator of that account: the new
e-mail address first, then the link to choose a password, which therefore goes to the new
address (both through the account's outbox queue, in that order), then a word to the requester.
Requests expire, attempts are limited per address and per person, and both ends are audited."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from provisioner.accounts import domain
from provisioner.accounts import services as accounts
from provisioner.accounts.audit import record
from provisioner.accounts.models import Account, Person
from provisioner.context import Context
from provisioner.db import serialize, utcnow
from provisioner.errors import NotFound, RateLimited, RuleViolation
from provisioner.people import services as people
from provisioner.people.schemas import PersonPatch
from provisioner.requests.models import HANDLED, LIMITED, PENDING, UNMATCHED, AdminRequest
from provisioner.requests.outbox import enqueue_admins_mail, enqueue_requester_mail
from provisioner.settings import Settings


@dataclass(frozen=True)
class Identifiers:
    """What the person typed, in the portal's scheme (``Portal.login_scheme``)."""

    login: str = ""
    siret: str = ""
    last_name: str = ""
    first_name: str = ""

    def complete(self, scheme: str) -> bool:
        if scheme == "siret-names":
            return bool(self.siret.strip() and self.last_name.strip() and self.first_name.strip())
        return bool(self.login.strip())


def resolve(ctx: Context, typed: Identifiers) -> Person | None:
    """The one person the identifiers designate on this portal, or None (nobody, or several)."""
    scheme = ctx.portal.login_scheme
    query = select(Person).where(Person.portal == ctx.realm)
    if scheme == "siret-names":
        siret = re.sub(r"\s", "", typed.siret)
        candidates = accounts.people_named(ctx, siret, typed.first_name, typed.last_name)
    elif scheme == "email":
        candidates = list(ctx.session.scalars(query.where(func.lower(Person.email) == typed.login.strip().lower())))
    else:
        candidates = list(ctx.session.scalars(query.where(func.lower(Person.username) == typed.login.strip().lower())))
    return candidates[0] if len(candidates) == 1 else None


def ip_hash(settings: Settings, address: str) -> str:
    """The requester's address as kept: keyed, so the table holds no address."""
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def submit(ctx: Context, settings: Settings, typed: Identifiers, address: str) -> None:
    """Record the request. Raises only for what does not depend on who was typed (too many
    attempts from this address); otherwise the caller says the same thing to everyone."""
    now = utcnow()
    hashed = ip_hash(settings, address)
    serialize(ctx.session, f"admin-requests:{ctx.realm}")  # counted, then written: one at a time
    recent = ctx.session.scalar(
        select(func.count(AdminRequest.id)).where(
            AdminRequest.portal == ctx.realm,
            AdminRequest.ip_hash == hashed,
            AdminRequest.created_at > now - timedelta(hours=1),
        )
    )
    if (recent or 0) >= settings.admin_requests_per_ip_per_hour:
        raise RateLimited("Trop de demandes depuis cette adresse : réessayez dans une heure.", code="too_many_requests")
    person = resolve(ctx, typed) if typed.complete(ctx.portal.login_scheme) else None
    if person is not None and not _may_ask(person):
        person = None
    status = UNMATCHED
    if person is not None:
        asked_today = ctx.session.scalar(
            select(func.count(AdminRequest.id)).where(
                AdminRequest.person_id == person.id, AdminRequest.created_at > now - timedelta(days=1)
            )
        )
        already = _pending_of(ctx, person, now) is not None  # the administrators have it in their list
        limited = (asked_today or 0) >= settings.admin_requests_per_person_per_day or already
        status = LIMITED if limited else PENDING
    request = AdminRequest(
        portal=ctx.realm,
        ip_hash=hashed,
        created_at=now,
        expires_at=now + timedelta(days=settings.admin_request_days),
        status=status,
        person_id=person.id if person is not None else None,
        principal_id=person.account.principal_id if person is not None else None,
    )
    ctx.session.add(request)
    if person is None or status != PENDING:
        return
    ctx.session.flush()
    record(ctx.session, ctx.actor, "request.created", account=person.account, person=person)
    principal = person.account.parent or person.account
    to = [(a.email, a.locale) for a in administrators(principal) if a.id != person.id]
    if not to and (principal.responsible or {}).get("email"):  # no other administrator: the responsible
        to = [(principal.responsible["email"], person.locale)]
    enqueue_admins_mail(ctx.session, ctx.realm, request, person, to, ctx.portal.display_name)


def _may_ask(person: Person) -> bool:
    principal = person.account.parent or person.account
    return person.enabled and person.account.status == "open" and principal.status == "open"


def _pending_of(ctx: Context, person: Person, now: datetime) -> AdminRequest | None:
    return ctx.session.scalar(
        select(AdminRequest).where(
            AdminRequest.person_id == person.id, AdminRequest.status == PENDING, AdminRequest.expires_at > now
        )
    )


def administrators(principal: Account) -> list[Person]:
    """Who gets the request: the principal account's enabled administrators."""
    return [p for p in principal.people if p.enabled and domain.ACCOUNT_ADMIN in (p.roles or [])]


def waiting(ctx: Context, principal: Account) -> list[AdminRequest]:
    """The requests of the account's people not handled yet, expired ones included (shown as such)."""
    ctx.actor.require_administrator_of(principal.id)
    query = (
        select(AdminRequest)
        .where(
            AdminRequest.portal == ctx.realm, AdminRequest.principal_id == principal.id, AdminRequest.status == PENDING
        )
        .order_by(AdminRequest.created_at)
    )
    return list(ctx.session.scalars(query))


def get_request(ctx: Context, request_id: int) -> AdminRequest:
    request = ctx.session.get(AdminRequest, request_id)
    if (
        request is None
        or request.portal != ctx.realm
        or request.principal_id is None
        or request.person is None
        or not ctx.actor.administers(request.principal_id)
    ):
        raise NotFound(f"Demande {request_id} introuvable.", code="request_not_found")
    return request


def handle(ctx: Context, request: AdminRequest, *, new_email: str | None, reset: bool) -> str:
    """One administrator's answer, applied in the one safe order: the address, then the link."""
    assert request.person is not None and request.principal_id is not None
    ctx.actor.require_administrator_of(request.principal_id)
    serialize(ctx.session, f"admin-request:{request.id}")
    if request.status != PENDING:
        raise RuleViolation("Cette demande a déjà été traitée.", code="request_handled")
    if request.expired(utcnow()):
        raise RuleViolation(
            "Cette demande a expiré : la personne peut en envoyer une nouvelle.", code="request_expired"
        )
    person = request.person
    changed = new_email is not None and new_email.strip().lower() != person.email.lower()
    if not changed and not reset:
        raise RuleViolation(
            "Choisissez au moins une action : modifier l'adresse e-mail ou réinitialiser le mot de passe.",
            code="nothing_to_do",
        )
    done = []
    if changed:
        people.update_person(ctx, person, PersonPatch.model_validate({"email": new_email}))
        done.append(f"adresse e-mail remplacée par {person.email}")
    if reset:
        people.send_password_link(ctx, person)  # after the address: the link goes to the new one
        done.append("lien de réinitialisation du mot de passe envoyé")
    request.status, request.handled_at, request.handled_by = HANDLED, utcnow(), ctx.actor.name
    request.outcome = "; ".join(done)
    record(ctx.session, ctx.actor, "request.handled", account=person.account, person=person, message=request.outcome)
    enqueue_requester_mail(
        ctx.session, ctx.realm, person, changed=changed, reset=reset, portal_name=ctx.portal.display_name
    )
    return request.outcome
