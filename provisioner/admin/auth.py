"""Signing in to the administration UI: OpenID Connect (authorization code + PKCE, authlib) with
the realm's ``portail-admin-ui`` client. The session it opens is ``provisioner.web.ui``'s."""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import current_app

from provisioner.settings import Settings


def register(app: Any) -> None:
    settings: Settings = app.extensions["portail.settings"]
    oauth = OAuth(app)
    oauth.register(
        name="portail_admin",
        client_id=settings.admin_ui_client_id,
        client_secret=settings.admin_ui_client_secret.get_secret_value(),
        server_metadata_url=f"{settings.realm_issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"},
    )
    app.extensions["portail.admin_oauth"] = oauth


def client() -> Any:
    return current_app.extensions["portail.admin_oauth"].portail_admin
