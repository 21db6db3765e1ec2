"""First registration (rule 17, seeds 001 and 002).

An operator invites an account's first administrator: the account is "invited" and an invitation
holds a personal access code (12 characters, ``codes.ALPHABET``), kept hashed, sealed until its
letter is printed or its e-mail sent, single use, valid ``portal.registration.invitation_days``.
A newer invitation of the account revokes the older one.

The wizard, in the seed's order: the access code, an e-mail address, the code sent to that
address, the profile (names, language, password under the portal's policy, the terms of use);
then the person is the account's administrator in Keycloak, and signs in, where Keycloak's SMS
enrolment comes (number, code, « Renvoyer le code SMS »). Each step's state is kept here, on the
server, for ``REGISTRATION_MINUTES``; typing the access code again resumes it.

Guessing is slowed: the wrong codes typed from one address, and one wrong code typed again, are
counted per hour (the portal's limits); the e-mail code has ``MAX_EMAIL_ATTEMPTS`` tries and
``MAX_EMAIL_CODES`` sendings per registration. Every comparison is of keyed hashes, in constant
time (``hmac.compare_digest``) or by an indexed look-up of the hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from provisioner.accounts import domain
from provisioner.accounts import services as accounts
from provisioner.accounts.audit import record
from provisioner.accounts.models import Account, Person
from provisioner.accounts.schemas import PrincipalIn
from provisioner.actors import Actor
from provisioner.codes import CodeKind, Unreadable
from provisioner.context import Context
from provisioner.db import serialize, utcnow
from provisioner.errors import Conflict, InvalidInput, NotFound, RateLimited, RuleViolation
from provisioner.logs import get_logger
from provisioner.mail import send_mail
from provisioner.registration import letters
from provisioner.registration.letters import InvitationText
from provisioner.registration.models import (
    CREATED,
    EXPIRED,
    PRINTED,
    REVOKED,
    SENT,
    USED,
    Attempt,
    Invitation,
    Registration,
)
from provisioner.schemas import Input, Name, parse
from provisioner.settings import Settings

CODES = CodeKind("invitation-code", 12, " ", sealing="invitation-letter")
EMAIL_CODES = CodeKind("registration-email-code", 8, " ", sealing="registration-email")
REGISTRATION_MINUTES = 60
EMAIL_CODE_MINUTES = 15
MAX_EMAIL_CODES = 5
MAX_EMAIL_ATTEMPTS = 5
LIVE = (CREATED, PRINTED, SENT)
log = get_logger(__name__)


# -- operators: invitations ---------------------------------------------------------------------
@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    code: str  # in clear, only in this answer: what an e-mailed invitation carries


def invite(ctx: Context, secret: str, account: Account, *, channel: str, email: str | None, locale: str) -> Invited:
    """A new invitation of the account's first administrator (the older one revoked); the
    account is now invited."""
    ctx.actor.require_operator()
    if account.kind != domain.PRINCIPAL:
        raise RuleViolation(
            "Seul un compte principal est ouvert par invitation ; l'accès d'un établissement secondaire se crée "
            "depuis son compte principal.",
            code="principal_only",
        )
    if account.status not in ("validated", "invited"):
        raise RuleViolation(
            f"Le compte est « {account.status} » : on invite l'administrateur d'un compte validé (validez d'abord "
            "la demande) dont l'administrateur ne s'est pas encore inscrit.",
            code="account_not_invitable",
            details={"status": account.status},
        )
    if channel == "email" and not email:
        raise InvalidInput(
            "Indiquez l'adresse e-mail à laquelle envoyer l'invitation.",
            code="email_required",
            details={"field": "email"},
        )
    address = domain.postal_lines(account.company_name, account.responsible) if channel == "letter" else None
    if channel == "letter" and address is None:
        raise RuleViolation(
            "L'adresse postale du compte est incomplète (numéro et voie ou boîte postale, code postal, commune) : "
            "complétez l'adresse du responsable avant d'imprimer une lettre, ou envoyez l'invitation par e-mail.",
            code="no_postal_address",
            details={"field": "channel"},
        )
    serialize(ctx.session, f"invitations:{account.id}")
    now = utcnow()
    for older in ctx.session.scalars(
        select(Invitation)
        .where(Invitation.account_id == account.id, Invitation.status.in_(LIVE))
        .with_for_update(of=Invitation)
    ):
        older.status, older.revoked_at, older.code_sealed = REVOKED, now, None
        record(ctx.session, ctx.actor, "invitation.revoked", account=account, message=f"invitation {older.id}")
    code = CODES.new()
    invitation = Invitation(
        portal=ctx.realm,
        account=account,
        account_id=account.id,
        channel=channel,
        email=email,
        locale=locale,
        address=address or [],
        status=CREATED,
        code_hash=CODES.digest(secret, ctx.realm, code),
        code_sealed=CODES.seal(secret, code),
        expires_at=now + timedelta(days=ctx.portal.registration.invitation_days),
        created_at=now,
        created_by=ctx.actor.name,
    )
    ctx.session.add(invitation)
    if account.status != "invited":
        before = accounts.snapshot_account(account)
        account.status = "invited"
        accounts.audited(ctx, account, "account.updated", before)
    ctx.session.flush()
    record(
        ctx.session,
        ctx.actor,
        "invitation.created",
        account=account,
        message=f"invitation {invitation.id} ({channel}), valid until {invitation.expires_at:%Y-%m-%d}",
    )
    return Invited(invitation, code)


def get_invitation(ctx: Context, invitation_id: int) -> Invitation:
    ctx.actor.require_operator()
    found = ctx.session.scalar(
        select(Invitation)
        .where(Invitation.id == invitation_id, Invitation.portal == ctx.realm)
        .with_for_update(of=Invitation)
    )
    if found is None:
        raise NotFound("Invitation introuvable.", code="invitation_not_found")
    return found


def invitations(ctx: Context, *, account: Account | None = None, state: str | None = None) -> list[Invitation]:
    """The portal's invitations (or an account's), newest first; ``state`` as ``Invitation.state``."""
    ctx.actor.require_operator()
    query = select(Invitation).where(Invitation.portal == ctx.realm).order_by(Invitation.id.desc())
    if account is not None:
        query = query.where(Invitation.account_id == account.id)
    now = utcnow()
    if state == EXPIRED:
        query = query.where(Invitation.status.in_(LIVE), Invitation.expires_at <= now)
    elif state in LIVE:
        query = query.where(Invitation.status == state, Invitation.expires_at > now)
    elif state is not None:
        query = query.where(Invitation.status == state)
    return list(ctx.session.scalars(query.limit(1000)))


def text_of(ctx: Context, secret: str, invitation: Invitation, link: str) -> InvitationText:
    """What the invitation's letter or e-mail says (its code unsealed)."""
    if invitation.state(utcnow()) == EXPIRED:
        raise RuleViolation(
            "Cette invitation a expiré : créez-en une nouvelle.",
            code="invitation_expired",
            details={"field": "channel"},
        )
    if invitation.code_sealed is None:
        raise RuleViolation(
            "Le code de cette invitation n'est plus lisible (lettre déjà imprimée ou e-mail déjà envoyé) : créez une "
            "nouvelle invitation, l'ancienne sera annulée.",
            code="invitation_already_issued",
        )
    try:
        code = CODES.unseal(secret, invitation.code_sealed)
    except Unreadable as exc:
        raise RuleViolation(
            "Le code de cette invitation ne se lit plus (le secret du service a changé) : créez une nouvelle invitation.",
            code="sealed_code_unreadable",
        ) from exc
    return InvitationText(
        portal_name=ctx.portal.display_name or ctx.realm,
        return_address=ctx.portal.return_address,
        support=ctx.portal.support_contact,
        company_name=invitation.account.company_name,
        login=invitation.account.login,
        address=invitation.address,
        link=link,
        code=CODES.shown(code),
        expires_on=invitation.expires_at.date(),
        locale=invitation.locale,
        dated=utcnow().date(),
    )


