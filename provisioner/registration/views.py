"""The registration wizard on the portal's public pages (seed 002: « Entrez le code d'accès »,
« Identifier le compte utilisateur », the e-mailed code, « Ouverture de compte »), the terms of
use, and the operators' invitations (an account's, and the portal's print run)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from provisioner.accounts import services as accounts
from provisioner.accounts.outbox import enqueue_invitation
from provisioner.actors import Actor
from provisioner.db import utcnow
from provisioner.logs import get_logger
from provisioner.mail import send_mail
from provisioner.registration import forms, passwords, services
from provisioner.registration.models import CREATED, EXPIRED, PRINTED, REVOKED, SENT, USED
from provisioner.registration.terms import terms
from provisioner.web.api import commit_and_sync, portal_context
from provisioner.web.menu import MenuEntry, add_account_entry
from provisioner.web.state import db_session, gateway, settings
from provisioner.web.ui import add_rule_messages, attempt, attempt_on, form_status, login_required

log = get_logger(__name__)
bp = Blueprint("registration", __name__, template_folder="templates")
KEY = "registration"  # the browser's registration token, in the signed session

STATES = (CREATED, PRINTED, SENT, USED, EXPIRED, REVOKED)
STATE_LABELS = {
    CREATED: _l("À imprimer ou à envoyer"),
    PRINTED: _l("Imprimée"),
    SENT: _l("Envoyée"),
    USED: _l("Utilisée"),
    EXPIRED: _l("Expirée"),
    REVOKED: _l("Annulée"),
}
STATE_ICONS = {CREATED: "✎", PRINTED: "🖶", SENT: "✉", USED: "✔", EXPIRED: "⌛", REVOKED: "⊘"}

add_rule_messages(
    {
        "invalid_code": _l(
            "Le code d'accès compte 12 caractères, lettres et chiffres, tel qu'imprimé sur votre invitation "
            "(XXXX XXXX XXXX)."
        ),
        "unknown_code": _l(
            "Ce code d'accès n'est pas reconnu : vérifiez-le sur votre invitation (il ne contient ni 0, ni 1, ni O, "
            "ni I, ni L)."
        ),
        "code_used": _l(
            "Ce code d'accès a déjà servi : le compte est ouvert. Connectez-vous avec votre identifiant, ou demandez "
            "à l'administrateur du compte de vous créer un accès."
        ),
        "code_expired": _l("Ce code d'accès a expiré : demandez une nouvelle invitation au support du portail."),
        "code_revoked": _l(
            "Ce code d'accès a été remplacé par une invitation plus récente : utilisez le code de la dernière lettre "
            "ou du dernier e-mail reçu."
        ),
        "too_many_attempts": _l("Trop de codes incorrects : réessayez dans une heure."),
        "too_many_email_codes": _l(
            "Plusieurs codes ont déjà été envoyés pour cette inscription : recommencez dans une heure avec votre code "
            "d'accès."
        ),
        "no_email_code": _l("Indiquez d'abord votre adresse e-mail."),
        "email_code_expired": _l("Ce code a expiré : demandez-en un nouveau (« Renvoyer le code »)."),
        "email_code_invalid": _l("Code incorrect : vérifiez le code reçu par e-mail."),
        "email_not_verified": _l("Confirmez d'abord votre adresse e-mail avec le code reçu."),
        "terms_not_accepted": _l("Acceptez les conditions d'utilisation pour ouvrir votre accès."),
        "account_not_invited": _l("Ce compte n'attend plus l'inscription de son administrateur."),
        "account_not_invitable": _l(
            "On invite l'administrateur d'un compte validé qui ne s'est pas encore inscrit : validez d'abord la "
            "demande."
        ),
        "no_postal_address": _l(
            "L'adresse postale du compte est incomplète : complétez l'adresse du responsable, ou envoyez "
            "l'invitation par e-mail."
        ),
        "email_required": _l("Indiquez l'adresse e-mail à laquelle envoyer l'invitation."),
        "not_to_print": _l("Certaines invitations ne sont plus à imprimer : retirez-les de la sélection."),
        "not_printed": _l("Seule une lettre imprimée peut être marquée comme envoyée."),
        "no_invitation_to_print": _l("Aucune lettre à imprimer."),
        "firm_exists": _l(
            "Un compte existe déjà pour ce SIREN sur le portail : connectez-vous, ou contactez le support."
        ),
        "firm_link_used": _l(
            "Ce lien d'activation a déjà servi ou n'est pas valable : si votre compte est ouvert, connectez-vous ; "
            "sinon recommencez la demande."
        ),
        "firm_link_expired": _l("Ce lien d'activation a expiré (24 heures) : recommencez la demande."),
        "invitation_already_issued": _l(
            "Le code de cette invitation n'est plus lisible (déjà imprimée ou envoyée) : créez une nouvelle invitation."
        ),
    }
)


@bp.record_once
def _register(state: Any) -> None:
    add_account_entry(
        state.app,
        MenuEntry(
            _l("Invitations"),
            "registration.account_invitations",
            "invitations-link",
            lambda account, actor: bool(actor.operator) and account.kind == "principal",
            15,
        ),
    )


def _secret() -> str:
    return settings().secret_key.get_secret_value()


def _public() -> Any:
    return portal_context(Actor(name="inscription"))


def _link(path: str) -> str:
    return f"{settings().public_url.rstrip('/')}{path}"


# -- the wizard -----------------------------------------------------------------------------------
def _registration(ctx: Any) -> Any:
    found = services.current(ctx, session.get(KEY))
    if found is None:
        session.pop(KEY, None)
    return found


def _restart() -> ResponseReturnValue:
    flash(_("Votre inscription n'a pas commencé ou a expiré : saisissez votre code d'accès."), "warning")
    return redirect(url_for("registration.code"))


def _page(template: str, **context: Any) -> str:
    return render_template(f"registration/{template}", **context)


@bp.route("/inscription", methods=["GET", "POST"])
def code() -> ResponseReturnValue:
    """Step 1: « Entrez le code d'accès »."""
    ctx = _public()
    form = forms.CodeForm()
    error = None
    if form.validate_on_submit():
        started, error = attempt_on(
            form, lambda: services.start(ctx, _secret(), form.code.data or "", request.remote_addr or "")
        )
        if started is not None:
            db_session().commit()
            session[KEY] = started.token
            registration = started.registration
            if registration.email_verified_at is not None:
                return redirect(url_for("registration.profile"))
            if registration.email_code_hash is not None:
                return redirect(url_for("registration.verify"))
            return redirect(url_for("registration.email"))
    page = _page("code.html", form=form, error=error, portal=ctx.portal)
    return page, form_status(error, form)


