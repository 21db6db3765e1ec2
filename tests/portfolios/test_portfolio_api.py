"""A firm's portfolio through the API (issue 11, seed 003 « Mon portefeuille »): added by hand with
its SIRET checked, completed, searched and filtered, removed and added again; a relying app's
report of a filing brings in an establishment "to complete"; another firm's administrator, a
company that is no firm and a user's token get nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from provisioner.settings import Settings
from tests.fixtures.accounts import SIRET_2
from tests.fixtures.tokens import app_token, register_relying_app

pytestmark = pytest.mark.keycloak

CLIENT_SIRET = "73282932000074"


@pytest.fixture()
def firm(api: Any, login_as: Any) -> dict[str, Any]:
    account = api.principal({"DSN": None}, company_type="expert-comptable")
    return {**account, "headers": login_as(account["login"])}


def test_a_firm_keeps_its_portfolio(api: Any, firm: dict[str, Any]) -> None:
    path = f"/accounts/{firm['id']}/portfolio"
    added = api.call("POST", path, {"identifier": "732 829 320 00074", "company_name": "CLIENT SA"}, firm["headers"])
    assert added.status_code == 201, added.json
    entry = added.json["establishment"]
    assert entry["identifier"] == CLIENT_SIRET and entry["state"] == "to_complete"
    again = api.call("POST", path, {"identifier": CLIENT_SIRET}, firm["headers"])
    assert again.status_code == 409 and again.json["error"]["code"] == "already_in_portfolio"
    bad = api.call("POST", path, {"identifier": "12345678901234"}, firm["headers"])
    assert bad.status_code in (400, 422) and bad.json["error"]["code"].startswith("invalid"), bad.json

    done = api.call(
        "PATCH", f"/portfolio/{entry['id']}", {"partner_group": "AG2R", "monthly_deadline": 5}, firm["headers"]
    )
    assert done.status_code == 200 and done.json["establishment"]["state"] == "complete", done.json
    api.call("POST", path, {"identifier": SIRET_2}, firm["headers"])
    listed = api.call("GET", f"{path}?state=to_complete", headers=firm["headers"]).json
    assert [e["identifier"] for e in listed["items"]] == [SIRET_2] and listed["to_complete"] == 1
    found = api.call("GET", f"{path}?q=client", headers=firm["headers"]).json
    assert [e["identifier"] for e in found["items"]] == [CLIENT_SIRET]

    removed = api.call("DELETE", f"/portfolio/{entry['id']}", headers=firm["headers"])
    assert removed.status_code == 200, removed.json
    readded = api.call("POST", path, {"identifier": CLIENT_SIRET}, firm["headers"])
    assert readded.status_code == 201, readded.json
    log = api.call("GET", f"/accounts/{firm['id']}/audit").json["items"]
    assert {"portfolio.added", "portfolio.updated", "portfolio.removed"} <= {e["action"] for e in log}


def test_nobody_else_sees_or_changes_it(api: Any, firm: dict[str, Any], login_as: Any) -> None:
    entry = api.call("POST", f"/accounts/{firm['id']}/portfolio", {"identifier": CLIENT_SIRET}, firm["headers"]).json[
        "establishment"
    ]
    other = api.principal({"DSN": None}, company_type="expert-comptable")
    other_headers = login_as(other["login"])
    for method, path, body in (
        ("GET", f"/accounts/{firm['id']}/portfolio", None),
        ("POST", f"/accounts/{firm['id']}/portfolio", {"identifier": SIRET_2}),
        ("PATCH", f"/portfolio/{entry['id']}", {"company_name": "X"}),
        ("DELETE", f"/portfolio/{entry['id']}", None),
    ):
        answer = api.call(method, path, body, other_headers)
        assert answer.status_code == 404, (method, path, answer.json)
    company = api.principal({"DSN": None})  # an "entreprise": no portfolio
    refused = api.call("GET", f"/accounts/{company['id']}/portfolio")
    assert refused.status_code == 422 and refused.json["error"]["code"] == "not_a_firm"


def test_a_filing_brings_an_establishment_in(
    api: Any, client: Any, firm: dict[str, Any], settings: Settings, admin_rest: Any, realm: str, gateway: Any
) -> None:
    headers = {"Authorization": f"Bearer {app_token(settings, register_relying_app(admin_rest, realm))}"}
    holder = gateway.find_user(firm["login"]).id
    body = {"subject": holder, "identifier": CLIENT_SIRET, "teleprocedure": "dsn", "filed_on": "2026-12-05"}
    first = client.post("/api/v1/filings", json=body, headers=headers)
    assert first.status_code == 201 and first.json["added"] is True, first.json
    assert set(first.json) == {"establishment_id", "added"}  # the app learns nothing of the portfolio
    again = client.post("/api/v1/filings", json={**body, "filed_on": "2027-01-05"}, headers=headers)
    assert again.status_code == 200 and again.json["added"] is False
    late = client.post("/api/v1/filings", json={**body, "filed_on": "2026-11-05"}, headers=headers)
    assert late.status_code == 200, late.json  # a late report does not move the last filing back
    (entry,) = [
        e
        for e in api.call("GET", f"/accounts/{firm['id']}/portfolio", headers=firm["headers"]).json["items"]
        if e["id"] == first.json["establishment_id"]
    ]
    assert entry["state"] == "to_complete" and entry["source"] == "filing"
    assert entry["last_filing_on"] == dt.date(2027, 1, 5).isoformat() and entry["last_filing_teleprocedure"] == "DSN"
    unknown = client.post("/api/v1/filings", json={**body, "teleprocedure": "NOPE"}, headers=headers)
    assert unknown.status_code == 400 and unknown.json["error"]["code"] == "unknown_teleprocedure"
    by_account = client.post(
        "/api/v1/filings",
        json={**body, "subject": None, "account_id": firm["id"], "identifier": SIRET_2},
        headers=headers,
    )
    assert by_account.status_code == 201, by_account.json
    listed = api.call("GET", f"/accounts/{firm['id']}/portfolio?state=to_complete", headers=firm["headers"]).json
    assert {e["identifier"] for e in listed["items"]} == {CLIENT_SIRET, SIRET_2}

    # Only a relying app's service account reports filings; a company that is no firm has none.
    as_user = client.post("/api/v1/filings", json=body, headers=firm["headers"])
    assert as_user.status_code == 401, as_user.json
    company = api.principal({"DSN": None})
    refused = client.post(
        "/api/v1/filings", json={**body, "subject": None, "account_id": company["id"]}, headers=headers
    )
    assert refused.status_code == 422 and refused.json["error"]["code"] == "not_a_firm"
    both = client.post("/api/v1/filings", json={**body, "account_id": firm["id"]}, headers=headers)
    assert both.status_code == 422 and both.json["error"]["code"] == "filer_required"
