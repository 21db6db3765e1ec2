"""« Paramètres de délégation » (seeds 002, 003): a firm's administrator names profiles (some
teleprocedures, some establishments of the portfolio or all of it) and gives them to
collaborators, who then act for clients only within them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields import SelectChoice

from provisioner.actors import Actor
from provisioner.delegations import forms, services
from provisioner.delegations.models import DelegationProfile
from provisioner.delegations.schemas import ProfileIn, ProfilePatch
from provisioner.portfolios.views import is_firm_page
from provisioner.schemas import parse
from provisioner.web.api import portal_context
from provisioner.web.menu import MenuEntry, add_account_entry
from provisioner.web.ui import add_rule_messages, after_change, attempt, attempt_on, form_status, login_required

bp = Blueprint("delegations", __name__, template_folder="templates")

add_rule_messages(
    {
        "profile_name_taken": _l("Un profil porte déjà ce nom : choisissez-en un autre."),
        "not_a_collaborator": _l("Ces personnes ne sont pas des collaborateurs du cabinet."),
    }
)


@bp.record_once
def _register(state: Any) -> None:
    add_account_entry(
        state.app,
        MenuEntry(_l("Paramètres de délégation"), "delegations.profiles", "delegation-link", is_firm_page, 42),
    )


@bp.get("/comptes/<int:account_id>/delegation")
@login_required
def profiles(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    account = services.firm(ctx, account_id)
    return render_template("delegations/profiles.html", account=account, profiles=services.list_profiles(ctx, account))


def _profile_page(actor: Actor, account_id: int, profile: DelegationProfile | None) -> ResponseReturnValue:
    ctx = portal_context(actor)
    account = services.firm(ctx, account_id)
    form = forms.ProfileForm()
    if request.method == "GET" and profile is not None:
        form.name.data = profile.name
        form.teleprocedures.data = list(profile.teleprocedures)
        form.whole_portfolio.data = profile.whole_portfolio
        form.establishments.data = "\n".join(sorted(e.identifier for e in profile.establishments))
        form.members.data = [p.id for p in profile.members]
    form.teleprocedures.choices = [SelectChoice(code, code) for code in sorted(account.selection)]
    people = services.collaborators(ctx, account)
    form.members.choices = [SelectChoice(p.id, f"{p.last_name}, {p.first_name} ({p.email})") for p in people]
    error = None
    if form.validate_on_submit():

        def save() -> DelegationProfile:
            ids = services.establishment_ids(ctx, account.id, (form.establishments.data or "").splitlines())
            body = {
                "name": form.name.data,
                "teleprocedures": list(form.teleprocedures.data or []),
                "whole_portfolio": bool(form.whole_portfolio.data),
                "establishment_ids": ids,
                "member_ids": list(form.members.data or []),
            }
            if profile is None:
                return services.create(ctx, account, parse(ProfileIn, body))
            return services.update(ctx, profile, parse(ProfilePatch, body))

        fields = {"profile_name_taken": "name", "not_a_collaborator": "members", "not_in_portfolio": "establishments"}
        saved, error = attempt_on(form, save, fields)
        if saved is not None:
            after_change(_("Le profil « %(name)s » est enregistré.", name=saved.name))
            return redirect(url_for("delegations.profiles", account_id=account.id))
    page = render_template("delegations/profile.html", account=account, form=form, error=error, profile=profile)
    return page, form_status(error, form)


@bp.route("/comptes/<int:account_id>/delegation/nouveau", methods=["GET", "POST"])
@login_required
def new_profile(actor: Actor, account_id: int) -> ResponseReturnValue:
    return _profile_page(actor, account_id, None)


@bp.route("/delegation/<int:profile_id>", methods=["GET", "POST"])
@login_required
def edit_profile(actor: Actor, profile_id: int) -> ResponseReturnValue:
    profile = services.get_profile(portal_context(actor), profile_id)
    return _profile_page(actor, profile.firm_id, profile)


@bp.post("/delegation/<int:profile_id>/supprimer")
@login_required
def delete_profile(actor: Actor, profile_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    profile = services.get_profile(ctx, profile_id)
    firm_id, name = profile.firm_id, profile.name
    error = attempt(lambda: services.delete(ctx, profile))[1]
    if error:
        flash(error, "warning")
    else:
        after_change(
            _("Le profil « %(name)s » est supprimé : ses collaborateurs perdent ce qu'il leur donnait.", name=name)
        )
    return redirect(url_for("delegations.profiles", account_id=firm_id))