def _send_email_code(ctx: Any, to: str, code_: str) -> bool:
    """The e-mail that proves the address, in the person's language; False if it could not leave."""
    shown = services.EMAIL_CODES.shown(code_)
    link = _link(url_for("registration.verify", code=code_))
    body = _(
        "Bonjour,\n\nPour poursuivre l'ouverture de votre accès à %(portal)s, saisissez ce code sur la page de "
        "l'inscription :\n\n%(code)s\n\nou ouvrez ce lien dans le navigateur où vous avez commencé :\n%(link)s\n\n"
        "Ce code est valable %(minutes)d minutes. Si vous n'avez rien demandé, ignorez ce message.\n\n%(portal)s",
        portal=ctx.portal.display_name,
        code=shown,
        link=link,
        minutes=services.EMAIL_CODE_MINUTES,
    )
    try:
        send_mail(settings(), to, _("Votre code de confirmation : %(code)s", code=shown), body)
    except OSError as exc:
        log.warning("registration.email_code_not_sent", error=type(exc).__name__)
        return False
    return True


def _mail_code(ctx: Any, registration: Any, code_: str) -> str | None:
    """Saved, then the code e-mailed (no transaction stays open while mail leaves); the page's
    error if it could not leave."""
    to = registration.email or ""
    db_session().commit()
    if _send_email_code(ctx, to, code_):
        return None
    return _("L'e-mail n'a pas pu être envoyé : réessayez dans un instant.")


@bp.route("/inscription/adresse", methods=["GET", "POST"])
def email() -> ResponseReturnValue:
    """Step 2: « Identifier le compte utilisateur »: the address to use."""
    ctx = _public()
    registration = _registration(ctx)
    if registration is None:
        return _restart()
    form = forms.EmailForm(data={"email": registration.email or ""})
    error = None
    if form.validate_on_submit():
        sent, error = attempt_on(form, lambda: services.email_code(ctx, _secret(), registration, form.email.data or ""))
        if sent is not None:
            error = _mail_code(ctx, registration, sent)
            if error is None:
                return redirect(url_for("registration.verify"))
    return _page("email.html", form=form, error=error, portal=ctx.portal), form_status(error, form)


