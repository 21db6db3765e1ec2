"""The accounts' pages: operators find any account and move principals along their lifecycle;
administrators see their account and its secondary accounts, create, switch the mailbox,
deactivate and reactivate them, and read the change log. Views parse, call a service, render."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields import SelectChoice

from provisioner.accounts import domain, forms, secondaries, services
from provisioner.accounts.models import Account
from provisioner.accounts.schemas import AccountPatch, PrincipalIn, SecondaryIn, parse
from provisioner.actors import Actor
from provisioner.audit.services import entries_for
from provisioner.catalogue import store as catalogue
from provisioner.context import Context
from provisioner.errors import NotFound
from provisioner.web.api import portal_context
from provisioner.web.menu import MenuEntry, add_account_entry
from provisioner.web.ui import (
    add_rule_messages,
    after_change,
    attempt,
    back_or,
    form_status,
    login_required,
    page_number,
)

bp = Blueprint("accounts", __name__, template_folder="templates")

STATUSES = domain.STATUSES
STATUS_LABELS = {
    "requested": _l("Demande en attente"),
    "validated": _l("Demande validée"),
    "invited": _l("Invitation envoyée"),
    "open": _l("Ouvert"),
    "closed": _l("Fermé"),
}
STATUS_ACTIONS = {
    "validated": _l("Valider la demande"),
    "invited": _l("Inviter son administrateur"),
    "open": _l("Ouvrir le compte"),
    "closed": _l("Fermer le compte"),
}
PER_PAGE = 20

add_rule_messages(
    {
        "duplicate_login": _l("Ce login est déjà utilisé sur le portail : choisissez un autre nom."),
        "duplicate_email": _l(
            "Cette adresse e-mail est déjà celle d'un autre utilisateur de ce portail, où chacun se connecte "
            "avec sa propre adresse : indiquez-en une autre."
        ),
        "mailbox_quota_exceeded": _l(
            "Le nombre de comptes secondaires avec BAL autorisé est atteint : demandez une augmentation du quota."
        ),
        "invalid_siret": _l("SIRET invalide : 14 chiffres dont la clé de contrôle (exemple : 732 829 320 00074)."),
        "invalid_login": _l("Nom de compte invalide : lettres, chiffres et tirets."),
        "rights_ceiling": _l("Un compte secondaire ne peut pas avoir plus de droits que son compte principal."),
    }
)


@bp.record_once
def _register(state: Any) -> None:
    state.app.add_template_filter(domain.mask_phone, "mask_phone")
    state.app.add_template_global(STATUS_LABELS, "status_labels")  # one wording of the states
    add_account_entry(
        state.app,
        MenuEntry(
            _l("Journal des modifications"),
            "accounts.journal",
            "journal-link",
            lambda account, actor: actor.administers(account.principal_id),
            order=90,
        ),
    )


def principal_to_manage(actor: Actor, account_id: int) -> tuple[Context, Account]:
    """A principal account the actor administers (else the same 404/403 as the API)."""
    ctx = portal_context(actor)
    account = services.get_account(ctx, account_id)
    if account.kind != "principal":
        raise NotFound(_("Compte %(id)s introuvable.", id=account_id), code="account_not_found")
    ctx.actor.require_administrator_of(account.id)
    return ctx, account


def _to_account(account_id: int) -> ResponseReturnValue:
    return redirect(url_for("accounts.account", account_id=account_id))


# -- finding and reading ------------------------------------------------------------------------
@bp.get("/comptes")
@login_required
def accounts(actor: Actor) -> ResponseReturnValue:
    if not actor.operator:
        assert actor.principal_id is not None
        return _to_account(actor.principal_id if actor.administrator else actor.account_id)  # type: ignore[arg-type]
    ctx = portal_context(actor)
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
        page=page_number(),
        per_page=PER_PAGE,
    )
    return render_template("accounts/accounts.html", page=page, filters=filters, statuses=STATUSES, actor=actor)


@bp.get("/comptes/<int:account_id>")
@login_required
def account(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
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
            page=page_number(),
            per_page=PER_PAGE,
        )
    with_mailbox = services.mailboxes_used(ctx, account) if account.kind == "principal" else 0
    return render_template(
        "accounts/account.html",
        account=account,
        secondaries=secondaries,
        filters=filters,
        with_mailbox=with_mailbox,
        catalogue=catalogue.current(ctx).teleprocedures,
        actor=actor,
        next_statuses=domain.next_statuses(account.status) if actor.operator and account.kind == "principal" else [],
        status_actions=STATUS_ACTIONS,
        may_manage=actor.administers(account.principal_id),
    )


@bp.get("/comptes/<int:account_id>/journal")
@login_required
def journal(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    account = services.get_account(ctx, account_id)
    ctx.actor.require_administrator_of(account.principal_id)
    return render_template("accounts/journal.html", account=account, entries=entries_for(ctx.session, account.id))


# -- lifecycle (rules 2 and 10) -------------------------------------------------------------------
@bp.post("/comptes/<int:account_id>/statut")
@login_required
def set_status(actor: Actor, account_id: int) -> ResponseReturnValue:
    """Operators move a principal account along its lifecycle (rule 2): validate a request, open,
    close, reopen."""
    ctx = portal_context(actor)
    ctx.actor.require_operator()
    account = services.get_account(ctx, account_id)
    target = request.form.get("status", "")
    error = attempt(lambda: services.update_account(ctx, account, parse(AccountPatch, {"status": target})))[1]
    if error:
        flash(error, "warning")
    else:
        after_change(
            _("Statut du compte %(login)s : %(status)s.", login=account.login, status=str(STATUS_LABELS[target]))
        )
    return _to_account(account.id)


@bp.post("/comptes/<int:account_id>/identite-verifiee")
@login_required
def confirm_identity(actor: Actor, account_id: int) -> ResponseReturnValue:
    """Operators: a firm that registered itself is the company its SIRET names (checked against
    the SIRENE register or a proof); its identifier now vouches for it."""
    ctx = portal_context(actor)
    ctx.actor.require_operator()
    account = services.get_account(ctx, account_id)
    error = attempt(lambda: services.update_account(ctx, account, parse(AccountPatch, {"identity_checked": True})))[1]
    if error:
        flash(error, "warning")
    else:
        after_change(_("Identité du compte %(login)s confirmée.", login=account.login))
    return _to_account(account.id)


def _set_active(actor: Actor, account_id: int, active: bool) -> ResponseReturnValue:
    ctx = portal_context(actor)
    account = services.get_account(ctx, account_id)
    services.set_active(ctx, account, active)
    after_change(
        _("Le compte %(login)s est réactivé.", login=account.login)
        if active
        else _(
            "Le compte %(login)s est désactivé : ses utilisateurs ne peuvent plus se connecter.", login=account.login
        )
    )
    return redirect(back_or(url_for("accounts.account", account_id=account.principal_id)))


@bp.post("/comptes/<int:account_id>/desactiver")
@login_required
def deactivate(actor: Actor, account_id: int) -> ResponseReturnValue:
    return _set_active(actor, account_id, False)


@bp.post("/comptes/<int:account_id>/reactiver")
@login_required
def reactivate(actor: Actor, account_id: int) -> ResponseReturnValue:
    return _set_active(actor, account_id, True)


# -- creating accounts (rules 1 to 3, 6 to 9) -----------------------------------------------------
@bp.route("/comptes/nouveau", methods=["GET", "POST"])
@login_required
def new_principal(actor: Actor) -> ResponseReturnValue:
    ctx = portal_context(actor)
    ctx.actor.require_operator()
    offered = catalogue.current(ctx).teleprocedures
    form = forms.PrincipalForm()
    form.teleprocedures.choices = [SelectChoice(code, code) for code in offered]
    error = None
    if form.validate_on_submit():
        account, error = attempt(lambda: services.create_principal(ctx, parse(PrincipalIn, form.principal())))
        if account is not None:
            after_change(_("Le compte principal %(login)s est créé.", login=account.login))
            return _to_account(account.id)
    page = render_template("accounts/new_principal.html", form=form, error=error, catalogue=offered)
    return page, form_status(error, form)


@bp.route("/comptes/<int:account_id>/comptes-secondaires/nouveau", methods=["GET", "POST"])
@login_required
def new_secondary(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx, principal = principal_to_manage(actor, account_id)
    form = forms.SecondaryForm()
    form.teleprocedures.choices = [SelectChoice(code, code) for code in sorted(principal.selection)]
    error = None
    if form.validate_on_submit():
        body = {
            "name": form.name.data,
            "identifier": form.identifier.data,
            "company_name": form.company_name.data,
            "has_mailbox": form.has_mailbox.data,
            "autonomous": form.autonomous.data,
            "teleprocedures": {code: list(principal.selection[code]) for code in form.teleprocedures.data or []},
        }
        secondary, error = attempt(lambda: secondaries.create_secondary(ctx, principal, parse(SecondaryIn, body)))
        if secondary is not None:
            after_change(_("Le compte secondaire %(login)s est créé.", login=secondary.login))
            return _to_account(principal.id)
    page = render_template(
        "accounts/new_secondary.html",
        account=principal,
        form=form,
        error=error,
        catalogue=catalogue.current(ctx).teleprocedures,
    )
    return page, form_status(error, form)


@bp.post("/comptes/<int:account_id>/bal")
@login_required
def mailbox(actor: Actor, account_id: int) -> ResponseReturnValue:
    """Rule 9: with or without mailbox; the page warned that a password reset follows."""
    ctx = portal_context(actor)
    account = services.get_account(ctx, account_id)
    wanted = request.form.get("has_mailbox") == "1"
    reset, error = attempt(lambda: secondaries.set_mailbox(ctx, account, wanted))
    if error:
        flash(error, "warning")
        return _to_account(account.id)
    after_change(
        _("Le compte %(login)s a maintenant une BAL.", login=account.login)
        if wanted
        else _("Le compte %(login)s n'a plus de BAL.", login=account.login)
    )
    if reset:
        flash(_("Son titulaire devra réinitialiser son mot de passe à sa prochaine connexion."), "warning")
    return _to_account(account.id)
