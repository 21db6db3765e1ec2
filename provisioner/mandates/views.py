"""« Gestion des mandants » (seed 001): a firm's clients and the state of each mandate, with
search and a state filter; « Ajouter un client » by hand or from a spreadsheet (a dry run first,
a report per row, a progress bar while the file goes up); the activation key of a client's letter
entered once; a mandate revoked, a client deleted (a lost key: add it again). The portal's
operators print the letters. « Mandats reçus »: what firms asked of an account, for its own
administrator, who may revoke them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields import SelectChoice

from provisioner.actors import Actor
from provisioner.catalogue import store as catalogue_store
from provisioner.db import utcnow
from provisioner.errors import DomainError
from provisioner.mandates import forms, imports, services
from provisioner.mandates.models import ACTIVE, CREATED, ENDED, EXPIRED, LOCKED, PRINTED, REVOKED
from provisioner.mandates.schemas import STATES, ClientIn, ClientsQuery
from provisioner.portfolios.views import IDENTIFIER_ERRORS, is_firm_page
from provisioner.schemas import parse
from provisioner.web.api import portal_context
from provisioner.web.menu import MenuEntry, add_account_entry
from provisioner.web.state import db_session, settings
from provisioner.web.ui import (
    add_rule_messages,
    after_change,
    attempt,
    attempt_on,
    form_status,
    login_required,
    page_number,
    rule_message,
)

bp = Blueprint("mandates", __name__, template_folder="templates")

STATE_LABELS = {
    CREATED: _l("Courrier à imprimer"),
    PRINTED: _l("Courrier envoyé, clé à saisir"),
    ACTIVE: _l("Actif"),
    REVOKED: _l("Retiré"),
    LOCKED: _l("Verrouillé"),
    EXPIRED: _l("Clé expirée"),
    ENDED: _l("Terminé"),
}
STATE_ICONS = {CREATED: "✉", PRINTED: "⌛", ACTIVE: "●", REVOKED: "✖", LOCKED: "🔒", EXPIRED: "⌛", ENDED: "■"}
add_rule_messages(
    {
        "client_exists": _l(
            "Ce SIRET est déjà un client du cabinet. Clé perdue : supprimez ce client puis ajoutez-le à nouveau."
        ),
        "own_establishment": _l("Un cabinet ne se donne pas de mandat à lui-même."),
        "unknown_key": _l(
            "Cette clé ne correspond à aucun client : vérifiez-la sur le courrier. Si le client l'a perdue, "
            "supprimez-le puis ajoutez-le à nouveau."
        ),
        "key_of_another_firm": _l(
            "Cette clé a été demandée par un autre cabinet : elle ne sert qu'à lui. Ajoutez l'entreprise à vos "
            "clients : elle recevra un courrier avec votre propre clé."
        ),
        "invalid_key_format": _l(
            "Une clé compte 16 lettres et chiffres en 4 groupes (ABCD-EFGH-JKMN-PQRS), sans 0, O, 1, I ni L."
        ),
        "too_many_attempts": _l("Trop de clés erronées : réessayez dans 15 minutes, en recopiant la clé du courrier."),
        "mandate_already_active": _l("Ce mandat est déjà actif."),
        "key_not_usable": _l(
            "Cette clé ne peut plus servir (mandat retiré, verrouillé ou expiré) : supprimez le client puis "
            "ajoutez-le à nouveau."
        ),
        "no_letter_to_print": _l("Aucun courrier à imprimer."),
        "mandate_closed": _l("Ce mandat est déjà retiré ou verrouillé."),
        "ends_in_the_past": _l("La date de fin du mandat est passée : choisissez aujourd'hui ou plus tard."),
    }
)


def _receives(account: Any, actor: Any) -> bool:
    return bool(actor.administers(account.principal_id))


@bp.record_once
def _register(state: Any) -> None:
    add_account_entry(
        state.app, MenuEntry(_l("Gestion des mandants"), "mandates.clients", "clients-link", is_firm_page, 41)
    )
    add_account_entry(state.app, MenuEntry(_l("Mandats reçus"), "mandates.received", "received-link", _receives, 45))


def _secret() -> str:
    return settings().secret_key.get_secret_value()


def _to_clients(account_id: int) -> ResponseReturnValue:
    return redirect(url_for("mandates.clients", account_id=account_id))


@bp.get("/comptes/<int:account_id>/mandants")
@login_required
def clients(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    return _clients_page(actor, ctx, services.firm(ctx, account_id), forms.ActivationForm())


def _clients_page(actor: Actor, ctx: Any, account: Any, activation: forms.ActivationForm) -> ResponseReturnValue:
    """« Gestion des mandants » with its filters; ``activation`` the key form (its refusal shown at
    the key, answered 400)."""
    state = request.args.get("state") if request.args.get("state") in STATES else None
    q = request.args.get("q", "").strip()[:64]
    query = ClientsQuery.model_validate({"q": q or None, "state": state, "page": page_number()})
    page = services.list_clients(ctx, account, query)
    to_print = services.list_clients(ctx, account, ClientsQuery.model_validate({"state": CREATED, "per_page": 1})).total
    body = render_template(
        "mandates/clients.html",
        account=account,
        page=page,
        filters={"q": q, "state": state},
        now=utcnow(),
        labels=STATE_LABELS,
        icons=STATE_ICONS,
        states=STATES,
        to_print=to_print,
        activation=activation,
        operator=actor.operator,
        # The operator checks, before a print run, where each letter goes and on whose word.
        addresses={m.id: services.postal_address(ctx, m) for m in page.items} if actor.operator else {},
    )
    return body, 400 if activation.errors else 200


@bp.route("/comptes/<int:account_id>/mandants/nouveau", methods=["GET", "POST"])
@login_required
def add_client(actor: Actor, account_id: int) -> ResponseReturnValue:
    """« Ajouter un client »: its letter and key follow by post."""
    ctx = portal_context(actor)
    account = services.firm(ctx, account_id)
    form = forms.ClientForm()
    form.teleprocedures.choices = [SelectChoice(code, code) for code in sorted(account.selection)]
    error = None
    if form.validate_on_submit():
        data: dict[str, Any] = {
            "identifier": form.identifier.data.strip() or "-",
            "company_name": form.company_name.data,
            "address_line1": form.address_line1.data,
            "address_line2": form.address_line2.data or None,
            "postcode": form.postcode.data,
            "city": form.city.data,
            "teleprocedures": list(form.teleprocedures.data or []),
            "ends_on": form.ends_on.data,
        }
        fields = {**IDENTIFIER_ERRORS, "client_exists": "identifier", "own_establishment": "identifier"}
        mandate, error = attempt_on(
            form, lambda: services.add_client(ctx, _secret(), account, parse(ClientIn, data)), fields
        )
        if mandate is not None:
            after_change(
                _(
                    "%(name)s est ajouté à vos clients : le portail lui envoie par courrier la clé d'activation "
                    "à vous remettre.",
                    name=mandate.company_name,
                )
            )
            return _to_clients(account.id)
    page = render_template("mandates/client.html", account=account, form=form, error=error)
    return page, form_status(error, form)


@bp.route("/comptes/<int:account_id>/mandants/import", methods=["GET", "POST"])
@login_required
def import_clients(actor: Actor, account_id: int) -> ResponseReturnValue:
    """Clients from a spreadsheet: a report per row; a dry run saves nothing."""
    ctx = portal_context(actor)
    account = services.firm(ctx, account_id)
    form = forms.ImportForm()
    report, error = None, None
    if form.validate_on_submit():
        upload = form.file.data
        fmt = "xlsx" if (upload.filename or "").lower().endswith(".xlsx") else "csv"
        dry_run = bool(form.dry_run.data)
        try:
            rows = imports.read_rows(upload.read(), fmt)
        except DomainError as exc:
            form.file.errors = [rule_message(exc)]
        else:
            report = imports.import_clients(
                ctx, _secret(), account, rows, dry_run=dry_run, commit=None if dry_run else db_session().commit
            )
            if not dry_run:
                created = sum(1 for line in report if line["status"] == "created")
                after_change(_("%(count)d client(s) ajouté(s).", count=created))
    page = render_template(
        "mandates/import.html",
        account=account,
        form=form,
        error=error,
        report=report,
        counts={s: sum(1 for line in report or [] if line["status"] == s) for s in ("created", "valid", "failed")},
    )
    return page, form_status(error, form)


@bp.post("/comptes/<int:account_id>/mandants/activation")
@login_required
def activate(actor: Actor, account_id: int) -> ResponseReturnValue:
    """The key of a client's letter, entered once: the mandate is active."""
    ctx = portal_context(actor)
    account = services.firm(ctx, account_id)
    form = forms.ActivationForm()
    if not form.validate_on_submit():
        return _clients_page(actor, ctx, account, form)
    outcome = services.activate(ctx, _secret(), account, form.key.data)
    db_session().commit()  # the attempt counts, whatever the answer
    if outcome.refusal is not None:
        form.key.errors = [rule_message(outcome.refusal)]  # said at the key, what was typed kept
        return _clients_page(actor, ctx, account, form)
    assert outcome.mandate is not None
    after_change(
        _(
            "Le mandat de %(name)s est actif : l'établissement entre dans votre portefeuille.",
            name=outcome.mandate.company_name,
        )
    )
    return _to_clients(account.id)


