"""The administration UI (server-rendered): account administrators manage their own account and its
secondary accounts; portal operators find any account. Views parse, call a service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from provisioner.accounts import services
from provisioner.accounts.actors import Actor
from provisioner.accounts.api import commit_and_sync
from provisioner.admin import auth
from provisioner.portals import load_portal
from provisioner.settings import Settings
from provisioner.web import db_session

bp = Blueprint("admin", __name__, template_folder="templates")

STATUSES = ("requested", "validated", "open", "closed")
PER_PAGE = 20


@bp.record_once
def _register(state: Any) -> None:
    auth.register(state.app)


def _settings() -> Settings:
    return current_app.extensions["portail.settings"]  # type: ignore[no-any-return]


def _ctx(actor: Actor) -> services.Context:
    settings = _settings()
    return services.Context(db_session(), load_portal(settings.keycloak_config_dir, settings.keycloak_realm), actor)


def _local(target: str | None) -> str | None:
    """Only a path of this site may be a post-login destination (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


# -- signing in and out ------------------------------------------------------------------------
@bp.get("/")
def home() -> ResponseReturnValue:
    if auth.ui_actor() is not None:
        return redirect(url_for("admin.accounts"))
    session["ui_next"] = _local(request.args.get("next"))
    return render_template("admin/home.html")


@bp.get("/connexion")
def login() -> ResponseReturnValue:
    return auth.client().authorize_redirect(f"{_settings().public_url}/connexion/retour")  # type: ignore[no-any-return]


@bp.get("/connexion/retour")
def callback() -> ResponseReturnValue:
    token = auth.client().authorize_access_token()  # state, PKCE, ID token signature, audience, nonce
    auth.sign_in(dict(token["userinfo"]), token["id_token"])
    return redirect(_local(session.pop("ui_next", None)) or url_for("admin.accounts"))


@bp.post("/deconnexion")
def logout() -> ResponseReturnValue:
    id_token = auth.sign_out()
    settings = _settings()
    query = {"client_id": settings.admin_ui_client_id, "post_logout_redirect_uri": f"{settings.public_url}/"}
    if id_token:
        query["id_token_hint"] = id_token
    return redirect(f"{settings.realm_issuer}/protocol/openid-connect/logout?{urlencode(query)}")


# -- accounts --------------------------------------------------------------------------------------
@bp.get("/comptes")
@auth.login_required
def accounts(actor: Actor) -> ResponseReturnValue:
    if not actor.operator:
        assert actor.principal_id is not None
        target = actor.principal_id if actor.administrator else actor.account_id
        return redirect(url_for("admin.account", account_id=target))
    ctx = _ctx(actor)
    filters = {
        "q": request.args.get("q", "").strip(),
        "status": request.args.get("status", "") if request.args.get("status") in STATUSES else "",
        "kind": request.args.get("kind", "") if request.args.get("kind") in ("principal", "secondary") else "",
    }
    page = services.list_accounts(
        ctx,
        q=filters["q"] or None,
        status=filters["status"] or None,
        kind=filters["kind"] or None,
        page=_page_number(),
        per_page=PER_PAGE,
    )
    return render_template("admin/accounts.html", page=page, filters=filters, statuses=STATUSES, actor=actor)


@bp.get("/comptes/<int:account_id>")
@auth.login_required
def account(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = _ctx(actor)
    account = services.get_account(ctx, account_id)
    secondaries = None
    filters = {"q": request.args.get("q", "").strip(), "status": ""}
    if account.kind == "principal" and actor.may_see(account.id):
        if request.args.get("status") in ("open", "closed"):
            filters["status"] = request.args["status"]
        secondaries = services.list_accounts(
            ctx,
            q=filters["q"] or None,
            status=filters["status"] or None,
            parent_id=account.id,
            page=_page_number(),
            per_page=PER_PAGE,
        )
    with_mailbox = sum(1 for s in account.secondaries if s.has_mailbox) if account.kind == "principal" else 0
    return render_template(
        "admin/account.html",
        account=account,
        secondaries=secondaries,
        filters=filters,
        with_mailbox=with_mailbox,
        catalogue=ctx.catalogue.teleprocedures,
        actor=actor,
        may_manage=actor.operator or (actor.administrator and actor.principal_id == account.principal_id),
    )


def _set_active(actor: Actor, account_id: int, active: bool) -> ResponseReturnValue:
    ctx = _ctx(actor)
    account = services.get_account(ctx, account_id)
    services.set_active(ctx, account, active)
    sync = commit_and_sync()
    if active:
        flash(_("Le compte %(login)s est réactivé.", login=account.login), "success")
    else:
        flash(
            _(
                "Le compte %(login)s est désactivé : ses utilisateurs ne peuvent plus se connecter.",
                login=account.login,
            ),
            "success",
        )
    if sync["status"] != "applied":
        flash(
            _(
                "Keycloak n'a pas encore pu être mis à jour ; la modification est enregistrée et sera appliquée dès que possible."
            ),
            "warning",
        )
    back = _local(request.form.get("back")) or url_for("admin.account", account_id=account.principal_id)
    return redirect(back)


@bp.post("/comptes/<int:account_id>/desactiver")
@auth.login_required
def deactivate(actor: Actor, account_id: int) -> ResponseReturnValue:
    return _set_active(actor, account_id, False)


@bp.post("/comptes/<int:account_id>/reactiver")
@auth.login_required
def reactivate(actor: Actor, account_id: int) -> ResponseReturnValue:
    return _set_active(actor, account_id, True)
