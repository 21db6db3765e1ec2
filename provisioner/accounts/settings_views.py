"""An account's settings pages: teleprocedure options with document types (rules 3, 7, 8),
identity (rule 1), options and services (rule 3), billing (rule 4)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from provisioner.accounts import forms, services
from provisioner.accounts.models import Account
from provisioner.accounts.schemas import AccountPatch, parse
from provisioner.actors import Actor
from provisioner.catalogue import store as catalogue
from provisioner.context import Context
from provisioner.errors import Forbidden, NotFound
from provisioner.web.api import portal_context
from provisioner.web.menu import MenuEntry, add_account_entry
from provisioner.web.ui import after_change, attempt, form_status, login_required

bp = Blueprint("account_settings", __name__, template_folder="templates")


def _manages(account: Any, actor: Any) -> bool:
    return bool(actor.administers(account.principal_id))


def _chooses_teleprocedures(account: Any, actor: Any) -> bool:
    own_choice = account.kind == "secondary" and account.autonomous and actor.account_id == account.id
    return _manages(account, actor) or own_choice


@bp.record_once
def _register(state: Any) -> None:
    principal_only = lambda account, actor: _manages(account, actor) and account.kind == "principal"  # noqa: E731
    for entry in (
        MenuEntry(
            _l("Modifier les téléprocédures"), "account_settings.options", "options-link", _chooses_teleprocedures, 20
        ),
        MenuEntry(_l("Modifier l'identité"), "account_settings.identity", "identity-link", _manages, 30),
        MenuEntry(_l("Options"), "account_settings.account_services", "services-link", principal_only, 40),
        MenuEntry(_l("Facturation"), "account_settings.billing", "billing-link", principal_only, 50),
    ):
        add_account_entry(state.app, entry)


def _managed(actor: Actor, account_id: int, *, principal_only: bool = False) -> tuple[Context, Account]:
    ctx = portal_context(actor)
    account = services.get_account(ctx, account_id)
    ctx.actor.require_administrator_of(account.principal_id)
    if principal_only and account.kind != "principal":
        raise NotFound(_("Compte %(id)s introuvable.", id=account_id), code="account_not_found")
    return ctx, account


def _save(ctx: Context, account: Account, body: dict[str, Any], done: str) -> str | None:
    """Apply the patch; None when saved (and said), else the refusal for the page."""
    error = attempt(lambda: services.update_account(ctx, account, parse(AccountPatch, body)))[1]
    if error is None:
        after_change(done)
    return error


def _to_account(account: Account) -> ResponseReturnValue:
    return redirect(url_for("accounts.account", account_id=account.id))


@bp.route("/comptes/<int:account_id>/options", methods=["GET", "POST"])
@login_required
def options(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    account = services.get_account(ctx, account_id)
    offered_catalogue = catalogue.current(ctx).teleprocedures
    principal = account if account.kind == "principal" else account.parent
    assert principal is not None
    # A principal chooses in the portal's catalogue; a secondary within its principal's choice.
    offered = {
        code: (tp.document_types if account.kind == "principal" else principal.selection.get(code, ()))
        for code, tp in offered_catalogue.items()
        if account.kind == "principal" or code in principal.selection
    }
    if not _chooses_teleprocedures(account, actor):
        raise Forbidden(
            _("Vous ne pouvez pas modifier les téléprocédures de ce compte."), code="not_account_administrator"
        )
    selection = {code: list(types) for code, types in account.selection.items()}
    error = None
    if request.method == "POST":
        requested: dict[str, list[str]] = {}
        for code in request.form.getlist("tp"):
            if code in offered:
                # No type ticked: every type offered (the catalogue's for a principal, the principal's
                # for a secondary).
                ticked = [t for t in request.form.getlist(f"types-{code}") if t in offered[code]]
                requested[code] = ticked or list(offered[code])
        before = {s.id: s.selection for s in principal.secondaries}
        error = attempt(lambda: services.set_teleprocedures(ctx, account, requested))[1]
        if error:
            selection = {code: list(types) for code, types in requested.items()}
        else:
            clipped = sum(1 for s in principal.secondaries if s.id in before and s.selection != before[s.id])
            after_change(_("Les téléprocédures de %(login)s sont enregistrées.", login=account.login))
            if account.kind == "principal" and clipped:
                flash(
                    ngettext(
                        "Retirées aussi de %(num)d compte secondaire, qui ne peut pas avoir plus que son compte principal.",
                        "Retirées aussi de %(num)d comptes secondaires, qui ne peuvent pas avoir plus que leur compte principal.",
                        clipped,
                    ),
                    "warning",
                )
            return _to_account(account)
    page = render_template(
        "accounts/options.html",
        account=account,
        offered=offered,
        catalogue=offered_catalogue,
        selection=selection,
        error=error,
    )
    return page, form_status(error)


@bp.route("/comptes/<int:account_id>/identite", methods=["GET", "POST"])
@login_required
def identity(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx, account = _managed(actor, account_id)
    form = forms.IdentityForm()
    error = None
    if request.method == "GET":
        form.fill(account)
    elif form.validate_on_submit():
        done = _("L'identité du compte %(login)s est enregistrée.", login=account.login)
        error = _save(ctx, account, form.patch(), done)
        if error is None:
            return _to_account(account)
    page = render_template("accounts/identity.html", account=account, form=form, error=error)
    return page, form_status(error, form)


SERVICES = ("statement_collection", "collection_error_alerts", "statement_inbox", "probative_archiving")


@bp.route("/comptes/<int:account_id>/services", methods=["GET", "POST"])
@login_required
def account_services(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx, account = _managed(actor, account_id, principal_only=True)
    form = forms.ServicesForm()
    error = None
    with_mailbox = services.mailboxes_used(ctx, account)
    if request.method == "POST" and form.validate_on_submit() and (form.secondary_quota.data or 0) < with_mailbox:
        error = ngettext(
            "Le quota ne peut pas être inférieur au %(num)d compte secondaire qui a déjà une BAL.",
            "Le quota ne peut pas être inférieur aux %(num)d comptes secondaires qui ont déjà une BAL.",
            with_mailbox,
        )
    elif request.method == "GET":
        form.secondary_quota.data = account.secondary_quota
        for name in SERVICES:
            getattr(form, name).data = (account.services or {}).get(name)
    elif form.validate_on_submit():
        chosen = {name: getattr(form, name).data for name in SERVICES}
        chosen["statement_inbox"] = (form.statement_inbox.data or "").strip() or None
        body = {"secondary_quota": form.secondary_quota.data, "services": chosen}
        error = _save(ctx, account, body, _("Les options du compte %(login)s sont enregistrées.", login=account.login))
        if error is None:
            return _to_account(account)
    page = render_template("accounts/services.html", account=account, form=form, error=error, with_mailbox=with_mailbox)
    return page, form_status(error, form)


@bp.route("/comptes/<int:account_id>/facturation", methods=["GET", "POST"])
@login_required
def billing(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx, account = _managed(actor, account_id, principal_only=True)
    form = forms.BillingForm()
    error = None
    current = dict(account.billing or {})
    if request.method == "GET":
        form.use_responsible_address.data = current.get("use_responsible_address", True)
        for name in form.ADDRESS:
            getattr(form, name).data = (current.get("address") or {}).get(name) or getattr(form, name).default or ""
    elif form.validate_on_submit():
        address = None
        if not form.use_responsible_address.data:
            address = {name: (getattr(form, name).data or "").strip() for name in form.ADDRESS}
        body = {
            "billing": {
                "date": current.get("date"),  # set by the portal, not by the account
                "use_responsible_address": form.use_responsible_address.data,
                "address": address,
            }
        }
        done = _("La facturation du compte %(login)s est enregistrée.", login=account.login)
        error = _save(ctx, account, body, done)
        if error is None:
            return _to_account(account)
    page = render_template("accounts/billing.html", account=account, form=form, error=error, date=current.get("date"))
    return page, form_status(error, form)
