"""A demo relying application (dev mode only) at ``/demo-app/``.

It signs users in with OIDC authorization code + PKCE against the realm of the portal whose address
it is asked at (each portal has its demo client), exactly as a declaration application would, and
shows the validated ID token's claims.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue

from provisioner.web import state
from provisioner.web.oidc import portal_client, register_portal_clients

bp = Blueprint("demo_app", __name__, url_prefix="/demo-app", template_folder="templates")


CLIENTS = "portail.demo_oauth"


@bp.record_once
def _register_clients(setup: Any) -> None:
    register_portal_clients(
        setup.app,
        CLIENTS,
        lambda settings: (settings.demo_app_client_id, settings.demo_app_client_secret.get_secret_value()),
    )


def _client() -> Any:
    return portal_client(CLIENTS)


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
