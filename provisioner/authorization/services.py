"""The decisions of the authorization API, and their reasons (the rights explainer).

A person may act for an establishment under a teleprocedure when the establishment is its own
account's (a principal, a secondary, the account a collaborator belongs to), the account and its
principal are open, the person is enabled, the account subscribes to the teleprocedure within its
principal's, and the person files it (a holder or a secondary's login all of its account's, a
collaborator those it is declarant of). It is the computation that gives the person's Keycloak
user its roles and token claims (``accounts.reconciler.desired_user``): the answer here and the
token never differ.

A firm's people may also act for a client's establishment (rules 14-15): the firm holds an
active mandate of that client covering the teleprocedure, the establishment is in the firm's
portfolio, and the person files that teleprocedure for the firm (the firm subscribes to it, the
person is its declarant). Tokens never carry this: a firm may hold 10,000 clients.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, lazyload

from provisioner.accounts import domain
from provisioner.accounts.models import Account, Person
from provisioner.accounts.reconciler import desired_user
from provisioner.catalogue import store as catalogue_store
from provisioner.db import utcnow
from provisioner.delegations.models import DelegationProfile, profile_establishment, profile_member
from provisioner.errors import DomainError
from provisioner.mandates.models import ACTIVE, ENDED, EXPIRED, REVOKED, Mandate
from provisioner.portals import Portal
from provisioner.portfolios.models import Establishment
from provisioner.portfolios.services import is_firm


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
    changes_at: datetime | None = None  # when time alone changes it (a key's expiry), if it does

    def context(self) -> dict[str, Any]:
        return {"reason": self.reason, "reason_admin": {"fr": self.message}, **self.details}


def _deny(reason: str, message: str, **details: Any) -> Decision:
    return Decision(False, reason, message, details)


def evaluate(session: Session, portal: Portal, questions: Iterable[Question]) -> list[Decision]:
    """The decision for each question, in order (the people asked about are read once)."""
    questions = list(questions)
    people = _people(session, portal.realm, {q.subject for q in questions})
    codes = {e.code for e in catalogue_store.entries(session, portal.realm)}
    clients = _clients(session, portal, people.values(), questions)
    return [_decide(portal, people.get(q.subject), codes, q, clients) for q in questions]


def explain(
    session: Session, portal: Portal, person: Person, identifier: str | None = None
) -> list[tuple[str, Decision]]:
    """The rights explainer of a person's page: for each teleprocedure of the portal, what the
    authorization API answers about the person and an establishment (its own account's, or a
    client's: "why can X file DSN for Y?")."""
    entries = catalogue_store.entries(session, portal.realm)
    codes = {e.code for e in entries}
    identifier = identifier or person.account.identifier
    questions = [Question(person.keycloak_user_id or "", identifier, e.code) for e in entries]
    clients = _clients(session, portal, [person], questions)
    return [(q.teleprocedure, _decide(portal, person, codes, q, clients)) for q in questions]


@dataclass
class Clients:
    """What the firms asked about hold: their mandates and portfolio entries, by (firm, SIRET)."""

    mandates: dict[tuple[int, str], Mandate] = field(default_factory=dict)
    portfolio: set[tuple[int, str]] = field(default_factory=set)
    profiles: dict[int, list[DelegationProfile]] = field(default_factory=dict)  # by person id
    delegated: set[tuple[int, str]] = field(default_factory=set)  # (profile id, SIRET) of its establishments
    # Worked out once per evaluation call (a batch asks many questions of a few people and places):
    wants: dict[int, Any] = field(default_factory=dict)  # person id -> its desired Keycloak user
    identifiers: dict[str, str | DomainError] = field(default_factory=dict)  # as sent -> normalized

    def want(self, person: Person, account: Account, principal: Account) -> Any:
        if person.id not in self.wants:
            self.wants[person.id] = desired_user(person, account, principal)
        return self.wants[person.id]

    def identifier(self, scheme: str, sent: str) -> str:
        if sent not in self.identifiers:
            try:
                self.identifiers[sent] = domain.normalize_identifier(scheme, sent)
            except DomainError as exc:
                self.identifiers[sent] = exc
        found = self.identifiers[sent]
        if isinstance(found, DomainError):
            raise found
        return found


# A profile's own columns only: its establishments (thousands) are asked about by SIRET, its
# members by person, never loaded whole for a decision.
_PROFILE_ONLY = (lazyload(DelegationProfile.establishments), lazyload(DelegationProfile.members))


def _clients(session: Session, portal: Portal, people: Iterable[Person], questions: list[Question]) -> Clients:
    memo = Clients()
    firms = {(p.account.parent or p.account).id for p in people if is_firm(p.account.parent or p.account)}
    if not firms:
        return memo
    sirets = set()
    for q in questions:
        try:
            sirets.add(memo.identifier(portal.identifier_scheme, q.establishment))
        except DomainError:
            continue
    if not sirets:
        return memo
    # The mandates asked about, each with whether its establishment is in the firm's portfolio.
    rows = session.execute(
        select(Mandate, Establishment.id)
        .outerjoin(
            Establishment,
            (Establishment.firm_id == Mandate.firm_id) & (Establishment.identifier == Mandate.identifier),
        )
        .where(Mandate.firm_id.in_(firms), Mandate.identifier.in_(sirets))
        .options(lazyload(Mandate.firm))
    )
    mandates: dict[tuple[int, str], Mandate] = {}
    portfolio: set[tuple[int, str]] = set()
    for mandate, entry_id in rows:
        mandates[(mandate.firm_id, mandate.identifier)] = mandate
        if entry_id is not None:
            portfolio.add((mandate.firm_id, mandate.identifier))
    # The people's profiles, each with those of its establishments asked about.
    members = [p.id for p in people if is_firm(p.account.parent or p.account)]
    profiles: dict[int, list[DelegationProfile]] = {}
    delegated: set[tuple[int, str]] = set()
    asked = (
        select(Establishment.id, Establishment.identifier)
        .where(Establishment.firm_id.in_(firms), Establishment.identifier.in_(sirets))
        .subquery()
    )
    for person_id, profile, identifier in session.execute(
        select(profile_member.c.person_id, DelegationProfile, asked.c.identifier)
        .join(DelegationProfile, DelegationProfile.id == profile_member.c.profile_id)
        .outerjoin(
            profile_establishment,
            (profile_establishment.c.profile_id == DelegationProfile.id)
            & profile_establishment.c.establishment_id.in_(select(asked.c.id)),
        )
        .outerjoin(asked, asked.c.id == profile_establishment.c.establishment_id)
        .where(profile_member.c.person_id.in_(members))
        .options(*_PROFILE_ONLY)
    ):
        mine = profiles.setdefault(person_id, [])
        if profile not in mine:
            mine.append(profile)
        if identifier is not None:
            delegated.add((profile.id, identifier))
    memo.mandates, memo.portfolio, memo.profiles, memo.delegated = mandates, portfolio, profiles, delegated
    return memo


def _people(session: Session, realm: str, subjects: set[str]) -> dict[str, Person]:
    found = session.scalars(  # one query: the people, their accounts and principals, their subscriptions
        select(Person)
        .where(Person.portal == realm, Person.keycloak_user_id.in_(subjects))
        .options(
            joinedload(Person.account).joinedload(Account.subscriptions),
            joinedload(Person.account).joinedload(Account.parent).joinedload(Account.subscriptions),
        )
    ).unique()
    return {p.keycloak_user_id: p for p in found if p.keycloak_user_id}


def _decide(portal: Portal, person: Person | None, codes: set[str], q: Question, clients: Clients) -> Decision:
    code = q.teleprocedure.strip().upper()
    if person is None:
        return _deny("unknown_subject", "Cet utilisateur n'est pas une personne de ce portail.")
    try:
        siret = clients.identifier(portal.identifier_scheme, q.establishment)
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
    own_company = domain.same_company(portal.identifier_scheme, principal.identifier, siret)
    if is_firm(principal) and (account.identifier != siret or not own_company):
        # A firm acts for establishments of other companies only under their mandate, even
        # through a secondary account declared with the client's SIRET.
        return _for_client(person, account, principal, siret, code, clients)
    if not principal.identity_checked:
        return _deny(
            "identity_not_checked",
            f"Le portail n'a pas encore vérifié que le compte {principal.login} est l'établissement "
            f"{principal.identifier} : il ne déclare pour lui-même qu'une fois son identité confirmée.",
            **who,
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
    want = clients.want(person, account, principal)
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


def _for_client(
    person: Person, account: Account, principal: Account, siret: str, code: str, clients: Clients
) -> Decision:
    """A firm's person asking to act for another establishment: under the firm's mandate."""
    who = {"account_id": account.id}
    mandate = clients.mandates.get((principal.id, siret))
    if mandate is None:
        return _deny("no_mandate", f"Le cabinet {principal.login} n'a pas de mandat de l'établissement {siret}.", **who)
    mine = {**who, "mandate_id": mandate.id}
    state = mandate.state(utcnow())
    if state == REVOKED:
        by = "par le client" if mandate.revoked_by == "client" else "par le cabinet"
        return _deny("mandate_revoked", f"Le mandat {mandate.id} de {siret} a été retiré {by}.", **mine)
    if state == ENDED:
        return _deny("mandate_ended", f"Le mandat {mandate.id} de {siret} a pris fin le {mandate.ends_on}.", **mine)
    if state != ACTIVE:
        pending = _deny(
            "mandate_not_active",
            f"Le mandat {mandate.id} de {siret} n'est pas actif (état : {state}) : le cabinet doit saisir la clé "
            "d'activation reçue par le client.",
            **mine,
            state=state,
        )
        # A key still waiting expires by time alone: the decision holds until then.
        return replace(pending, changes_at=mandate.key_expires_at if state != EXPIRED else None)
    if code not in mandate.teleprocedures:
        return _deny(
            "not_in_mandate",
            f"Le mandat {mandate.id} de {siret} couvre {', '.join(mandate.teleprocedures)}, pas {code}.",
            **mine,
        )
    if (principal.id, siret) not in clients.portfolio:
        return _deny(
            "not_in_portfolio", f"{siret} n'est plus dans le portefeuille du cabinet {principal.login}.", **mine
        )
    within, _ = domain.clip_to_ceiling(principal.selection, account.selection)
    if code not in within:
        return _deny("not_subscribed", f"Le compte {account.login} du cabinet n'est pas abonné à {code}.", **mine)
    want = clients.want(person, account, principal)
    if code not in want.attributes["portail.teleprocedures"]:
        return _deny(
            "no_permission", f"{_name(person)} n'a pas l'autorisation de déclarant {code} pour le cabinet.", **mine
        )
    if domain.ACCOUNT_ADMIN in want.roles:  # the firm's administrators act for the whole portfolio
        return Decision(
            True,
            "mandate",
            f"{_name(person)} déclare {code} pour {siret} sous le mandat {mandate.id} du cabinet {principal.login}.",
            mine,
        )
    for profile in clients.profiles.get(person.id, []):
        if code in profile.teleprocedures and (profile.whole_portfolio or (profile.id, siret) in clients.delegated):
            return Decision(
                True,
                "mandate",
                f"{_name(person)} déclare {code} pour {siret} sous le mandat {mandate.id}, par le profil de "
                f"délégation « {profile.name} ».",
                {**mine, "profile_id": profile.id},
            )
    return _deny(
        "not_in_profile",
        f"Aucun profil de délégation de {_name(person)} ne lui confie {code} pour {siret} : l'administrateur du "
        "cabinet le règle dans « Paramètres de délégation ».",
        **mine,
    )


def _name(person: Person) -> str:
    return f"{person.first_name} {person.last_name}"


# -- what a person may act for (AuthZEN resource search), and who covers a firm's deadlines ----------
def _files_for_firm(person: Person, code: str) -> Any | None:
    """The person's desired Keycloak user if it may file ``code`` on the firm's side (enabled, its
    account and the firm open, the account subscribed within the firm's, the person its
    declarant), else None."""
    account = person.account
    principal = account.parent or account
    if not person.enabled or account.status != "open" or principal.status != "open":
        return None
    within, _ = domain.clip_to_ceiling(principal.selection, account.selection)
    want = desired_user(person, account, principal)
    return want if code in within and code in want.attributes["portail.teleprocedures"] else None


def _client_candidates(session: Session, person: Person, code: str) -> Any | None:
    """The query of the clients' establishments a firm's person may act for under ``code``
    (active mandates of the portfolio, within the person's delegation profiles unless it
    administers the firm), or None if it may act for none. Each found is confirmed by
    ``_decide``, the one rule."""
    principal = person.account.parent or person.account
    want = _files_for_firm(person, code) if is_firm(principal) else None
    if want is None:
        return None
    query = (
        select(Establishment.identifier)
        .join(Mandate, (Mandate.firm_id == Establishment.firm_id) & (Mandate.identifier == Establishment.identifier))
        .where(Establishment.firm_id == principal.id, Mandate.status == ACTIVE)
    )
    if domain.ACCOUNT_ADMIN in want.roles:
        return query
    mine = [
        p
        for p in session.scalars(
            select(DelegationProfile)
            .join(profile_member, profile_member.c.profile_id == DelegationProfile.id)
            .where(profile_member.c.person_id == person.id)
            .options(*_PROFILE_ONLY)
        )
        if code in p.teleprocedures
    ]
    if not mine:
        return None
    if any(p.whole_portfolio for p in mine):
        return query
    delegated = select(profile_establishment.c.establishment_id).where(
        profile_establishment.c.profile_id.in_([p.id for p in mine])
    )
    return query.where(Establishment.id.in_(delegated))


def search(
    session: Session, portal: Portal, subject: str, teleprocedure: str, *, after: str | None, limit: int
) -> tuple[list[str], str | None]:
    """The establishments the person may act for under the teleprocedure, in identifier order, a
    page at a time (``after``: the last identifier of the previous page): its own account's, and
    for a firm's people, the clients'. Every one is what ``evaluate`` answers true for. The page
    and the identifier to continue after (None: the last page)."""
    code = teleprocedure.strip().upper()
    person = _people(session, portal.realm, {subject}).get(subject)
    codes = {e.code for e in catalogue_store.entries(session, portal.realm)}
    if person is None or code not in codes:
        return [], None
    found: list[str] = []
    candidates = _client_candidates(session, person, code)
    cursor = after
    while candidates is not None and len(found) <= limit:
        query = candidates.order_by(Establishment.identifier).limit(limit + 1)
        if cursor is not None:
            query = query.where(Establishment.identifier > cursor)
        batch = list(session.scalars(query))
        if not batch:
            break
        questions = [Question(subject, identifier, code) for identifier in batch]
        clients = _clients(session, portal, [person], questions)
        found += [q.establishment for q in questions if _decide(portal, person, codes, q, clients).allowed]
        cursor = batch[-1]
        if len(batch) <= limit:
            break
    own = person.account.identifier
    mine = _decide(portal, person, codes, Question(subject, own, code), Clients())
    if (after is None or own > after) and own not in found and mine.allowed:
        found = sorted([*found, own])
    page = found[:limit]
    return page, (page[-1] if len(found) > limit else None)


@dataclass(frozen=True)
class Coverage:
    entry: Establishment
    deadline: date  # its next monthly deadline
    filers: list[Person]  # who may file for it now
    reason: str | None  # why nobody: no_active_mandate (none covering the teleprocedure), no_filer


def deadline_coverage(
    session: Session, portal: Portal, firm: Account, teleprocedure: str, days: int, today: date
) -> list[Coverage]:
    """The firm's establishments whose monthly deadline falls within ``days`` days, each with the
    people who may file ``teleprocedure`` for it (uncovered first, then by deadline)."""
    code = teleprocedure.strip().upper()
    when: dict[int, date] = {}  # day of the month -> its next date within the window
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        when.setdefault(day.day, day)
        if (day + timedelta(days=1)).month != day.month:  # a month's last day: its 29th-31st fall on it
            for missing in range(day.day + 1, 32):
                when.setdefault(missing, day)
    entries = list(
        session.scalars(
            select(Establishment).where(
                Establishment.firm_id == firm.id, Establishment.monthly_deadline.in_(sorted(when))
            )
        )
    )
    now = utcnow()
    ends: dict[str, date | None] = {  # an active mandate covering the teleprocedure: its last day
        m.identifier: m.ends_on
        for m in session.scalars(select(Mandate).where(Mandate.firm_id == firm.id, Mandate.status == ACTIVE))
        if m.state(now) == ACTIVE and code in m.teleprocedures
    }
    deadline_of = {e.identifier: when[e.monthly_deadline or 0] for e in entries}
    mandated = {  # ... still running on the establishment's deadline
        i for i, end in ends.items() if i in deadline_of and (end is None or end >= deadline_of[i])
    }
    people = session.scalars(
        select(Person)
        .join(Account, Person.account_id == Account.id)
        .where(
            (Account.id == firm.id) | (Account.parent_id == firm.id),
            Person.enabled.is_(True),
            Person.keycloak_user_id.is_not(None),  # a person not in Keycloak yet files nothing
        )
        .options(joinedload(Person.account).joinedload(Account.parent))
    )
    covered: dict[str, list[Person]] = {}
    for person in people:
        candidates = _client_candidates(session, person, code)
        if candidates is not None:
            for identifier in set(session.scalars(candidates)) & mandated:
                covered.setdefault(identifier, []).append(person)
    out = [
        Coverage(
            e,
            deadline_of[e.identifier],
            covered.get(e.identifier, []),
            None if covered.get(e.identifier) else ("no_filer" if e.identifier in mandated else "no_active_mandate"),
        )
        for e in entries
    ]
    return sorted(out, key=lambda c: (bool(c.filers), c.deadline, c.entry.identifier))
