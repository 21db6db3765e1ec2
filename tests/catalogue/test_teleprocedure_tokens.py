"""Teleprocedure scopes end to end: a real authorization-code login (PKCE) on the real Keycloak.

The user is set up as the provisioner's reconciler does (attributes ``portail.*`` and direct realm
roles ``tp-<code>``); the relying app is ``portail-demo-app``. Asking for a teleprocedure scope the
user is not subscribed to must give no code at all, also through an existing SSO session, and must
not count as a failed login: refusals never lock the user out (``portail-deny-teleprocedure``).
"""

from __future__ import annotations

import html
import time
import uuid
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
import requests

from provisioner.settings import Settings
from tests.fixtures import TEST_PASSWORD
from tests.fixtures.oidc import Browser, assert_denied, claims, exchange, login

pytestmark = pytest.mark.keycloak


@pytest.fixture()
def subscriber(admin_rest: Any, realm: str) -> Iterator[dict[str, Any]]:
    """A secondary-account user subscribed to DSN only, written as the reconciler writes it."""
    base = f"admin/realms/{realm}"
    username = f"tp-{uuid.uuid4().hex[:8]}"
    user_id = admin_rest.post(
        f"{base}/users",
        {
            "username": username,
            "email": f"{username}@example.org",
            "emailVerified": True,
            "firstName": "Test",
            "lastName": "Téléprocédure",
            "enabled": True,
            "attributes": {
                "portail.account-id": ["4242"],
                "portail.account-login": ["tbn9.test"],
                "portail.account-kind": ["secondary"],
                "portail.identifier": ["73282932000074"],
                "portail.teleprocedures": ["DSN"],
                "portail.tp.dsn": ["mensuelle", "signalement-fin-contrat"],
            },
        },
    )
    admin_rest.put(
        f"{base}/users/{user_id}/reset-password",
        {"type": "password", "value": TEST_PASSWORD, "temporary": False},
    )
    _grant(admin_rest, base, user_id, "tp-dsn")
    yield {"id": user_id, "username": username, "base": base}
    admin_rest.delete(f"{base}/users/{user_id}")


def _grant(admin_rest: Any, base: str, user_id: str, role_name: str) -> None:
    role = admin_rest.get(f"{base}/roles/{role_name}")
    admin_rest.post(f"{base}/users/{user_id}/role-mappings/realm", [role])


