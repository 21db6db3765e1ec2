"""The administration UI's door: the home page, signing in (OpenID Connect with the realm's
``portail-admin-ui`` client) and out. The features' pages (``accounts``, ``people``, ``phone``…)
render this package's layout and macros (``admin/_form.html``, ``_pager.html``, ``_status.html``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from provisioner.admin import auth
from provisioner.admin.models import EndedSession
from provisioner.db import utcnow
from provisioner.portals import load_portal
from provisioner.web import ui
from provisioner.web.menu import account_menu
from provisioner.web.state import database, settings
from provisioner.web.tokens import Unauthorized, logout_claims

bp = Blueprint("admin", __name__, template_folder="templates")
START = "accounts.accounts"  # where a signed-in user lands


@bp.record_once
def _register(state: Any) -> None:
    auth.register(state.app)
    state.app.add_template_global(ui.pager_args, "pager_args")
    state.app.add_template_global(account_menu, "account_menu")
    state.app.extensions["portail.session_ended"] = _session_ended


def _session_ended(sid: str) -> bool:
    with database().read_sessions() as session:
        return session.get(EndedSession, sid) is not None


@bp.get("/")
def home() -> ResponseReturnValue:
    if ui.ui_actor() is not None:
        return redirect(url_for(START))
    session["ui_next"] = ui.local(request.args.get("next"))
    config = settings()
    portal = load_portal(config.keycloak_config_dir, config.keycloak_realm)
    return render_template("admin/home.html", firms_register=portal.registration.firms != "off")


@bp.get("/connexion")
def login() -> ResponseReturnValue:
    """To Keycloak's login; ``login_hint`` (e.g. from the end of a registration) fills the identifier."""
    hint = request.args.get("login_hint", "")
    extra = {"login_hint": hint} if hint and len(hint) <= 255 and hint.isprintable() else {}
    return auth.client().authorize_redirect(f"{settings().public_url}/connexion/retour", **extra)  # type: ignore[no-any-return]


@bp.get("/connexion/retour")
def callback() -> ResponseReturnValue:
    try:
        token = auth.client().authorize_access_token()  # state, PKCE, ID token signature, audience, nonce
    except OAuthError:  # cancelled at Keycloak, a replayed or stale callback
        flash(_("La connexion n'a pas abouti ; recommencez."), "warning")
        return redirect(url_for("admin.home"))
    target = ui.local(session.pop("ui_next", None))
    ui.sign_in(dict(token["userinfo"]), token["id_token"])
    # Back from an action Keycloak ran for us (the "Mot de passe" entry): say how it ended.
    action = request.args.get("kc_action_status")
    if action == "success":
        flash(_("Votre mot de passe est modifié."), "success")
    elif action in ("cancelled", "error"):
        flash(_("Votre mot de passe n'a pas été modifié."), "warning")
    return redirect(target or url_for(START))


@bp.get("/mot-de-passe")
def change_password() -> ResponseReturnValue:
    """Change one's own password: Keycloak's update-password page (an application-initiated
    action: Keycloak may ask for the current password and the SMS code again first), then back to
    the page the person came from."""
    if ui.ui_actor() is None:
        return redirect(url_for("admin.home"))
    session["ui_next"] = ui.local(request.args.get("next")) or url_for(START)
    return auth.client().authorize_redirect(  # type: ignore[no-any-return]
        f"{settings().public_url}/connexion/retour", kc_action="UPDATE_PASSWORD"
    )


@bp.post("/deconnexion")
def logout() -> ResponseReturnValue:
    id_token = ui.sign_out()
    config = settings()
    query = {"client_id": config.admin_ui_client_id, "post_logout_redirect_uri": f"{config.public_url}/"}
    if id_token:
        query["id_token_hint"] = id_token
    return redirect(f"{config.realm_issuer}/protocol/openid-connect/logout?{urlencode(query)}")


@bp.post("/deconnexion/keycloak")
def backchannel_logout() -> ResponseReturnValue:
    """OpenID Connect back-channel logout: Keycloak says a session ended (signed out elsewhere,
    ended by an administrator); the administration session opened with it ends at its next request."""
    try:
        claims = logout_claims(request.form.get("logout_token", ""), settings(), settings().admin_ui_client_id)
    except Unauthorized as exc:
        return {"error": "invalid_request", "error_description": exc.message}, 400
    with database().session() as session:
        session.query(EndedSession).filter(
            EndedSession.ended_at < utcnow() - timedelta(seconds=ui.MAX_SECONDS)
        ).delete()
        session.merge(EndedSession(sid=str(claims["sid"])))
    return "", 200, {"Cache-Control": "no-store"}
