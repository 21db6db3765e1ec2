"""Which tokens the API takes: only access tokens of this realm issued for its audience.

Finding 3 of the hardening issue: a holder's token obtained by a relying application (or an ID
token, or another realm's token) was accepted with the holder's full rights. Finding 8: a client an
integrator registers later got no account claims. Both with clients registered through Keycloak's
admin API, as an integrator would."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from provisioner.settings import Settings
from tests.fixtures.oidc import Browser, claims, exchange, login
from tests.fixtures.tokens import master_token

pytestmark = pytest.mark.keycloak


@pytest.fixture(scope="module")
def holder(app: Any, operator_headers: dict[str, str], login_as: Any, principal_body: Any, new_login: Any) -> Any:
    created = app.test_client().post(
        "/api/v1/accounts", json=principal_body(new_login(), {"DSN": None}), headers=operator_headers
    )
    assert created.status_code == 201, created.json
    account = created.json["account"]
    return {"account": account, "headers": login_as(account["login"])}


@pytest.fixture()
def integrator_client(admin_rest: Any, realm: str, settings: Settings) -> Iterator[tuple[str, str]]:
    """A relying app registered after the realm was configured, with nothing but Keycloak's defaults."""
    client_id, secret = f"app-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    base = f"admin/realms/{realm}/clients"
    admin_rest.post(
        base,
        {
            "clientId": client_id,
            "secret": secret,
            "publicClient": False,
            "standardFlowEnabled": True,
            "redirectUris": [f"{settings.public_url}/demo-app/callback"],
        },
    )
    yield client_id, secret
    (client,) = admin_rest.get(base, clientId=client_id)
    admin_rest.delete(f"{base}/{client['id']}")


def _refused(app: Any, token: str) -> dict[str, Any]:
    response = app.test_client().get("/api/v1/accounts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.json
    assert response.json["error"]["code"] == "unauthorized"
    return response.json["error"]  # type: ignore[no-any-return]


def test_the_api_token_works(app: Any, holder: Any) -> None:
    response = app.test_client().get(f"/api/v1/accounts/{holder['account']['id']}", headers=holder["headers"])
    assert response.status_code == 200, response.json


def test_a_relying_apps_tokens_are_refused(app: Any, holder: Any, settings: Settings) -> None:
    with Browser() as browser:
        tokens = exchange(settings, login(browser, settings, "openid", holder["account"]["login"]))
    assert _refused(app, tokens["access_token"])["details"]["reason"] == "invalid_audience"
    assert _refused(app, tokens["id_token"])["details"]["claim"] == "typ"


def test_another_realms_token_is_refused(app: Any, settings: Settings) -> None:
    _refused(app, master_token(settings))


def test_a_client_registered_later_gets_the_account_claims(
    app: Any, holder: Any, settings: Settings, integrator_client: tuple[str, str]
) -> None:
    client_id, secret = integrator_client
    with Browser() as browser:
        result = login(browser, settings, "openid", holder["account"]["login"], client_id=client_id)
        tokens = exchange(settings, result, client_id, secret)
    token = claims(settings, tokens["id_token"])
    assert token["account_login"] == holder["account"]["login"]
    assert token["account_kind"] == "principal"
    assert token["teleprocedures"] == ["DSN"]
    assert "portail-api" not in (claims(settings, tokens["access_token"]).get("aud") or [])
    _refused(app, tokens["access_token"])  # and its tokens do not open the API
