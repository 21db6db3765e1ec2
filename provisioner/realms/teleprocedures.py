"""Keycloak objects derived from the portal's teleprocedure catalogue (``portal.teleprocedures``).

Adding a teleprocedure to a realm file is all it takes: at apply time each catalogue entry gives

- a realm role ``tp-<code>`` (the provisioner's reconciler grants it to subscribed users),
- an optional client scope ``tp-<code>`` whose mapper emits the user attribute ``portail.tp.<code>``
  as the claim ``document_types.<CODE>`` (nested: ``{"document_types": {"DSN": [...]}}``), linked as
  an optional scope of every client marked ``"teleprocedureScopes": true``,
- a gate in the login flow: when the client asks for scope ``tp-<code>`` and the user lacks role
  ``tp-<code>``, access is denied with our own message (realm localization texts fr/en/de),
  in place of the ``{"generated": "teleprocedure-gates"}`` entry of ``authenticationFlows``.

The names are a contract with the reconciler (``provisioner/accounts``) and with relying apps
(``docs/claims.md``); change them only together.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from provisioner.errors import InvalidInput
from provisioner.realms.config import RealmConfig

GATES_PLACEHOLDER = {"generated": "teleprocedure-gates"}
ACCOUNT_SCOPE = "portail-account"
DOCUMENT_TYPES_CLAIM = "document_types"

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,30}$")

# Deny-access messages; ``{code}``/``{description}`` are filled here, the result is a Java
# MessageFormat pattern (Keycloak formats theme and realm messages with it), hence the escaping.
DENIED_TEXTS = {
    "fr": (
        "Accès refusé : votre compte n’est pas habilité à la téléprocédure {code} ({description}). "
        "L’administrateur de votre compte peut vous l’attribuer."
    ),
    "en": (
        "Access denied: your account is not subscribed to the {code} teleprocedure "
        "({description}). Your account administrator can grant it to you."
    ),
    "de": (
        "Zugriff verweigert: Ihr Konto ist für das Televerfahren {code} ({description}) nicht "
        "freigeschaltet. Der Administrator Ihres Kontos kann es Ihnen zuweisen."
    ),
    "it": (
        "Accesso negato: il suo conto non è abilitato alla teleprocedura {code} ({description}). "
        "L’amministratore del suo conto può attribuirgliela."
    ),
}


def role_name(code: str) -> str:
    return f"tp-{code.lower()}"


def scope_name(code: str) -> str:
    return f"tp-{code.lower()}"


def attribute_name(code: str) -> str:
    return f"portail.tp.{code.lower()}"


def claim_name(code: str) -> str:
    return f"{DOCUMENT_TYPES_CLAIM}.{code}"


def denied_message_key(code: str) -> str:
    return f"portail.tp-denied.{code.lower()}"


def _message_format(text: str) -> str:
    if "{" in text or "}" in text:
        raise InvalidInput(f"braces are not allowed in a teleprocedure description: {text!r}")
    return text.replace("'", "''")


def catalogue(config: RealmConfig) -> list[dict[str, Any]]:
    entries = config.portal.get("teleprocedures", [])
    seen: set[str] = set()
    for tp in entries:
        code = tp.get("code", "")
        if not _CODE.match(code):
            raise InvalidInput(
                f"{config.source.name}: teleprocedure code {code!r} must be upper-case letters, digits and hyphens",
                code="bad_config",
            )
        if code.lower() in seen:
            raise InvalidInput(f"{config.source.name}: teleprocedure {code} is listed twice", code="bad_config")
        seen.add(code.lower())
    return list(entries)


def role(tp: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": role_name(tp["code"]),
        "description": f"Téléprocédure {tp['code']} : {tp['description']}",
    }


def client_scope(tp: dict[str, Any]) -> dict[str, Any]:
    code = tp["code"]
    return {
        "name": scope_name(code),
        "description": f"Téléprocédure {code} : {tp['description']}",
        "protocol": "openid-connect",
        "attributes": {
            "include.in.token.scope": "true",
            "display.on.consent.screen": "true",
            "consent.screen.text": f"Téléprocédure {code}",
        },
        "protocolMappers": [
            {
                "name": "document types",
                "protocol": "openid-connect",
                "protocolMapper": "oidc-usermodel-attribute-mapper",
                "config": {
                    "user.attribute": attribute_name(code),
                    "claim.name": claim_name(code),
                    "jsonType.label": "String",
                    "multivalued": "true",
                    "aggregate.attrs": "false",
                    "id.token.claim": "true",
                    "access.token.claim": "true",
                    "userinfo.token.claim": "true",
                    "introspection.token.claim": "true",
                },
            }
        ],
    }


def gate(flow_alias: str, tp: dict[str, Any], config_prefix: str = "") -> dict[str, Any]:
    """Conditional subflow: scope ``tp-x`` requested and role ``tp-x`` missing -> deny access.
    Configuration aliases are unique in a realm: those of a flow other than the browser login
    start with ``config_prefix``."""
    scope, needed = scope_name(tp["code"]), role_name(tp["code"])
    return {
        "flow": f"{flow_alias} {needed}",
        "description": f"Refuse l'accès si l'application demande {scope} sans le rôle {needed}",
        "requirement": "CONDITIONAL",
        "executions": [
            {
                "authenticator": "conditional-client-scope",
                "requirement": "REQUIRED",
                "configAlias": f"{config_prefix}{scope}-demande",
                "config": {"client_scope": scope, "negate": "false"},
            },
            {
                "authenticator": "conditional-user-role",
                "requirement": "REQUIRED",
                "configAlias": f"{config_prefix}{needed}-absent",
                "config": {"condUserRole": needed, "negate": "true"},
            },
            {
                # Our deny-access (keycloak-extensions/portail-gates): same page and message, same
                # config key, but a refusal is not counted as a failed login by brute-force
                # detection, so an app asking for a scope the user lacks cannot lock them out.
                "authenticator": "portail-deny-teleprocedure",
                "requirement": "REQUIRED",
                "configAlias": f"{config_prefix}{needed}-refus",
                "config": {"denyErrorMessage": denied_message_key(tp["code"])},
            },
        ],
    }


def _has_gates(executions: list[dict[str, Any]]) -> bool:
    return any(e == GATES_PLACEHOLDER or _has_gates(e.get("executions", [])) for e in executions)


def _expand_gates(
    executions: list[dict[str, Any]], top_alias: str, entries: list[dict[str, Any]], config_prefix: str
) -> list[dict[str, Any]]:
    expanded: list[dict[str, Any]] = []
    for execution in executions:
        if execution == GATES_PLACEHOLDER:
            expanded.extend(gate(top_alias, tp, config_prefix) for tp in entries)
        elif "executions" in execution:
            expanded.append(
                {
                    **execution,
                    "executions": _expand_gates(execution["executions"], top_alias, entries, config_prefix),
                }
            )
        else:
            expanded.append(execution)
    return expanded


def _merge_named(
    explicit: list[dict[str, Any]], derived: list[dict[str, Any]], kind: str, source: str
) -> list[dict[str, Any]]:
    clash = {d["name"] for d in derived} & {e["name"] for e in explicit}
    if clash:
        raise InvalidInput(
            f"{source}: {kind} {', '.join(sorted(clash))} derived from the teleprocedure "
            "catalogue; do not declare it by hand",
            code="bad_config",
        )
    return [*explicit, *derived]


def with_teleprocedures(config: RealmConfig) -> RealmConfig:
    """The realm configuration with everything the catalogue implies added to it."""
    entries = catalogue(config)
    source = config.source.name
    scopes = [scope_name(tp["code"]) for tp in entries]
    clients = []
    for client in config.clients:
        client = dict(client)
        if client.pop("teleprocedureScopes", False):
            client["optionalClientScopes"] = [*client.get("optionalClientScopes", []), *scopes]
        clients.append(client)
    # Every flow bound to the realm (the browser login, the password reset, which also signs the user
    # in) must hold the gates, or a user could obtain any teleprocedure scope through it.
    ungated = [
        f["alias"] for f in config.authentication_flows if f.get("bindAs") and not _has_gates(f.get("executions", []))
    ]
    if scopes and any(c.get("teleprocedureScopes") for c in config.clients) and ungated:
        raise InvalidInput(
            f"{source}: clients get teleprocedure scopes but the login flow(s) {', '.join(ungated)} do not hold "
            'the gates ({"generated": "teleprocedure-gates"}): any user could obtain any teleprocedure scope',
            code="bad_config",
        )
    flows = [
        {
            **flow,
            "executions": _expand_gates(
                flow.get("executions", []),
                flow["alias"],
                entries,
                "" if flow.get("bindAs") == "browserFlow" else f"{flow['alias']} ",
            ),
        }
        for flow in config.authentication_flows
    ]
    localization = {locale: dict(texts) for locale, texts in config.localization.items()}
    for locale, template in DENIED_TEXTS.items():
        texts = localization.setdefault(locale, {})
        for tp in entries:
            texts[denied_message_key(tp["code"])] = template.format(
                code=tp["code"], description=_message_format(tp["description"])
            )
    return replace(
        config,
        roles=_merge_named(config.roles, [role(tp) for tp in entries], "role", source),
        client_scopes=_merge_named(config.client_scopes, [client_scope(tp) for tp in entries], "client scope", source),
        clients=clients,
        authentication_flows=flows,
        localization=localization,
    )
