"""The people pages (rules 11 to 13, 22): an account's users with filters, PDF and Excel exports,
lock-outs; inviting a collaborator; a user's detail; disabling, reactivating, unlocking; a new
link to choose a password."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from provisioner.accounts import services as accounts
from provisioner.accounts.models import Person
from provisioner.accounts.views import principal_to_manage
from provisioner.actors import Actor
from provisioner.authorization import services as authorization
from provisioner.errors import UpstreamUnavailable
from provisioner.keycloak.gateway import KeycloakApiError
from provisioner.people import exports, forms, lockout, services
from provisioner.people.schemas import CollaboratorIn, PersonPatch
from provisioner.web.api import portal_context
from provisioner.web.menu import MenuEntry, add_account_entry
from provisioner.web.state import database, gateway, rollback
from provisioner.web.ui import add_rule_messages, after_change, attempt, back_or, form_status, login_required

bp = Blueprint("people", __name__, template_folder="templates")

add_rule_messages({"last_administrator": _l("Le compte doit garder au moins un administrateur actif.")})

# The rights explainer of a user's page: what the authorization API answers relying apps, and why.
RIGHTS = {
    "own_account": _l("Oui, pour l'établissement du compte"),
    "person_disabled": _l("Non : l'utilisateur est désactivé"),
    "account_not_open": _l("Non : le compte n'est pas ouvert"),
    "not_subscribed": _l("Non : le compte n'est pas abonné à cette téléprocédure"),
    "no_permission": _l("Non : il n'en est pas déclarant"),
    "mandate": _l("Oui, sous le mandat du client"),
    "no_mandate": _l("Non : le cabinet n'a pas de mandat de cet établissement"),
    "mandate_not_active": _l("Non : le mandat attend la clé d'activation du client"),
    "mandate_revoked": _l("Non : le mandat a été retiré"),
    "mandate_ended": _l("Non : le mandat a pris fin"),
    "not_in_mandate": _l("Non : le mandat ne couvre pas cette téléprocédure"),
    "not_in_portfolio": _l("Non : l'établissement n'est plus dans le portefeuille"),
    "not_in_profile": _l("Non : aucun de ses profils de délégation ne le lui confie"),
    "not_own_establishment": _l("Non : ce n'est pas l'établissement de son compte"),
    "invalid_identifier": _l("Non : identifiant d'établissement invalide"),
}


@bp.record_once
def _register(state: Any) -> None:
    entry = MenuEntry(_l("Gestion des utilisateurs"), "people.people", "people-link", lambda a, actor: True, 10)
    add_account_entry(state.app, entry)


def _name(person: Person) -> str:
    return f"{person.first_name} {person.last_name}"


def _to_people(person: Person) -> str:
    return url_for("people.people", account_id=person.account_id)


def _listed(actor: Actor, account_id: int) -> tuple[Any, list[Person], dict[str, Any]]:
    """The account, its people and the list's filters (the page and the exports filter alike)."""
    ctx = portal_context(actor)
    account = accounts.get_account(ctx, account_id)
    filters: dict[str, Any] = {
        "q": request.args.get("q", "").strip(),
        "incl_disabled": request.args.get("incl_disabled") == "1",
    }
    listed = services.people_of(ctx, account, include_disabled=filters["incl_disabled"], q=filters["q"] or None)
    return account, listed, filters


@bp.get("/comptes/<int:account_id>/utilisateurs")
@login_required
def people(actor: Actor, account_id: int) -> ResponseReturnValue:
    account, listed, filters = _listed(actor, account_id)
    locks: dict[int, Any] | None = {}
    try:
        locks = {p.id: lockout.locked_until(gateway(), p) for p in listed if p.enabled}
    except (UpstreamUnavailable, KeycloakApiError):
        locks = None  # Keycloak unreachable: lock-outs unknown, the list still shows
    return render_template(
        "people/people.html",
        account=account,
        people=listed,
        locks=locks,
        filters=filters,
        permission_label=forms.permission_label,
        may_manage=actor.administers(account.principal_id),
    )


@bp.get("/comptes/<int:account_id>/utilisateurs/export.<fmt>")
@login_required
def people_export(actor: Actor, account_id: int, fmt: str) -> ResponseReturnValue:
    account, listed, filters = _listed(actor, account_id)
    body, mimetype, filename = exports.user_list(account, listed, fmt)
    services.record_export(database(), actor, account.id, fmt, len(listed), dict(filters))
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return current_app.response_class(body, mimetype=mimetype, headers=headers)


