"""Browser: the themed Keycloak login page, then the demo relying app with a valid ID token."""

from typing import Any

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from provisioner.settings import Settings

pytestmark = [pytest.mark.keycloak, pytest.mark.browser]


def test_demo_user_signs_in_to_the_demo_relying_app(
    page: Any, live_server: str, demo_data: Any, settings: Settings
) -> None:
    page.goto(f"{live_server}/demo-app/")
    page.get_by_test_id("login").click()
    page.wait_for_url(f"{settings.realm_issuer}/**")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Portail Démo" in page.content()  # our theme shows the portal's name
    assert page.locator("link[href*='/portail/']").count() > 0  # served from our theme
    page.fill("#username", "asp1ent")
    page.fill("#password", "Demo2026")
    page.screenshot(path="test-artifacts/login-page.png")
    page.locator("#kc-login").click()
    page.wait_for_url(f"{live_server}/demo-app/")
    assert page.get_by_test_id("username").inner_text() == "asp1ent"

    id_token = (page.get_by_test_id("id-token").text_content() or "").strip()
    jwks = requests.get(f"{settings.realm_issuer}/protocol/openid-connect/certs", timeout=10).json()
    token = jwt.decode(id_token, KeySet.import_key_set(jwks))  # verifies the signature
    registry = jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": settings.realm_issuer},
        aud={"essential": True, "value": settings.demo_app_client_id},
        exp={"essential": True},
    )
    registry.validate(token.claims)
    assert token.claims["preferred_username"] == "asp1ent"


def test_wrong_password_shows_french_error(page: Any, live_server: str, demo_data: Any, settings: Settings) -> None:
    page.goto(f"{live_server}/demo-app/login")
    page.fill("#username", "tbn1.asp1ent")
    page.fill("#password", "Faux2026")
    page.locator("#kc-login").click()
    error = page.locator("#input-error, .kc-feedback-text, [id*='error']").first
    error.wait_for()
    assert "incorrect" in error.inner_text().lower() or "invalide" in error.inner_text().lower()
