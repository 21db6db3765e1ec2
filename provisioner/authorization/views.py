"""« Échéances à couvrir »: a firm's establishments whose monthly deadline is near, and who may
file for each; those nobody may file for first, with why (no active mandate covering the
teleprocedure, or no collaborator it is delegated to)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from provisioner.actors import Actor
from provisioner.authorization import services
from provisioner.db import utcnow
from provisioner.portfolios import services as portfolios
from provisioner.portfolios.views import is_firm_page
from provisioner.web.api import portal_context
from provisioner.web.menu import MenuEntry, add_account_entry
from provisioner.web.ui import login_required

bp = Blueprint("coverage", __name__, template_folder="templates")

REASONS = {
    "no_active_mandate": _l("aucun mandat actif ne couvre cette téléprocédure"),
    "no_filer": _l("aucun collaborateur n'en est chargé (profils de délégation)"),
}


@bp.record_once
def _register(state: Any) -> None:
    add_account_entry(
        state.app, MenuEntry(_l("Échéances à couvrir"), "coverage.deadlines", "deadlines-link", is_firm_page, 43)
    )


@bp.get("/comptes/<int:account_id>/echeances")
@login_required
def deadlines(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    firm = portfolios.firm(ctx, account_id)
    codes = sorted(firm.selection)
    code = request.args.get("teleprocedure", "DSN" if "DSN" in codes else (codes[0] if codes else "DSN"))
    days = request.args.get("days", 7, type=int)
    days = days if days is not None and 0 <= days <= 62 else 7
    lines = (
        services.deadline_coverage(ctx.session, ctx.portal, firm, code, days, utcnow().date()) if code in codes else []
    )
    return render_template(
        "authorization/deadlines.html",
        account=firm,
        lines=lines,
        codes=codes,
        filters={"teleprocedure": code, "days": days},
        reasons=REASONS,
        uncovered=sum(1 for line in lines if not line.filers),
    )
