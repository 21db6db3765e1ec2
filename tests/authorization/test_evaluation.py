"""The authorization API as a relying app sees it (issue 11): a client registered the way an
integrator registers one (confidential, service account, the realm's ``portail-authz`` scope),
its token obtained by a third-party OAuth client (authlib), the AuthZEN requests of the spec.
Each decision agrees with the person's token (its ``teleprocedures`` claim), and names its
reason; a user's token, another API's token or another portal's app gets nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests

from provisioner.settings import Settings
from tests.fixtures import TEST_PASSWORD
from tests.fixtures.accounts import SIRET, SIRET_2
from tests.fixtures.oidc import Browser, claims, exchange, login
from tests.fixtures.tokens import API_TEST_CLIENT, API_TEST_SECRET, app_token, password_token, register_relying_app

pytestmark = pytest.mark.keycloak


@pytest.fixture()
def ask(client: Any, app_headers: dict[str, str]) -> Callable[..., Any]:
    def _ask(subject: str, siret: str, code: str, headers: dict[str, str] | None = None) -> Any:
        body = {
            "subject": {"type": "user", "id": subject},
            "resource": {"type": "establishment", "id": siret},
            "action": {"name": code},
        }
        return client.post("/access/v1/evaluation", json=body, headers=headers or app_headers)

    return _ask


def _collaborator(api: Any, account_id: int, roles: list[str]) -> dict[str, Any]:
    response = api.call(
        "POST",
        f"/accounts/{account_id}/collaborators",
        {"email": f"c{uuid.uuid4().hex[:8]}@example.org", "first_name": "Cé", "last_name": "Lia", "roles": roles},
    )
    assert response.status_code == 201, response.json
    return response.json["person"]  # type: ignore[no-any-return]


def _token_teleprocedures(settings: Settings, username: str) -> list[str]:
    with Browser() as browser:
        token = exchange(settings, login(browser, settings, "openid", username))["access_token"]
    return list(claims(settings, token).get("teleprocedures", []))


def test_decisions_name_their_reason_and_agree_with_the_tokens(
    api: Any, ask: Callable[..., Any], gateway: Any, login_as: Any, settings: Settings
) -> None:
    principal = api.principal({"DSN": None, "DPAE": None})
    secondary = api.secondary(principal["id"], f"e{uuid.uuid4().hex[:6]}", {"DSN": None})
    assert secondary.status_code == 201, secondary.json
    declarant = _collaborator(api, principal["id"], ["declarant:DSN"])
    disabled = _collaborator(api, principal["id"], ["declarant:DSN"])
    changed = api.call("PATCH", f"/people/{disabled['id']}", {"enabled": False})
    assert changed.status_code == 200, changed.json
    holder = principal["login"]
    login_secondary = secondary.json["account"]["login"]
    ids = {name: gateway.find_user(name).id for name in (holder, login_secondary, declarant["username"])}
    ids["disabled"] = gateway.find_user(disabled["username"]).id

    cases = [
        (ids[holder], SIRET, "DSN", True, "own_account"),
        (ids[holder], SIRET, "dpae", True, "own_account"),
        (ids[holder], SIRET_2, "DSN", False, "not_own_establishment"),
        (ids[login_secondary], SIRET_2, "DSN", True, "own_account"),
        (ids[login_secondary], SIRET_2, "DPAE", False, "not_subscribed"),
        (ids[declarant["username"]], SIRET, "DSN", True, "own_account"),
        (ids[declarant["username"]], SIRET, "DPAE", False, "no_permission"),
        (ids["disabled"], SIRET, "DSN", False, "person_disabled"),
        (str(uuid.uuid4()), SIRET, "DSN", False, "unknown_subject"),
        (ids[holder], SIRET, "NOPE", False, "unknown_teleprocedure"),
        (ids[holder], "123", "DSN", False, "invalid_identifier"),
    ]
    for subject, siret, code, allowed, reason in cases:
        answer = ask(subject, siret, code)
        assert answer.status_code == 200, answer.json
        assert answer.json["decision"] is allowed, (code, siret, answer.json)
        assert answer.json["context"]["reason"] == reason, (code, siret, answer.json)
        assert answer.json["context"]["reason_admin"]["fr"]
    assert ask(ids[holder], SIRET, "DSN").json["context"]["account_id"] == principal["id"]

    # What the relying app is told is what the person's own token says.
    for username, siret in ((holder, SIRET), (login_secondary, SIRET_2), (declarant["username"], SIRET)):
        login_as(username)
        in_token = set(_token_teleprocedures(settings, username))
        decided = {code for code in ("DSN", "DPAE") if ask(ids[username], siret, code).json["decision"]}
        assert decided == in_token, (username, decided, in_token)

    # The account closes: nothing for anyone of it.
    closed = api.call("PATCH", f"/accounts/{principal['id']}", {"status": "closed"})
    assert closed.status_code == 200, closed.json
    answer = ask(ids[login_secondary], SIRET_2, "DSN").json
    assert answer["decision"] is False and answer["context"]["reason"] == "account_not_open"


def test_a_batch_takes_defaults_and_stops_as_asked(
    api: Any, client: Any, app_headers: dict[str, str], gateway: Any
) -> None:
    principal = api.principal({"DSN": None})
    subject = {"type": "user", "id": gateway.find_user(principal["login"]).id}
    body: dict[str, Any] = {
        "subject": subject,
        "resource": {"type": "establishment", "id": SIRET},
        "evaluations": [{"action": {"name": "DPAE"}}, {"action": {"name": "DSN"}}, {"action": {"name": "AED"}}],
    }
    answer = client.post("/access/v1/evaluations", json=body, headers=app_headers)
    assert answer.status_code == 200, answer.json
    assert [e["decision"] for e in answer.json["evaluations"]] == [False, True, False]
    body["options"] = {"evaluations_semantic": "permit_on_first_permit"}
    answer = client.post("/access/v1/evaluations", json=body, headers=app_headers)
    assert [e["decision"] for e in answer.json["evaluations"]] == [False, True]
    body["options"] = {"evaluations_semantic": "deny_on_first_deny"}
    assert len(client.post("/access/v1/evaluations", json=body, headers=app_headers).json["evaluations"]) == 1

    incomplete = client.post(
        "/access/v1/evaluations", json={"evaluations": [{"action": {"name": "DSN"}}]}, headers=app_headers
    )
    assert incomplete.status_code == 400, incomplete.json
    assert incomplete.json["error"]["code"] == "validation_failed"
    assert "evaluations[0].subject" in incomplete.json["error"]["message"] + str(incomplete.json["error"]["details"])
    wrong = client.post(
        "/access/v1/evaluation",
        json={
            "subject": {"type": "group", "id": "x"},
            "resource": {"type": "establishment", "id": SIRET},
            "action": {"name": "DSN"},
        },
        headers=app_headers,
    )
    assert wrong.status_code == 400 and wrong.json["error"]["code"] == "validation_failed", wrong.json


def test_only_a_relying_apps_service_account_is_answered(
    api: Any,
    ask: Callable[..., Any],
    gateway: Any,
    login_as: Any,
    settings: Settings,
    admin_rest: Any,
    realm: str,
    operator_headers: dict[str, str],
) -> None:
    principal = api.principal({"DSN": None})
    subject = gateway.find_user(principal["login"]).id
    assert ask(subject, SIRET, "DSN").json["decision"] is True

    nothing = ask(subject, SIRET, "DSN", headers={"X": "y"})
    assert nothing.status_code == 401 and nothing.json["error"]["code"] == "unauthorized"
    # The administration API's token: not for this API.
    other_api = ask(subject, SIRET, "DSN", headers=operator_headers)
    assert other_api.status_code == 401 and other_api.json["error"]["details"]["reason"] == "invalid_audience"
    # A user's token, even with the authorization audience: only apps ask about their users.
    base = f"admin/realms/{realm}"
    (tests_client,) = admin_rest.get(f"{base}/clients", clientId=API_TEST_CLIENT)
    (scope,) = [s for s in admin_rest.get(f"{base}/client-scopes") if s["name"] == "portail-authz"]
    admin_rest.put(f"{base}/clients/{tests_client['id']}/optional-client-scopes/{scope['id']}", {})
    login_as(principal["login"])
    user_token = password_token(settings, principal["login"]).json()["access_token"]
    with_scope = requests.post(
        f"{settings.realm_issuer}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": API_TEST_CLIENT,
            "client_secret": API_TEST_SECRET,
            "username": principal["login"],
            "password": TEST_PASSWORD,
            "scope": "openid portail-authz",
        },
        timeout=10,
    )
    assert with_scope.status_code == 200, with_scope.text
    for token in (user_token, with_scope.json()["access_token"]):
        refused = ask(subject, SIRET, "DSN", headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401, refused.json
    assert refused.json["error"]["details"]["reason"] == "not_a_service_account"

    # Another portal's app asks about this portal's user: it is nobody there.
    elsewhere = register_relying_app(admin_rest, "caisse-demo")
    headers = {"Authorization": f"Bearer {app_token(settings, elsewhere, 'caisse-demo')}"}
    answer = ask(subject, SIRET, "DSN", headers=headers)
    assert answer.status_code == 200 and answer.json["decision"] is False
    assert answer.json["context"]["reason"] == "unknown_subject"


def test_the_discovery_document_says_where_to_ask(client: Any) -> None:
    answer = client.get("/.well-known/authzen-configuration")
    assert answer.status_code == 200
    assert answer.json["access_evaluation_endpoint"].endswith("/access/v1/evaluation")
    assert answer.json["access_evaluations_endpoint"].endswith("/access/v1/evaluations")
