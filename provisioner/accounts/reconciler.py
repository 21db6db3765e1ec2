"""Bring Keycloak in line with the database, one principal account at a time.

Desired state is computed from the database (the source of truth); the actual state is read from
Keycloak; only differences are acted on, each one logged and returned as a sentence. Only objects
carrying our owner mark are changed; running it twice changes nothing the second time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from provisioner.accounts.domain import ACCOUNT_ADMIN, COLLABORATOR, HOLDER, PRINCIPAL, clip_to_ceiling, granted
from provisioner.accounts.models import Account, Person
from provisioner.db import Database
from provisioner.errors import Conflict, NotFound
from provisioner.keycloak.gateway import (
    OWNER_ATTRIBUTE,
    GroupRead,
    KcGroup,
    KcUser,
    KeycloakApiError,
    KeycloakGateway,
    NewAccount,
)
from provisioner.logs import get_logger
from provisioner.portals import load_portal

log = get_logger(__name__)

ATTRIBUTE_PREFIX = "portail."
INVITATION_PREFIX = "portail-invitation."  # the welcome e-mail's words (send_invitation), not desired state
# Written by Keycloak itself (the SMS enrolment required action), never by the reconciler.
KEYCLOAK_OWNED_ATTRIBUTES = frozenset({"portail.phone"})
UPDATE_PASSWORD = "UPDATE_PASSWORD"
INVITATION_LIFESPAN = 24 * 3600  # rule 11: the activation link expires after 24 hours


def managed_role(name: str) -> bool:
    return name == ACCOUNT_ADMIN or name.startswith("tp-")


@dataclass(frozen=True)
class DesiredUser:
    person_id: int
    username: str
    email: str
    first_name: str
    last_name: str
    enabled: bool
    attributes: dict[str, list[str]]
    roles: frozenset[str]


def group_attributes(principal: Account) -> dict[str, list[str]]:
    attributes = {
        "portail.account-id": [str(principal.id)],
        "portail.account-login": [principal.login],
        "portail.identifier": [principal.identifier],
        "portail.company-name": [principal.company_name],
    }
    if not principal.identity_checked:
        del attributes["portail.identifier"]  # nobody vouches for it yet (see desired_user)
    return attributes


def reaches_secondaries(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether a change of a principal account (its audit snapshots before and after) changes what
    its secondaries' people get in ``desired_user``: their ceiling (subscriptions), their state,
    the second factor and the responsible's e-mail they fall back on. Anything else (name,
    identifier, contacts, billing, ...) reaches only the group and the principal's own people."""
    if any(
        before.get(key) != after.get(key)
        for key in ("teleprocedures", "status", "mfa_policy", "login", "identity_checked")
    ):
        return True
    return (before.get("responsible") or {}).get("email") != (after.get("responsible") or {}).get("email")


def desired_user(person: Person, account: Account, principal: Account) -> DesiredUser:
    # Rule 12: what this login may file, within its account's subscriptions; the roles, claims and
    # login gates below all follow it.
    # A secondary never exceeds its principal, even if a concurrent change left it so in the database.
    within, _ = clip_to_ceiling(principal.selection, account.selection)
    selection = granted(person.kind, person.roles, within)
    kind = {HOLDER: "principal", COLLABORATOR: "collaborator"}.get(person.kind, "secondary")
    responsible_email = (account.responsible or {}).get("email") or (principal.responsible or {}).get("email")
    attributes: dict[str, list[str]] = {
        "portail.account-id": [str(account.id)],
        "portail.account-login": [account.login],
        "portail.account-kind": [kind],
        "portail.identifier": [account.identifier],
        "portail.teleprocedures": sorted(selection),
        "portail.company-name": [account.company_name],
        "locale": [person.locale],
    }
    for code, types in selection.items():
        attributes[f"portail.tp.{code.lower()}"] = sorted(types)
    if not principal.identity_checked:
        # A firm that registered itself: until an operator confirms it is the company its SIRET
        # names, its tokens name no establishment (relying apps ask the authorization API, which
        # answers identity_not_checked for it) and its teleprocedures serve only its mandates.
        del attributes["portail.identifier"]
    if responsible_email:  # rule 5: password changes are notified to the account's responsible
        attributes["portail.responsible-email"] = [responsible_email]
    mfa = account.mfa_policy if account.mfa_policy != "realm" else principal.mfa_policy
    if mfa != "realm":
        attributes["portail.mfa"] = [mfa]  # read by the SMS authenticator, overrides the realm
    roles = {f"tp-{code.lower()}" for code in selection}
    if ACCOUNT_ADMIN in person.roles:
        roles.add(ACCOUNT_ADMIN)
    open_ = account.status == "open" and principal.status == "open"
    return DesiredUser(
        person_id=person.id,
        username=person.username,
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        enabled=person.enabled and open_,
        attributes=attributes,
        roles=frozenset(roles),
    )