def _person_enabled(actor: Actor, person_id: int, enabled: bool) -> ResponseReturnValue:
    ctx = portal_context(actor)
    person = services.get_person(ctx, person_id)
    back = back_or(_to_people(person))
    error = attempt(lambda: services.update_person(ctx, person, PersonPatch(enabled=enabled)))[1]
    if error:
        flash(error, "warning")
        return redirect(back)
    after_change(
        _("%(name)s est réactivé.", name=_name(person))
        if enabled
        else _("%(name)s est désactivé : il ne peut plus se connecter.", name=_name(person))
    )
    return redirect(back)


@bp.post("/utilisateurs/<int:person_id>/desactiver")
@login_required
def person_disable(actor: Actor, person_id: int) -> ResponseReturnValue:
    return _person_enabled(actor, person_id, False)


@bp.post("/utilisateurs/<int:person_id>/reactiver")
@login_required
def person_enable(actor: Actor, person_id: int) -> ResponseReturnValue:
    return _person_enabled(actor, person_id, True)


@bp.post("/utilisateurs/<int:person_id>/debloquer")
@login_required
def person_unlock(actor: Actor, person_id: int) -> ResponseReturnValue:
    """Rule 22: end a lock-out at once."""
    ctx = portal_context(actor)
    person = services.get_person(ctx, person_id)
    back = back_or(_to_people(person))
    try:
        unlocked = lockout.unlock(ctx, gateway(), person)
    except (UpstreamUnavailable, KeycloakApiError):
        rollback()
        flash(_("Keycloak est indisponible : réessayez dans un instant."), "warning")
        return redirect(back)
    if unlocked:
        flash(_("%(name)s est débloqué et peut se connecter.", name=_name(person)), "success")
    else:
        flash(_("%(name)s n'était pas bloqué.", name=_name(person)), "success")
    return redirect(back)


@bp.route("/comptes/<int:account_id>/utilisateurs/nouveau", methods=["GET", "POST"])
@login_required
def invite(actor: Actor, account_id: int) -> ResponseReturnValue:
    """Rule 11: invite a collaborator (the activation link goes by e-mail)."""
    ctx, principal = principal_to_manage(actor, account_id)
    form = forms.CollaboratorForm()
    form.roles.choices = forms.permission_choices(principal.selection)
    error = None
    if form.validate_on_submit():
        data = CollaboratorIn(
            email=form.email.data,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            locale=form.locale.data,
            roles=list(form.roles.data or []),
        )
        person, error = attempt(lambda: services.add_collaborator(ctx, principal, data))
        if person is not None:
            after_change(_("Invitation envoyée à %(email)s.", email=person.email))
            return redirect(url_for("people.people", account_id=principal.id))
    page = render_template("people/invite.html", account=principal, form=form, error=error)
    return page, form_status(error, form)


@bp.route("/utilisateurs/<int:person_id>", methods=["GET", "POST"])
@login_required
def person_detail(actor: Actor, person_id: int) -> ResponseReturnValue:
    """Names, e-mail, language and permissions of a user (rule 12: one active administrator stays)."""
    ctx = portal_context(actor)
    person = services.get_person(ctx, person_id)
    ctx.actor.require_administrator_of(person.account.principal_id)
    form = forms.PersonForm(obj=person if request.method == "GET" else None)
    form.roles.choices = forms.permission_choices(person.account.selection)
    error = None
    if form.validate_on_submit():
        patch = PersonPatch(
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            email=form.email.data,
            locale=form.locale.data,
            # A secondary account's login has no permissions to give (the field is not shown).
            roles=list(form.roles.data or []) if person.account.kind == "principal" else list(person.roles),  # type: ignore[arg-type]
        )
        error = attempt(lambda: services.update_person(ctx, person, patch))[1]
        if error is None:
            after_change(_("%(name)s est enregistré.", name=f"{form.first_name.data} {form.last_name.data}"))
            return redirect(_to_people(person))
    asked = "".join(request.args.get("siret", "").split())[:32] or None
    rights = authorization.explain(ctx.session, ctx.portal, person, asked)
    page = render_template(
        "people/person.html",
        person=person,
        form=form,
        error=error,
        rights=rights,
        reasons=RIGHTS,
        asked=asked or person.account.identifier,
    )
    return page, form_status(error, form)


@bp.post("/utilisateurs/<int:person_id>/lien-mot-de-passe")
@login_required
def person_password_link(actor: Actor, person_id: int) -> ResponseReturnValue:
    """Send the person a new link to choose a password (a lost invitation, a forgotten password)."""
    ctx = portal_context(actor)
    person = services.get_person(ctx, person_id)
    error = attempt(lambda: services.send_password_link(ctx, person))[1]
    if error:
        flash(error, "warning")
    else:
        after_change(
            _("Un lien pour choisir un mot de passe, valable 24 heures, est envoyé à %(email)s.", email=person.email)
        )
    return redirect(url_for("people.person_detail", person_id=person.id))
