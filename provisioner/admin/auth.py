"""Signing in to the administration UI: OpenID Connect (authorization code + PKCE, authlib) with
each portal's ``portail-admin-ui`` client (one per realm). The session it opens is
``provisioner.web.ui``'s."""

from __future__ import annotations

from typing import Any

from provisioner.web.oidc import portal_client, register_portal_clients

CLIENTS = "portail.admin_oauth"


def register(app: Any) -> None:
    register_portal_clients(
        app, CLIENTS, lambda settings: (settings.admin_ui_client_id, settings.admin_ui_client_secret.get_secret_value())
    )


def client() -> Any:
    """The sign-in client of this request's portal."""
    return portal_client(CLIENTS)
