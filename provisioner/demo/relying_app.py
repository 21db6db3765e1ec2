"""A demo relying application (dev mode only) at ``/demo-app/``.

It signs users in with OIDC authorization code + PKCE against the realm of the portal whose address
it is asked at (each portal has its demo client), exactly as a declaration application would, and
shows the validated ID token's claims.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Blueprint, current_app, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue

from provisioner.settings import Settings
from provisioner.web import state

bp = Blueprint("demo_app", __name__, url_prefix="/demo-app", template_folder="templates")


@bp.record_once
def _register_clients(setup: Any) -> None:
    deployment: Settings = setup.app.extensions["portail.settings"]
    oauth = OAuth(setup.app)
    for realm in deployment.portal_realms:
        settings = deployment.for_portal(realm)
        oauth.register(
            name=realm,
            client_id=settings.demo_app_client_id,
            client_secret=settings.demo_app_client_secret.get_secret_value(),
            server_metadata_url=f"{settings.realm_issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"},
        )
    setup.app.extensions["portail.demo_oauth"] = oauth


def _client() -> Any:
    return current_app.extensions["portail.demo_oauth"].create_client(state.portal())


@bp.get("/")
def home() -> ResponseReturnValue:
    return render_template("demo/app.html", claims=session.get("demo_claims"), id_token=session.get("demo_id_token"))


@bp.get("/login")
def login() -> ResponseReturnValue:
    return _client().authorize_redirect(f"{state.settings().public_url}/demo-app/callback")


@bp.get("/callback")
def callback() -> ResponseReturnValue:
    token = _client().authorize_access_token()  # checks state, PKCE, ID token signature and nonce
    session["demo_claims"] = dict(token["userinfo"])
    session["demo_id_token"] = token["id_token"]
    return redirect(url_for("demo_app.home"))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    session.pop("demo_claims", None)
    session.pop("demo_id_token", None)
    return redirect(url_for("demo_app.home"))
