"""Authentication flows as code: create or update a flow tree idempotently, then bind it.

A desired flow is ``{"alias", "description", "bindAs"?, "executions": [...]}``. Each execution is
an authenticator ``{"authenticator": <provider id>, "requirement", "configAlias"?, "config"?}``
or a subflow ``{"flow": <alias>, "description"?, "requirement", "executions": [...]}``.

Children are matched by provider id (authenticators) or alias (subflows); extra children are
removed, missing ones added, order is kept through priorities 10, 20, 30… A new child is switched
on (requirement set) only once its own children and configuration are in place, and the flow is
bound last, so a bound flow never runs half-built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from provisioner.errors import InvalidInput
from provisioner.keycloak.gateway import AdminRest

Record = Callable[..., bool]


def _key(desired: dict[str, Any]) -> tuple[str, str]:
    if "flow" in desired:
        return ("flow", desired["flow"])
    if "authenticator" in desired:
        return ("authenticator", desired["authenticator"])
    raise InvalidInput(f"flow execution needs 'flow' or 'authenticator': {desired}", code="bad_config")


def _actual_key(execution: dict[str, Any]) -> tuple[str, str]:
    if execution.get("authenticationFlow"):
        return ("flow", execution["displayName"])
    return ("authenticator", execution.get("providerId", ""))


def _label(key: tuple[str, str]) -> str:
    return key[1]


class FlowApplier:
    def __init__(self, rest: AdminRest, base: str, record: Record, *, dry_run: bool) -> None:
        self.rest = rest
        self.base = base
        self.record = record
        self.dry_run = dry_run

    def _children(self, flow_alias: str) -> list[dict[str, Any]]:
        listing = self.rest.get(f"{self.base}/authentication/flows/{quote(flow_alias, safe='')}/executions")
        return [e for e in listing if e.get("level") == 0]

    def apply(self, flow: dict[str, Any]) -> None:
        alias = flow["alias"]
        existing = {f["alias"]: f for f in self.rest.get(f"{self.base}/authentication/flows")}
        current = existing.get(alias)
        description = flow.get("description", "")
        if current is None:
            if not self.record("flow", alias, "create"):
                return
            self.rest.post(
                f"{self.base}/authentication/flows",
                {
                    "alias": alias,
                    "description": description,
                    "providerId": "basic-flow",
                    "topLevel": True,
                    "builtIn": False,
                },
            )
        elif current.get("description", "") != description and self.record("flow", alias, "update", ("description",)):
            self.rest.put(
                f"{self.base}/authentication/flows/{current['id']}",
                {**current, "description": description},
            )
        self._apply_children(alias, flow.get("executions", []), quiet=current is None)
        if flow.get("bindAs"):
            self._bind(alias, flow["bindAs"])

    def _apply_children(self, flow_alias: str, desired: list[dict[str, Any]], *, quiet: bool) -> None:
        keys = [_key(d) for d in desired]
        if len(set(keys)) != len(keys):
            raise InvalidInput(
                f"flow {flow_alias}: the same authenticator or subflow is listed twice",
                code="bad_config",
            )
        actual = self._children(flow_alias)
        seen: set[tuple[str, str]] = set()
        for execution in actual:
            key = _actual_key(execution)
            if (key not in keys or key in seen) and self.record("execution", f"{flow_alias}/{_label(key)}", "remove"):
                self.rest.delete(f"{self.base}/authentication/executions/{execution['id']}")
            seen.add(key)
        added: set[tuple[str, str]] = set()
        path = f"{self.base}/authentication/flows/{quote(flow_alias, safe='')}/executions"
        for d, key in zip(desired, keys, strict=True):
            if key in seen:
                continue
            if not (quiet or self.record("execution", f"{flow_alias}/{_label(key)}", "add")):
                continue
            added.add(key)
            if key[0] == "flow":
                body = {
                    "alias": d["flow"],
                    "type": "basic-flow",
                    "description": d.get("description", ""),
                }
                self.rest.post(f"{path}/flow", body)
            else:
                self.rest.post(f"{path}/execution", {"provider": d["authenticator"]})
        by_key = {_actual_key(e): e for e in self._children(flow_alias)}
        for position, (d, key) in enumerate(zip(desired, keys, strict=True)):
            current = by_key.get(key)
            if current is None:  # dry run: not created
                continue
            new = quiet or key in added
            name = f"{flow_alias}/{_label(key)}"
            if key[0] == "flow":
                self._apply_children(d["flow"], d.get("executions", []), quiet=new)
            if "config" in d:
                self._config(current, d, name, quiet=new)
            wanted = {"requirement": d["requirement"], "priority": (position + 1) * 10}
            if key[0] == "flow":
                wanted["description"] = d.get("description", "")
            fields = tuple(k for k, v in wanted.items() if current.get(k, "" if k == "description" else None) != v)
            if fields and (new or self.record("execution", name, "update", fields)):
                self.rest.put(path, {**current, **wanted})

    def _config(self, execution: dict[str, Any], desired: dict[str, Any], name: str, *, quiet: bool) -> None:
        alias = desired.get("configAlias") or name.replace("/", "-")
        config = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in desired["config"].items()}
        config_id = execution.get("authenticationConfig")
        if config_id is None:
            if quiet or self.record("authenticator-config", alias, "create"):
                self.rest.post(
                    f"{self.base}/authentication/executions/{execution['id']}/config",
                    {"alias": alias, "config": config},
                )
            return
        actual = self.rest.get(f"{self.base}/authentication/config/{config_id}")
        fields = tuple(
            f
            for f, same in (
                ("alias", actual.get("alias") == alias),
                ("config", actual.get("config") == config),
            )
            if not same
        )
        if fields and (quiet or self.record("authenticator-config", alias, "update", fields)):
            self.rest.put(
                f"{self.base}/authentication/config/{config_id}",
                {**actual, "alias": alias, "config": config},
            )

    def _bind(self, alias: str, binding: str) -> None:
        realm = self.rest.get(self.base)
        if realm.get(binding) != alias and self.record("flow-binding", alias, "update", (binding,)):
            self.rest.put(self.base, {binding: alias})