def to_print(ctx: Context, invitation_ids: list[int] | None) -> list[Invitation]:
    """The letters of a print run: those asked for, or every letter still to print."""
    ctx.actor.require_operator()
    query = select(Invitation).where(
        Invitation.portal == ctx.realm,
        Invitation.channel == "letter",
        Invitation.status == CREATED,
        Invitation.expires_at > utcnow(),
    )
    if invitation_ids is not None:
        query = query.where(Invitation.id.in_(invitation_ids))
    found = list(ctx.session.scalars(query.order_by(Invitation.id).with_for_update(of=Invitation)))
    if invitation_ids is not None and len(found) != len(set(invitation_ids)):
        missing = sorted(set(invitation_ids) - {i.id for i in found})
        raise RuleViolation(
            "Certaines invitations ne sont pas des lettres à imprimer (déjà imprimées, par e-mail, annulées ou "
            "expirées) : retirez-les de la sélection.",
            code="not_to_print",
            details={"invitation_ids": missing},
        )
    return found


def printed(ctx: Context, invitation: Invitation) -> None:
    invitation.status, invitation.printed_at, invitation.code_sealed = PRINTED, utcnow(), None
    record(
        ctx.session, ctx.actor, "invitation.printed", account=invitation.account, message=f"invitation {invitation.id}"
    )


