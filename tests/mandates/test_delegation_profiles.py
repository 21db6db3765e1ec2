"""Delegation profiles through the API (« Paramètres de délégation »): made of the firm's own
establishments and collaborators only, names unique per firm, changed and deleted with what they
give; another firm's administrator gets 404 everywhere."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.fixtures.accounts import SIRET_2

pytestmark = pytest.mark.keycloak


@pytest.fixture()
def firm(api: Any, login_as: Any) -> dict[str, Any]:
    account = api.principal({"DSN": None}, company_type="expert-comptable")
    return {**account, "headers": login_as(account["login"])}


def _collaborator(api: Any, account_id: int) -> dict[str, Any]:
    body = {"email": f"d{uuid.uuid4().hex[:8]}@example.org", "first_name": "Dé", "last_name": "Lé", "roles": []}
    response = api.call("POST", f"/accounts/{account_id}/collaborators", body)
    assert response.status_code == 201, response.json
    return response.json["person"]  # type: ignore[no-any-return]


def test_profiles_hold_only_the_firms_own(api: Any, firm: dict[str, Any], login_as: Any) -> None:
    entry = api.call("POST", f"/accounts/{firm['id']}/portfolio", {"identifier": SIRET_2}, firm["headers"]).json
    person = _collaborator(api, firm["id"])
    other = api.principal({"DSN": None}, company_type="expert-comptable")
    stranger = _collaborator(api, other["id"])
    path = f"/accounts/{firm['id']}/delegation-profiles"
    body = {
        "name": "Paie",
        "teleprocedures": ["dsn"],
        "establishment_ids": [entry["establishment"]["id"]],
        "member_ids": [person["id"]],
    }
    made = api.call("POST", path, body, firm["headers"])
    assert made.status_code == 201 and made.json["profile"]["teleprocedures"] == ["DSN"], made.json
    profile_id = made.json["profile"]["id"]
    assert api.call("POST", path, body, firm["headers"]).json["error"]["code"] == "profile_name_taken"
    foreign = api.call("POST", path, {**body, "name": "B", "member_ids": [stranger["id"]]}, firm["headers"])
    assert foreign.status_code == 400 and foreign.json["error"]["code"] == "not_a_collaborator", foreign.json
    unknown = api.call("POST", path, {**body, "name": "C", "teleprocedures": ["NOPE"]}, firm["headers"])
    assert unknown.json["error"]["code"] == "unknown_teleprocedure"

    changed = api.call(
        "PATCH", f"/delegation-profiles/{profile_id}", {"whole_portfolio": True, "member_ids": []}, firm["headers"]
    )
    assert changed.status_code == 200 and changed.json["profile"]["member_ids"] == [], changed.json
    listed = api.call("GET", path, headers=firm["headers"]).json["items"]
    assert [p["name"] for p in listed] == ["Paie"]

    other_headers = login_as(other["login"])
    for method, route, data in (
        ("GET", path, None),
        ("POST", path, {**body, "name": "X"}),
        ("GET", f"/delegation-profiles/{profile_id}", None),
        ("PATCH", f"/delegation-profiles/{profile_id}", {"name": "X"}),
        ("DELETE", f"/delegation-profiles/{profile_id}", None),
    ):
        answer = api.call(method, route, data, other_headers)
        assert answer.status_code == 404, (method, route, answer.json)
    assert api.call("DELETE", f"/delegation-profiles/{profile_id}", headers=firm["headers"]).status_code == 200
    actions = {e["action"] for e in api.call("GET", f"/accounts/{firm['id']}/audit").json["items"]}
    assert {"delegation.created", "delegation.updated", "delegation.deleted"} <= actions