@bp.route("/inscription/verification", methods=["GET", "POST"])
def verify() -> ResponseReturnValue:
    """Step 3: the code sent to the address (or « Renvoyer le code »)."""
    ctx = _public()
    registration = _registration(ctx)
    if registration is None:
        return _restart()
    if registration.email is None:
        return redirect(url_for("registration.email"))
    form = forms.EmailCodeForm(data={"code": request.args.get("code", "")[:32]})
    resend = forms.ButtonForm(prefix="resend")
    error = None
    if request.method == "POST" and "resend-csrf_token" in request.form and resend.validate_on_submit():
        sent, error = attempt(lambda: services.email_code(ctx, _secret(), registration, registration.email or ""))
        if sent is not None:
            error = _mail_code(ctx, registration, sent)
            if error is None:
                flash(_("Un nouveau code a été envoyé à %(email)s.", email=registration.email), "success")
                return redirect(url_for("registration.verify"))
    elif request.method == "POST" and form.validate_on_submit():
        done, error = attempt_on(
            form, lambda: services.verify_email(ctx, _secret(), registration, form.code.data or "")
        )
        if error is None and not form.errors:
            db_session().commit()
            return redirect(url_for("registration.profile"))
    page = _page("verify.html", form=form, resend=resend, error=error, portal=ctx.portal, email=registration.email)
    return page, form_status(error, form)


@bp.route("/inscription/profil", methods=["GET", "POST"])
def profile() -> ResponseReturnValue:
    """Step 4: « Ouverture de compte »: names, language, password, terms of use."""
    ctx = _public()
    registration = _registration(ctx)
    if registration is None:
        return _restart()
    if registration.email_verified_at is None:
        return redirect(url_for("registration.verify"))
    application = registration.application
    if application is None:  # an invitation: the account exists
        account = services.invitation_of(ctx, registration).account
        login, known = account.login, account.responsible or {}
    else:  # a firm's own registration: the account is made at the end
        login, known = services.firm_login(application["siret"]), application
    # Where the portal validates firms first, the password is chosen when it opens the account.
    asks_password = application is None or ctx.portal.registration.firms == "direct"
    form = forms.ProfileForm(
        data={
            "first_name": known.get("first_name", ""),
            "last_name": known.get("last_name", ""),
            "locale": str(get_locale() or "fr")[:2],
        }
    )
    if not asks_password:
        del form.password, form.confirm
    policy = ctx.portal.registration.password_policy
    error = None
    if form.validate_on_submit():
        missing = (
            passwords.refusals(policy, form.password.data or "", username=login, email=registration.email or "")
            if asks_password
            else []
        )
        if missing:
            form.password.errors = [_("Le mot de passe doit comprendre : %(rules)s.", rules=", ".join(missing))]
        else:
            wanted = services.Profile(
                first_name=(form.first_name.data or "").strip(),
                last_name=(form.last_name.data or "").strip(),
                locale=form.locale.data or "fr",
                terms_accepted=bool(form.terms.data),
            )
            complete = services.complete_invited if application is None else services.complete_firm
            made, error = attempt_on(form, lambda: complete(ctx, registration, wanted), {"terms_not_accepted": "terms"})
            if made is not None:
                holder = made[0]
                if not asks_password:
                    return _requested(holder)
                return _opened(ctx, holder, form.password.data or "")
    page = _page(
        "profile.html",
        form=form,
        error=error,
        portal=ctx.portal,
        email=registration.email,
        login=login,
        rules=passwords.described(policy),
        asks_password=asks_password,
        firm=application is not None,
    )
    return page, form_status(error, form)


def _opened(ctx: Any, holder: Any, password: str) -> ResponseReturnValue:
    """Saved: now in Keycloak, with the password chosen; if Keycloak cannot take it now, the
    person gets the e-mail to choose it (nothing is lost)."""
    synced = commit_and_sync()["status"] == "applied"
    password_set = False
    db_session().refresh(holder)
    user_id, username = holder.keycloak_user_id, holder.username
    # No unit of work stays open while Keycloak is called (its "password changed" mail reaches
    # the dev sink, which writes to this database).
    db_session().commit()
    if synced and user_id:
        try:
            gateway().set_password(user_id, password)
            password_set = True
        except Exception as exc:  # noqa: BLE001 - the account is open: the e-mail link instead, never a 500
            log.warning("registration.password_not_set", error=type(exc).__name__)
    if not password_set:
        enqueue_invitation(db_session(), ctx.realm, holder)
        commit_and_sync()
    session.pop(KEY, None)
    session["registered"] = {"login": username, "password_set": password_set}
    return redirect(url_for("registration.done"))


