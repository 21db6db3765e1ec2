"""Signing in to the administration UI: OpenID Connect (authorization code + PKCE, authlib) with
the realm's ``portail-admin-ui`` client. The session keeps who signed in; what they may do is
worked out again on every request from the database (a disabled person loses access at once)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from authlib.integrations.flask_client import OAuth
from flask import current_app, redirect, request, session, url_for
from flask_babel import gettext as _

from provisioner.accounts.actors import Actor
from provisioner.apiauth import actor_for
from provisioner.errors import Forbidden
from provisioner.settings import Settings

IDLE_SECONDS = 30 * 60  # an unattended administration session ends after 30 minutes
MAX_SECONDS = 8 * 3600  # and any after 8 hours: roles and rights are read again at the next sign-in
F = TypeVar("F", bound=Callable[..., Any])


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


def sign_in(claims: dict[str, Any], id_token: str) -> None:
    kept = {key: session[key] for key in ("lang",) if key in session}
    session.clear()  # a new session: nothing of the previous one (CSRF token included) carries over
    session.update(kept)
    now = time.time()
    session["ui"] = {
        "username": str(claims.get("preferred_username", "")),
        "name": str(claims.get("name") or claims.get("preferred_username", "")),
        "roles": sorted(claims.get("roles", [])),
        "since": now,
        "seen": now,
    }
    session["ui_id_token"] = id_token


def sign_out() -> str | None:
    id_token = session.pop("ui_id_token", None)
    kept = {key: session[key] for key in ("lang",) if key in session}
    session.clear()
    session.update(kept)
    return id_token  # type: ignore[no-any-return]


def ui_actor() -> Actor | None:
    """The signed-in administrator or operator, or None (not signed in, or idle too long)."""
    user = session.get("ui")
    if not user:
        return None
    now = time.time()
    if now - float(user.get("seen", 0)) > IDLE_SECONDS or now - float(user.get("since", 0)) > MAX_SECONDS:
        sign_out()
        return None
    user["seen"] = now
    session.modified = True
    return actor_for(user["username"], set(user.get("roles", [])))


def login_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        actor = ui_actor()
        if actor is None:
            target = request.full_path if request.method == "GET" else None  # a form post is not replayed
            return redirect(url_for("admin.home", next=target))
        if not actor.operator and actor.principal_id is None:
            raise Forbidden(
                _("Votre identifiant ne donne accès à aucun compte à administrer."), code="nothing_to_administer"
            )
        return view(actor, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