def mark_sent(ctx: Context, invitation: Invitation) -> Invitation:
    """A printed letter was posted (or an e-mail left): the invitation is sent."""
    ctx.actor.require_operator()
    if invitation.state(utcnow()) == EXPIRED:
        raise RuleViolation("Cette invitation a expiré : créez-en une nouvelle.", code="invitation_expired")
    if invitation.state(utcnow()) not in (PRINTED, SENT) and not (
        invitation.channel == "email" and invitation.status == CREATED
    ):
        raise RuleViolation(
            "Seule une lettre imprimée peut être marquée comme envoyée.",
            code="not_printed",
            details={"state": invitation.state(utcnow())},
        )
    invitation.status, invitation.sent_at, invitation.code_sealed = SENT, utcnow(), None
    record(ctx.session, ctx.actor, "invitation.sent", account=invitation.account, message=f"invitation {invitation.id}")
    return invitation


def print_run(ctx: Context, secret: str, invitation_ids: list[int] | None, link: str) -> bytes:
    """The letters asked for (or every letter to print) in one PDF; their codes then exist only
    on paper (the caller commits with the answer)."""
    found = to_print(ctx, invitation_ids)
    if not found:
        raise RuleViolation("Aucune lettre à imprimer.", code="no_invitation_to_print")
    texts = [text_of(ctx, secret, invitation, link) for invitation in found]
    for invitation in found:
        printed(ctx, invitation)
    return letters.render(texts)


def email_invitation(ctx: Context, settings: Settings, invitation: Invitation, link: str) -> bool:
    """Send an e-mailed invitation (its code, then forgotten): committed before the mail leaves
    (no transaction stays open meanwhile), marked sent after. False if the mail could not leave
    (it stays to send: ``Envoyer l'e-mail``)."""
    text = text_of(ctx, settings.secret_key.get_secret_value(), invitation, link)
    invitation_id, to = invitation.id, invitation.email or ""
    ctx.session.commit()
    try:
        send_mail(settings, to, letters.subject(text), letters.email_body(text))
    except OSError as exc:
        log.warning("registration.invitation_not_sent", error=type(exc).__name__, invitation=invitation_id)
        return False
    mark_sent(ctx, get_invitation(ctx, invitation_id))
    ctx.session.commit()
    return True


def out(invitation: Invitation, now: datetime) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "account_id": invitation.account_id,
        "login": invitation.account.login,
        "company_name": invitation.account.company_name,
        "channel": invitation.channel,
        "email": invitation.email,
        "locale": invitation.locale,
        "state": invitation.state(now),
        "expires_at": invitation.expires_at.isoformat(),
        "created_at": invitation.created_at.isoformat(),
        "created_by": invitation.created_by,
        "printed_at": invitation.printed_at.isoformat() if invitation.printed_at else None,
        "sent_at": invitation.sent_at.isoformat() if invitation.sent_at else None,
        "used_at": invitation.used_at.isoformat() if invitation.used_at else None,
        "revoked_at": invitation.revoked_at.isoformat() if invitation.revoked_at else None,
    }


# -- the wizard ---------------------------------------------------------------------------------
def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def ip_hash(secret: str, address: str) -> str:
    """The requester's address as kept: keyed, so the table holds no address."""
    return hmac.new(secret.encode(), f"registration-ip:{address}".encode(), hashlib.sha256).hexdigest()


