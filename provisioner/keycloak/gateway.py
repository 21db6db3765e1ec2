"""The one module that talks to Keycloak.

Everything else calls this gateway and gets plain Python values or our own typed objects back;
nothing else imports ``keycloak``. Connection failures become ``UpstreamUnavailable`` so the
callers can keep the change and retry later.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import requests
from keycloak import KeycloakAdmin, KeycloakOpenIDConnection
from keycloak.exceptions import KeycloakConnectionError, KeycloakError

from provisioner.errors import UpstreamUnavailable
from provisioner.logs import get_logger
from provisioner.settings import Settings

log = get_logger(__name__)

# Marks every object the provisioner created, so the reconciler touches only its own objects.
OWNER_ATTRIBUTE = "portail.managed-by"
OWNER_VALUE = "portail-provisioner"
PAGE = 500  # objects per page when reading lists
# A group's members in pages this large: Keycloak sorts and skips the whole list again for every
# page, so small pages make a long list quadratic (21,000 role members took 72 s in pages of 500,
# 18 s in pages of 5,000: docs/benchmarks.md, "What Keycloak spends").
BULK_PAGE = 5000
_SIBLINGS_LOCK = threading.Lock()  # one gateway per realm: made once (``KeycloakGateway.for_realm``)


class KeycloakApiError(Exception):
    """Keycloak answered, but refused the request (4xx/5xx)."""

    def __init__(self, method: str, path: str, status: int, body: str) -> None:
        super().__init__(f"{method} {path} -> {status}: {body[:300]}")
        self.status = status
        self.body = body


@dataclass(frozen=True)
class KcUser:
    id: str
    username: str
    email: str
    first_name: str
    last_name: str
    enabled: bool
    attributes: dict[str, list[str]] = field(default_factory=dict)
    required_actions: tuple[str, ...] = ()
    realm_roles: frozenset[str] | None = None  # mapped directly, when read with the user (``read_groups``)

    @property
    def owned(self) -> bool:
        return self.attributes.get(OWNER_ATTRIBUTE) == [OWNER_VALUE]


@dataclass(frozen=True)
class KcGroup:
    id: str
    name: str
    attributes: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class NewAccount:
    """A group to create with its users, each with the realm roles it gets (``create_accounts``)."""

    group: str
    attributes: dict[str, list[str]]
    users: list[tuple[dict[str, Any], frozenset[str]]]


@dataclass(frozen=True)
class AccountMade:
    """What ``create_accounts`` did with one account: created (the group's id, each user's id by
    username), or not at all because Keycloak has its group, a user or an e-mail address already
    (``taken``: ``group``, ``user`` or ``email``)."""

    group_id: str | None = None
    user_ids: dict[str, str] = field(default_factory=dict)
    taken: str | None = None


@dataclass(frozen=True)
class GroupRead:
    """A group as ``read_groups`` gives it: its attributes, all its members with their roles."""

    group: KcGroup
    members: list[KcUser]


# Accounts per creation call: small transactions are Keycloak's fastest (docs/benchmarks.md).
CREATE_BATCH = 25
# Reads: Keycloak's cost per member grows with the members of one call (its persistence context
# is checked again before each member's roles are read): 100 members cost 0.9 ms each, 500 cost
# 3.7 ms each (docs/benchmarks.md). So calls stay at about 100 members.
READ_BATCH = 100  # groups per read call
FEW_MEMBERS = 10  # members per group in a read of many groups (a small account has them all)
MEMBERS_PAGE = 100  # members per call when one group has more


class KeycloakServerError(UpstreamUnavailable):
    """Keycloak answered, with a 5xx: unavailable for this call, maybe not for others."""


class AdminRest:
    """Authenticated JSON calls to Keycloak's admin REST API (token refresh by python-keycloak)."""

    def __init__(self, connection: KeycloakOpenIDConnection) -> None:
        self._conn = connection
        self.reads = 0  # calls made, for reports (``provisioner reconcile``) and benchmarks
        self.writes = 0
        self.waited = 0.0  # seconds spent waiting for Keycloak's answers

    def _call(
        self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None, *, reads: bool = False
    ) -> Any:
        if method == "GET" or reads:
            self.reads += 1
        else:
            self.writes += 1
        started = time.perf_counter()
        try:
            return self._send(method, path, body, params)
        finally:
            self.waited += time.perf_counter() - started

    def _send(self, method: str, path: str, body: Any, params: dict[str, Any] | None) -> Any:
        try:
            if method == "GET":
                response = self._conn.raw_get(path, **(params or {}))
            elif method == "POST":
                response = self._conn.raw_post(path, data=json.dumps(body))
            elif method == "PUT":
                response = self._conn.raw_put(path, data=json.dumps(body))
            else:
                response = self._conn.raw_delete(path, data=json.dumps(body) if body else None)
        except (requests.ConnectionError, requests.Timeout, KeycloakConnectionError) as exc:
            raise UpstreamUnavailable(f"Keycloak is unreachable: {type(exc).__name__}") from exc
        except KeycloakError as exc:  # token acquisition failed
            if exc.response_code in (None, 502, 503, 504):
                raise UpstreamUnavailable(f"Keycloak is unreachable: {exc}") from exc
            raise KeycloakApiError(method, path, exc.response_code or 0, str(exc)) from exc
        if response.status_code >= 500:
            raise KeycloakServerError(f"Keycloak answered {response.status_code} to {method} {path}")
        if response.status_code >= 400:
            raise KeycloakApiError(method, path, response.status_code, response.text)
        if method == "POST" and response.headers.get("Location"):
            return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return response.text

    def get(self, path: str, **params: Any) -> Any:
        return self._call("GET", path, params=params)

    def query(self, path: str, body: Any) -> Any:
        """A POST that only reads (counted as a read)."""
        return self._call("POST", path, body, reads=True)

    def post(self, path: str, body: Any) -> Any:
        return self._call("POST", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self._call("PUT", path, body)

    def delete(self, path: str, body: Any = None) -> Any:
        return self._call("DELETE", path, body)


def _connection(settings: Settings, *, as_admin: bool) -> KeycloakOpenIDConnection:
    return _environment_read_once(_open(settings, as_admin=as_admin), settings.keycloak_url)


def _environment_read_once(connection: KeycloakOpenIDConnection, url: str) -> KeycloakOpenIDConnection:
    """The proxy and CA bundle the environment gives for Keycloak (``HTTPS_PROXY``, ``NO_PROXY``,
    ``REQUESTS_CA_BUNDLE``), read once here instead of by requests on every call (a quarter of
    its own time per call: docs/benchmarks.md, "Scale"). python-keycloak has no option for it;
    its session is ``_s``."""
    session = getattr(connection, "_s", None)
    if not isinstance(session, requests.Session):
        raise RuntimeError("python-keycloak's connection has no requests session (attribute _s)")
    session.proxies.update(requests.utils.get_environ_proxies(url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.trust_env = False
    return connection


def _open(settings: Settings, *, as_admin: bool) -> KeycloakOpenIDConnection:
    if as_admin:
        return KeycloakOpenIDConnection(
            server_url=settings.keycloak_url,
            username=settings.keycloak_admin_username,
            password=settings.keycloak_admin_password.get_secret_value(),
            realm_name="master",
            user_realm_name="master",
            client_id="admin-cli",
            timeout=int(settings.keycloak_timeout),
        )
    return KeycloakOpenIDConnection(
        server_url=settings.keycloak_url,
        realm_name=settings.keycloak_realm,
        client_id=settings.keycloak_client_id,
        client_secret_key=settings.keycloak_client_secret.get_secret_value(),
        timeout=int(settings.keycloak_timeout),
    )


def config_admin(settings: Settings) -> AdminRest:
    """Master-realm administrator access, used only to apply realm configuration."""
    return AdminRest(_connection(settings, as_admin=True))


def _user(rep: dict[str, Any]) -> KcUser:
    return KcUser(
        id=rep["id"],
        username=rep["username"],
        email=rep.get("email") or "",
        first_name=rep.get("firstName") or "",
        last_name=rep.get("lastName") or "",
        enabled=rep.get("enabled", True),
        attributes=rep.get("attributes", {}) or {},
        required_actions=tuple(rep.get("requiredActions", ()) or ()),
        realm_roles=frozenset(rep["realmRoles"]) if rep.get("realmRoles") is not None else None,
    )


def _missing(exc: KeycloakApiError) -> bool:
    return exc.status == 404


class KeycloakGateway:
    """Runtime access to one portal realm with the provisioner's service account."""

    def __init__(self, settings: Settings, *, _siblings: dict[str, KeycloakGateway] | None = None) -> None:
        self.settings = settings
        self.realm = settings.keycloak_realm
        self._rest: AdminRest | None = None
        self._roles: dict[str, dict[str, Any]] = {}
        self._siblings = _siblings if _siblings is not None else {}
        self._siblings.setdefault(self.realm, self)

    def for_realm(self, realm: str) -> KeycloakGateway:
        """The gateway of another portal of the same deployment (one per realm, made once, shared
        by threads as this one is)."""
        with _SIBLINGS_LOCK:
            if realm not in self._siblings:
                KeycloakGateway(self.settings.for_portal(realm), _siblings=self._siblings)
            return self._siblings[realm]

    @property
    def rest(self) -> AdminRest:
        if self._rest is None:
            connection = _connection(self.settings, as_admin=False)
            # KeycloakAdmin validates the connection settings; we use its refreshing connection.
            KeycloakAdmin(connection=connection)
            self._rest = AdminRest(connection)
        return self._rest

    def _path(self, suffix: str) -> str:
        return f"admin/realms/{self.realm}/{suffix}"

    # -- health -------------------------------------------------------------------------------
    def check(self) -> dict[str, Any]:
        """Is the realm served? Unauthenticated, cheap, and never raises."""
        url = f"{self.settings.keycloak_url}/realms/{self.realm}/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=min(self.settings.keycloak_timeout, 3))
        except requests.RequestException as exc:
            return {"ok": False, "error": type(exc).__name__}
        return {"ok": response.status_code == 200, "status": response.status_code}

    # -- lookups by name --------------------------------------------------------------------------
    def find_group(self, name: str) -> KcGroup | None:
        found = self.rest.get(self._path("groups"), search=name, exact="true", briefRepresentation="false")
        for rep in found or []:
            if rep["name"] == name:
                return KcGroup(rep["id"], rep["name"], rep.get("attributes", {}) or {})
        return None

    def find_user(self, username: str) -> KcUser | None:
        found = self.rest.get(self._path("users"), username=username, exact="true")
        for rep in found or []:
            if rep["username"] == username.lower():
                return _user(rep)
        return None

    def set_password(self, user_id: str, password: str, *, temporary: bool = False) -> None:
        body = {"type": "password", "value": password, "temporary": temporary}
        self.rest.put(self._path(f"users/{quote(user_id)}/reset-password"), body)

    def has_password(self, user_id: str) -> bool:
        return any(c.get("type") == "password" for c in self.rest.get(self._path(f"users/{user_id}/credentials")))

    def add_to_group(self, user_id: str, group_id: str) -> None:
        self.rest.put(self._path(f"users/{user_id}/groups/{group_id}"), {})

    # -- by id, for the reconciler ----------------------------------------------------------------
    def get_group(self, group_id: str) -> KcGroup | None:
        try:
            rep = self.rest.get(self._path(f"groups/{group_id}"))
        except KeycloakApiError as exc:
            if _missing(exc):
                return None
            raise
        return KcGroup(rep["id"], rep["name"], rep.get("attributes", {}) or {})

    def create_group(self, name: str, attributes: dict[str, list[str]]) -> KcGroup:
        attributes = {**attributes, OWNER_ATTRIBUTE: [OWNER_VALUE]}
        group_id = self.rest.post(self._path("groups"), {"name": name, "attributes": attributes})
        return KcGroup(group_id, name, attributes)

    def update_group(self, group: KcGroup, attributes: dict[str, list[str]]) -> None:
        self.rest.put(self._path(f"groups/{group.id}"), {"name": group.name, "attributes": attributes})

    def get_user(self, user_id: str) -> KcUser | None:
        try:
            return _user(self.rest.get(self._path(f"users/{user_id}")))
        except KeycloakApiError as exc:
            if _missing(exc):
                return None
            raise

    def create_user(self, rep: dict[str, Any], *, group_id: str | None = None) -> str:
        """Create a user we own (marked), then put it in the group. (Not the group's path in the
        creation body: Keycloak resolves a path through the realm's top-level groups, a cost that
        grows with their number, over a second at 10,000 groups.)"""
        attributes = {**rep.get("attributes", {}), OWNER_ATTRIBUTE: [OWNER_VALUE]}
        user_id = str(self.rest.post(self._path("users"), {**rep, "attributes": attributes}))
        if group_id:
            self.add_to_group(user_id, group_id)
        return user_id

    def create_accounts(self, accounts: list[NewAccount]) -> list[AccountMade]:
        """New accounts in one call per ``CREATE_BATCH``: each group with its users in it and their
        realm roles, marked ours (our admin API extension, keycloak-extensions/portail-admin: the
        same permissions and admin events as the four calls per account it replaces). An account
        whose group, user or address exists is left as it is and said ``taken``."""
        made: list[AccountMade] = []
        for start in range(0, len(accounts), CREATE_BATCH):
            body = {
                "accounts": [
                    {
                        "group": {"name": a.group, "attributes": {**a.attributes, OWNER_ATTRIBUTE: [OWNER_VALUE]}},
                        "users": [
                            {
                                **rep,
                                "attributes": {**rep.get("attributes", {}), OWNER_ATTRIBUTE: [OWNER_VALUE]},
                                "realmRoles": sorted(roles),
                            }
                            for rep, roles in a.users
                        ],
                    }
                    for a in accounts[start : start + CREATE_BATCH]
                ]
            }
            answer = self.rest.post(self._path("portail-accounts/create"), body) or {}
            made.extend(
                AccountMade(group_id=o.get("group"), user_ids=o.get("users") or {}, taken=o.get("taken"))
                for o in answer.get("accounts", [])
            )
        return made

    def locked_until(self, user_id: str) -> datetime | None:
        """Until when brute-force detection keeps the user out (None: not locked)."""
        status = self.rest.get(self._path(f"attack-detection/brute-force/users/{user_id}")) or {}
        if not status.get("disabled"):
            return None
        return datetime.fromtimestamp(int(status.get("failedLoginNotBefore") or 0), tz=UTC)

    def unlock(self, user_id: str) -> None:
        """Clear the user's login failures (the lock-out ends at once)."""
        self.rest.delete(self._path(f"attack-detection/brute-force/users/{user_id}"))

    def send_actions_email(
        self, user_id: str, actions: list[str], *, lifespan_seconds: int, client_id: str, redirect_uri: str
    ) -> None:
        """Keycloak e-mails the user a link to perform ``actions`` (e.g. set a password); the link
        expires after ``lifespan_seconds``."""
        self.rest.put(
            self._path(
                f"users/{user_id}/execute-actions-email?lifespan={lifespan_seconds}"
                f"&client_id={quote(client_id)}&redirect_uri={quote(redirect_uri, safe='')}"
            ),
            actions,
        )

    def ensure_operator(self, username: str, email: str, password: str) -> None:
        """A support-desk login with the realm role ``portal-operator`` (demo data only). It is not
        one of our users: no owner mark, the reconciler leaves it alone."""
        if self.find_user(username) is not None:
            return
        user_id = str(
            self.rest.post(
                self._path("users"),
                {
                    "username": username,
                    "email": email,
                    "emailVerified": True,
                    "firstName": "Opérateur",
                    "lastName": "Support",
                    "enabled": True,
                    "credentials": [{"type": "password", "value": password, "temporary": False}],
                },
            )
        )
        self.add_realm_roles(user_id, {"portal-operator"})

    def update_user(self, user_id: str, rep: dict[str, Any]) -> None:
        self.rest.put(self._path(f"users/{user_id}"), rep)

    def delete_user(self, user_id: str) -> None:
        """Delete the user (gone already: nothing to do)."""
        try:
            self.rest.delete(self._path(f"users/{user_id}"))
        except KeycloakApiError as exc:
            if not _missing(exc):
                raise

    def read_groups(self, group_ids: list[str]) -> dict[str, GroupRead | None]:
        """Groups by id, each with all its members and their directly mapped realm roles (None: no
        such group), in one call per ``READ_BATCH`` groups, and one more per ``MEMBERS_PAGE``
        members of a group that has more than ``FEW_MEMBERS`` (our admin API extension: the three
        reads per account of the admin API, group, members and each member's roles, in one)."""
        found: dict[str, GroupRead | None] = {}
        for start in range(0, len(group_ids), READ_BATCH):
            body = {"groups": group_ids[start : start + READ_BATCH], "first": 0, "max": FEW_MEMBERS}
            for rep in self.rest.query(self._path("portail-accounts/read"), body)["groups"]:
                if rep.get("missing"):
                    found[rep["id"]] = None
                    continue
                members = [_user(m) for m in rep["members"]]
                if rep["more"]:
                    members.extend(self._members_with_roles(rep["id"], len(members)))
                found[rep["id"]] = GroupRead(KcGroup(rep["id"], rep["name"], rep.get("attributes") or {}), members)
        return found

    def _members_with_roles(self, group_id: str, first: int) -> Iterator[KcUser]:
        while True:
            body = {"groups": [group_id], "first": first, "max": MEMBERS_PAGE}
            (rep,) = self.rest.query(self._path("portail-accounts/read"), body)["groups"]
            if rep.get("missing"):
                return
            yield from (_user(m) for m in rep["members"])
            if not rep["more"]:
                return
            first += len(rep["members"])

    def group_members(self, group_id: str) -> Iterator[KcUser]:
        """The group's members with their attributes and required actions, read in pages."""
        for rep in self._pages(f"groups/{group_id}/members", size=BULK_PAGE, briefRepresentation="false"):
            yield _user(rep)

    def realm_role_names(self, search: str = "") -> set[str]:
        return {r["name"] for r in self._pages("roles", search=search, briefRepresentation="true")}

    def _pages(self, suffix: str, size: int = PAGE, **params: Any) -> Iterator[dict[str, Any]]:
        first = 0
        while True:
            page = self.rest.get(self._path(suffix), first=first, max=size, **params) or []
            yield from page
            if len(page) < size:
                return
            first += size

    def logout(self, user_id: str) -> None:
        """End every session of the user (deactivation)."""
        self.rest.post(self._path(f"users/{user_id}/logout"), {})

    def session_roles(self, user_id: str, session_id: str) -> set[str] | None:
        """The user's realm roles now (composite) while ``session_id`` is one of its active
        sessions; None once that session has ended (signed out, ended by an administrator, expired)."""
        sessions = self.rest.get(self._path(f"users/{user_id}/sessions")) or []
        if not any(s.get("id") == session_id for s in sessions):
            return None
        return {r["name"] for r in self.rest.get(self._path(f"users/{user_id}/role-mappings/realm/composite")) or []}

    def user_group_ids(self, user_id: str) -> set[str]:
        return {g["id"] for g in self.rest.get(self._path(f"users/{user_id}/groups"), briefRepresentation="true")}

    def user_realm_roles(self, user_id: str) -> set[str]:
        """Realm roles mapped directly on the user (not composite, not through groups)."""
        return {r["name"] for r in self.rest.get(self._path(f"users/{user_id}/role-mappings/realm")) or []}

    def _role(self, name: str) -> dict[str, Any]:
        if name not in self._roles:
            self._roles[name] = self.rest.get(self._path(f"roles/{quote(name)}"))
        return self._roles[name]

    def _map_realm_roles(self, method: str, user_id: str, names: set[str]) -> None:
        if not names:
            return
        path = self._path(f"users/{user_id}/role-mappings/realm")
        call = self.rest.post if method == "POST" else self.rest.delete
        try:
            call(path, [self._role(n) for n in sorted(names)])
        except KeycloakApiError as exc:
            if not _missing(exc):
                raise
            # A role deleted and created again (a teleprocedure retired, then brought back) has a
            # new id: read the roles afresh once.
            self._roles.clear()
            call(path, [self._role(n) for n in sorted(names)])

    def add_realm_roles(self, user_id: str, names: set[str]) -> None:
        self._map_realm_roles("POST", user_id, names)

    def remove_realm_roles(self, user_id: str, names: set[str]) -> None:
        self._map_realm_roles("DELETE", user_id, names)
