"""An administrator of account A can neither read nor change anything of account B (every endpoint)."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.keycloak


@pytest.fixture(scope="module")
def two_accounts(
    app: Any, operator_headers: dict[str, str], login_as: Any, principal_body: Any, new_login: Any
) -> dict[str, Any]:
    client = app.test_client()

    def make() -> dict[str, Any]:
        created = client.post(
            "/api/v1/accounts",
            json=principal_body(new_login(), {"DSN": None}, secondary_quota=2),
            headers=operator_headers,
        )
        assert created.status_code == 201, created.json
        account = created.json["account"]
        secondary = client.post(
            f"/api/v1/accounts/{account['id']}/secondaries",
            json={
                "name": "etab",
                "identifier": "42872048600011",
                "company_name": "ETAB",
                "teleprocedures": {"DSN": None},
            },
            headers=operator_headers,
        ).json["account"]
        people = client.get(f"/api/v1/accounts/{account['id']}/people", headers=operator_headers).json["items"]
        return {"account": account, "secondary": secondary, "holder": people[0]}

    a, b = make(), make()
    a["headers"] = login_as(a["account"]["login"])
    a["secondary_headers"] = login_as(a["secondary"]["login"])
    return {"a": a, "b": b}


def _b_requests(b: dict[str, Any]) -> list[tuple[str, str, Any]]:
    pid, sid, person = b["account"]["id"], b["secondary"]["id"], b["holder"]["id"]
    return [
        ("GET", f"/accounts/{pid}", None),
        ("PATCH", f"/accounts/{pid}", {"company_name": "PIRATE"}),
        ("PUT", f"/accounts/{pid}/teleprocedures", {"teleprocedures": {}}),
        ("GET", f"/accounts/{sid}", None),
        ("PATCH", f"/accounts/{sid}", {"company_name": "PIRATE"}),
        ("PUT", f"/accounts/{sid}/teleprocedures", {"teleprocedures": {}}),
        ("PUT", f"/accounts/{sid}/mailbox", {"has_mailbox": True}),
        ("POST", f"/accounts/{sid}/deactivate", None),
        ("POST", f"/accounts/{sid}/reactivate", None),
        ("GET", f"/accounts/{pid}/secondaries", None),
        (
            "POST",
            f"/accounts/{pid}/secondaries",
            {"name": "evil", "identifier": "42872048600011", "company_name": "X"},
        ),
        ("GET", f"/accounts/{pid}/people", None),
        ("GET", f"/accounts/{pid}/people/export", None),
        (
            "POST",
            f"/accounts/{pid}/collaborators",
            {"email": "evil@example.org", "first_name": "E", "last_name": "Vil"},
        ),
        ("GET", f"/people/{person}", None),
        ("PATCH", f"/people/{person}", {"enabled": False}),
        ("GET", f"/accounts/{pid}/audit", None),
        ("GET", f"/accounts/{pid}/portfolio", None),
        ("POST", f"/accounts/{pid}/portfolio", {"identifier": "73282932000074"}),
        ("GET", f"/accounts/{pid}/clients", None),
        (
            "POST",
            f"/accounts/{pid}/clients",
            {
                "identifier": "73282932000074",
                "company_name": "X",
                "address_line1": "1 rue X",
                "postcode": "75001",
                "city": "Paris",
                "teleprocedures": ["DSN"],
            },
        ),
        ("POST", f"/accounts/{pid}/clients/import", None),
        ("POST", f"/accounts/{pid}/clients/letters", {}),
        ("POST", f"/accounts/{pid}/mandates/activation", {"key": "ABCD-EFGH-JKMN-PQRS"}),
        ("GET", f"/accounts/{pid}/mandates-received", None),
        ("GET", f"/accounts/{pid}/delegation-profiles", None),
        ("POST", f"/accounts/{pid}/delegation-profiles", {"name": "X", "teleprocedures": ["DSN"]}),
        ("GET", f"/accounts/{pid}/deadline-coverage", None),
        ("POST", f"/accounts/{pid}/transfer", {"to_account_id": 1}),
        ("GET", f"/accounts/{pid}/invitations", None),
        ("POST", f"/accounts/{pid}/invitations", {"channel": "email", "email": "pirate@example.org"}),
        ("PUT", f"/people/{person}/phone", {"phone": "+41791112233"}),
        ("POST", f"/people/{person}/phone/verify", {"code": "123456"}),
        ("DELETE", f"/people/{person}/phone", None),
        ("POST", f"/people/{person}/password-link", None),
        ("GET", f"/people/{person}/lockout", None),
        ("DELETE", f"/people/{person}/lockout", None),
        ("DELETE", f"/people/{person}", None),
        ("DELETE", f"/accounts/{sid}", None),
    ]


def test_every_endpoint_of_an_account_or_person_is_in_the_list(app: Any) -> None:
    """A new endpoint naming an account or a person must be added to the list above."""
    b = {"account": {"id": 1}, "secondary": {"id": 1}, "holder": {"id": 1}}
    tried = {(method, re.sub(r"/1(?=/|$)", "/{id}", path)) for method, path, _ in _b_requests(b)}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or not ({"account_id", "person_id"} & set(rule.arguments)):
            continue
        path = re.sub(r"<int(?:\([^)]*\))?:\w+>", "{id}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in tried, f"{method} {path}: add it to _b_requests"


def test_admin_of_a_cannot_touch_b(app: Any, two_accounts: dict[str, Any], operator_headers: dict[str, str]) -> None:
    client = app.test_client()
    a, b = two_accounts["a"], two_accounts["b"]
    before = client.get(f"/api/v1/accounts/{b['account']['id']}", headers=operator_headers).json
    for method, path, body in _b_requests(b):
        response = client.open(f"/api/v1{path}", method=method, json=body, headers=a["headers"])
        assert response.status_code in (403, 404), (
            method,
            path,
            response.status_code,
            response.json,
        )
        assert set(response.json) == {"error"}, (method, path)
    assert client.get(f"/api/v1/accounts/{b['account']['id']}", headers=operator_headers).json == before
    assert (
        client.get(f"/api/v1/accounts/{b['secondary']['id']}", headers=operator_headers).json["account"]["status"]
        == "open"
    )


def test_admin_of_a_lists_only_its_own_accounts(app: Any, two_accounts: dict[str, Any]) -> None:
    a = two_accounts["a"]
    listed = app.test_client().get("/api/v1/accounts?per_page=500", headers=a["headers"]).json
    assert {item["id"] for item in listed["items"]} == {a["account"]["id"], a["secondary"]["id"]}


def test_operator_only_endpoints(app: Any, two_accounts: dict[str, Any], principal_body: Any, new_login: Any) -> None:
    client = app.test_client()
    a = two_accounts["a"]
    create = client.post("/api/v1/accounts", json=principal_body(new_login(), {}), headers=a["headers"])
    assert create.status_code == 403 and create.json["error"]["code"] == "operator_only"
    bulk = client.post(
        "/api/v1/accounts/bulk",
        json={"items": [principal_body(new_login(), {})]},
        headers=a["headers"],
    )
    assert bulk.status_code in (207, 403)
    assert all(r["status"] == "error" for r in bulk.json.get("results", [{"status": "error"}]))
    status = client.patch(f"/api/v1/accounts/{a['account']['id']}", json={"status": "closed"}, headers=a["headers"])
    assert status.status_code == 403
    # Invitations are the portal's: not even an account's own administrator invites or prints.
    own = a["account"]["id"]
    for method, path, body in (
        ("GET", f"/accounts/{own}/invitations", None),
        ("POST", f"/accounts/{own}/invitations", {"channel": "letter"}),
        ("GET", "/invitations", None),
        ("POST", "/invitations/letters", {}),
        ("POST", "/invitations/1/sent", None),
    ):
        answer = client.open(f"/api/v1{path}", method=method, json=body, headers=a["headers"])
        assert answer.status_code == 403 and answer.json["error"]["code"] == "operator_only", (path, answer.json)


def test_a_secondary_login_cannot_administer_its_principal(app: Any, two_accounts: dict[str, Any]) -> None:
    client = app.test_client()
    a = two_accounts["a"]
    headers = a["secondary_headers"]
    assert client.get(f"/api/v1/accounts/{a['account']['id']}", headers=headers).status_code == 404
    own = client.get(f"/api/v1/accounts/{a['secondary']['id']}", headers=headers)
    assert own.status_code == 200
    escalate = client.put(
        f"/api/v1/accounts/{a['secondary']['id']}/teleprocedures",
        json={"teleprocedures": {"DSN": None}},
        headers=headers,
    )
    assert escalate.status_code == 422 and escalate.json["error"]["code"] == "not_autonomous"
    assert client.post(
        f"/api/v1/accounts/{a['account']['id']}/collaborators",
        json={"email": "x@example.org", "first_name": "X", "last_name": "Y"},
        headers=headers,
    ).status_code in (403, 404)


def test_no_token_or_a_forged_token_is_refused(app: Any, two_accounts: dict[str, Any]) -> None:
    client = app.test_client()
    assert client.get("/api/v1/accounts").status_code == 401
    token = two_accounts["a"]["headers"]["Authorization"].split(" ")[1]
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[:-4]}AAAA"
    response = client.get("/api/v1/accounts", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_the_last_administrator_cannot_be_disabled(app: Any, two_accounts: dict[str, Any]) -> None:
    a = two_accounts["a"]
    response = app.test_client().patch(
        f"/api/v1/people/{a['holder']['id']}", json={"enabled": False}, headers=a["headers"]
    )
    assert response.status_code == 422 and response.json["error"]["code"] == "last_administrator"