def _check_rate(ctx: Context, secret: str, address: str, digest: str | None) -> str:
    """Refuse while this address, or this code, has failed too often in the last hour."""
    hashed = ip_hash(secret, address)
    serialize(ctx.session, f"registration-ip:{hashed}")  # counted, then written: one at a time
    hour_ago = utcnow() - timedelta(hours=1)
    limits = ctx.portal.registration
    from_here = ctx.session.scalar(
        select(func.count(Attempt.id)).where(
            Attempt.portal == ctx.realm, Attempt.ip_hash == hashed, Attempt.created_at > hour_ago
        )
    )
    if (from_here or 0) >= limits.max_attempts_per_ip_per_hour:
        raise RateLimited(
            "Trop de codes incorrects depuis cette adresse : réessayez dans une heure.", code="too_many_attempts"
        )
    if digest is not None:
        this_code = ctx.session.scalar(
            select(func.count(Attempt.id)).where(
                Attempt.portal == ctx.realm, Attempt.code_hash == digest, Attempt.created_at > hour_ago
            )
        )
        if (this_code or 0) >= limits.max_attempts_per_code_per_hour:
            raise RateLimited("Ce code a été essayé trop souvent : réessayez dans une heure.", code="too_many_attempts")
    return hashed


def _failed(ctx: Context, hashed_ip: str, digest: str, refusal: Exception) -> Exception:
    """Count the attempt: committed now, it stays counted though the request is refused."""
    ctx.session.add(Attempt(portal=ctx.realm, ip_hash=hashed_ip, code_hash=digest))
    ctx.session.commit()
    return refusal


@dataclass(frozen=True)
class Started:
    registration: Registration
    token: str  # for the browser's session: the registration's only key


def start(ctx: Context, secret: str, typed: str, address: str) -> Started:
    """The access code typed on the first step: a registration, new or resumed. Raises
    ``RateLimited`` or a refusal saying what is wrong with the code; a wrong code is counted
    (committed)."""
    code = CODES.typed(typed)
    digest = CODES.digest(secret, ctx.realm, code or "".join(typed.split()).upper())
    hashed_ip = _check_rate(ctx, secret, address, digest)
    if code is None:
        raise _failed(
            ctx,
            hashed_ip,
            digest,
            InvalidInput(
                "Le code d'accès compte 12 caractères, lettres et chiffres, tel qu'imprimé sur votre invitation "
                "(XXXX XXXX XXXX).",
                code="invalid_code",
                details={"field": "code"},
            ),
        )
    invitation = ctx.session.scalar(
        select(Invitation)
        .where(Invitation.portal == ctx.realm, Invitation.code_hash == digest)
        .with_for_update(of=Invitation)
    )
    if invitation is None:
        raise _failed(
            ctx,
            hashed_ip,
            digest,
            RuleViolation(
                "Ce code d'accès n'est pas reconnu : vérifiez-le sur votre invitation (il ne contient ni 0, ni 1, "
                "ni O, ni I, ni L).",
                code="unknown_code",
                details={"field": "code"},
            ),
        )
    refusal = _unusable(ctx, invitation)
    if refusal is not None:
        raise refusal
    now = utcnow()
    token = secrets.token_urlsafe(32)
    registration = ctx.session.scalar(
        select(Registration).where(
            Registration.invitation_id == invitation.id,
            Registration.completed_at.is_(None),
            Registration.expires_at > now,
        )
    )
    if registration is None:
        registration = Registration(
            portal=ctx.realm,
            invitation_id=invitation.id,
            expires_at=now + timedelta(minutes=REGISTRATION_MINUTES),
            created_at=now,
            email_codes_sent=0,
            email_code_attempts=0,
        )
        ctx.session.add(registration)
    registration.token_hash = _hash(token)  # resumed: the older browser's key no longer works
    registration.email_verified_at = None  # and whoever resumes proves the address again
    ctx.session.flush()
    return Started(registration, token)


def _contact(ctx: Context) -> str:
    return ctx.portal.support_contact or "le support du portail"


