"""The administration UI (server-rendered): account administrators manage their own account and its
secondary accounts; portal operators find any account. Views parse, call a service, render."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms.fields import SelectChoice

from provisioner.accounts import domain, exports, lockout, services
from provisioner.accounts.actors import Actor
from provisioner.accounts.api import commit_and_sync
from provisioner.accounts.audit import entries_for
from provisioner.accounts.domain import mask_phone
from provisioner.accounts.models import Account, Person
from provisioner.accounts.schemas import AccountPatch, CollaboratorIn, PersonPatch, PrincipalIn, SecondaryIn, parse
from provisioner.admin import auth, forms
from provisioner.errors import DomainError, Forbidden, NotFound, UpstreamUnavailable
from provisioner.keycloak.gateway import KeycloakApiError
from provisioner.portals import load_portal
from provisioner.settings import Settings
from provisioner.web import database, db_session

bp = Blueprint("admin", __name__, template_folder="templates")

STATUSES = ("requested", "validated", "open", "closed")
STATUS_LABELS = {
    "requested": _l("Demande en attente"),
    "validated": _l("Demande validée"),
    "open": _l("Ouvert"),
    "closed": _l("Fermé"),
}
STATUS_ACTIONS = {
    "validated": _l("Valider la demande"),
    "open": _l("Ouvrir le compte"),
    "closed": _l("Fermer le compte"),
}
PER_PAGE = 20


@bp.record_once
def _register(state: Any) -> None:
    auth.register(state.app)
    state.app.add_template_filter(mask_phone, "mask_phone")
    state.app.add_template_global(_pager_args, "pager_args")
    state.app.add_template_global(STATUS_LABELS, "status_labels")  # one wording of the states


def _settings() -> Settings:
    return current_app.extensions["portail.settings"]  # type: ignore[no-any-return]


def _ctx(actor: Actor) -> services.Context:
    settings = _settings()
    return services.Context(db_session(), load_portal(settings.keycloak_config_dir, settings.keycloak_realm), actor)


_LOCAL_PATH = re.compile(r"/(?![/\\])[^\s\\]*")


def _local(target: str | None) -> str | None:
    """Only a path of this site may be a destination (no open redirect: no scheme, no host, no
    backslash, no whitespace or control character that a browser would strip into ``//host``)."""
    if target and _LOCAL_PATH.fullmatch(target) and not any(ord(c) < 32 for c in target):
        return target
    return None


def _pager_args(req: Any) -> dict[str, Any]:
    """The page's own path arguments and its known filters, nothing else from the query string."""
    args = {k: v for k, v in req.args.items() if k in ("q", "status", "kind") and v}
    return {**(req.view_args or {}), **args}


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
    try:
        token = auth.client().authorize_access_token()  # state, PKCE, ID token signature, audience, nonce
    except OAuthError:  # cancelled at Keycloak, a replayed or stale callback
        flash(_("La connexion n'a pas abouti ; recommencez."), "warning")
        return redirect(url_for("admin.home"))
    target = _local(session.pop("ui_next", None))
    auth.sign_in(dict(token["userinfo"]), token["id_token"])
    return redirect(target or url_for("admin.accounts"))


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
    with_mailbox = services.mailboxes_used(ctx, account) if account.kind == "principal" else 0
    return render_template(
        "admin/account.html",
        account=account,
        secondaries=secondaries,
        filters=filters,
        with_mailbox=with_mailbox,
        catalogue=ctx.catalogue.teleprocedures,
        actor=actor,
        next_statuses=domain.next_statuses(account.status) if actor.operator and account.kind == "principal" else [],
        status_actions=STATUS_ACTIONS,
        may_manage=actor.administers(account.principal_id),
    )


@bp.post("/comptes/<int:account_id>/statut")
@auth.login_required
def set_status(actor: Actor, account_id: int) -> ResponseReturnValue:
    """Operators move a principal account along its lifecycle (rule 2): validate a request, open,
    close, reopen."""
    ctx = _ctx(actor)
    ctx.actor.require_operator()
    account = services.get_account(ctx, account_id)
    target = request.form.get("status", "")
    try:
        services.update_account(ctx, account, parse(AccountPatch, {"status": target}))
    except DomainError as exc:
        db_session().rollback()
        flash(_rule_message(exc), "warning")
        return redirect(url_for("admin.account", account_id=account.id))
    _after_change(_("Statut du compte %(login)s : %(status)s.", login=account.login, status=str(STATUS_LABELS[target])))
    return redirect(url_for("admin.account", account_id=account.id))


def _set_active(actor: Actor, account_id: int, active: bool) -> ResponseReturnValue:
    ctx = _ctx(actor)
    account = services.get_account(ctx, account_id)
    services.set_active(ctx, account, active)
    _after_change(
        _("Le compte %(login)s est réactivé.", login=account.login)
        if active
        else _(
            "Le compte %(login)s est désactivé : ses utilisateurs ne peuvent plus se connecter.", login=account.login
        )
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


# -- messages of the business rules, in the user's language ------------------------------------
RULE_MESSAGES = {
    "duplicate_login": _l("Ce login est déjà utilisé sur le portail : choisissez un autre nom."),
    "mailbox_quota_exceeded": _l(
        "Le nombre de comptes secondaires avec BAL autorisé est atteint : demandez une augmentation du quota."
    ),
    "invalid_siret": _l("SIRET invalide : 14 chiffres dont la clé de contrôle (exemple : 732 829 320 00074)."),
    "invalid_login": _l("Nom de compte invalide : lettres, chiffres et tirets."),
    "rights_ceiling": _l("Un compte secondaire ne peut pas avoir plus de droits que son compte principal."),
    "last_administrator": _l("Le compte doit garder au moins un administrateur actif."),
}


def _rule_message(error: DomainError) -> str:
    problems = error.details.get("problems", []) if isinstance(error.details, dict) else []
    if problems:  # the schema refused fields the form let through
        return _("Données invalides : %(fields)s.", fields=", ".join(p["field"] for p in problems))
    return str(RULE_MESSAGES.get(error.code, error.message))


def _principal_to_manage(actor: Actor, account_id: int) -> tuple[services.Context, Account]:
    ctx = _ctx(actor)
    account = services.get_account(ctx, account_id)
    if account.kind != "principal":
        raise NotFound(_("Compte %(id)s introuvable.", id=account_id), code="account_not_found")
    ctx.actor.require_administrator_of(account.id)
    return ctx, account


def _after_change(done: str) -> None:
    flash(done, "success")
    if commit_and_sync()["status"] != "applied":
        flash(
            _(
                "Keycloak n'a pas encore pu être mis à jour ; la modification est enregistrée et sera appliquée dès que possible."
            ),
            "warning",
        )


# -- users of an account (rule 13) ---------------------------------------------------------------
def _people_filters() -> dict[str, Any]:
    return {"q": request.args.get("q", "").strip(), "incl_disabled": request.args.get("incl_disabled") == "1"}


@bp.get("/comptes/<int:account_id>/utilisateurs")
@auth.login_required
def people(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = _ctx(actor)
    account = services.get_account(ctx, account_id)
    filters = _people_filters()
    listed = services.people_of(ctx, account, include_disabled=filters["incl_disabled"], q=filters["q"] or None)
    locks: dict[int, Any] | None = {}
    try:
        gateway = current_app.extensions["portail.keycloak"]
        locks = {p.id: lockout.locked_until(gateway, p) for p in listed if p.enabled}
    except (UpstreamUnavailable, KeycloakApiError):
        locks = None  # Keycloak unreachable: lock-outs unknown, the list still shows
    return render_template(
        "admin/people.html",
        account=account,
        people=listed,
        locks=locks,
        filters=filters,
        roles=forms.ROLES,
        may_manage=actor.administers(account.principal_id),
    )


@bp.get("/comptes/<int:account_id>/utilisateurs/export.<fmt>")
@auth.login_required
def people_export(actor: Actor, account_id: int, fmt: str) -> ResponseReturnValue:
    ctx = _ctx(actor)
    account = services.get_account(ctx, account_id)
    filters = _people_filters()
    listed = services.people_of(ctx, account, include_disabled=filters["incl_disabled"], q=filters["q"] or None)
    body, mimetype, filename = exports.user_list(account, listed, fmt)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return current_app.response_class(body, mimetype=mimetype, headers=headers)


def _person_enabled(actor: Actor, person_id: int, enabled: bool) -> ResponseReturnValue:
    ctx = _ctx(actor)
    person = services.get_person(ctx, person_id)
    back = _local(request.form.get("back")) or url_for("admin.people", account_id=person.account_id)
    try:
        services.update_person(ctx, person, PersonPatch(enabled=enabled))
    except DomainError as error:
        db_session().rollback()  # nothing of a refused change is kept
        flash(_rule_message(error), "warning")
        return redirect(back)
    name = f"{person.first_name} {person.last_name}"
    _after_change(
        _("%(name)s est réactivé.", name=name)
        if enabled
        else _("%(name)s est désactivé : il ne peut plus se connecter.", name=name)
    )
    return redirect(back)


@bp.post("/utilisateurs/<int:person_id>/desactiver")
@auth.login_required
def person_disable(actor: Actor, person_id: int) -> ResponseReturnValue:
    return _person_enabled(actor, person_id, False)


@bp.post("/utilisateurs/<int:person_id>/reactiver")
@auth.login_required
def person_enable(actor: Actor, person_id: int) -> ResponseReturnValue:
    return _person_enabled(actor, person_id, True)


@bp.post("/utilisateurs/<int:person_id>/debloquer")
@auth.login_required
def person_unlock(actor: Actor, person_id: int) -> ResponseReturnValue:
    """Rule 22: end a lock-out at once."""
    ctx = _ctx(actor)
    person = services.get_person(ctx, person_id)
    back = _local(request.form.get("back")) or url_for("admin.people", account_id=person.account_id)
    try:
        unlocked = lockout.unlock(ctx, current_app.extensions["portail.keycloak"], person)
    except (UpstreamUnavailable, KeycloakApiError):
        db_session().rollback()
        flash(_("Keycloak est indisponible : réessayez dans un instant."), "warning")
        return redirect(back)
    name = f"{person.first_name} {person.last_name}"
    if unlocked:
        flash(_("%(name)s est débloqué et peut se connecter.", name=name), "success")
    else:
        flash(_("%(name)s n'était pas bloqué.", name=name), "success")
    return redirect(back)


@bp.route("/comptes/<int:account_id>/utilisateurs/nouveau", methods=["GET", "POST"])
@auth.login_required
def invite(actor: Actor, account_id: int) -> ResponseReturnValue:
    """Rule 11: invite a collaborator (the activation link goes by e-mail)."""
    ctx, principal = _principal_to_manage(actor, account_id)
    form = forms.CollaboratorForm()
    error = None
    if form.validate_on_submit():
        data = CollaboratorIn(
            email=form.email.data,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            locale=form.locale.data,
            roles=list(form.roles.data or []),
        )
        try:
            person = services.add_collaborator(ctx, principal, data)
        except DomainError as exc:
            db_session().rollback()
            error = _rule_message(exc)
        else:
            _after_change(_("Invitation envoyée à %(email)s.", email=person.email))
            return redirect(url_for("admin.people", account_id=principal.id))
    status = 400 if (error or form.errors) else 200
    return render_template("admin/invite.html", account=principal, form=form, error=error), status


# -- secondary accounts (rules 6 to 9) ---------------------------------------------------------
@bp.route("/comptes/<int:account_id>/comptes-secondaires/nouveau", methods=["GET", "POST"])
@auth.login_required
def new_secondary(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx, principal = _principal_to_manage(actor, account_id)
    form = forms.SecondaryForm()
    form.teleprocedures.choices = [SelectChoice(code, code) for code in sorted(principal.selection)]
    error = None
    if form.validate_on_submit():
        try:
            data = parse(
                SecondaryIn,
                {
                    "name": form.name.data,
                    "identifier": form.identifier.data,
                    "company_name": form.company_name.data,
                    "has_mailbox": form.has_mailbox.data,
                    "autonomous": form.autonomous.data,
                    "teleprocedures": {
                        code: list(principal.selection[code]) for code in form.teleprocedures.data or []
                    },
                },
            )
            secondary = services.create_secondary(ctx, principal, data)
        except DomainError as exc:
            db_session().rollback()
            error = _rule_message(exc)
        else:
            _after_change(_("Le compte secondaire %(login)s est créé.", login=secondary.login))
            return redirect(url_for("admin.account", account_id=principal.id))
    status = 400 if (error or form.errors) else 200
    return (
        render_template(
            "admin/new_secondary.html",
            account=principal,
            form=form,
            error=error,
            catalogue=ctx.catalogue.teleprocedures,
        ),
        status,
    )


@bp.post("/comptes/<int:account_id>/bal")
@auth.login_required
def mailbox(actor: Actor, account_id: int) -> ResponseReturnValue:
    """Rule 9: with or without mailbox; the page warned that a password reset follows."""
    ctx = _ctx(actor)
    account = services.get_account(ctx, account_id)
    wanted = request.form.get("has_mailbox") == "1"
    try:
        reset = services.set_mailbox(ctx, account, wanted)
    except DomainError as exc:
        db_session().rollback()
        flash(_rule_message(exc), "warning")
        return redirect(url_for("admin.account", account_id=account.id))
    _after_change(
        _("Le compte %(login)s a maintenant une BAL.", login=account.login)
        if wanted
        else _("Le compte %(login)s n'a plus de BAL.", login=account.login)
    )
    if reset:
        flash(_("Son titulaire devra réinitialiser son mot de passe à sa prochaine connexion."), "warning")
    return redirect(url_for("admin.account", account_id=account.id))


# -- options: teleprocedures and document types (rules 3, 7, 8) ------------------------------------
@bp.route("/comptes/<int:account_id>/options", methods=["GET", "POST"])
@auth.login_required
def options(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = _ctx(actor)
    account = services.get_account(ctx, account_id)
    catalogue = ctx.catalogue.teleprocedures
    principal = account if account.kind == "principal" else account.parent
    assert principal is not None
    # A principal chooses in the portal's catalogue; a secondary within its principal's choice.
    offered = {
        code: (tp.document_types if account.kind == "principal" else principal.selection.get(code, ()))
        for code, tp in catalogue.items()
        if account.kind == "principal" or code in principal.selection
    }
    if not (actor.administers(principal.id) or (account.autonomous and actor.account_id == account.id)):
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
        try:
            services.set_teleprocedures(ctx, account, requested)
        except DomainError as exc:
            db_session().rollback()
            error = _rule_message(exc)
            selection = {code: list(types) for code, types in requested.items()}
        else:
            clipped = sum(1 for s in principal.secondaries if s.id in before and s.selection != before[s.id])
            _after_change(_("Les téléprocédures de %(login)s sont enregistrées.", login=account.login))
            if account.kind == "principal" and clipped:
                flash(
                    ngettext(
                        "Retirées aussi de %(num)d compte secondaire, qui ne peut pas avoir plus que son compte principal.",
                        "Retirées aussi de %(num)d comptes secondaires, qui ne peuvent pas avoir plus que leur compte principal.",
                        clipped,
                    ),
                    "warning",
                )
            return redirect(url_for("admin.account", account_id=account.id))
    return (
        render_template(
            "admin/options.html",
            account=account,
            offered=offered,
            catalogue=catalogue,
            selection=selection,
            error=error,
        ),
        400 if error else 200,
    )


# -- audit log ------------------------------------------------------------------------------------
@bp.get("/comptes/<int:account_id>/journal")
@auth.login_required
def journal(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = _ctx(actor)
    account = services.get_account(ctx, account_id)
    ctx.actor.require_administrator_of(account.principal_id)
    return render_template("admin/journal.html", account=account, entries=entries_for(ctx.session, account.id))


# -- identity (rule 1) ---------------------------------------------------------------------------
@bp.route("/comptes/<int:account_id>/identite", methods=["GET", "POST"])
@auth.login_required
def identity(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = _ctx(actor)
    account = services.get_account(ctx, account_id)
    ctx.actor.require_administrator_of(account.principal_id)
    form = forms.IdentityForm()
    error = None
    if request.method == "GET":
        form.fill(account)
    elif form.validate_on_submit():
        try:
            services.update_account(ctx, account, parse(AccountPatch, form.patch()))
        except DomainError as exc:
            db_session().rollback()
            error = _rule_message(exc)
        else:
            _after_change(_("L'identité du compte %(login)s est enregistrée.", login=account.login))
            return redirect(url_for("admin.account", account_id=account.id))
    status = 400 if (error or form.errors) else 200
    return render_template("admin/identity.html", account=account, form=form, error=error), status


@bp.route("/comptes/<int:account_id>/services", methods=["GET", "POST"])
@auth.login_required
def account_services(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = _ctx(actor)
    account = services.get_account(ctx, account_id)
    ctx.actor.require_administrator_of(account.principal_id)
    if account.kind != "principal":
        raise NotFound(_("Compte %(id)s introuvable.", id=account_id), code="account_not_found")
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
        for name in ("statement_collection", "collection_error_alerts", "statement_inbox", "probative_archiving"):
            getattr(form, name).data = (account.services or {}).get(name)
    elif form.validate_on_submit():
        body = {
            "secondary_quota": form.secondary_quota.data,
            "services": {
                "statement_collection": form.statement_collection.data,
                "collection_error_alerts": form.collection_error_alerts.data,
                "statement_inbox": (form.statement_inbox.data or "").strip() or None,
                "probative_archiving": form.probative_archiving.data,
            },
        }
        try:
            services.update_account(ctx, account, parse(AccountPatch, body))
        except DomainError as exc:
            db_session().rollback()
            error = _rule_message(exc)
        else:
            _after_change(_("Les options du compte %(login)s sont enregistrées.", login=account.login))
            return redirect(url_for("admin.account", account_id=account.id))
    status = 400 if (error or form.errors) else 200
    return render_template(
        "admin/services.html", account=account, form=form, error=error, with_mailbox=with_mailbox
    ), status


@bp.route("/comptes/<int:account_id>/facturation", methods=["GET", "POST"])
@auth.login_required
def billing(actor: Actor, account_id: int) -> ResponseReturnValue:
    ctx = _ctx(actor)
    account = services.get_account(ctx, account_id)
    ctx.actor.require_administrator_of(account.principal_id)
    if account.kind != "principal":
        raise NotFound(_("Compte %(id)s introuvable.", id=account_id), code="account_not_found")
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
        try:
            services.update_account(ctx, account, parse(AccountPatch, body))
        except DomainError as exc:
            db_session().rollback()
            error = _rule_message(exc)
        else:
            _after_change(_("La facturation du compte %(login)s est enregistrée.", login=account.login))
            return redirect(url_for("admin.account", account_id=account.id))
    status = 400 if (error or form.errors) else 200
    return render_template(
        "admin/billing.html", account=account, form=form, error=error, date=current.get("date")
    ), status


# -- a collaborator's mobile number, enrolled on the spot (rule 11, seed 002) ---------------------
def _phone_person(actor: Actor, person_id: int) -> tuple[services.Context, Person]:
    ctx = _ctx(actor)
    person = services.get_person(ctx, person_id)
    ctx.actor.require_administrator_of(person.account.principal_id)
    return ctx, person


def _other_pending(person: Person) -> dict[str, Any]:
    return {k: v for k, v in session.get("phone_pending", {}).items() if k != str(person.id)}


@bp.get("/utilisateurs/<int:person_id>/portable")
@auth.login_required
def phone_page(actor: Actor, person_id: int) -> ResponseReturnValue:
    _, person = _phone_person(actor, person_id)
    pending = session.get("phone_pending", {}).get(str(person.id))
    return render_template("admin/phone.html", person=person, pending=pending, error=None)


@bp.post("/utilisateurs/<int:person_id>/portable")
@auth.login_required
def phone_send(actor: Actor, person_id: int) -> ResponseReturnValue:
    """« Créer un code SMS »: the code goes to the new number; nothing is saved yet."""
    from provisioner.accounts import phone
    from provisioner.sms.providers import provider_from

    ctx, person = _phone_person(actor, person_id)
    number = request.form.get("phone", "").strip()
    try:
        masked = phone.start(ctx, database(), provider_from(_settings(), database()), person, number)
    except DomainError as exc:
        db_session().rollback()
        session["phone_pending"] = _other_pending(person)  # no code is waiting any more
        return render_template(
            "admin/phone.html", person=person, pending=None, error=_rule_message(exc), number=number
        ), 400
    session["phone_pending"] = {**_other_pending(person), str(person.id): {"masked": masked}}  # never the number
    flash(_("Code SMS envoyé au %(number)s : demandez-le à la personne.", number=masked), "success")
    return redirect(url_for("admin.phone_page", person_id=person.id))


@bp.post("/utilisateurs/<int:person_id>/portable/code")
@auth.login_required
def phone_confirm(actor: Actor, person_id: int) -> ResponseReturnValue:
    from provisioner.accounts import phone

    ctx, person = _phone_person(actor, person_id)
    pending = session.get("phone_pending", {}).get(str(person.id))
    try:
        phone.confirm(ctx, person, request.form.get("code", ""))
    except DomainError as exc:
        db_session().rollback()
        return render_template("admin/phone.html", person=person, pending=pending, error=_rule_message(exc)), 400
    session["phone_pending"] = _other_pending(person)
    _after_change(_("Numéro de portable enregistré pour %(name)s.", name=f"{person.first_name} {person.last_name}"))
    return redirect(url_for("admin.people", account_id=person.account_id))


@bp.post("/utilisateurs/<int:person_id>/portable/supprimer")
@auth.login_required
def phone_clear(actor: Actor, person_id: int) -> ResponseReturnValue:
    from provisioner.accounts import phone

    ctx, person = _phone_person(actor, person_id)
    phone.clear(ctx, person)
    session["phone_pending"] = _other_pending(person)
    _after_change(
        _(
            "Numéro effacé : %(name)s enregistrera un numéro à sa prochaine connexion.",
            name=f"{person.first_name} {person.last_name}",
        )
    )
    return redirect(url_for("admin.people", account_id=person.account_id))


# -- a new principal account (operators, rules 1 to 3) -------------------------------------------
@bp.route("/comptes/nouveau", methods=["GET", "POST"])
@auth.login_required
def new_principal(actor: Actor) -> ResponseReturnValue:
    ctx = _ctx(actor)
    ctx.actor.require_operator()
    form = forms.PrincipalForm()
    form.teleprocedures.choices = [SelectChoice(code, code) for code in ctx.catalogue.teleprocedures]
    error = None
    if form.validate_on_submit():
        try:
            account = services.create_principal(ctx, parse(PrincipalIn, form.principal()))
        except DomainError as exc:
            db_session().rollback()
            error = _rule_message(exc)
        else:
            _after_change(_("Le compte principal %(login)s est créé.", login=account.login))
            return redirect(url_for("admin.account", account_id=account.id))
    status = 400 if (error or form.errors) else 200
    return (
        render_template("admin/new_principal.html", form=form, error=error, catalogue=ctx.catalogue.teleprocedures),
        status,
    )


@bp.route("/utilisateurs/<int:person_id>", methods=["GET", "POST"])
@auth.login_required
def person_detail(actor: Actor, person_id: int) -> ResponseReturnValue:
    """Names, e-mail, language and permissions of a user (rule 12: one active administrator stays)."""
    ctx = _ctx(actor)
    person = services.get_person(ctx, person_id)
    ctx.actor.require_administrator_of(person.account.principal_id)
    form = forms.PersonForm(obj=person if request.method == "GET" else None)
    error = None
    if form.validate_on_submit():
        patch = PersonPatch(
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            email=form.email.data,
            locale=form.locale.data,
            # A secondary account's login has no permissions to give (the field is not shown).
            roles=list(form.roles.data or []) if person.account.kind == "principal" else list(person.roles),
        )
        try:
            services.update_person(ctx, person, patch)
        except DomainError as exc:
            db_session().rollback()
            error = _rule_message(exc)
        else:
            _after_change(_("%(name)s est enregistré.", name=f"{form.first_name.data} {form.last_name.data}"))
            return redirect(url_for("admin.people", account_id=person.account_id))
    status = 400 if (error or form.errors) else 200
    return render_template("admin/person.html", person=person, form=form, error=error), status


@bp.post("/utilisateurs/<int:person_id>/lien-mot-de-passe")
@auth.login_required
def person_password_link(actor: Actor, person_id: int) -> ResponseReturnValue:
    """Send the person a new link to choose a password (a lost invitation, a forgotten password)."""
    ctx = _ctx(actor)
    person = services.get_person(ctx, person_id)
    try:
        services.send_password_link(ctx, person)
    except DomainError as exc:
        db_session().rollback()
        flash(_rule_message(exc), "warning")
        return redirect(url_for("admin.person_detail", person_id=person.id))
    _after_change(
        _("Un lien pour choisir un mot de passe, valable 24 heures, est envoyé à %(email)s.", email=person.email)
    )
    return redirect(url_for("admin.person_detail", person_id=person.id))
