"""Apply realm configuration idempotently: read what is there, change only what differs.

Each change is logged and returned; applying the same files twice returns no change the second
time. Users, groups and credentials are never touched here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from provisioner.keycloak.gateway import AdminRest, KeycloakApiError
from provisioner.logs import get_logger
from provisioner.realms.config import RealmConfig
from provisioner.realms.flows import FlowApplier
from provisioner.realms.teleprocedures import (
    DENIED_TEXTS,
    denied_message_key,
    role_name,
    scope_name,
    with_teleprocedures,
)

log = get_logger(__name__)

# Keys of a client entry that are applied through sub-resources, not the client representation.
_CLIENT_EXTRAS = (
    "protocolMappers",
    "defaultClientScopes",
    "optionalClientScopes",
    "serviceAccountRoles",
    "browserFlow",
)


@dataclass(frozen=True)
class Change:
    realm: str
    # realm | role | client-scope | client | mapper | scope-link | service-role | user-profile
    # | localization | flow | execution | authenticator-config | flow-binding
    kind: str
    name: str
    action: str  # create | update | add | remove
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.realm}: {self.action} {self.kind} {self.name}{detail}"


def differs(desired: Any, actual: Any) -> bool:
    """True when ``actual`` does not hold ``desired``; dicts compare on the desired keys only."""
    if isinstance(desired, dict):
        if not isinstance(actual, dict):
            return True
        return any(differs(v, actual.get(k)) for k, v in desired.items())
    if isinstance(desired, list):
        if not isinstance(actual, list) or len(desired) != len(actual):
            return True
        if all(not isinstance(x, dict | list) for x in desired):
            return sorted(map(str, desired)) != sorted(map(str, actual))
        return any(differs(d, a) for d, a in zip(desired, actual, strict=True))
    if isinstance(desired, bool) or isinstance(actual, bool):
        return desired != actual
    if isinstance(desired, int | float) and isinstance(actual, str):
        return str(desired) != actual
    return desired != actual


def changed_fields(desired: dict[str, Any], actual: dict[str, Any]) -> tuple[str, ...]:
    return tuple(k for k, v in desired.items() if differs(v, actual.get(k)))


class RealmApplier:
    def __init__(self, rest: AdminRest, config: RealmConfig, *, dry_run: bool = False) -> None:
        self.rest = rest
        self.cfg = with_teleprocedures(config)  # roles, scopes and login gates of the catalogue
        self.gated_clients = {c["clientId"] for c in config.clients if c.get("teleprocedureScopes")}
        self.retired = list(config.portal.get("retiredTeleprocedures", []))
        self.dry_run = dry_run
        self.changes: list[Change] = []
        self.base = f"admin/realms/{quote(config.realm)}"

    def _record(self, kind: str, name: str, action: str, fields: tuple[str, ...] = ()) -> bool:
        change = Change(self.cfg.realm, kind, name, action, fields)
        self.changes.append(change)
        log.info("realm_config.change", change=str(change), dry_run=self.dry_run)
        return not self.dry_run

    def apply(self) -> list[Change]:
        created = self._realm()
        if created and self.dry_run:
            return self.changes  # nothing further can be read from a realm that does not exist
        self._user_profile()
        self._roles()
        self._client_scopes()
        self._realm_default_scopes()
        for client in self.cfg.clients:
            self._client(client)
        self._localization()
        self._required_actions()
        self._flows()
        self._client_flow_bindings()
        self._retired_teleprocedures()
        return self.changes

    def apply_catalogue(self) -> list[Change]:
        """Only what the teleprocedure catalogue implies: roles, client scopes, the scope links of
        the clients that offer them, refusal texts, login gates, and the removal of what retired
        teleprocedures had. Needs no more than manage-realm and manage-clients on the realm."""
        self._roles()
        self._client_scopes()
        for client in self.cfg.clients:
            if client["clientId"] in self.gated_clients:
                current = self._find_client(client["clientId"])
                if current is not None:
                    self._client_scope_links(current, "optional", client.get("optionalClientScopes", []))
        self._localization()
        self._flows()
        self._retired_teleprocedures()
        return self.changes

    def _flows(self) -> None:
        flows = FlowApplier(self.rest, self.base, self._record, dry_run=self.dry_run)
        for flow in self.cfg.authentication_flows:
            flows.apply(flow)  # after roles and scopes: the gates name them

    def _client_flow_bindings(self) -> None:
        """A client's own browser flow (``"browserFlow": <alias>``), bound after the flows exist."""
        wanted = {c["clientId"]: c["browserFlow"] for c in self.cfg.clients if c.get("browserFlow")}
        if not wanted:
            return
        flows = {f["alias"]: f["id"] for f in self.rest.get(f"{self.base}/authentication/flows")}
        for client_id, alias in wanted.items():
            current = self._find_client(client_id)
            if current is None or alias not in flows:
                if self.dry_run:
                    continue  # created by this very apply
                raise KeycloakApiError("GET", f"{client_id} / {alias}", 404, "client or flow not found")
            overrides = dict(current.get("authenticationFlowBindingOverrides") or {})
            if overrides.get("browser") != flows[alias] and self._record(
                "flow-binding", f"{client_id}/browser", "update", (alias,)
            ):
                overrides["browser"] = flows[alias]
                self.rest.put(
                    f"{self.base}/clients/{current['id']}", {**current, "authenticationFlowBindingOverrides": overrides}
                )

    # -- retired teleprocedures: their role and scope go (after the gates and links naming them) --
    def _retired_teleprocedures(self) -> None:
        if not self.retired:
            return
        wanted_roles = {r["name"] for r in self.cfg.roles}
        wanted_scopes = {s["name"] for s in self.cfg.client_scopes}
        scopes = self._scope_ids()
        roles = {r["name"] for r in self.rest.get(f"{self.base}/roles")}
        for code in self.retired:
            scope = scope_name(code)
            if scope in scopes and scope not in wanted_scopes and self._record("client-scope", scope, "remove"):
                self.rest.delete(f"{self.base}/client-scopes/{scopes[scope]}")
            role = role_name(code)
            if role in roles and role not in wanted_roles and self._record("role", role, "remove"):
                self.rest.delete(f"{self.base}/roles/{quote(role)}")
        for locale in sorted(DENIED_TEXTS):
            actual = self.rest.get(f"{self.base}/localization/{quote(locale)}") or {}
            wanted = self.cfg.localization.get(locale, {})
            for code in self.retired:
                key = denied_message_key(code)
                if key in actual and key not in wanted and self._record("localization", f"{locale}/{key}", "remove"):
                    self.rest.delete(f"{self.base}/localization/{quote(locale)}/{quote(key)}")

    # -- required actions (registered from our providers, e.g. the phone enrolment) ----------
    def _required_actions(self) -> None:
        if not self.cfg.required_actions:
            return
        path = f"{self.base}/authentication/required-actions"
        actual = {a["alias"]: a for a in self.rest.get(path)}
        for wanted in self.cfg.required_actions:
            alias = wanted["alias"]
            current = actual.get(alias)
            if current is None:
                if not self._record("required-action", alias, "create"):
                    continue
                self.rest.post(
                    f"{self.base}/authentication/register-required-action",
                    {"providerId": wanted.get("providerId", alias), "name": wanted.get("name", alias)},
                )
                current = self.rest.get(f"{path}/{quote(alias)}")
            fields = changed_fields({k: v for k, v in wanted.items() if k != "providerId"}, current)
            if fields and self._record("required-action", alias, "update", fields):
                self.rest.put(f"{path}/{quote(alias)}", {**current, **wanted})

    # -- realm ------------------------------------------------------------------------------
    def _realm(self) -> bool:
        try:
            actual = self.rest.get(self.base)
        except KeycloakApiError as exc:
            if exc.status != 404:
                raise
            if self._record("realm", self.cfg.realm, "create"):
                self.rest.post("admin/realms", {"realm": self.cfg.realm, **self.cfg.settings})
            return True
        fields = changed_fields(self.cfg.settings, actual)
        if fields and self._record("realm", self.cfg.realm, "update", fields):
            self.rest.put(self.base, {k: self.cfg.settings[k] for k in fields})
        return False

    def _user_profile(self) -> None:
        if not self.cfg.user_profile:
            return
        actual = self.rest.get(f"{self.base}/users/profile")
        fields = changed_fields(self.cfg.user_profile, actual)
        if fields and self._record("user-profile", self.cfg.realm, "update", fields):
            self.rest.put(f"{self.base}/users/profile", {**actual, **self.cfg.user_profile})

    def _roles(self) -> None:
        actual = {r["name"]: r for r in self.rest.get(f"{self.base}/roles", briefRepresentation="false")}
        for role in self.cfg.roles:
            current = actual.get(role["name"])
            if current is None:
                if self._record("role", role["name"], "create"):
                    self.rest.post(f"{self.base}/roles", role)
                continue
            fields = changed_fields(role, current)
            if fields and self._record("role", role["name"], "update", fields):
                self.rest.put(f"{self.base}/roles/{quote(role['name'])}", {**current, **role})

    def _localization(self) -> None:
        """Realm localization texts (messages of the login pages we own, e.g. deny-access texts)."""
        for locale, texts in sorted(self.cfg.localization.items()):
            if not texts:
                continue
            actual = self.rest.get(f"{self.base}/localization/{quote(locale)}") or {}
            fields = tuple(k for k in sorted(texts) if actual.get(k) != texts[k])
            if fields and self._record("localization", locale, "update", fields):
                self.rest.post(f"{self.base}/localization/{quote(locale)}", {k: texts[k] for k in fields})

    # -- client scopes ----------------------------------------------------------------------
    def _scope_ids(self) -> dict[str, str]:
        return {s["name"]: s["id"] for s in self.rest.get(f"{self.base}/client-scopes")}

    def _client_scopes(self) -> None:
        actual = {s["name"]: s for s in self.rest.get(f"{self.base}/client-scopes")}
        for scope in self.cfg.client_scopes:
            rep = {k: v for k, v in scope.items() if k != "protocolMappers"}
            current = actual.get(scope["name"])
            if current is None:
                if self._record("client-scope", scope["name"], "create"):
                    self.rest.post(f"{self.base}/client-scopes", scope)
                continue
            fields = changed_fields(rep, current)
            if fields and self._record("client-scope", scope["name"], "update", fields):
                self.rest.put(f"{self.base}/client-scopes/{current['id']}", {**current, **rep})
            self._mappers(
                f"{self.base}/client-scopes/{current['id']}/protocol-mappers",
                scope.get("protocolMappers", []),
                owner=scope["name"],
            )

    def _realm_default_scopes(self) -> None:
        """Add the listed scopes to the realm's default scopes (Keycloak's own stay): a client
        registered later by an integrator gets them without asking."""
        path = f"{self.base}/default-default-client-scopes"
        have = {s["name"] for s in self.rest.get(path)}
        missing = [name for name in self.cfg.realm_default_client_scopes if name not in have]
        if missing:
            ids = self._scope_ids()
            for name in missing:
                if self._record("scope-link", f"realm/default/{name}", "add"):
                    self.rest.put(f"{path}/{ids[name]}", {})

    def _mappers(self, base: str, desired: list[dict[str, Any]], *, owner: str) -> None:
        actual = {m["name"]: m for m in self.rest.get(f"{base}/models")}
        for mapper in desired:
            current = actual.get(mapper["name"])
            name = f"{owner}/{mapper['name']}"
            if current is None:
                if self._record("mapper", name, "create"):
                    self.rest.post(f"{base}/models", mapper)
                continue
            fields = changed_fields(mapper, current)
            if fields and self._record("mapper", name, "update", fields):
                self.rest.put(f"{base}/models/{current['id']}", {**current, **mapper})

    # -- clients ----------------------------------------------------------------------------
    def _find_client(self, client_id: str) -> dict[str, Any] | None:
        found = self.rest.get(f"{self.base}/clients", clientId=client_id)
        return found[0] if found else None

    def _client(self, client: dict[str, Any]) -> None:
        rep = {k: v for k, v in client.items() if k not in _CLIENT_EXTRAS}
        current = self._find_client(client["clientId"])
        if current is None:
            if not self._record("client", client["clientId"], "create"):
                return
            self.rest.post(
                f"{self.base}/clients",
                {**rep, "protocolMappers": client.get("protocolMappers", [])},
            )
            current = self._find_client(client["clientId"])
            assert current is not None
        else:
            fields = changed_fields(rep, current)
            if fields and self._record("client", client["clientId"], "update", fields):
                self.rest.put(f"{self.base}/clients/{current['id']}", {**current, **rep})
            self._mappers(
                f"{self.base}/clients/{current['id']}/protocol-mappers",
                client.get("protocolMappers", []),
                owner=client["clientId"],
            )
        for kind in ("default", "optional"):
            wanted = client.get(f"{kind}ClientScopes")
            if wanted is not None:
                self._client_scope_links(current, kind, wanted)
        if "serviceAccountRoles" in client:
            self._service_account_roles(current, client["serviceAccountRoles"])

    def _client_scope_links(self, client: dict[str, Any], kind: str, wanted: list[str]) -> None:
        path = f"{self.base}/clients/{client['id']}/{kind}-client-scopes"
        have = {s["name"]: s["id"] for s in self.rest.get(path)}
        ids = self._scope_ids()
        for name in sorted(set(wanted) - set(have)):
            if self._record("scope-link", f"{client['clientId']}/{kind}/{name}", "add"):
                self.rest.put(f"{path}/{ids[name]}", {})
        for name in sorted(set(have) - set(wanted)):
            if self._record("scope-link", f"{client['clientId']}/{kind}/{name}", "remove"):
                self.rest.delete(f"{path}/{have[name]}")

    def _service_account_roles(self, client: dict[str, Any], wanted: dict[str, list[str]]) -> None:
        user = self.rest.get(f"{self.base}/clients/{client['id']}/service-account-user")
        for owner_client_id, role_names in wanted.items():
            owner = self._find_client(owner_client_id)
            if owner is None:
                raise KeycloakApiError("GET", owner_client_id, 404, "client not found")
            path = f"{self.base}/users/{user['id']}/role-mappings/clients/{owner['id']}"
            have = {r["name"]: r for r in self.rest.get(path)}
            missing = sorted(set(role_names) - set(have))
            extra = sorted(set(have) - set(role_names))
            if missing and self._record("service-role", client["clientId"], "add", tuple(missing)):
                available = {r["name"]: r for r in self.rest.get(f"{self.base}/clients/{owner['id']}/roles")}
                self.rest.post(path, [available[n] for n in missing])
            if extra and self._record("service-role", client["clientId"], "remove", tuple(extra)):
                self.rest.delete(path, [have[n] for n in extra])


def apply_configs(rest: AdminRest, configs: list[RealmConfig], *, dry_run: bool = False) -> list[Change]:
    changes: list[Change] = []
    for config in configs:
        changes.extend(RealmApplier(rest, config, dry_run=dry_run).apply())
    return changes
