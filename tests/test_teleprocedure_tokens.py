"""Teleprocedure scopes end to end: a real authorization-code login (PKCE) on the real Keycloak.

The user is set up as the provisioner's reconciler does (attributes ``portail.*`` and direct realm
roles ``tp-<code>``); the relying app is ``portail-demo-app``. Asking for a teleprocedure scope the
user is not subscribed to must give no code at all, also through an existing SSO session, and must
not count as a failed login: refusals never lock the user out (``portail-deny-teleprocedure``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from provisioner.settings import Settings

pytestmark = pytest.mark.keycloak

PASSWORD = "Test2026"


class Browser(requests.Session):
    """Cookies as a browser keeps them: Keycloak marks its cookies ``Secure``, and browsers still
    send those to http://localhost (a trustworthy origin); ``requests`` would not."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)


@dataclass
class Login:
    """Where a login attempt ended: a code for the app, or a page Keycloak kept the browser on."""

    code: str | None
    status: int
    page: str
    location: str | None = None
    verifier: str = ""
    redirect_uri: str = ""


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
        {"type": "password", "value": PASSWORD, "temporary": False},
    )
    _grant(admin_rest, base, user_id, "tp-dsn")
    yield {"id": user_id, "username": username, "base": base}
    admin_rest.delete(f"{base}/users/{user_id}")


def _grant(admin_rest: Any, base: str, user_id: str, role_name: str) -> None:
    role = admin_rest.get(f"{base}/roles/{role_name}")
    admin_rest.post(f"{base}/users/{user_id}/role-mappings/realm", [role])


def _authorize(browser: Browser, settings: Settings, scope: str, **extra: str) -> tuple[requests.Response, str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect_uri = f"{settings.public_url}/demo-app/callback"
    response = browser.get(
        f"{settings.realm_issuer}/protocol/openid-connect/auth",
        params={
            "client_id": settings.demo_app_client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": secrets.token_urlsafe(16),
            "nonce": secrets.token_urlsafe(16),
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            **extra,
        },
        allow_redirects=False,
        timeout=10,
    )
    return response, verifier, redirect_uri


def _ended(response: requests.Response, verifier: str, redirect_uri: str) -> Login:
    location = response.headers.get("Location")
    if response.status_code in (302, 303) and location and location.startswith(redirect_uri):
        query = parse_qs(urlsplit(location).query)
        code = query.get("code", [None])[0]
        return Login(code, response.status_code, response.text, location, verifier, redirect_uri)
    return Login(None, response.status_code, response.text, location, verifier, redirect_uri)


def login(browser: Browser, settings: Settings, scope: str, username: str | None = None, **extra: str) -> Login:
    """Drive Keycloak's login page like a browser; ``username=None``: the SSO cookie must do."""
    response, verifier, redirect_uri = _authorize(browser, settings, scope, **extra)
    if response.status_code == 200 and username is not None:
        form = re.search(r'<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"', response.text)
        assert form, "no login form on the page"
        response = browser.post(
            html.unescape(form.group(1)),
            data={"username": username, "password": PASSWORD, "credentialId": ""},
            allow_redirects=False,
            timeout=10,
        )
    # Keycloak may hop through its own URLs (e.g. after required actions) before the app's redirect.
    hops = 0
    while response.status_code in (302, 303) and not response.headers["Location"].startswith(redirect_uri):
        hops += 1
        assert hops < 5, "redirect loop"
        response = browser.get(urljoin(response.url, response.headers["Location"]), allow_redirects=False, timeout=10)
    return _ended(response, verifier, redirect_uri)


def exchange(settings: Settings, result: Login) -> dict[str, Any]:
    assert result.code, f"no code: {result.status} {result.location} {result.page[:300]}"
    response = requests.post(
        f"{settings.realm_issuer}/protocol/openid-connect/token",
        data={
            "grant_type": "authorization_code",
            "code": result.code,
            "redirect_uri": result.redirect_uri,
            "code_verifier": result.verifier,
            "client_id": settings.demo_app_client_id,
            "client_secret": settings.demo_app_client_secret.get_secret_value(),
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def claims(settings: Settings, token: str) -> dict[str, Any]:
    jwks = requests.get(f"{settings.realm_issuer}/protocol/openid-connect/certs", timeout=10).json()
    decoded: dict[str, Any] = jwt.decode(token, KeySet.import_key_set(jwks)).claims  # checks the signature
    return decoded


def assert_denied(result: Login, code: str) -> None:
    assert result.code is None
    assert result.location is None or "code=" not in result.location
    # 403 from portail-deny-teleprocedure (Keycloak's own deny-access answers 401).
    assert result.status == 403, (result.status, result.location)
    page = html.unescape(result.page)
    assert f"votre compte n’est pas habilité à la téléprocédure {code}" in page, page[-1500:]


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
