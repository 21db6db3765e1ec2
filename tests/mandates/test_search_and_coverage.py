"""The authorization API's resource search (« which establishments may this person act for under
T? », AuthZEN's ``/access/v1/search/resource``, paginated) and a firm's deadline coverage (the
establishments whose deadline is near that nobody may file for), both checked against what the
evaluation itself answers."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.fixtures.mandates import active_client, siret

pytestmark = pytest.mark.keycloak


def _collaborator(api: Any, account_id: int, roles: list[str]) -> dict[str, Any]:
    body = {"email": f"s{uuid.uuid4().hex[:8]}@example.org", "first_name": "Sam", "last_name": "Son", "roles": roles}
    response = api.call("POST", f"/accounts/{account_id}/collaborators", body)
    assert response.status_code == 201, response.json
    return response.json["person"]  # type: ignore[no-any-return]


def _search(client: Any, headers: dict[str, str], subject: str, code: str, limit: int, token: str = "") -> Any:
    body: dict[str, Any] = {
        "subject": {"type": "user", "id": subject},
        "action": {"name": code},
        "resource": {"type": "establishment"},
        "page": {"limit": limit, **({"token": token} if token else {})},
    }
    return client.post("/access/v1/search/resource", json=body, headers=headers)


def _all_pages(client: Any, headers: dict[str, str], subject: str, code: str, limit: int) -> list[str]:
    found, token = [], ""
    for _ in range(50):
        answer = _search(client, headers, subject, code, limit, token)
        assert answer.status_code == 200, answer.json
        found += [r["id"] for r in answer.json["results"]]
        token = answer.json["page"]["next_token"]
        if not token:
            return found
    raise AssertionError("the pages never end")


def _allowed(client: Any, headers: dict[str, str], subject: str, identifier: str, code: str) -> bool:
    body = {
        "subject": {"type": "user", "id": subject},
        "resource": {"type": "establishment", "id": identifier},
        "action": {"name": code},
    }
    return bool(client.post("/access/v1/evaluation", json=body, headers=headers).json["decision"])


def test_the_search_pages_through_what_the_evaluation_allows(
    api: Any, client: Any, login_as: Any, gateway: Any, app_headers: dict[str, str]
) -> None:
    account = api.principal({"DSN": None, "DPAE": None}, company_type="expert-comptable")
    firm = {**account, "headers": login_as(account["login"])}
    base = int(uuid.uuid4().int % 100_000) * 100
    clients = [siret(base + n) for n in range(5)]
    for n, identifier in enumerate(clients[:4]):
        active_client(api, firm, identifier, f"CHERCHE {n}", ["DSN"] if n else ["DPAE"])
    api.call(
        "POST",
        f"/accounts/{firm['id']}/clients",
        {
            "identifier": clients[4],
            "company_name": "ATTEND",
            "address_line1": "1 rue",
            "postcode": "13001",
            "city": "Marseille",
            "teleprocedures": ["DSN"],
        },
        firm["headers"],
    )  # never activated

    holder = gateway.find_user(firm["login"]).id
    expected = sorted([account["identifier"], *clients[1:4]])  # the firm's own, the DSN mandates that are active
    assert _all_pages(client, app_headers, holder, "DSN", 2) == expected
    assert _all_pages(client, app_headers, holder, "DSN", 500) == expected
    assert all(_allowed(client, app_headers, holder, i, "DSN") for i in expected)
    assert not any(_allowed(client, app_headers, holder, i, "DSN") for i in (clients[0], clients[4]))
    assert _all_pages(client, app_headers, holder, "DPAE", 10) == sorted([account["identifier"], clients[0]])

    person = _collaborator(api, firm["id"], ["declarant:DSN"])
    subject = gateway.find_user(person["username"]).id
    assert _all_pages(client, app_headers, subject, "DSN", 10) == [account["identifier"]]  # no profile yet
    portfolio = api.call("GET", f"/accounts/{firm['id']}/portfolio?q={clients[2]}", headers=firm["headers"]).json
    profile = {
        "name": "Un seul",
        "teleprocedures": ["DSN"],
        "establishment_ids": [portfolio["items"][0]["id"]],
        "member_ids": [person["id"]],
    }
    assert api.call("POST", f"/accounts/{firm['id']}/delegation-profiles", profile, firm["headers"]).status_code == 201
    assert _all_pages(client, app_headers, subject, "DSN", 10) == sorted([account["identifier"], clients[2]])

    bad = _search(client, app_headers, holder, "DSN", 10, "!!")
    assert bad.status_code == 400, bad.json
    unread = _search(client, app_headers, holder, "DSN", 10, "AAAA_")
    assert unread.status_code == 400 and unread.json["error"]["code"] in ("invalid_page_token", "validation_failed")
    nobody = _search(client, app_headers, "no-such-user", "DSN", 10)
    assert nobody.status_code == 200 and nobody.json == {"results": [], "page": {"next_token": ""}}
    assert client.post("/access/v1/search/resource", json={}).status_code == 401  # relying apps only


def test_the_deadline_coverage_names_who_may_file_and_who_nobody_covers(api: Any, client: Any, login_as: Any) -> None:
    from datetime import date

    account = api.principal({"DPAE": None}, company_type="expert-comptable")  # the firm files no DSN itself
    firm = {**account, "headers": login_as(account["login"])}
    base = int(uuid.uuid4().int % 100_000) * 100
    dsn, dpae, by_hand = siret(base), siret(base + 1), siret(base + 2)
    active_client(api, firm, dsn, "DSN SEUL", ["DSN"])
    active_client(api, firm, dpae, "DPAE SA", ["DPAE"])
    api.call("POST", f"/accounts/{firm['id']}/portfolio", {"identifier": by_hand}, firm["headers"])
    today = date.today().day
    for identifier in (dsn, dpae, by_hand):
        entry = api.call("GET", f"/accounts/{firm['id']}/portfolio?q={identifier}", headers=firm["headers"]).json
        changed = api.call(
            "PATCH", f"/portfolio/{entry['items'][0]['id']}", {"monthly_deadline": today}, firm["headers"]
        )
        assert changed.status_code == 200, changed.json

    path = f"/accounts/{firm['id']}/deadline-coverage"
    dpae_view = api.call("GET", f"{path}?days=0&teleprocedure=DPAE", headers=firm["headers"]).json
    lines = {line["identifier"]: line for line in dpae_view["items"]}
    assert lines[dpae]["covered"] and [f["name"] for f in lines[dpae]["filers"]] == ["Pierre DUPONT"]
    assert lines[dsn]["reason"] == lines[by_hand]["reason"] == "no_active_mandate"
    assert dpae_view["uncovered"] == 2 and dpae_view["items"][-1]["identifier"] == dpae  # the uncovered first
    dsn_view = api.call("GET", f"{path}?days=0&teleprocedure=DSN", headers=firm["headers"]).json
    assert {line["identifier"]: line["reason"] for line in dsn_view["items"]}[dsn] == "no_filer"
    assert api.call("GET", f"{path}?teleprocedure=NOPE", headers=firm["headers"]).status_code == 400
    other = api.principal({"DSN": None}, company_type="expert-comptable")
    assert api.call("GET", path, headers=login_as(other["login"])).status_code == 404
