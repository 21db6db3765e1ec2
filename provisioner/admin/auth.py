"""Signing in to the administration UI: OpenID Connect (authorization code + PKCE, authlib) with
each portal's ``portail-admin-ui`` client (one per realm). The session it opens is
``provisioner.web.ui``'s."""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import current_app

from provisioner.settings import Settings
from provisioner.web import state


def register(app: Any) -> None:
    deployment: Settings = app.extensions["portail.settings"]
    oauth = OAuth(app)
    for realm in deployment.portal_realms:
        settings = deployment.for_portal(realm)
        oauth.register(
            name=realm,
            client_id=settings.admin_ui_client_id,
            client_secret=settings.admin_ui_client_secret.get_secret_value(),
            server_metadata_url=f"{settings.realm_issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"},
        )
    app.extensions["portail.admin_oauth"] = oauth


def client() -> Any:
    """The sign-in client of this request's portal."""
    return current_app.extensions["portail.admin_oauth"].create_client(state.portal())
