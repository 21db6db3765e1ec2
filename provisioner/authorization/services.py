"""The decisions of the authorization API, and their reasons (the rights explainer).

A person may act for an establishment under a teleprocedure when the establishment is its own
account's (a principal, a secondary, the account a collaborator belongs to), the account and its
principal are open, the person is enabled, the account subscribes to the teleprocedure within its
principal's, and the person files it (a holder or a secondary's login all of its account's, a
collaborator those it is declarant of). It is the computation that gives the person's Keycloak
user its roles and token claims (``accounts.reconciler.desired_user``): the answer here and the
token never differ. Firms acting for their clients under a mandate come with the accountants'
features (issue 11).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from provisioner.accounts import domain
from provisioner.accounts.models import Account, Person
from provisioner.accounts.reconciler import desired_user
from provisioner.catalogue import store as catalogue_store
from provisioner.errors import DomainError
from provisioner.portals import Portal


@dataclass(frozen=True)
class Question:
    subject: str  # the person's Keycloak user id
    establishment: str  # its legal identifier, as sent
    teleprocedure: str  # its code, as sent


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # own_account, or why not
    message: str  # the reason in words, for an administrator
    details: dict[str, Any] = field(default_factory=dict)

    def context(self) -> dict[str, Any]:
        return {"reason": self.reason, "reason_admin": {"fr": self.message}, **self.details}


def _deny(reason: str, message: str, **details: Any) -> Decision:
    return Decision(False, reason, message, details)


def evaluate(session: Session, portal: Portal, questions: Iterable[Question]) -> list[Decision]:
    """The decision for each question, in order (the people asked about are read once)."""
    questions = list(questions)
    people = _people(session, portal.realm, {q.subject for q in questions})
    codes = {e.code for e in catalogue_store.entries(session, portal.realm)}
    return [_decide(portal, people.get(q.subject), codes, q) for q in questions]


def explain(session: Session, portal: Portal, person: Person) -> list[tuple[str, Decision]]:
    """The rights explainer of a person's page: for each teleprocedure of the portal, what the
    authorization API answers about the person and its own account's establishment."""
    entries = catalogue_store.entries(session, portal.realm)
    codes = {e.code for e in entries}
    identifier = person.account.identifier
    return [
        (e.code, _decide(portal, person, codes, Question(person.keycloak_user_id or "", identifier, e.code)))
        for e in entries
    ]


def _people(session: Session, realm: str, subjects: set[str]) -> dict[str, Person]:
    found = session.scalars(
        select(Person)
        .where(Person.portal == realm, Person.keycloak_user_id.in_(subjects))
        .options(
            joinedload(Person.account).selectinload(Account.subscriptions),
            joinedload(Person.account).joinedload(Account.parent).selectinload(Account.subscriptions),
        )
    )
    return {p.keycloak_user_id: p for p in found if p.keycloak_user_id}


def _decide(portal: Portal, person: Person | None, codes: set[str], q: Question) -> Decision:
    code = q.teleprocedure.strip().upper()
    if person is None:
        return _deny("unknown_subject", "Cet utilisateur n'est pas une personne de ce portail.")
    try:
        siret = domain.normalize_identifier(portal.identifier_scheme, q.establishment)
    except DomainError as exc:
        return _deny("invalid_identifier", exc.message, identifier=q.establishment)
    if code not in codes:
        return _deny("unknown_teleprocedure", f"« {q.teleprocedure} » n'est pas une téléprocédure de ce portail.")
    account = person.account
    principal = account.parent or account
    who = {"account_id": account.id}
    if not person.enabled:
        return _deny("person_disabled", f"{_name(person)} est désactivé(e) : il ne peut rien déclarer.", **who)
    if account.status != "open" or principal.status != "open":
        closed = account if account.status != "open" else principal
        return _deny(
            "account_not_open",
            f"Le compte {closed.login} n'est pas ouvert (état : {closed.status}).",
            **who,
            status=closed.status,
        )
    if account.identifier != siret:
        return _deny(
            "not_own_establishment",
            f"L'établissement {siret} n'est pas celui du compte {account.login} ({account.identifier}) ; "
            "aucun mandat ne le lui confie.",
            **who,
        )
    within, _ = domain.clip_to_ceiling(principal.selection, account.selection)
    if code not in within:
        return _deny(
            "not_subscribed",
            f"Le compte {account.login} n'est pas abonné à {code}"
            + (f" (son compte principal {principal.login} non plus)." if code not in principal.selection else "."),
            **who,
        )
    want = desired_user(person, account, principal)
    if code not in want.attributes["portail.teleprocedures"]:
        return _deny(
            "no_permission",
            f"{_name(person)} n'a pas l'autorisation de déclarant {code} sur le compte {account.login}.",
            **who,
        )
    return Decision(
        True,
        "own_account",
        f"{_name(person)} déclare {code} pour son propre compte {account.login} ({siret}).",
        {**who, "document_types": list(within[code])},
    )


def _name(person: Person) -> str:
    return f"{person.first_name} {person.last_name}"