def _requested(holder: Any) -> ResponseReturnValue:
    """A firm's account the portal validates first: saved as a request."""
    commit_and_sync()
    session.pop(KEY, None)
    session["registered"] = {"login": holder.username, "password_set": False, "requested": True}
    return redirect(url_for("registration.done"))


@bp.get("/inscription/terminee")
def done() -> ResponseReturnValue:
    ctx = _public()
    registered = session.get("registered")
    if not registered:
        return redirect(url_for("registration.code"))
    return _page(
        "done.html",
        portal=ctx.portal,
        login=registered["login"],
        password_set=registered["password_set"],
        requested=registered.get("requested", False),
    )


@bp.route("/inscription/cabinet", methods=["GET", "POST"])
def firm() -> ResponseReturnValue:
    """« Créer un compte expert-comptable » (seed 001): the firm, its address, its responsible;
    then an activation link by e-mail, valid 24 hours."""
    ctx = _public()
    if ctx.portal.registration.firms == "off":
        return _page("firm_off.html", portal=ctx.portal), 404
    form = forms.FirmForm()
    error = None
    if form.validate_on_submit():
        application = services.FirmApplication(
            **{name: (getattr(form, name).data or "").strip() for name in services.FirmApplication.__dataclass_fields__}
        )
        started, error = attempt_on(
            form,
            lambda: services.apply_firm(ctx, _secret(), application, request.remote_addr or ""),
            {"duplicate_email": "email", "invalid_siret": "siret", "invalid_siren": "siret", "invalid_uid": "siret"},
        )
        if started is not None:
            db_session().commit()  # no transaction stays open while mail leaves
            if _send_firm_link(ctx, application.email, started.token):
                session["firm_link_sent"] = application.email
                return redirect(url_for("registration.firm_sent"))
            error = _("L'e-mail n'a pas pu être envoyé : réessayez dans un instant.")
    return _page("firm.html", form=form, error=error, portal=ctx.portal), form_status(error, form)


def _send_firm_link(ctx: Any, to: str, token: str) -> bool:
    link = _link(url_for("registration.firm_link", token=token))
    body = _(
        "Bonjour,\n\nVous avez demandé l'ouverture d'un compte expert-comptable sur %(portal)s. Pour la "
        "poursuivre, ouvrez ce lien dans les %(hours)d heures :\n\n%(link)s\n\nVous choisirez ensuite votre mot de "
        "passe et accepterez les conditions d'utilisation. Si vous n'avez rien demandé, ignorez ce message.\n\n%(portal)s",
        portal=ctx.portal.display_name,
        hours=services.FIRM_LINK_HOURS,
        link=link,
    )
    try:
        send_mail(
            settings(),
            to,
            _("Activez votre compte expert-comptable sur %(portal)s", portal=ctx.portal.display_name),
            body,
        )
    except OSError as exc:
        log.warning("registration.firm_link_not_sent", error=type(exc).__name__)
        return False
    return True


@bp.get("/inscription/cabinet/envoye")
def firm_sent() -> ResponseReturnValue:
    ctx = _public()
    return _page(
        "firm_sent.html", portal=ctx.portal, email=session.get("firm_link_sent", ""), hours=services.FIRM_LINK_HOURS
    )


@bp.route("/inscription/cabinet/activation/<token>", methods=["GET", "POST"])
def firm_link(token: str) -> ResponseReturnValue:
    """The e-mailed link: the page asks to continue, and only that POST uses the link (mail
    scanners that open links must not use it up)."""
    ctx = _public()
    form = forms.ButtonForm()
    if not form.validate_on_submit():
        return _page("firm_link_confirm.html", portal=ctx.portal, form=form)
    started, error = attempt(lambda: services.open_firm_link(ctx, token[:128]))
    if started is None:
        return _page("firm_link.html", portal=ctx.portal, error=error), 410
    db_session().commit()
    session[KEY] = started.token
    return redirect(url_for("registration.profile"))


@bp.get("/inscription/conditions")
def terms_of_use() -> ResponseReturnValue:
    ctx = _public()
    text = terms(settings().keycloak_config_dir, ctx.portal, str(get_locale() or "fr")[:2])
    return _page("terms.html", portal=ctx.portal, terms=text)


