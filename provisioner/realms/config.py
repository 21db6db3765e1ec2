"""Realm configuration as code: one JSON file per portal under ``keycloak-config/realms/``.

Strings may hold ``${name}`` placeholders, filled from the typed settings (URLs, ports, client
secrets), so the same files serve dev, tests and production. Adding a portal is adding a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provisioner.errors import InvalidInput
from provisioner.portals import read_realm_file
from provisioner.settings import Settings

_PLACEHOLDER = re.compile(r"\$\{([a-z_]+)\}")


@dataclass(frozen=True)
class RealmConfig:
    realm: str
    source: Path
    settings: dict[str, Any]
    user_profile: dict[str, Any] = field(default_factory=dict)
    roles: list[dict[str, Any]] = field(default_factory=list)
    client_scopes: list[dict[str, Any]] = field(default_factory=list)
    clients: list[dict[str, Any]] = field(default_factory=list)
    # The portal's business catalogue (``teleprocedures``…); roles, scopes and login gates are
    # derived from it at apply time (``provisioner.realms.teleprocedures``).
    portal: dict[str, Any] = field(default_factory=dict)
    authentication_flows: list[dict[str, Any]] = field(default_factory=list)
    localization: dict[str, dict[str, str]] = field(default_factory=dict)
    required_actions: list[dict[str, Any]] = field(default_factory=list)
    # Scopes every client of the realm gets by default, those registered later included.
    realm_default_client_scopes: list[str] = field(default_factory=list)


def variables_from(settings: Settings) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in settings.model_dump().items():
        secret = getattr(settings, name)
        if hasattr(secret, "get_secret_value"):
            value = secret.get_secret_value()
        values[name] = str(value)
    return values


def _substitute(value: Any, variables: dict[str, str], source: Path) -> Any:
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in variables:
                raise InvalidInput(
                    f"{source.name}: unknown placeholder ${{{name}}}",
                    code="unknown_placeholder",
                    details={"placeholder": name, "known": sorted(variables)},
                )
            return variables[name]

        return _PLACEHOLDER.sub(replace, value)
    if isinstance(value, dict):
        return {k: _substitute(v, variables, source) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, variables, source) for v in value]
    return value


def _clients(clients: list[dict[str, Any]], dev_mode: bool) -> list[dict[str, Any]]:
    """A client marked ``"devOnly": true`` (the demo relying app) exists only in dev mode."""
    return [{k: v for k, v in c.items() if k != "devOnly"} for c in clients if dev_mode or not c.get("devOnly")]


DESCRIPTION_MAX = 255  # Keycloak's column for a flow's description


def _check_flow_descriptions(source: Path, flows: list[dict[str, Any]]) -> None:
    for flow in flows:
        name = flow.get("alias") or flow.get("flow")
        if len(flow.get("description", "")) > DESCRIPTION_MAX:
            raise InvalidInput(
                f"{source.name}: the description of flow {name!r} is longer than {DESCRIPTION_MAX} characters "
                "(Keycloak refuses it): shorten it",
                code="bad_config",
                details={"flow": name},
            )
        _check_flow_descriptions(source, [e for e in flow.get("executions", []) if "flow" in e])


def _file_variables(source: Path, declared: Any, settings: dict[str, str]) -> dict[str, str]:
    """The realm file's own ``"variables"`` (``${name}`` values that differ per portal, e.g. whether
    the SMS code is mandatory); a name of the settings cannot be redefined there."""
    if not isinstance(declared, dict) or not all(isinstance(v, str) for v in declared.values()):
        raise InvalidInput(f'{source.name}: "variables" maps names to strings', code="bad_config")
    taken = sorted(set(declared) & set(settings))
    if taken:
        raise InvalidInput(
            f'{source.name}: "variables" may not redefine the settings\' {", ".join(taken)}',
            code="bad_config",
            details={"variables": taken},
        )
    return dict(declared)


LOGIN_SCHEMES = ("account-login", "email", "siret-names")  # keycloak-extensions/portail-login


def _with_login_scheme(source: Path, settings: dict[str, Any], portal: dict[str, Any]) -> dict[str, Any]:
    """The realm's settings with the attribute the login and reset pages read their fields from
    (``portail.loginScheme``, from the file's ``portal.loginScheme``)."""
    scheme = portal.get("loginScheme", "account-login")
    if scheme not in LOGIN_SCHEMES:
        raise InvalidInput(
            f"{source.name}: portal.loginScheme {scheme!r} is not one of {', '.join(LOGIN_SCHEMES)}",
            code="bad_config",
            details={"loginScheme": scheme, "known": list(LOGIN_SCHEMES)},
        )
    if settings.get("loginWithEmailAllowed", False) != (scheme == "email"):
        raise InvalidInput(
            f"{source.name}: settings.loginWithEmailAllowed must be {str(scheme == 'email').lower()} with "
            f"portal.loginScheme {scheme!r} (the login and reset pages ask exactly the scheme's fields)",
            code="bad_config",
            details={"loginScheme": scheme},
        )
    return {**settings, "attributes": {**settings.get("attributes", {}), "portail.loginScheme": scheme}}


def load_realm_configs(
    config_dir: Path,
    variables: dict[str, str],
    *,
    dev_mode: bool = False,
    portal_url: Callable[[str], str] | None = None,
) -> list[RealmConfig]:
    """Every realm file (a portal), its ``${name}`` variables filled in; ``${portal_url}`` is the
    address of that portal's pages (``portal_url(realm)``; else ``public_url``)."""
    files = sorted((config_dir / "realms").glob("*.json"))
    if not files:
        raise InvalidInput(f"no realm configuration in {config_dir / 'realms'}", code="no_config")
    configs = []
    for path in files:
        raw = read_realm_file(path)
        realm = raw.get("realm")
        own = {**_file_variables(path, raw.pop("variables", {}), variables), **variables}
        if "public_url" in variables or portal_url is not None:
            own["portal_url"] = portal_url(str(realm)) if portal_url is not None else variables["public_url"]
        data = _substitute(raw, own, path)
        if "realm" not in data or "settings" not in data:
            raise InvalidInput(f"{path.name}: 'realm' and 'settings' are required", code="bad_config")
        _check_flow_descriptions(path, data.get("authenticationFlows", []))
        configs.append(
            RealmConfig(
                realm=data["realm"],
                source=path,
                settings=_with_login_scheme(path, data["settings"], data.get("portal", {})),
                user_profile=data.get("userProfile", {}),
                roles=data.get("roles", []),
                client_scopes=data.get("clientScopes", []),
                clients=_clients(data.get("clients", []), dev_mode),
                portal=data.get("portal", {}),
                authentication_flows=data.get("authenticationFlows", []),
                localization=data.get("localization", {}),
                required_actions=data.get("requiredActions", []),
                realm_default_client_scopes=data.get("realmDefaultClientScopes", []),
            )
        )
    return configs