def _unusable(ctx: Context, invitation: Invitation) -> RuleViolation | None:
    state = invitation.state(utcnow())
    if state == USED:
        return RuleViolation(
            "Ce code d'accès a déjà servi : le compte est ouvert. Connectez-vous avec votre identifiant, ou demandez "
            f"à l'administrateur du compte de vous créer un accès. Une question : {_contact(ctx)}.",
            code="code_used",
            details={"field": "code"},
        )
    if state == EXPIRED:
        return RuleViolation(
            f"Ce code d'accès a expiré le {invitation.expires_at:%d/%m/%Y}. Demandez une nouvelle invitation à "
            f"{_contact(ctx)}.",
            code="code_expired",
            details={"field": "code"},
        )
    if state == REVOKED or invitation.account.status != "invited":
        return RuleViolation(
            "Ce code d'accès a été remplacé par une invitation plus récente : utilisez le code de la dernière lettre "
            f"ou du dernier e-mail reçu, ou contactez {_contact(ctx)}.",
            code="code_revoked",
            details={"field": "code"},
        )
    return None


def current(ctx: Context, token: str | None) -> Registration | None:
    """The registration of this browser, if still under way."""
    if not token:
        return None
    found = ctx.session.scalar(
        select(Registration)
        .where(Registration.portal == ctx.realm, Registration.token_hash == _hash(token))
        .with_for_update()  # one step of a registration at a time (its counters, its address)
    )
    if found is None or found.completed_at is not None or found.expires_at <= utcnow():
        return None
    return found


def invitation_of(ctx: Context, registration: Registration) -> Invitation:
    invitation = ctx.session.get(Invitation, registration.invitation_id)
    assert invitation is not None
    refusal = _unusable(ctx, invitation)
    if refusal is not None:
        raise refusal
    return invitation


def holder_of(account: Account) -> Person:
    return next(p for p in account.people if p.kind == domain.HOLDER)


def _email_digest(secret: str, registration: Registration, email: str, code: str) -> str:
    """The e-mail code as kept: keyed, and bound to the address it was sent to (a code sent to one
    address never proves another)."""
    message = f"registration-email:{registration.id}:{email.lower()}:{code}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def email_code(ctx: Context, secret: str, registration: Registration, email: str) -> str:
    """The code that proves the address (the caller e-mails it once this is committed)."""
    if registration.email_codes_sent >= MAX_EMAIL_CODES:
        raise RateLimited(
            f"{MAX_EMAIL_CODES} codes ont déjà été envoyés pour cette inscription : recommencez dans une heure avec "
            "votre code d'accès.",
            code="too_many_email_codes",
        )
    email = email.strip()
    if registration.invitation_id is not None:
        accounts.email_free(ctx, email, person_id=holder_of(invitation_of(ctx, registration).account).id)
    else:
        accounts.email_free(ctx, email)
    code = EMAIL_CODES.new()
    registration.email = email
    registration.email_code_hash = _email_digest(secret, registration, email, code)
    registration.email_code_expires_at = utcnow() + timedelta(minutes=EMAIL_CODE_MINUTES)
    registration.email_codes_sent += 1
    registration.email_code_attempts = 0
    registration.email_verified_at = None
    return code


def verify_email(ctx: Context, secret: str, registration: Registration, typed: str) -> None:
    """The code received at the address: the address is proved (or the refusal, counted)."""
    if registration.email_code_hash is None or registration.email_code_expires_at is None:
        raise RuleViolation("Indiquez d'abord votre adresse e-mail.", code="no_email_code")
    if registration.email_code_attempts >= MAX_EMAIL_ATTEMPTS:
        raise RateLimited(
            "Trop de codes incorrects : demandez un nouveau code (« Renvoyer le code »).",
            code="too_many_attempts",
            details={"field": "code"},
        )
    if registration.email_code_expires_at <= utcnow():
        raise RuleViolation(
            f"Ce code a expiré ({EMAIL_CODE_MINUTES} minutes) : demandez-en un nouveau (« Renvoyer le code »).",
            code="email_code_expired",
            details={"field": "code"},
        )
    code = EMAIL_CODES.typed(typed) or ""
    expected = _email_digest(secret, registration, registration.email or "", code)
    if not hmac.compare_digest(registration.email_code_hash, expected):
        registration.email_code_attempts += 1
        left = MAX_EMAIL_ATTEMPTS - registration.email_code_attempts
        ctx.session.commit()  # the failed attempt counts though the request is refused
        raise RuleViolation(
            f"Code incorrect : vérifiez le code reçu par e-mail ({left} essai(s) restant(s)).",
            code="email_code_invalid",
            details={"field": "code", "attempts_left": left},
        )
    registration.email_verified_at = utcnow()