# -- operators ------------------------------------------------------------------------------------
@bp.route("/comptes/<int:account_id>/invitations", methods=["GET", "POST"])
@login_required
def account_invitations(actor: Actor, account_id: int) -> ResponseReturnValue:
    """An account's invitations, and a new one (the older one revoked)."""
    ctx = portal_context(actor)
    actor.require_operator()
    account = accounts.get_account(ctx, account_id)
    form = forms.InviteForm()
    error = None
    if form.validate_on_submit():
        channel = form.channel.data or "letter"
        made, error = attempt_on(
            form,
            lambda: services.invite(
                ctx,
                _secret(),
                account,
                channel=channel,
                email=(form.email.data or "").strip() or None,
                locale=form.locale.data or "fr",
            ),
        )
        if made is not None:
            db_session().commit()
            if channel == "email":
                _email_invitation(ctx, made.invitation.id)
            else:
                flash(_("Invitation créée : imprimez la lettre."), "success")
            return redirect(url_for("registration.account_invitations", account_id=account.id))
    listed = services.invitations(ctx, account=account)
    page = _page(
        "account_invitations.html",
        account=account,
        form=form,
        error=error,
        invitations=listed,
        now=utcnow(),
        labels=STATE_LABELS,
        icons=STATE_ICONS,
        blank=forms.ButtonForm(),
    )
    return page, form_status(error, form)


def _email_invitation(ctx: Any, invitation_id: int) -> None:
    invitation = services.get_invitation(ctx, invitation_id)
    to = invitation.email
    sent_, error = attempt(
        lambda: services.email_invitation(ctx, settings(), invitation, _link(url_for("registration.code")))
    )
    if error is not None:
        flash(error, "warning")
    elif sent_:
        flash(_("Invitation envoyée à %(email)s.", email=to), "success")
    else:
        flash(_("L'e-mail n'a pas pu être envoyé : réessayez avec « Envoyer l'e-mail »."), "warning")


@bp.post("/invitations/<int:invitation_id>/email")
@login_required
def email_again(actor: Actor, invitation_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    invitation = services.get_invitation(ctx, invitation_id)
    if forms.ButtonForm().validate_on_submit():
        _email_invitation(ctx, invitation.id)
    return redirect(url_for("registration.account_invitations", account_id=invitation.account_id))


@bp.post("/invitations/<int:invitation_id>/envoyee")
@login_required
def sent(actor: Actor, invitation_id: int) -> ResponseReturnValue:
    ctx = portal_context(actor)
    invitation = services.get_invitation(ctx, invitation_id)
    back = request.form.get("back") == "portal"
    if forms.ButtonForm().validate_on_submit():
        done_, error = attempt(lambda: services.mark_sent(ctx, invitation))
        if error:
            flash(error, "warning")
        else:
            db_session().commit()
            flash(_("Lettre marquée comme envoyée."), "success")
    if back:
        return redirect(url_for("registration.portal_invitations"))
    return redirect(url_for("registration.account_invitations", account_id=invitation.account_id))


@bp.get("/invitations")
@login_required
def portal_invitations(actor: Actor) -> ResponseReturnValue:
    """The portal's invitations by state; the letters to print, in one print run."""
    ctx = portal_context(actor)
    actor.require_operator()
    state = request.args.get("state") if request.args.get("state") in STATES else None
    listed = services.invitations(ctx, state=state)
    return _page(
        "portal_invitations.html",
        invitations=listed,
        state=state,
        states=STATES,
        now=utcnow(),
        labels=STATE_LABELS,
        icons=STATE_ICONS,
        form=forms.ButtonForm(),
    )


@bp.post("/invitations/lettres")
@login_required
def print_run(actor: Actor) -> ResponseReturnValue:
    """The letters chosen (or all those to print) in one PDF; their codes then exist only on paper."""
    ctx = portal_context(actor)
    actor.require_operator()
    if not forms.ButtonForm().validate_on_submit():
        flash(_("La page a expiré : recommencez."), "warning")
        return redirect(url_for("registration.portal_invitations"))
    chosen = [int(i) for i in request.form.getlist("invitation_ids") if i.isdigit()] or None
    link = _link(url_for("registration.code"))
    pdf, error = attempt(lambda: services.print_run(ctx, _secret(), chosen, link))
    if pdf is None:
        flash(error or "", "warning")
        return redirect(url_for("registration.portal_invitations"))
    db_session().commit()
    headers = {"Content-Disposition": 'attachment; filename="invitations.pdf"'}
    return current_app.response_class(pdf, mimetype="application/pdf", headers=headers)