def test_subscribed_teleprocedure_gives_its_claims(settings: Settings, subscriber: dict[str, Any]) -> None:
    with Browser() as browser:
        result = login(browser, settings, "openid tp-dsn", subscriber["username"])
    tokens = exchange(settings, result)
    id_token = claims(settings, tokens["id_token"])
    access = claims(settings, tokens["access_token"])
    for token in (id_token, access):
        assert token["account_id"] == "4242"
        assert token["account_login"] == "tbn9.test"
        assert token["account_kind"] == "secondary"
        assert token["account_identifier"] == "73282932000074"
        assert token["teleprocedures"] == ["DSN"]
        assert "tp-dsn" in token["roles"] and "tp-dpae" not in token["roles"]
        assert token["document_types"] == {"DSN": ["mensuelle", "signalement-fin-contrat"]}
    assert set(access["scope"].split()) >= {"openid", "tp-dsn", "portail-account"}
    assert access["azp"] == settings.demo_app_client_id

    userinfo = requests.get(
        f"{settings.realm_issuer}/protocol/openid-connect/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    ).json()
    assert userinfo["document_types"] == {"DSN": ["mensuelle", "signalement-fin-contrat"]}
    assert userinfo["account_kind"] == "secondary"


def test_without_a_teleprocedure_scope_there_are_no_document_types(
    settings: Settings, subscriber: dict[str, Any]
) -> None:
    with Browser() as browser:
        tokens = exchange(settings, login(browser, settings, "openid", subscriber["username"]))
    token = claims(settings, tokens["id_token"])
    assert token["teleprocedures"] == ["DSN"] and "document_types" not in token


def test_unsubscribed_teleprocedure_gets_no_code_until_granted(
    settings: Settings, admin_rest: Any, subscriber: dict[str, Any]
) -> None:
    username = subscriber["username"]
    # A password login asking for DPAE: the form is accepted, then the gate denies access.
    with Browser() as browser:
        assert_denied(login(browser, settings, "openid tp-dpae", username), "DPAE")
    with Browser() as browser:
        assert_denied(login(browser, settings, "openid tp-dsn tp-dpae", username), "DPAE")

    with Browser() as browser:
        # An SSO session (opened for DSN) does not help either, however often the app asks.
        assert exchange(settings, login(browser, settings, "openid tp-dsn", username))
        for _ in range(2):
            assert_denied(login(browser, settings, "openid tp-dpae"), "DPAE")
        # prompt=none runs the same flow: the app gets an error, no code.
        silent = login(browser, settings, "openid tp-dpae", prompt="none")
        assert silent.code is None and silent.location and "error=login_required" in silent.location
        # The session itself survives the refusals: DSN still signs in without a form.
        assert exchange(settings, login(browser, settings, "openid tp-dsn"))

        # The reconciler grants DPAE (role + attributes): the same session now gets DPAE tokens.
        base, user_id = subscriber["base"], subscriber["id"]
        user = admin_rest.get(f"{base}/users/{user_id}")
        user["attributes"].update({"portail.teleprocedures": ["DSN", "DPAE"], "portail.tp.dpae": ["dpae"]})
        admin_rest.put(f"{base}/users/{user_id}", user)
        _grant(admin_rest, base, user_id, "tp-dpae")
        tokens = exchange(settings, login(browser, settings, "openid tp-dsn tp-dpae"))
    access = claims(settings, tokens["access_token"])
    assert {"tp-dsn", "tp-dpae"} <= set(access["roles"])
    assert sorted(access["teleprocedures"]) == ["DPAE", "DSN"]
    assert access["document_types"] == {
        "DSN": ["mensuelle", "signalement-fin-contrat"],
        "DPAE": ["dpae"],
    }
    assert {"tp-dsn", "tp-dpae"} <= set(access["scope"].split())
    id_token = claims(settings, tokens["id_token"])
    assert id_token["document_types"] == access["document_types"]


def test_refusals_in_a_row_do_not_lock_the_user_out(
    settings: Settings, admin_rest: Any, realm: str, subscriber: dict[str, Any]
) -> None:
    """A refusal is not a failed login: more refusals than ``failureFactor``, back to back (quicker
    than ``quickLoginCheckMilliSeconds``), with the password form and with an SSO session, and the
    user still signs in right after; Keycloak's brute-force detection has recorded nothing."""
    username, user_id = subscriber["username"], subscriber["id"]
    brute_force = admin_rest.get(f"admin/realms/{realm}")
    assert brute_force["bruteForceProtected"] is True
    quick_seconds = brute_force["quickLoginCheckMilliSeconds"] / 1000
    refusals = brute_force["failureFactor"] + 1

    refused_at = []
    for _ in range(refusals):
        with Browser() as browser:
            assert_denied(login(browser, settings, "openid tp-dpae", username), "DPAE")
        refused_at.append(time.monotonic())
    with Browser() as browser:
        assert exchange(settings, login(browser, settings, "openid tp-dsn", username))
        for _ in range(refusals):
            assert_denied(login(browser, settings, "openid tp-dpae"), "DPAE")
            refused_at.append(time.monotonic())
    # Some refusals did come quicker than the quick-login check (else this proves nothing).
    assert min(b - a for a, b in pairwise(refused_at)) < quick_seconds

    status = admin_rest.get(f"admin/realms/{realm}/attack-detection/brute-force/users/{user_id}")
    assert status["numFailures"] == 0 and status["disabled"] is False, status
    # The password form right after: not "account temporarily disabled", a code.
    with Browser() as browser:
        assert exchange(settings, login(browser, settings, "openid tp-dsn", username))


def test_the_gate_message_follows_the_locale(settings: Settings, subscriber: dict[str, Any]) -> None:
    with Browser() as browser:
        browser.headers["Accept-Language"] = "en"
        result = login(browser, settings, "openid tp-dpae", subscriber["username"])
    assert result.code is None
    assert "your account is not subscribed to the DPAE teleprocedure" in html.unescape(result.page)


def test_a_revoked_teleprocedure_leaves_the_claims_at_the_next_refresh(
    settings: Settings, admin_rest: Any, subscriber: dict[str, Any]
) -> None:
    """The gate runs at login; a refresh re-reads roles and attributes but keeps the scope string.
    Relying apps therefore decide on ``teleprocedures`` / ``document_types``, never on ``scope``."""
    with Browser() as browser:
        tokens = exchange(settings, login(browser, settings, "openid tp-dsn", subscriber["username"]))
    base, user_id = subscriber["base"], subscriber["id"]
    user = admin_rest.get(f"{base}/users/{user_id}")
    user["attributes"]["portail.teleprocedures"] = []
    user["attributes"].pop("portail.tp.dsn")
    admin_rest.put(f"{base}/users/{user_id}", user)
    admin_rest.delete(f"{base}/users/{user_id}/role-mappings/realm", [admin_rest.get(f"{base}/roles/tp-dsn")])

    response = requests.post(
        f"{settings.realm_issuer}/protocol/openid-connect/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": settings.demo_app_client_id,
            "client_secret": settings.demo_app_client_secret.get_secret_value(),
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    access = claims(settings, response.json()["access_token"])
    assert "tp-dsn" in access["scope"].split()  # what was asked at login
    assert "tp-dsn" not in access["roles"]  # what is granted now
    assert "teleprocedures" not in access and "document_types" not in access
