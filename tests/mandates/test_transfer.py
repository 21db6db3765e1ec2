"""Transfer of a firm's clients to a new account (rule 16, seed 001: « vous pouvez créer un nouveau
compte administrateur ; il faudra ensuite transférer tous les clients vers ce nouveau compte »):
without new keys or registration, all or nothing, audited; the old account loses them. What a
relying app is told follows."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.fixtures.mandates import active_client, letters_of, siret

pytestmark = pytest.mark.keycloak


@pytest.fixture()
def reason(client: Any, app_headers: dict[str, str]) -> Callable[[str, str], str]:
    def _reason(subject: str, identifier: str) -> str:
        body = {
            "subject": {"type": "user", "id": subject},
            "resource": {"type": "establishment", "id": identifier},
            "action": {"name": "DSN"},
        }
        return str(client.post("/access/v1/evaluation", json=body, headers=app_headers).json["context"]["reason"])

    return _reason


def _firm(api: Any, login_as: Any) -> dict[str, Any]:
    account = api.principal({"DSN": None}, company_type="expert-comptable")
    return {**account, "headers": login_as(account["login"])}


def test_every_client_moves_to_the_new_account_with_its_key(
    api: Any, login_as: Any, gateway: Any, reason: Callable[[str, str], str]
) -> None:
    old, new = _firm(api, login_as), _firm(api, login_as)
    base = int(uuid.uuid4().int % 100_000) * 100
    active, waiting, by_hand = siret(base), siret(base + 1), siret(base + 2)
    active_client(api, old, active, "ACTIF SA")
    body = {
        "identifier": waiting,
        "company_name": "ATTENTE SA",
        "address_line1": "5 rue Neuve",
        "postcode": "31000",
        "city": "Toulouse",
        "teleprocedures": ["DSN"],
    }
    waiting_id = api.call("POST", f"/accounts/{old['id']}/clients", body, old["headers"]).json["mandate"]["id"]
    key = letters_of(api.call("POST", f"/accounts/{old['id']}/clients/letters", {"mandate_ids": [waiting_id]}).data)[0][
        "keys"
    ][0]
    api.call("POST", f"/accounts/{old['id']}/portfolio", {"identifier": by_hand}, old["headers"])
    made = api.call(
        "POST",
        f"/accounts/{old['id']}/delegation-profiles",
        {"name": "Tout", "teleprocedures": ["DSN"], "whole_portfolio": True},
        old["headers"],
    )
    assert made.status_code == 201, made.json
    old_holder, new_holder = gateway.find_user(old["login"]).id, gateway.find_user(new["login"]).id
    assert reason(old_holder, active) == "mandate" and reason(new_holder, active) == "no_mandate"

    # The firm's administrator cannot move its clients to an account it does not administer.
    assert (
        api.call("POST", f"/accounts/{old['id']}/transfer", {"to_account_id": new["id"]}, old["headers"]).status_code
        == 404
    )
    moved = api.call("POST", f"/accounts/{old['id']}/transfer", {"to_account_id": new["id"]})
    assert moved.status_code == 200, moved.json
    assert (moved.json["mandates"], moved.json["establishments"], moved.json["profiles"]) == (2, 2, 1)

    assert reason(old_holder, active) == "no_mandate" and reason(new_holder, active) == "mandate"
    clients = api.call("GET", f"/accounts/{new['id']}/clients", headers=new["headers"]).json
    assert {m["identifier"]: m["state"] for m in clients["items"]} == {active: "active", waiting: "printed"}
    assert api.call("GET", f"/accounts/{old['id']}/clients", headers=old["headers"]).json["total"] == 0
    assert (
        api.call("GET", f"/accounts/{new['id']}/delegation-profiles", headers=new["headers"]).json["items"][0]["name"]
        == "Tout"
    )
    # The key already sent works for the new account, and no longer for the old one.
    assert (
        api.call("POST", f"/accounts/{old['id']}/mandates/activation", {"key": key}, old["headers"]).status_code == 422
    )
    activated = api.call("POST", f"/accounts/{new['id']}/mandates/activation", {"key": key}, new["headers"])
    assert activated.status_code == 200, activated.json
    for account, action in ((old, "firm.transferred_out"), (new, "firm.transferred_in")):
        log = api.call("GET", f"/accounts/{account['id']}/audit").json["items"]
        assert any(e["action"] == action for e in log), (action, log[:3])


def test_a_transfer_is_all_or_nothing(api: Any, login_as: Any) -> None:
    old, new = _firm(api, login_as), _firm(api, login_as)
    base = int(uuid.uuid4().int % 100_000) * 100
    shared = siret(base)
    active_client(api, old, shared, "PARTAGE SA")
    active_client(api, old, siret(base + 1), "SEUL SA")
    active_client(api, new, shared, "PARTAGE SA")
    refused = api.call("POST", f"/accounts/{old['id']}/transfer", {"to_account_id": new["id"]})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "transfer_conflicts", refused.json
    assert refused.json["error"]["details"]["clients"] == [shared]
    assert api.call("GET", f"/accounts/{old['id']}/clients", headers=old["headers"]).json["total"] == 2
    company = api.principal({"DSN": None})
    assert (
        api.call("POST", f"/accounts/{old['id']}/transfer", {"to_account_id": company["id"]}).json["error"]["code"]
        == "not_a_firm"
    )
    assert (
        api.call("POST", f"/accounts/{old['id']}/transfer", {"to_account_id": old["id"]}).json["error"]["code"]
        == "same_account"
    )