def _ours(attributes: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        k: v
        for k, v in attributes.items()
        if (k.startswith(ATTRIBUTE_PREFIX) or k == "locale") and k not in KEYCLOAK_OWNED_ATTRIBUTES
    }


@dataclass
class Seen:
    """The account group's members as read in bulk (id and username), found once each."""

    by_id: dict[str, KcUser]
    by_name: dict[str, KcUser]

    @classmethod
    def of(cls, members: list[KcUser]) -> Seen:
        return cls({u.id: u for u in members}, {u.username: u for u in members})

    def take(self, person: Person) -> KcUser | None:
        user = self.by_id.get(person.keycloak_user_id or "") or self.by_name.get(person.username.lower())
        if user is not None and (user.owned or user.id == person.keycloak_user_id):
            return user
        return None


RUN_CHUNK = 50  # accounts a run reads from the database at once (one transaction)
PROGRESS_EVERY = 1000  # people checked between two progress lines in the log

# From this many new users in one account, they are created over several connections at once.
PARALLEL_CREATE_FROM = 20


class Reconciler:
    def __init__(self, gateway: KeycloakGateway) -> None:
        self.kc = gateway
        self._helpers: list[KeycloakGateway] = []  # extra connections for creating many users

    def gateways(self) -> list[KeycloakGateway]:
        """This reconciler's Keycloak connections (their calls are counted)."""
        return [self.kc, *self._helpers]

    def _say(self, decisions: list[str], text: str, **fields: object) -> None:
        decisions.append(text)
        log.info("reconcile.decision", decision=text, **fields)

    def reconcile_account(
        self,
        session: Session,
        principal_id: int,
        part: int | None = None,
        loaded: list[Account] | None = None,
        *,
        roles: bool = True,
        read: GroupRead | None = None,
    ) -> list[str]:
        """The principal account's group and people in line with the database: all its accounts,
        or only the account ``part`` (its people; the group's attributes are checked too; their
        roles unless not ``roles``: the change touched no right).
        ``loaded``: the principal and its secondaries with their people, read already (a run over
        many accounts reads them by the hundred); ``read``: its group with its members and their
        roles, read already from Keycloak (``KeycloakGateway.read_groups``, a run reads them by
        the hundred too).

        The cost follows what is checked: ``part`` reads that account's people one by one; the
        whole account reads the group's members in pages (with their attributes), and each
        person's roles (1 read each)."""
        if loaded is not None:
            principal = next((a for a in loaded if a.id == principal_id), None)
        else:
            principal = session.scalar(
                select(Account).where(Account.id == principal_id).options(selectinload(Account.subscriptions))
            )
        if principal is None or principal.kind != PRINCIPAL:
            raise NotFound(f"principal account {principal_id} not found", code="account_not_found")
        decisions: list[str] = []
        if principal.keycloak_group_id is None:
            part = None  # not in Keycloak yet: all of it
        read = read if read is not None and read.group.id == principal.keycloak_group_id else None
        group, existed = self._group(principal, decisions, read.group if read is not None else None)
        seen: Seen | None = None
        if part is None and existed:
            # Members first, people second: a person added meanwhile (its user created by its own
            # request) is in the database read below, never taken for a user to delete.
            seen = Seen.of(read.members if read is not None else list(self.kc.group_members(group.id)))
        accounts = loaded if loaded is not None and part is None else _accounts(session, principal, part)
        people = [(person, account) for account in accounts for person in account.people]
        wanted: set[str] = set()
        new: list[tuple[Person, DesiredUser]] = []
        for done, (person, account) in enumerate(people, 1):
            if done % PROGRESS_EVERY == 0:  # a large account takes a while: say how far it is
                log.info("reconcile.progress", account=principal.id, done=done, total=len(people))
            want = desired_user(person, account, principal)
            wanted.add(person.username.lower())
            known = seen.take(person) if seen is not None else None
            if known is None and not person.keycloak_user_id and part is None:
                new.append((person, want))  # nothing to read: created below, in bulk when many
                continue
            # A member is in the group; work on one account trusts the membership (see ``_user``).
            self._user(
                person,
                want,
                group,
                decisions,
                known,
                in_group=part is not None,
                check_roles=roles or part is None,
            )
        self._create_users(new, group, decisions)
        if seen is not None:
            self._remove_deleted(session, seen, wanted, decisions)
        return decisions

    def create_new_accounts(self, session: Session, principal_ids: list[int]) -> dict[int, list[str]]:
        """Of these principal accounts, those Keycloak has nothing of yet (no group, no user) and
        with few people: created together (``KeycloakGateway.create_accounts``). Their decisions,
        by account; the others (Keycloak knew some of it, or has its group or a user's login or
        address already) are left to ``reconcile_account``, which adopts what is ours."""
        todo: list[tuple[Account, list[tuple[Person, DesiredUser]]]] = []
        new = list(
            session.scalars(
                select(Account.id).where(Account.id.in_(principal_ids), Account.keycloak_group_id.is_(None))
            )
        )
        for principal_id, accounts in (_accounts_of(session, new) if new else {}).items():
            principal = next((a for a in accounts if a.id == principal_id), None)
            if principal is None or principal.kind != PRINCIPAL or principal.keycloak_group_id:
                continue
            people = [(p, desired_user(p, account, principal)) for account in accounts for p in account.people]
            if len(people) <= PARALLEL_CREATE_FROM and not any(p.keycloak_user_id for p, _ in people):
                todo.append((principal, people))
        # Nothing written yet: the transaction ends before Keycloak is called (the rule of
        # ``provisioner.db``), so that on SQLite an import and the requests write meanwhile. What
        # changed in between (an account deleted) fails the writes below: the items then go one
        # by one, and what Keycloak made is found and adopted.
        session.commit()
        made = self.kc.create_accounts(
            [
                NewAccount(
                    group=principal.login,
                    attributes=group_attributes(principal),
                    users=[(_create_rep(person, want), want.roles) for person, want in people],
                )
                for principal, people in todo
            ]
        )
        decisions: dict[int, list[str]] = {}
        for (principal, people), outcome in zip(todo, made, strict=True):
            if outcome.group_id is None:
                continue  # Keycloak has some of it: the usual way
            said = decisions[principal.id] = []
            principal.keycloak_group_id = outcome.group_id
            self._say(said, f"group {principal.login}: created", account=principal.id)
            for person, want in people:
                person.keycloak_user_id = outcome.user_ids[want.username.lower()]
                person.password_reset_pending = False
                self._say(said, f"user {want.username}: created", person=person.id)
        return decisions

    def reconcile_person(self, session: Session, principal_id: int, person_id: int, *, roles: bool = True) -> list[str]:
        """One person's user in line (reads: the user, and its roles unless not ``roles``: the
        change touched no right; writes: what differs). Gone meanwhile: nothing to do (its removal
        is an item of its own)."""
        person = session.get(Person, person_id)
        principal = session.get(Account, principal_id)
        if person is None or principal is None or person.account.principal_id != principal_id:
            return []
        if principal.keycloak_group_id is None:
            return self.reconcile_account(session, principal_id)  # not in Keycloak yet: all of it
        decisions: list[str] = []
        group = KcGroup(id=principal.keycloak_group_id, name=principal.login)
        want = desired_user(person, person.account, principal)
        self._user(person, want, group, decisions, in_group=True, check_roles=roles)
        return decisions

    def remove_user(self, session: Session, principal_id: int, username: str) -> list[str]:
        """The user of a deleted person of this account: deleted, if we created it and no person
        of that login exists again."""
        if _person_exists(session, self.kc.realm, username):
            return []
        user = self.kc.find_user(username)
        if user is None or not user.owned:
            return []
        accounts = {
            str(i)
            for i in session.scalars(
                select(Account.id).where(or_(Account.id == principal_id, Account.parent_id == principal_id))
            )
        }
        if not set(user.attributes.get("portail.account-id", [])) <= accounts:
            return []  # another account's login now: not this deletion's to make
        decisions: list[str] = []
        self.kc.delete_user(user.id)
        self._say(decisions, f"user {username}: deleted (no longer in the database)", account=principal_id)
        return decisions

    def _remove_deleted(self, session: Session, seen: Seen, wanted: set[str], decisions: list[str]) -> None:
        """Users we created for this account whose person was deleted: delete them too (once the
        database says again that no such person exists: one added since it was read is kept)."""
        for user in seen.by_id.values():
            if user.owned and user.username not in wanted and not _person_exists(session, self.kc.realm, user.username):
                self.kc.delete_user(user.id)
                self._say(decisions, f"user {user.username}: deleted (no longer in the database)")

    # -- group ------------------------------------------------------------------------------------
    def _group(self, principal: Account, decisions: list[str], known: KcGroup | None = None) -> tuple[KcGroup, bool]:
        """The account's group (``known``: as read already), and whether it existed already."""
        wanted = group_attributes(principal)
        group = known
        if group is None and principal.keycloak_group_id:
            group = self.kc.get_group(principal.keycloak_group_id)
        existed = group is not None
        if group is None:
            group, existed = self._create_or_adopt_group(principal, wanted, decisions)
            principal.keycloak_group_id = group.id
        merged = {
            **{k: v for k, v in group.attributes.items() if not k.startswith(ATTRIBUTE_PREFIX)},
            **wanted,
        }
        merged[OWNER_ATTRIBUTE] = group.attributes.get(OWNER_ATTRIBUTE, ["portail-provisioner"])
        if _ours(group.attributes) != _ours(merged):
            self.kc.update_group(group, merged)
            self._say(decisions, f"group {principal.login}: attributes updated", account=principal.id)
        return group, existed

    def _create_or_adopt_group(
        self, principal: Account, wanted: dict[str, list[str]], decisions: list[str]
    ) -> tuple[KcGroup, bool]:
        # Create first: for a new account that is one call instead of a lookup and a create.
        try:
            group = self.kc.create_group(principal.login, wanted)
        except KeycloakApiError as exc:
            if exc.status != 409:
                raise
            existing = self.kc.find_group(principal.login)
            # Ours, and this very account's: a group of another account (a database restored, a
            # login given again) is never adopted, its users would be taken for deleted ones.
            mine = existing is not None and existing.attributes.get("portail.account-id") == [str(principal.id)]
            if existing is None or OWNER_ATTRIBUTE not in existing.attributes or not mine:
                raise Conflict(
                    f"group {principal.login!r} exists in Keycloak and is not ours",
                    code="keycloak_conflict",
                ) from exc
            return existing, True
        self._say(decisions, f"group {principal.login}: created", account=principal.id)
        return group, False

    # -- users ------------------------------------------------------------------------------------
    def _create_users(self, new: list[tuple[Person, DesiredUser]], group: KcGroup, decisions: list[str]) -> None:
        """Users for people Keycloak does not know yet: each created, put in the group, its roles
        mapped (three calls). Many at once go over several connections in parallel; one that
        exists already (409) is adopted the usual way afterwards."""
        parallel = min(self.kc.settings.keycloak_create_parallel, len(new) // PARALLEL_CREATE_FROM + 1)
        if parallel <= 1:
            for person, want in new:
                self._user(person, want, group, decisions)
            return
        while len(self._helpers) < parallel - 1:
            self._helpers.append(KeycloakGateway(self.kc.settings))
        gateways = [self.kc, *self._helpers[: parallel - 1]]
        jobs = [(person.id, _create_rep(person, want), want.roles) for person, want in new]

        def create(chunk: int) -> list[tuple[int, str | None]]:
            kc, made = gateways[chunk], list[tuple[int, str | None]]()
            for person_id, rep, roles in jobs[chunk::parallel]:
                try:
                    user_id = kc.create_user(rep, group_id=group.id)
                except KeycloakApiError as exc:
                    if exc.status != 409:
                        raise
                    made.append((person_id, None))  # exists: adopted below
                    continue
                kc.add_realm_roles(user_id, set(roles))
                made.append((person_id, user_id))
            return made

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            created = dict(pair for chunk in pool.map(create, range(parallel)) for pair in chunk)
        for person, want in new:
            user_id = created.get(person.id)
            if user_id is None:
                self._user(person, want, group, decisions)
                continue
            person.keycloak_user_id = user_id
            person.password_reset_pending = False
            self._say(decisions, f"user {want.username}: created", person=person.id)

    def _user(
        self,
        person: Person,
        want: DesiredUser,
        group: KcGroup,
        decisions: list[str],
        member: KcUser | None = None,
        *,
        in_group: bool = False,
        check_roles: bool = True,
    ) -> None:
        """One person's user in line. ``member``: its user as read among the group's members; if it
        (or its roles, read then) differs from what is wanted, the user is read afresh (user, roles)
        and only then written. ``in_group``: its
        membership is known (read with the group's members, or trusted: a user we create is put in
        the group at once, and work on one person or one account leaves drift to the reconcile);
        else it is read too. ``check_roles``: false when the change touched no right (a new user
        gets its roles all the same)."""
        rep = _rep(want)
        actual = member
        if actual is None and person.keycloak_user_id:
            actual = self.kc.get_user(person.keycloak_user_id)
        if actual is None:
            if person.password_reset_pending or person.keycloak_user_id:
                rep["requiredActions"] = [UPDATE_PASSWORD]
            try:
                user_id = self.kc.create_user(rep, group_id=group.id)
            except KeycloakApiError as exc:
                if exc.status != 409:
                    raise
                actual = self.kc.find_user(want.username)
                if actual is None or not actual.owned:
                    raise Conflict(
                        f"user {want.username!r} exists in Keycloak and is not ours",
                        code="keycloak_conflict",
                    ) from exc
                in_group = False  # created by an attempt that stopped half-way: maybe not in the group
            else:
                what = "missing in Keycloak, recreated" if person.keycloak_user_id else "created"
                self._say(decisions, f"user {want.username}: {what}", person=person.id)
                person.keycloak_user_id = user_id
                person.password_reset_pending = False
                self.kc.add_realm_roles(user_id, set(want.roles))
                return
        user_id = actual.id
        person.keycloak_user_id = user_id
        if member is not None:
            # Read in bulk a while ago: if anything differs, read this user afresh before writing.
            if _changes(person, want, actual):
                self._user(person, want, group, decisions, in_group=True)
                return
            held = actual.realm_roles if actual.realm_roles is not None else self.kc.user_realm_roles(actual.id)
            if {r for r in held if managed_role(r)} != set(want.roles):
                self._user(person, want, group, decisions, in_group=True)
            return
        changed = _changes(person, want, actual)
        required = list(actual.required_actions)
        if "requiredActions" in changed:
            required.append(UPDATE_PASSWORD)
        if changed:
            others = {k: v for k, v in actual.attributes.items() if k not in _ours(actual.attributes)}
            attributes = {
                **others,
                **want.attributes,
                OWNER_ATTRIBUTE: actual.attributes.get(OWNER_ATTRIBUTE, []),
            }
            self.kc.update_user(user_id, {**rep, "attributes": attributes, "requiredActions": required})
            self._say(decisions, f"user {want.username}: updated ({', '.join(changed)})", person=person.id)
            if actual.enabled and not want.enabled:
                self.kc.logout(user_id)
                self._say(decisions, f"user {want.username}: disabled, sessions ended", person=person.id)
        person.password_reset_pending = False
        if not in_group and group.id not in self.kc.user_group_ids(user_id):
            self.kc.add_to_group(user_id, group.id)
            self._say(decisions, f"user {want.username}: added to group {group.name}", person=person.id)
        if not check_roles:
            return
        have_roles = {r for r in self.kc.user_realm_roles(user_id) if managed_role(r)}
        missing, extra = set(want.roles) - have_roles, have_roles - set(want.roles)
        if missing:
            self.kc.add_realm_roles(user_id, missing)
            self._say(
                decisions,
                f"user {want.username}: roles granted {sorted(missing)}",
                person=person.id,
            )
        if extra:
            self.kc.remove_realm_roles(user_id, extra)
            self._say(decisions, f"user {want.username}: roles removed {sorted(extra)}", person=person.id)

    def send_invitation(self, session: Session, person_id: int, invited_by: str | None = None) -> list[str]:
        """Rule 11: the activation e-mail (choose a password; the link lives 24 hours); with
        ``invited_by``, the portal's welcome: the e-mail theme reads who invited the person and
        the portal's support contact from the user (``portail-invitation.*``, attributes the
        reconciler leaves alone)."""
        person = session.get(Person, person_id)
        if person is None or not _may_sign_in(person):
            return []  # deleted or disabled meanwhile: nobody to invite (Keycloak would refuse)
        if not person.keycloak_user_id:
            raise Conflict(f"user {person.username} is not in Keycloak yet", code="not_synced")  # retried
        settings = self.kc.settings
        user_id, username = person.keycloak_user_id, person.username
        user = self.kc.get_user(user_id)
        if user is None or user.email.lower() != person.email.lower():
            # The address the database has is not Keycloak's yet (its change failed, or waits): the
            # link would go to the old address. Retried; never sent elsewhere.
            raise Conflict(f"user {username}: Keycloak's e-mail address is not the current one yet", code="not_synced")
        # No database transaction stays open while Keycloak sends the mail: the mail server may
        # write to this database (the dev SMTP sink does, and SQLite has one writer).
        session.commit()
        self._invitation_words(user_id, invited_by)
        self.kc.send_actions_email(
            user_id,
            [UPDATE_PASSWORD],
            lifespan_seconds=INVITATION_LIFESPAN,
            client_id=settings.admin_ui_client_id,
            redirect_uri=f"{settings.public_url}/",
        )
        decisions: list[str] = []
        self._say(decisions, f"user {username}: invitation e-mailed", person=person_id)
        return decisions

    def _invitation_words(self, user_id: str, invited_by: str | None) -> None:
        """What the welcome e-mail says beyond Keycloak's own (or nothing: the plain link)."""
        rep = self.kc.rest.get(f"admin/realms/{self.kc.realm}/users/{user_id}")
        attributes = {k: v for k, v in (rep.get("attributes") or {}).items() if not k.startswith(INVITATION_PREFIX)}
        if invited_by:
            portal = load_portal(self.kc.settings.keycloak_config_dir, self.kc.realm)
            attributes[f"{INVITATION_PREFIX}by"] = [invited_by]
            if portal.support_contact:
                attributes[f"{INVITATION_PREFIX}support"] = [portal.support_contact]
        if attributes != (rep.get("attributes") or {}):
            self.kc.update_user(user_id, {**rep, "attributes": attributes})

    def push_phone(self, session: Session, person_id: int) -> list[str]:
        """Apply an administrator's phone change (the attribute is otherwise Keycloak's)."""
        person = session.get(Person, person_id)
        if person is None or not person.keycloak_user_id:
            return []  # not in Keycloak yet
        user = self.kc.get_user(person.keycloak_user_id)
        if user is None:
            return []
        attributes = dict(user.attributes)
        if person.phone:
            attributes["portail.phone"] = [person.phone]
        else:
            attributes.pop("portail.phone", None)
        if attributes == user.attributes:
            return []
        rep = self.kc.rest.get(f"admin/realms/{self.kc.realm}/users/{user.id}")
        self.kc.update_user(user.id, {**rep, "attributes": attributes})
        decisions: list[str] = []
        self._say(decisions, f"user {person.username}: phone {'set' if person.phone else 'cleared'}", person=person.id)
        return decisions


@dataclass
class RunReport:
    """What a reconcile run did: accounts checked, the decisions, Keycloak reads and writes, time."""

    accounts: int = 0
    decisions: list[str] = field(default_factory=list)
    reads: int = 0
    writes: int = 0
    seconds: float = 0.0
    keycloak_seconds: float = 0.0  # summed over the parallel connections


def reconcile_accounts(
    db: Database,
    gateway: KeycloakGateway,
    account_ids: list[int],
    *,
    workers: int = 1,
    on_account: Callable[[int], None] | None = None,
) -> RunReport:
    """Reconcile many principal accounts (``provisioner reconcile``): per account its group, its
    members (in pages) and each member's roles; with ``workers`` > 1 (PostgreSQL), accounts are
    checked in parallel threads, each with its own Keycloak connection and database session.
    Keycloak calls are counted. (Reading the realm's role members, or our groups by attribute
    search, once for the run costs Keycloak more than these per-account reads: docs/benchmarks.md,
    "What Keycloak spends".)"""
    started = time.perf_counter()
    report = RunReport(accounts=len(account_ids))
    before = (gateway.rest.reads, gateway.rest.writes, gateway.rest.waited)
    local = threading.local()
    reconcilers: list[Reconciler] = []
    lock = threading.Lock()

    def chunk(ids: list[int]) -> list[str]:
        if not hasattr(local, "reconciler"):
            own = gateway if workers == 1 else KeycloakGateway(gateway.settings)
            local.reconciler = Reconciler(own)
            with lock:
                reconcilers.append(local.reconciler)
        decisions: list[str] = []
        # Keycloak first, the database second (as in ``reconcile_account``): a person added
        # meanwhile is in the people read after, never taken for a user to delete.
        with db.read_sessions() as session:
            groups = list(session.scalars(select(Account.keycloak_group_id).where(Account.id.in_(ids))))
        read = _read_groups(local.reconciler.kc, [g for g in groups if g])
        with db.session() as session:
            loaded = _accounts_of(session, ids)
            for account_id in ids:
                accounts = loaded.get(account_id, [])
                group_id = next((a.keycloak_group_id for a in accounts if a.id == account_id), None)
                decisions += local.reconciler.reconcile_account(
                    session, account_id, loaded=accounts, read=read.get(group_id or "")
                )
                if on_account is not None:
                    on_account(account_id)
        return decisions

    chunks = [account_ids[i : i + RUN_CHUNK] for i in range(0, len(account_ids), RUN_CHUNK)]
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for decisions in pool.map(chunk, chunks):
                report.decisions.extend(decisions)
    else:
        for ids in chunks:
            report.decisions.extend(chunk(ids))
    gateways = {id(g): g for r in reconcilers for g in r.gateways()} | {id(gateway): gateway}
    report.reads = sum(g.rest.reads for g in gateways.values()) - before[0]
    report.writes = sum(g.rest.writes for g in gateways.values()) - before[1]
    report.keycloak_seconds = sum(g.rest.waited for g in gateways.values()) - before[2]
    report.seconds = time.perf_counter() - started
    return report


def _read_groups(kc: KeycloakGateway, group_ids: list[str]) -> dict[str, GroupRead | None]:
    """The groups read in bulk; none (each account read with the admin API's calls) when this
    Keycloak lacks our extension (404: an older deployment of the jars)."""
    try:
        return kc.read_groups(group_ids)
    except KeycloakApiError as exc:
        if exc.status != 404:
            raise
        log.warning("reconcile.bulk_read_unavailable", error=str(exc)[:200])
        return {}


def _may_sign_in(person: Person) -> bool:
    account = person.account
    principal = account.parent or account
    return person.enabled and account.status == "open" and principal.status == "open"


def _changes(person: Person, want: DesiredUser, actual: KcUser) -> list[str]:
    """What of the user differs from what is wanted (roles and groups apart)."""
    changed = [
        name
        for name, have, wanted in (
            ("email", actual.email, want.email),
            ("firstName", actual.first_name, want.first_name),
            ("lastName", actual.last_name, want.last_name),
            ("enabled", actual.enabled, want.enabled),
        )
        if have != wanted
    ]
    if {k: v for k, v in _ours(actual.attributes).items() if k != OWNER_ATTRIBUTE} != want.attributes:
        changed.append("attributes")
    if person.password_reset_pending and UPDATE_PASSWORD not in actual.required_actions:
        changed.append("requiredActions")
    return changed


def _rep(want: DesiredUser) -> dict[str, Any]:
    return {
        "username": want.username,
        "email": want.email,
        "firstName": want.first_name,
        "lastName": want.last_name,
        "enabled": want.enabled,
        "emailVerified": True,
        "attributes": want.attributes,
    }


def _create_rep(person: Person, want: DesiredUser) -> dict[str, Any]:
    """A new user's representation (a person never in Keycloak: no password to reset yet, unless
    asked)."""
    rep = _rep(want)
    if person.password_reset_pending:
        rep["requiredActions"] = [UPDATE_PASSWORD]
    return rep


def _person_exists(session: Session, portal: str, username: str) -> bool:
    query = select(Person.id).where(Person.portal == portal, func.lower(Person.username) == username.lower())
    return session.scalar(query.limit(1)) is not None


def _accounts_of(session: Session, principal_ids: list[int], only: int | None = None) -> dict[int, list[Account]]:
    """Principal accounts and their secondaries (or ``only`` that one of them), with people and
    subscriptions, in a few queries."""
    query = (
        select(Account)
        .where(or_(Account.id.in_(principal_ids), Account.parent_id.in_(principal_ids)))
        .options(selectinload(Account.people), selectinload(Account.subscriptions))
        .order_by(Account.id)
    )
    if only is not None:
        query = query.where(Account.id == only)
    by_principal: dict[int, list[Account]] = {}
    for account in session.scalars(query):
        by_principal.setdefault(account.principal_id, []).append(account)
    return by_principal


def _accounts(session: Session, principal: Account, part: int | None) -> list[Account]:
    """The accounts to check with their people loaded: the principal and its secondaries, or
    only ``part`` (nothing else of a large account is loaded)."""
    return _accounts_of(session, [principal.id], only=part).get(principal.id, [])


def principal_ids(session: Session, portal: str) -> list[int]:
    return list(
        session.scalars(
            select(Account.id).where(Account.portal == portal, Account.kind == PRINCIPAL).order_by(Account.id)
        )
    )
