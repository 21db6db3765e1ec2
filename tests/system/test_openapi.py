"""The OpenAPI document describes every route of /api/v1, with the one error shape."""

import json
import re
from typing import Any

import pytest


def test_every_api_route_is_documented(app: Any) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.endswith("openapi.json"):
            continue
        path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} missing from openapi.json"
    assert document["components"]["schemas"]["Error"]["required"] == ["error"]


def test_the_document_is_generated_from_the_schemas(app: Any) -> None:
    """Every reference resolves, and a body's schema is the very model the API validates with."""
    from provisioner.people.schemas import PersonPatch

    document = app.test_client().get("/api/v1/openapi.json").json
    text = json.dumps(document)
    for ref in set(re.findall(r'"#/components/schemas/([^"]+)"', text)):
        assert ref in document["components"]["schemas"], ref
    patch = document["paths"]["/api/v1/people/{person_id}"]["patch"]
    assert patch["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PersonPatch"}
    documented = document["components"]["schemas"]["PersonPatch"]["properties"]
    assert set(documented) == set(PersonPatch.model_fields)
    assert documented["enabled"] == {"title": "Enabled", "type": "boolean"}  # optional, never null
    (account_id,) = document["paths"]["/api/v1/accounts/{account_id}"]["get"]["parameters"]
    assert account_id["schema"] == {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/accounts/99999999999999999999999/deactivate",
        "/api/v1/people/9223372036854775808/password-link",
        "/api/v1/accounts/0/deactivate",
        "/api/v1/accounts/-1/deactivate",
    ],
)
def test_ids_out_of_range_are_not_found(app: Any, path: str) -> None:
    response = app.test_client().post(path)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_a_method_not_allowed_says_which_are(app: Any) -> None:
    response = app.test_client().put("/api/v1/accounts")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.keycloak
def test_null_where_a_value_is_required_names_the_field(api: Any) -> None:
    account = api.principal({})
    people = api.call("GET", f"/accounts/{account['id']}/people").json["items"]
    refused = api.call("PATCH", f"/people/{people[0]['id']}", {"enabled": None})
    assert refused.status_code == 400
    assert refused.json["error"]["code"] == "validation_failed"
    assert [p["field"] for p in refused.json["error"]["details"]["problems"]] == ["enabled"]
    for body in ([], "x", None):
        wrong = api.call("PATCH", f"/accounts/{account['id']}", body)
        assert wrong.status_code == 400 and wrong.json["error"]["code"] in ("invalid_body", "validation_failed")
    typed = api.call("GET", "/accounts?per_page=0")
    assert typed.status_code == 400 and typed.json["error"]["code"] == "invalid_parameter"


def test_names_refuse_what_keycloaks_person_name_validator_refuses() -> None:
    """Keycloak 26.7's pattern ``^[^<>&"\\v$%!#?§;*~/\\\\|^=\\[\\]{}()\\p{Cntrl}]+$`` (Java's ``\\v``
    holds NEL and the line and paragraph separators): a name the API accepts, Keycloak takes."""
    from pydantic import TypeAdapter, ValidationError

    from provisioner.schemas import Name

    names = TypeAdapter(Name)
    for char in '<>&"$%!#?§;*~/\\|^=[]{}()\x00\x1f\x7f\x85\u2028\u2029\n\x0b\x0c\r':
        with pytest.raises(ValidationError):
            names.validate_python(f"Lé{char}a")
    assert names.validate_python("Zoé-Anne O'Brien") == "Zoé-Anne O'Brien"


def test_addresses_refuse_what_keycloaks_email_validator_refuses() -> None:
    """Keycloak refuses a local part with a dot first, last or twice, or longer than 64 characters
    (the fuzzer found ``.x@0.ab`` accepted here, then refused by Keycloak): the API refuses them too
    (its pattern allows 32 characters besides the dots, so that a fuzzer's address stays under 64)."""
    from pydantic import TypeAdapter, ValidationError

    from provisioner.schemas import Email

    addresses = TypeAdapter(Email)
    for bad in (".rwoc@0.chndipfj", "a.@b.fr", "a..b@c.fr", "a" * 33 + "@b.fr", "a@b", "a b@c.fr"):
        with pytest.raises(ValidationError):
            addresses.validate_python(bad)
    assert addresses.validate_python("Prenom.Nom+dsn@Entreprise.fr") == "prenom.nom+dsn@entreprise.fr"