@bp.post("/comptes/<int:account_id>/mandants/courriers")
@login_required
def print_letters(actor: Actor, account_id: int) -> ResponseReturnValue:
    """The portal's operators: every letter still to print, in one PDF."""
    ctx = portal_context(actor)
    account = services.firm(ctx, account_id)
    run, error = attempt(lambda: services.print_letters(ctx, _secret(), account, None))
    if run is None:
        flash(error or "", "warning")
        return _to_clients(account.id)
    db_session().commit()  # the keys are forgotten with this answer: they exist only on paper now
    headers = {
        "Content-Disposition": f'attachment; filename="courriers-cles-{account.id}.pdf"',
        "X-Letters": str(run.letters),
        "X-Letters-Declared-Address": str(run.declared),
    }
    return current_app.response_class(run.pdf, mimetype="application/pdf", headers=headers)


@bp.post("/mandats/<int:mandate_id>/retirer")
@login_required
def revoke(actor: Actor, mandate_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    mandate = services.get_mandate(ctx, mandate_id, client_too=True)
    firm_side = actor.administers(mandate.firm_id)
    back = request.form.get("back_account", type=int)
    error = attempt(lambda: services.revoke(ctx, mandate))[1]
    if error:
        flash(error, "warning")
    else:
        after_change(_("Le mandat de %(name)s est retiré.", name=mandate.company_name))
    if firm_side:
        return _to_clients(mandate.firm_id)
    target = back if back is not None and 0 < back < 2**63 else actor.principal_id
    return redirect(url_for("mandates.received", account_id=target))


@bp.post("/mandats/<int:mandate_id>/supprimer")
@login_required
def delete(actor: Actor, mandate_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    mandate = services.get_mandate(ctx, mandate_id)
    firm_id, name = mandate.firm_id, mandate.company_name
    services.delete_client(ctx, mandate)
    after_change(_("%(name)s n'est plus un client : sa clé ne fonctionne plus.", name=name))
    return _to_clients(firm_id)


@bp.get("/comptes/<int:account_id>/mandats-recus")
@login_required
def received(actor: Actor, account_id: int) -> ResponseReturnValue:
    """The mandates firms asked of this account's establishment."""
    ctx = portal_context(actor)
    account = services.client_account(ctx, account_id)
    return render_template(
        "mandates/received.html",
        account=account,
        mandates=services.received(ctx, account),
        now=utcnow(),
        labels=STATE_LABELS,
        icons=STATE_ICONS,
        codes={e.code: e.description for e in catalogue_store.entries(ctx.session, ctx.realm)},
    )