@dataclass(frozen=True)
class Profile:
    first_name: str
    last_name: str
    locale: str
    terms_accepted: bool


class _Names(Input):
    """The names a person types, as Keycloak takes them (checked before anything is saved)."""

    first_name: Name
    last_name: Name


def _check_profile(ctx: Context, registration: Registration, profile: Profile) -> None:
    parse(_Names, {"first_name": profile.first_name, "last_name": profile.last_name})
    if registration.email_verified_at is None or registration.email is None:
        raise RuleViolation("Confirmez d'abord votre adresse e-mail avec le code reçu.", code="email_not_verified")
    if not profile.terms_accepted:
        raise InvalidInput(
            "Acceptez les conditions d'utilisation pour ouvrir votre accès.",
            code="terms_not_accepted",
            details={"field": "terms"},
        )


def complete_invited(ctx: Context, registration: Registration, profile: Profile) -> tuple[Person, Account]:
    """The last step of an invitation: the holder is the one who registered, the account opens,
    the invitation is used (one at a time: two browsers with one code cannot both finish). The
    caller commits, applies to Keycloak and sets the password there."""
    _check_profile(ctx, registration, profile)
    invitation = invitation_of(ctx, registration)
    serialize(ctx.session, f"invitations:{invitation.account_id}")  # as a reissue does: one at a time
    invitation = invitation_of(ctx, registration)
    locked = ctx.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status.in_(LIVE))
        .values(status=USED, used_at=utcnow(), code_sealed=None)
    )
    if locked.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("Ce code d'accès vient de servir à une autre inscription.", code="code_used")
    holder = _opened(ctx, registration, invitation.account, profile)
    record(
        ctx.session,
        ctx.actor,
        "invitation.used",
        account=invitation.account,
        person=holder,
        message=f"invitation {invitation.id}",
    )
    return holder, invitation.account


def _opened(ctx: Context, registration: Registration, account: Account, profile: Profile) -> Person:
    """The invited account opens with the one who registered as its holder (the terms accepted);
    the registration is complete."""
    holder = accounts.open_registered(
        ctx,
        account,
        email=registration.email or "",
        first_name=profile.first_name,
        last_name=profile.last_name,
        locale=profile.locale,
    )
    _accepted(ctx, holder)
    registration.completed_at, registration.account_id = utcnow(), account.id
    return holder


def _accepted(ctx: Context, person: Person) -> None:
    person.terms_version = ctx.portal.registration.terms_version
    person.terms_accepted_at = utcnow()


# -- a firm's own registration (seed 001) --------------------------------------------------------
FIRM_LINK_HOURS = 24
FIRM_TYPE = "expert-comptable"


@dataclass(frozen=True)
class FirmApplication:
    siret: str
    company_name: str
    street: str
    postal_code: str
    city: str
    last_name: str
    first_name: str
    email: str


def _firm_body(application: FirmApplication, identifier: str, *, direct: bool) -> dict[str, Any]:
    """The firm's principal account as ``accounts.create_principal`` takes it."""
    return {
        "login": firm_login(identifier),
        "identifier": identifier,
        "company_name": application.company_name,
        "company_type": FIRM_TYPE,
        "status": "invited" if direct else "requested",
        "responsible": {
            "last_name": application.last_name,
            "first_name": application.first_name,
            "email": application.email,
            "address": {
                "street_name": application.street,
                "postal_code": application.postal_code,
                "city": application.city,
            },
        },
        "teleprocedures": {},
    }


def firm_login(identifier: str) -> str:
    """The login of a firm registering itself: from its SIREN, the company it is."""
    return f"cabinet{identifier[:9]}"


