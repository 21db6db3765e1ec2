"""The accounts' Keycloak work: bring one principal account (its group, people, secondaries) in
line with the database (``provisioner.accounts.reconciler``), and e-mail a person the link to
choose a password (holders and secondary logins when their account opens, collaborators when
invited, anyone an administrator sends a new link to)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from provisioner.accounts.models import Account, Person
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.sync.models import OutboxItem
from provisioner.sync.outbox import handler, handler_of_many, leave_to_worker, record

RECONCILE_ACCOUNT = "reconcile_account"
# A change that spans more people than this is applied by the sync worker, not during the request.
INLINE_PEOPLE = 200
SEND_INVITATION = "send_invitation"
TELL_OLD_ADDRESS = "tell_old_address"


def account_queue(principal_id: int) -> str:
    """The outbox queue of one principal account: its items apply in order, other accounts' in
    parallel."""
    return f"account:{principal_id}"


def enqueue_account(
    session: Session,
    portal: str,
    principal_id: int,
    part: int | None = None,
    *,
    identity: bool = False,
    new: bool = False,
) -> OutboxItem:
    """Ask for the principal account to be brought in line in Keycloak: all of it (its group, its
    people, its secondaries and theirs), or with ``part`` only the people of that one account (a
    secondary, or the principal's own) when the change touched nothing else, so the work does not
    grow with the number of secondaries. ``identity``: the change touched no right (names,
    identifiers, contacts), so the people's roles are not read.

    One pending item per account (and part) is enough: the reconciler reads the current state; a
    pending wider item (the whole account, the part with its roles) covers a narrower one. A
    ``new`` account has no item yet and only its holder: nothing to look for (an import saving
    thousands of accounts does not pay two queries each for it, and saves its items together).
    """
    whole: dict[str, Any] = {"account_id": principal_id}
    if new:
        return record(session, portal, RECONCILE_ACCOUNT, whole, queue=account_queue(principal_id), flush=False)
    if part is None:
        return _enqueue(session, portal, whole, [])
    full = {**whole, "part": part}
    if not identity:
        return _enqueue(session, portal, full, [whole])
    return _enqueue(session, portal, {**full, "identity": 1}, [whole, full])


def enqueue_person(session: Session, portal: str, person: Person, *, identity: bool = False) -> OutboxItem:
    """Ask for one person's user to be brought in line (created or updated, and its roles unless
    ``identity``: its rights did not change): the cost of a change on a person does not grow with
    its account. A pending item for its whole account, or for its account's people, covers it."""
    whole: dict[str, Any] = {"account_id": person.account.principal_id}
    part = {**whole, "part": person.account_id}
    full = {**part, "person": person.id}
    if not identity:
        return _enqueue(session, portal, full, [whole, part])
    return _enqueue(session, portal, {**full, "identity": 1}, [whole, part, {**part, "identity": 1}, full])


def enqueue_removal(session: Session, portal: str, principal_id: int, username: str) -> OutboxItem:
    """A person was deleted: delete its user (ours, and only if no person of that login exists
    again by then). A pending whole-account item covers it (it deletes users nobody owns)."""
    whole: dict[str, Any] = {"account_id": principal_id}
    return _enqueue(session, portal, {**whole, "removed": username.lower()}, [whole])


def _enqueue(session: Session, portal: str, payload: dict[str, Any], wider: list[dict[str, Any]]) -> OutboxItem:
    """Record the account's work ``payload`` in its queue, or reuse a pending item of the same or
    ``wider`` work (widest first). A whole-account item of a large account is the worker's."""
    whole = {"account_id": payload["account_id"]}
    item = record(
        session,
        portal,
        RECONCILE_ACCOUNT,
        payload,
        merge=True,
        covered_by=wider,
        queue=account_queue(payload["account_id"]),
    )
    if item.payload == whole and _large(session, whole):
        leave_to_worker(session, item)  # not during a request
    return item


def _large(session: Session, whole: dict[str, int]) -> bool:
    """More people (holder, secondary logins, collaborators) than a request waits for: the sync
    worker applies the whole account."""
    principal_id = whole["account_id"]
    count = session.scalar(
        select(func.count(Person.id))
        .join(Account, Person.account_id == Account.id)
        .where(or_(Account.id == principal_id, Account.parent_id == principal_id))
    )
    return (count or 0) > INLINE_PEOPLE


@handler(RECONCILE_ACCOUNT)
def _reconcile(session: Session, gateway: KeycloakGateway, payload: dict[str, Any]) -> list[str]:
    from provisioner.accounts.reconciler import Reconciler

    reconciler = Reconciler(gateway)
    roles = not payload.get("identity")
    if "person" in payload:
        return reconciler.reconcile_person(session, payload["account_id"], payload["person"], roles=roles)
    if "removed" in payload:
        return reconciler.remove_user(session, payload["account_id"], payload["removed"])
    return reconciler.reconcile_account(session, payload["account_id"], part=payload.get("part"), roles=roles)


