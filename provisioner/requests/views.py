"""The public page "Envoyer un courrier électronique aux administrateurs de votre établissement"
(linked from the portal's login and reset pages) and the administrators' queue « Déclarants en
attente de modification de mot de passe / adresse mail »."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from provisioner.accounts import services as accounts
from provisioner.accounts.views import principal_to_manage
from provisioner.actors import Actor
from provisioner.db import utcnow
from provisioner.errors import RateLimited
from provisioner.requests import forms, services
from provisioner.web.api import portal_context
from provisioner.web.menu import MenuEntry, add_account_entry
from provisioner.web.state import db_session, rollback, settings
from provisioner.web.ui import add_rule_messages, after_change, attempt, form_status, login_required

bp = Blueprint("requests", __name__, template_folder="templates")

add_rule_messages(
    {
        "request_handled": _l("Cette demande a déjà été traitée."),
        "request_expired": _l("Cette demande a expiré : la personne peut en envoyer une nouvelle."),
        "nothing_to_do": _l(
            "Choisissez au moins une action : modifier l'adresse e-mail ou réinitialiser le mot de passe."
        ),
    }
)


@bp.record_once
def _register(state: Any) -> None:
    entry = MenuEntry(
        _l("Déclarants en attente de modification de mot de passe / adresse mail"),
        "requests.queue",
        "requests-link",
        lambda account, actor: account.kind == "principal",
        40,
    )
    add_account_entry(state.app, entry)


@bp.route("/demande-administrateurs", methods=["GET", "POST"])
def ask() -> ResponseReturnValue:
    """Anyone: the portal's identifiers only; the same answer whether or not they designate
    someone (the e-mail to the administrators leaves with the sync worker, not in this request)."""
    ctx = portal_context(Actor(name="demande publique"))
    scheme = ctx.portal.login_scheme
    form = forms.AskForm()
    shown = form.shown(scheme)
    error = None
    if form.validate_on_submit():
        empty = [name for name in shown if not (getattr(form, name).data or "").strip()]
        for name in empty:
            getattr(form, name).errors.append(_("Ce champ est obligatoire."))
        if not empty:
            typed = services.Identifiers(**{name: getattr(form, name).data or "" for name in shown})
            try:
                services.submit(ctx, settings(), typed, request.remote_addr or "")
            except RateLimited:
                rollback()
                error = _("Trop de demandes depuis cette adresse : réessayez dans une heure.")
            else:
                db_session().commit()
                return redirect(url_for("requests.asked"))
    page = render_template("requests/ask.html", form=form, shown=shown, error=error, portal=ctx.portal)
    return page, 429 if error else form_status(None, form)


@bp.get("/demande-administrateurs/envoyee")
def asked() -> ResponseReturnValue:
    ctx = portal_context(Actor(name="demande publique"))
    return render_template("requests/asked.html", portal=ctx.portal, days=settings().admin_request_days)


@bp.get("/comptes/<int:account_id>/demandes")
@login_required
def queue(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx, principal = principal_to_manage(actor, account_id)
    listed = services.waiting(ctx, principal)
    form = forms.HandleForm()
    return render_template(
        "requests/queue.html", account=principal, requests=listed, now=utcnow(), form=form, blank=form
    )


@bp.post("/demandes/<int:request_id>")
@login_required
def handle(actor: Actor, request_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    asked_for = services.get_request(ctx, request_id)
    principal = accounts.get_account(ctx, asked_for.principal_id or 0)
    form = forms.HandleForm()
    error = None
    if form.validate_on_submit():
        email = (form.email.data or "").strip() or None
        done, error = attempt(lambda: services.handle(ctx, asked_for, new_email=email, reset=bool(form.reset.data)))
        if error is None:
            after_change(_("Demande traitée : %(done)s.", done=done))
            return redirect(url_for("requests.queue", account_id=principal.id))
    listed = services.waiting(ctx, principal)
    page = render_template(
        "requests/queue.html",
        account=principal,
        requests=listed,
        now=utcnow(),
        form=form,
        error=error,
        failed=request_id,
        blank=forms.HandleForm(formdata=None),
    )
    return page, form_status(error, form)
