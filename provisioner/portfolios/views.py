"""« Mon portefeuille » (seed 003): a firm's establishments with search and a state filter
(« à compléter » / « complet »), added by hand, completed, removed; those a filing or a mandate
brought in are « à compléter » until their administrator completes them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from provisioner.actors import Actor
from provisioner.portfolios import forms, services
from provisioner.portfolios.models import BY_FILING, BY_HAND, BY_MANDATE
from provisioner.portfolios.schemas import EstablishmentIn, EstablishmentPatch, PortfolioQuery
from provisioner.schemas import parse
from provisioner.web.api import portal_context
from provisioner.web.menu import MenuEntry, add_account_entry
from provisioner.web.ui import (
    add_rule_messages,
    after_change,
    attempt,
    attempt_on,
    form_status,
    login_required,
    page_number,
)

bp = Blueprint("portfolios", __name__, template_folder="templates")

SOURCES = {BY_HAND: _l("saisi"), BY_FILING: _l("déclaration"), BY_MANDATE: _l("mandat")}
add_rule_messages(
    {
        "already_in_portfolio": _l("Cet établissement est déjà dans le portefeuille."),
        "not_a_firm": _l("Seul le compte principal d'un cabinet a un portefeuille."),
        "invalid_siret": _l("SIRET invalide : 14 chiffres, clé de Luhn (exemple : 732 829 320 00074)."),
    }
)


IDENTIFIER_ERRORS = {
    "invalid_siret": "identifier",
    "invalid_siren": "identifier",
    "invalid_uid": "identifier",
    "already_in_portfolio": "identifier",
}


def is_firm_page(account: Any, actor: Any) -> bool:
    return bool(services.is_firm(account) and actor.administers(account.id))


@bp.record_once
def _register(state: Any) -> None:
    add_account_entry(
        state.app, MenuEntry(_l("Mon portefeuille"), "portfolios.portfolio", "portfolio-link", is_firm_page, 40)
    )


@bp.get("/comptes/<int:account_id>/portefeuille")
@login_required
def portfolio(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    account = services.firm(ctx, account_id)
    state = request.args.get("state") if request.args.get("state") in ("to_complete", "complete") else None
    q = request.args.get("q", "").strip()[:64]
    page = services.list_portfolio(
        ctx,
        account,
        PortfolioQuery.model_validate({"q": q or None, "state": state, "page": page_number()}),
    )
    return render_template(
        "portfolios/portfolio.html", account=account, page=page, filters={"q": q, "state": state}, sources=SOURCES
    )


@bp.route("/comptes/<int:account_id>/portefeuille/nouveau", methods=["GET", "POST"])
@login_required
def add(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    account = services.firm(ctx, account_id)
    form = forms.EstablishmentForm()
    error = None
    if form.validate_on_submit():
        data = {
            "identifier": form.identifier.data.strip() or "-",
            "company_name": form.company_name.data or None,
            "partner_group": form.partner_group.data or None,
            "monthly_deadline": form.monthly_deadline.data,
            "seeding_requested": bool(form.seeding_requested.data),
        }
        entry, error = attempt_on(
            form, lambda: services.add(ctx, account, parse(EstablishmentIn, data)), IDENTIFIER_ERRORS
        )
        if entry is not None:
            after_change(_("%(siret)s est ajouté au portefeuille.", siret=entry.identifier))
            return redirect(url_for("portfolios.portfolio", account_id=account.id))
    page = render_template("portfolios/establishment.html", account=account, form=form, error=error, entry=None)
    return page, form_status(error, form)


@bp.route("/portefeuille/<int:establishment_id>", methods=["GET", "POST"])
@login_required
def edit(actor: Actor, establishment_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    entry = services.get_establishment(ctx, establishment_id)
    account = services.firm(ctx, entry.firm_id)
    form = forms.EstablishmentEditForm(obj=entry if request.method == "GET" else None)
    error = None
    if form.validate_on_submit():
        patch = {
            "company_name": form.company_name.data or None,
            "partner_group": form.partner_group.data or None,
            "monthly_deadline": form.monthly_deadline.data,
            "seeding_requested": bool(form.seeding_requested.data),
        }
        saved, error = attempt_on(form, lambda: services.update(ctx, entry, parse(EstablishmentPatch, patch)))
        if saved is not None:
            after_change(_("%(siret)s est enregistré.", siret=entry.identifier))
            return redirect(url_for("portfolios.portfolio", account_id=account.id))
    page = render_template("portfolios/establishment.html", account=account, form=form, error=error, entry=entry)
    return page, form_status(error, form)


@bp.post("/portefeuille/<int:establishment_id>/supprimer")
@login_required
def remove(actor: Actor, establishment_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    entry = services.get_establishment(ctx, establishment_id)
    firm_id, siret = entry.firm_id, entry.identifier
    error = attempt(lambda: services.remove(ctx, entry))[1]
    if error:
        flash(error, "warning")
    else:
        after_change(_("%(siret)s est retiré du portefeuille (il peut y revenir à tout moment).", siret=siret))
    return redirect(url_for("portfolios.portfolio", account_id=firm_id))