def apply_firm(ctx: Context, secret: str, application: FirmApplication, address: str) -> Started:
    """« Créer un compte expert-comptable »: checked, then kept until its holder opens the link
    e-mailed to the responsible's address (``FIRM_LINK_HOURS``); the caller e-mails the link.
    Each application counts against the address's hourly attempts, and one e-mail address
    against the per-code limit (no mailbox is flooded)."""
    if ctx.portal.registration.firms == "off":
        raise NotFound("Ce portail n'ouvre pas de compte expert-comptable en ligne.", code="firm_registration_off")
    digest = hmac.new(
        secret.encode(), f"firm-application:{ctx.realm}:{application.email.strip().lower()}".encode(), hashlib.sha256
    ).hexdigest()
    hashed_ip = _check_rate(ctx, secret, address, digest)
    # Counted before anything is checked (committed now: a refusal below stays counted), so that
    # the form's answers (this SIREN has an account, this address is taken) cannot be probed.
    ctx.session.add(Attempt(portal=ctx.realm, ip_hash=hashed_ip, code_hash=digest))
    ctx.session.commit()
    identifier = domain.normalize_identifier(ctx.portal.identifier_scheme, application.siret)
    login = firm_login(identifier)
    try:
        accounts.login_free(ctx, login)
    except Conflict as exc:
        raise Conflict(
            f"Un compte existe déjà pour ce SIREN sur le portail : connectez-vous, ou contactez {_contact(ctx)}.",
            code="firm_exists",
            details={"field": "siret"},
        ) from exc
    accounts.email_free(ctx, application.email)
    parse(PrincipalIn, _firm_body(application, identifier, direct=True))  # what Keycloak would refuse, now
    token = secrets.token_urlsafe(32)
    now = utcnow()
    registration = Registration(
        portal=ctx.realm,
        token_hash=_hash(token),
        application={**application.__dict__, "siret": identifier, "email": application.email.strip()},
        email=application.email.strip(),
        expires_at=now + timedelta(hours=FIRM_LINK_HOURS),
        created_at=now,
        email_codes_sent=1,
        email_code_attempts=0,
    )
    ctx.session.add(registration)
    ctx.session.flush()
    return Started(registration, token)


def open_firm_link(ctx: Context, token: str) -> Started:
    """The e-mailed link opened: the address is proved; the registration continues in this
    browser (a new key: the link serves once)."""
    found = ctx.session.scalar(
        select(Registration).where(
            Registration.portal == ctx.realm,
            Registration.token_hash == _hash(token),
            Registration.application.is_not(None),
        )
    )
    if found is None or found.completed_at is not None:
        raise RuleViolation(
            "Ce lien d'activation a déjà servi ou n'est pas valable : si votre compte est ouvert, connectez-vous ; sinon "
            "recommencez la demande.",
            code="firm_link_used",
        )
    if found.expires_at <= utcnow():
        raise RuleViolation(
            f"Ce lien d'activation a expiré ({FIRM_LINK_HOURS} heures) : recommencez la demande.",
            code="firm_link_expired",
        )
    browser = secrets.token_urlsafe(32)
    found.token_hash = _hash(browser)
    found.email_verified_at = utcnow()
    return Started(found, browser)


def complete_firm(ctx: Context, registration: Registration, profile: Profile) -> tuple[Person, Account]:
    """The firm's principal account (an accounting firm) and its holder: open at once, the
    holder the one who registered (its password set by the caller in Keycloak); or, where the
    portal validates firms first, requested, its holder e-mailed when the portal opens it."""
    _check_profile(ctx, registration, profile)
    application = registration.application or {}
    serialize(ctx.session, f"firm-login:{ctx.realm}:{firm_login(application['siret'])}")  # one firm, one at a time
    ctx.session.refresh(registration)
    if registration.completed_at is not None:
        raise Conflict("Cette inscription vient d'aboutir dans une autre fenêtre.", code="firm_link_used")
    direct = ctx.portal.registration.firms == "direct"
    declared = replace(
        FirmApplication(**{k: application[k] for k in FirmApplication.__dataclass_fields__}),
        first_name=profile.first_name,
        last_name=profile.last_name,
    )
    body = _firm_body(declared, application["siret"], direct=direct)
    portal = Context(ctx.session, ctx.portal, Actor.system("inscription en ligne"))
    account = accounts.create_principal(portal, parse(PrincipalIn, body))
    # Nobody checked yet that the applicant is the firm its SIRET names: until an operator
    # confirms it, that SIRET vouches for nothing (docs/registration.md). Where the portal
    # validates firms first, the operator who opens the account is that check.
    account.identity_checked = not direct
    holder = holder_of(account)
    holder.locale = profile.locale
    if direct:
        holder = _opened(portal, registration, account, profile)
    else:
        _accepted(ctx, holder)
        registration.completed_at, registration.account_id = utcnow(), account.id
    record(ctx.session, portal.actor, "account.self_registered", account=account, person=holder)
    return holder, account
