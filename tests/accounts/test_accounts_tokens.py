"""Issue acceptance end to end: accounts created through the API, then real OIDC logins.

A principal with DSN+DPAE and a secondary with DSN: the secondary's tokens hold DSN and not
DPAE, and a relying app asking for DPAE for the secondary gets no code.
"""

from __future__ import annotations

from typing import Any

import pytest

from provisioner.settings import Settings
from tests.fixtures.oidc import Browser, assert_denied, claims, exchange, login

pytestmark = pytest.mark.keycloak


def test_secondary_gets_dsn_not_dpae(
    app: Any, operator_headers: dict[str, str], login_as: Any, settings: Settings, principal_body: Any, new_login: Any
) -> None:
    client = app.test_client()
    principal = client.post(
        "/api/v1/accounts", json=principal_body(new_login(), {"DSN": None, "DPAE": None}), headers=operator_headers
    ).json["account"]
    secondary = client.post(
        f"/api/v1/accounts/{principal['id']}/secondaries",
        json={
            "name": "cs1",
            "identifier": "42872048600011",
            "company_name": "ETAB CS1",
            "teleprocedures": {"DSN": ["mensuelle"]},
        },
        headers=operator_headers,
    ).json["account"]
    username = secondary["login"]
    login_as(username)  # gives the user the known test password

    with Browser() as browser:
        tokens = exchange(settings, login(browser, settings, "openid tp-dsn", username))
        token = claims(settings, tokens["access_token"])
        assert token["account_kind"] == "secondary"
        assert token["account_id"] in (secondary["id"], str(secondary["id"]))
        assert token["account_identifier"] == "42872048600011"
        assert token["teleprocedures"] == ["DSN"]
        assert "tp-dsn" in token["roles"] and "tp-dpae" not in token["roles"]
        assert_denied(login(browser, settings, "openid tp-dpae"), "DPAE")  # same SSO session

    with Browser() as browser:
        assert_denied(login(browser, settings, "openid tp-dpae", username), "DPAE")

    # The principal's holder has both.
    login_as(principal["login"])
    with Browser() as browser:
        tokens = exchange(settings, login(browser, settings, "openid tp-dsn tp-dpae", principal["login"]))
        assert sorted(claims(settings, tokens["id_token"])["teleprocedures"]) == ["DPAE", "DSN"]
