"""An administrator enrols a collaborator's mobile number on the spot, or clears it (seed 002)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from provisioner.keycloak.gateway import KeycloakGateway

pytestmark = pytest.mark.keycloak


def _last_code(client: Any, number: str) -> str:
    messages = client.get(f"/dev/outbox.json?channel=sms&to={number.replace('+', '%2B')}").json["messages"]
    match = re.search(r"\b(\d{6})\b", messages[0]["body"])
    assert match, messages[0]["body"]
    return match.group(1)


def test_admin_enrols_then_clears_a_collaborator_number(
    app: Any,
    operator_headers: dict[str, str],
    login_as: Any,
    gateway: KeycloakGateway,
    principal_body: Any,
    new_login: Any,
) -> None:
    client = app.test_client()
    account = client.post(
        "/api/v1/accounts", json=principal_body(new_login(), {"DSN": None}), headers=operator_headers
    ).json["account"]
    admin = login_as(account["login"])
    lea = client.post(
        f"/api/v1/accounts/{account['id']}/collaborators",
        json={
            "email": f"lea.{account['login']}@example.org",
            "first_name": "Léa",
            "last_name": "MODELE",
            "locale": "de",
            "roles": ["declarant:DSN"],
        },
        headers=admin,
    ).json["person"]

    started = client.put(f"/api/v1/people/{lea['id']}/phone", json={"phone": "+41 (79) 555 12 34"}, headers=admin)
    assert started.status_code == 202, started.json
    assert started.json["phone"] == "+41 79 *** ** 34"
    code = _last_code(client, "+41795551234")

    wrong = client.post(
        f"/api/v1/people/{lea['id']}/phone/verify",
        json={"code": "000000" if code != "000000" else "111111"},
        headers=admin,
    )
    assert wrong.status_code == 422 and wrong.json["error"]["details"]["attempts_left"] == 2
    assert client.get(f"/api/v1/people/{lea['id']}", headers=admin).json["person"]["phone"] is None  # not saved yet

    verified = client.post(f"/api/v1/people/{lea['id']}/phone/verify", json={"code": code}, headers=admin)
    assert verified.status_code == 200, verified.json
    assert verified.json["person"]["phone"] == "+41795551234" and verified.json["sync"]["status"] == "applied"
    user = gateway.find_user(lea["username"])
    assert user is not None and user.attributes["portail.phone"] == ["+41795551234"]

    cleared = client.delete(f"/api/v1/people/{lea['id']}/phone", headers=admin)
    assert cleared.status_code == 200
    user = gateway.find_user(lea["username"])
    assert user is not None and "portail.phone" not in user.attributes


def test_landlines_are_refused_and_codes_expire_after_three_attempts(
    app: Any, operator_headers: dict[str, str], login_as: Any, principal_body: Any, new_login: Any
) -> None:
    client = app.test_client()
    account = client.post("/api/v1/accounts", json=principal_body(new_login(), {}), headers=operator_headers).json[
        "account"
    ]
    admin = login_as(account["login"])
    holder = client.get(f"/api/v1/accounts/{account['id']}/people", headers=admin).json["items"][0]
    landline = client.put(f"/api/v1/people/{holder['id']}/phone", json={"phone": "01 49 09 87 37"}, headers=admin)
    assert landline.status_code == 400 and landline.json["error"]["code"] == "not_a_mobile"
    assert (
        client.put(f"/api/v1/people/{holder['id']}/phone", json={"phone": "06 12 34 56 70"}, headers=admin).status_code
        == 202
    )
    code = _last_code(client, "+33612345670")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        client.post(f"/api/v1/people/{holder['id']}/phone/verify", json={"code": wrong}, headers=admin)
    blocked = client.post(f"/api/v1/people/{holder['id']}/phone/verify", json={"code": code}, headers=admin)
    assert blocked.status_code == 422 and blocked.json["error"]["code"] == "phone_code_attempts_exceeded"


def test_sms_limits_answer_clearly_and_are_audited(
    app: Any, operator_headers: dict[str, str], login_as: Any, principal_body: Any, new_login: Any
) -> None:
    client = app.test_client()
    account = client.post("/api/v1/accounts", json=principal_body(new_login(), {}), headers=operator_headers).json[
        "account"
    ]
    admin = login_as(account["login"])
    holder = client.get(f"/api/v1/accounts/{account['id']}/people", headers=admin).json["items"][0]
    for i in range(5):
        sent = client.put(f"/api/v1/people/{holder['id']}/phone", json={"phone": f"06 12 34 56 8{i}"}, headers=admin)
        assert sent.status_code == 202, sent.json
    limited = client.put(f"/api/v1/people/{holder['id']}/phone", json={"phone": "06 12 34 56 89"}, headers=admin)
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "sms_rate_limited" and "Réessayez" in limited.json["error"]["message"]
    audit = client.get(f"/api/v1/accounts/{account['id']}/audit", headers=admin).json["items"]
    refusal = next(e for e in audit if e["action"] == "sms.rate_limited")
    assert "+33 61 *** ** 89" in refusal["message"] and "+33612345689" not in refusal["message"]