@handler_of_many(RECONCILE_ACCOUNT)
def _reconcile_many(
    session: Session, gateway: KeycloakGateway, payloads: list[dict[str, Any]]
) -> list[list[str] | None]:
    """Many accounts' items at once (the sync worker's backlog, e.g. after an import): the accounts
    Keycloak has nothing of yet are created together (a call per 25 accounts, instead of four per
    account); the other items are left to the worker, one by one, each in its own transaction."""
    from provisioner.accounts.reconciler import Reconciler

    whole = [p["account_id"] for p in payloads if set(p) == {"account_id"}]
    created = Reconciler(gateway).create_new_accounts(session, whole)
    return [created.get(p["account_id"]) if set(p) == {"account_id"} else None for p in payloads]


def enqueue_invitation(session: Session, portal: str, person: Person, invited_by: str | None = None) -> OutboxItem:
    """Rule 11: Keycloak e-mails the person a link to choose a password (valid 24 hours), in the
    person's language and the portal's e-mail theme. A command, sent once per request, after the
    account's own item has created the user (one queue per account, applied in order).
    ``invited_by``: who opened the access, for a first invitation: the e-mail is then the
    portal's welcome, naming them (issue 12); without it, Keycloak's "choose a password"."""
    queue = account_queue(person.account.principal_id)
    payload: dict[str, Any] = {"person_id": person.id}
    if invited_by:
        payload["invited_by"] = invited_by
    return record(session, portal, SEND_INVITATION, payload, queue=queue)


@handler(SEND_INVITATION)
def _send_invitation(session: Session, gateway: KeycloakGateway, payload: dict[str, Any]) -> list[str]:
    from provisioner.accounts.reconciler import Reconciler

    return Reconciler(gateway).send_invitation(session, payload["person_id"], payload.get("invited_by"))


# The notice to the old address, in the person's language (what Keycloak's own e-mails do too).
_EMAIL_CHANGED = {
    "fr": (
        "Votre adresse e-mail a été modifiée",
        "Bonjour,\n\nL'adresse e-mail de votre identifiant {username} sur {portal} vient d'être remplacée "
        "par {new} par un administrateur de votre compte. Les messages du portail n'arriveront plus ici.\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, contactez l'administrateur de votre compte ou le "
        "support du portail.\n",
    ),
    "de": (
        "Ihre E-Mail-Adresse wurde geändert",
        "Guten Tag,\n\ndie E-Mail-Adresse Ihrer Kennung {username} auf {portal} wurde soeben von einer "
        "Administratorin oder einem Administrator Ihres Kontos durch {new} ersetzt. Nachrichten des Portals "
        "kommen nicht mehr an diese Adresse.\n\nWenn Sie dies nicht veranlasst haben, wenden Sie sich an die "
        "Administration Ihres Kontos oder an den Support des Portals.\n",
    ),
    "it": (
        "Il suo indirizzo e-mail è stato modificato",
        "Buongiorno,\n\nl'indirizzo e-mail del suo identificativo {username} su {portal} è appena stato "
        "sostituito con {new} da un amministratore del suo conto. I messaggi del portale non arriveranno "
        "più qui.\n\nSe non ha richiesto questa modifica, contatti l'amministratore del suo conto o il "
        "supporto del portale.\n",
    ),
    "en": (
        "Your e-mail address was changed",
        "Hello,\n\nThe e-mail address of your login {username} on {portal} has just been replaced with {new} "
        "by an administrator of your account. The portal's messages will no longer come here.\n\nIf you did "
        "not ask for this, contact your account's administrator or the portal's support.\n",
    ),
}


def enqueue_old_address_notice(
    session: Session, portal: str, *, old: str, new: str, username: str, locale: str, portal_name: str
) -> OutboxItem:
    """Tell the old address that an administrator replaced it (after the change is committed)."""
    payload = {"old": old, "new": new, "username": username, "locale": locale, "portal": portal_name}
    return record(session, portal, TELL_OLD_ADDRESS, payload)


@handler(TELL_OLD_ADDRESS)
def _tell_old_address(session: Session, gateway: KeycloakGateway, payload: dict[str, Any]) -> list[str]:
    from provisioner.mail import send_mail

    session.commit()  # no transaction open while the mail leaves (the dev sink writes here)
    subject, body = _EMAIL_CHANGED.get(payload["locale"], _EMAIL_CHANGED["fr"])
    text = body.format(username=payload["username"], portal=payload["portal"], new=payload["new"])
    send_mail(gateway.settings, payload["old"], subject, text)
    return [f"user {payload['username']}: old address told of the change"]
