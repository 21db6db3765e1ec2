"""``GET /api/v1/openapi.json``: the API contract, with request shapes taken from the schemas."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from pydantic import BaseModel

from provisioner.accounts import schemas
from provisioner.catalogue.schemas import TeleprocedureIn, TeleprocedurePatch
from provisioner.people import schemas as people_schemas

bp = Blueprint("openapi", __name__)

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "names the rule, e.g. rights_ceiling"},
                "message": {"type": "string", "description": "in French, says what to fix"},
                "details": {},
            },
        }
    },
}


def _body(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
    }


def _op(
    summary: str,
    *,
    body: type[BaseModel] | dict[str, Any] | None = None,
    ok: str = "200",
    params: tuple[str, ...] | list[str] = (),
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "security": [{"bearer": []}],
        "responses": {
            ok: {"description": "OK"},
            **{
                code: {"$ref": f"#/components/responses/E{code}"} for code in ("400", "401", "403", "404", "409", "422")
            },
        },
    }
    if isinstance(body, dict):
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    elif body is not None:
        op["requestBody"] = _body(body)
    path_params = {"account_id": "integer", "person_id": "integer", "code": "string"}
    parameters = [
        {"name": n, "in": "path", "required": True, "schema": {"type": path_params[n]}}
        for n in params
        if n in path_params
    ]
    parameters += [{"name": n, "in": "query", "schema": {"type": "string"}} for n in params if n not in path_params]
    if parameters:
        op["parameters"] = parameters
    return op


def document() -> dict[str, Any]:
    models: list[type[BaseModel]] = [
        schemas.PrincipalIn,
        schemas.SecondaryIn,
        schemas.AccountPatch,
        people_schemas.CollaboratorIn,
        people_schemas.PersonPatch,
        TeleprocedureIn,
        TeleprocedurePatch,
    ]
    components: dict[str, Any] = {"Error": ERROR}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
    selection = {
        "type": "object",
        "additionalProperties": {"type": ["array", "null"], "items": {"type": "string"}},
    }
    acc = ["account_id"]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Portail Comptes provisioning API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT (Keycloak access token of the portal realm)",
                }
            },
            "responses": {
                f"E{code}": {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
                for code, text in (
                    ("400", "invalid input"),
                    ("401", "no or bad token"),
                    ("403", "not allowed"),
                    ("404", "not found or not visible to you"),
                    ("409", "conflict, e.g. duplicate_login"),
                    ("422", "rule violation, e.g. rights_ceiling, mailbox_quota_exceeded"),
                )
            },
        },
        "paths": {
            "/teleprocedures": {
                "get": _op("Teleprocedure catalogue of the portal", params=["include_retired"]),
                "post": _op(
                    "Add a teleprocedure, or bring a retired one back (operators)", body=TeleprocedureIn, ok="201"
                ),
            },
            "/teleprocedures/{code}": {
                "get": _op("One teleprocedure", params=["code"]),
                "patch": _op(
                    "Change description, recipients, document types (operators; force=true withdraws "
                    "removed document types from the accounts holding them)",
                    body=TeleprocedurePatch,
                    params=["code", "force"],
                ),
                "delete": _op(
                    "Retire a teleprocedure (operators; 409 while accounts subscribe, unless force=true)",
                    params=["code", "force"],
                ),
            },
            "/teleprocedures/{code}/audit": {
                "get": _op("Change history of a teleprocedure (operators)", params=["code"])
            },
            "/accounts": {
                "get": _op(
                    "Search principal and secondary accounts you may see",
                    params=["q", "status", "kind", "page", "per_page"],
                ),
                "post": _op("Create a principal account (operators)", body=schemas.PrincipalIn, ok="201"),
            },
            "/accounts/bulk": {
                "post": _op(
                    "Create many principal accounts; per-item results (201 or 207)",
                    body={
                        "type": "object",
                        "properties": {
                            "items": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/PrincipalIn"},
                            }
                        },
                    },
                    ok="201",
                )
            },
            "/accounts/{account_id}": {
                "get": _op("One account", params=acc),
                "patch": _op(
                    "Change identity, contacts, status, options",
                    body=schemas.AccountPatch,
                    params=acc,
                ),
                "delete": _op("Delete a secondary account (a principal is closed, never deleted)", params=acc),
            },
            "/accounts/{account_id}/teleprocedures": {
                "put": _op(
                    "Set subscriptions and document types",
                    body={"type": "object", "properties": {"teleprocedures": selection}},
                    params=acc,
                )
            },
            "/accounts/{account_id}/mailbox": {
                "put": _op(
                    "Secondary with or without mailbox",
                    body={"type": "object", "properties": {"has_mailbox": {"type": "boolean"}}},
                    params=acc,
                )
            },
            "/accounts/{account_id}/deactivate": {
                "post": _op("Deactivate (disables the login, ends sessions)", params=acc)
            },
            "/accounts/{account_id}/reactivate": {"post": _op("Reactivate", params=acc)},
            "/accounts/{account_id}/secondaries": {
                "get": _op(
                    "Secondary accounts of a principal",
                    params=[*acc, "q", "status", "page", "per_page"],
                ),
                "post": _op("Create a secondary account", body=schemas.SecondaryIn, params=acc, ok="201"),
            },
            "/accounts/{account_id}/people": {
                "get": _op("People of an account", params=[*acc, "q", "include_disabled"])
            },
            "/accounts/{account_id}/people/export": {
                "get": _op("User list as Excel or PDF", params=[*acc, "format", "q", "include_disabled"])
            },
            "/accounts/{account_id}/collaborators": {
                "post": _op("Invite a collaborator", body=people_schemas.CollaboratorIn, params=acc, ok="201")
            },
            "/accounts/{account_id}/audit": {"get": _op("Audit log of an account", params=acc)},
            "/people/{person_id}/phone": {
                "put": _op(
                    "Send a code to a new mobile number (the person reads it out)",
                    body={"type": "object", "properties": {"phone": {"type": "string"}}},
                    params=["person_id"],
                    ok="202",
                ),
                "delete": _op("Clear the number: the person enrols at the next login", params=["person_id"]),
            },
            "/people/{person_id}/phone/verify": {
                "post": _op(
                    "Confirm the number with the code",
                    body={"type": "object", "properties": {"code": {"type": "string"}}},
                    params=["person_id"],
                )
            },
            "/people/{person_id}/password-link": {
                "post": _op(
                    "E-mail a link to choose a password, valid 24 hours (rule 11)", params=["person_id"], ok="202"
                )
            },
            "/people/{person_id}/lockout": {
                "get": _op("Locked out by brute-force detection? Until when (rule 22)", params=["person_id"]),
                "delete": _op("Unlock (administrators of the account, operators)", params=["person_id"]),
            },
            "/people/{person_id}": {
                "get": _op("One person", params=["person_id"]),
                "patch": _op(
                    "Change a person's names, language, roles, state",
                    body=people_schemas.PersonPatch,
                    params=["person_id"],
                ),
                "delete": _op("Delete a collaborator", params=["person_id"]),
            },
        },
    }


@bp.get("/api/v1/openapi.json")
def openapi_json() -> ResponseReturnValue:
    return jsonify(document())
