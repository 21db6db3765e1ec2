"""OpenID Connect sign-in clients of the provisioner's pages (authlib, authorization code + PKCE):
one per portal, since each portal is its own realm with its own copy of the client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import current_app

from provisioner.settings import Settings
from provisioner.web import state


def register_portal_clients(app: Any, name: str, credentials: Callable[[Settings], tuple[str, str]]) -> None:
    """Register, under ``name``, the client ``credentials(settings)`` (id, secret) of every portal."""
    deployment: Settings = app.extensions["portail.settings"]
    oauth = OAuth(app)
    for realm in deployment.portal_realms:
        settings = deployment.for_portal(realm)
        client_id, secret = credentials(settings)
        oauth.register(
            name=realm,
            client_id=client_id,
            client_secret=secret,
            server_metadata_url=f"{settings.realm_issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"},
        )
    app.extensions[name] = oauth


def portal_client(name: str) -> Any:
    """The client registered under ``name`` for this request's portal."""
    return current_app.extensions[name].create_client(state.portal())
