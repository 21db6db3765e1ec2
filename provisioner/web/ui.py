"""The administration UI's plumbing: who is signed in (the session opened by ``admin``'s OpenID
Connect sign-in; what they may do is worked out again on every request, so a disabled person loses
access at once), ``login_required``, and the helpers every feature's pages share: the services'
context, a change tried and reported in the user's language, safe local redirects, the pager."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _

from provisioner.actors import OPERATOR_ROLE, Actor
from provisioner.errors import DomainError, Forbidden, UpstreamUnavailable
from provisioner.keycloak.gateway import KeycloakApiError
from provisioner.logs import get_logger
from provisioner.web.api import commit_and_sync
from provisioner.web.state import gateway, portal, rollback
from provisioner.web.tokens import actor_for

log = get_logger(__name__)
IDLE_SECONDS = 30 * 60  # an unattended administration session ends after 30 minutes
MAX_SECONDS = 8 * 3600  # and any after 8 hours: roles and rights are read again at the next sign-in
HOME = "admin.home"  # where an anonymous visitor is sent to sign in
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


# -- the session ------------------------------------------------------------------------------------
def sign_in(claims: dict[str, Any], id_token: str) -> None:
    kept = {key: session[key] for key in ("lang",) if key in session}
    session.clear()  # a new session: nothing of the previous one (CSRF token included) carries over
    session.update(kept)
    now = time.time()
    session["ui"] = {
        "subject": str(claims.get("sub", "")),
        "sid": str(claims.get("sid", "")),
        "username": str(claims.get("preferred_username", "")),
        "name": str(claims.get("name") or claims.get("preferred_username", "")),
        "roles": sorted(claims.get("roles", [])),
        "portal": portal(),  # a session is one portal's: never valid on another's pages
        "since": now,
        "seen": now,
    }
    session["ui_id_token"] = id_token


def sign_out() -> str | None:
    id_token = session.pop("ui_id_token", None)
    kept = {key: session[key] for key in ("lang",) if key in session}
    session.clear()
    session.update(kept)
    return id_token  # type: ignore[no-any-return]


def ui_actor() -> Actor | None:
    """The signed-in administrator or operator, or None (not signed in, or idle too long)."""
    user = session.get("ui")
    if not user:
        return None
    now = time.time()
    stale = now - float(user.get("seen", 0)) > IDLE_SECONDS or now - float(user.get("since", 0)) > MAX_SECONDS
    if stale or not user.get("subject") or not user.get("sid") or user.get("portal") != portal():
        sign_out()
        return None
    if "ui_actor" in g:
        return g.ui_actor  # type: ignore[no-any-return]
    roles = _roles_now(user)
    if roles is None:
        sign_out()
        return None
    user["seen"] = now
    session.modified = True
    g.ui_actor = actor_for(user["subject"], user["username"], roles)
    return g.ui_actor  # type: ignore[no-any-return]


def _roles_now(user: dict[str, Any]) -> set[str] | None:
    """Checked with Keycloak at every request: the Keycloak session is still there (else None: the
    user signed out elsewhere, an administrator ended it, or it expired) and the roles it has now
    (an operator whose role was removed is an operator no more). Keycloak unreachable: an operator
    is refused (its rights are Keycloak's word), an account administrator keeps the roles it signed
    in with (its rights come from the database, read at every request)."""
    signed_in_with = set(user.get("roles", []))
    ended = current_app.extensions.get("portail.session_ended")
    if ended is not None and ended(user.get("sid", "")):
        return None  # Keycloak said so (back-channel logout)
    try:
        return gateway().session_roles(user["subject"], user.get("sid", ""))  # type: ignore[no-any-return]
    except (UpstreamUnavailable, KeycloakApiError) as exc:
        log.warning("ui.session_check_failed", error=type(exc).__name__, user=user.get("username"))
        return None if OPERATOR_ROLE in signed_in_with else signed_in_with


def login_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        actor = ui_actor()
        if actor is None:
            target = request.full_path if request.method == "GET" else None  # a form post is not replayed
            return redirect(url_for(HOME, next=target))
        if not actor.operator and actor.principal_id is None:
            raise Forbidden(
                _("Votre identifiant ne donne accès à aucun compte à administrer."), code="nothing_to_administer"
            )
        return view(actor, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


# -- a change, tried and reported ---------------------------------------------------------------
_RULE_MESSAGES: dict[str, Any] = {}


def add_rule_messages(messages: Mapping[str, Any]) -> None:
    """A feature words its rules for the pages (lazy translations, keyed by the error's code)."""
    _RULE_MESSAGES.update(messages)


def rule_message(error: DomainError) -> str:
    problems = error.details.get("problems", []) if isinstance(error.details, dict) else []
    if problems:  # the schema refused fields the form let through
        return _("Données invalides : %(fields)s.", fields=", ".join(p["field"] for p in problems))
    return str(_RULE_MESSAGES.get(error.code, error.message))


def attempt(change: Callable[[], T]) -> tuple[T | None, str | None]:
    """Run a change; a refused one is rolled back whole and its message, in the user's language,
    is returned for the page: ``(result, None)`` or ``(None, message)``."""
    try:
        return change(), None
    except DomainError as error:
        rollback()
        return None, rule_message(error)


def attempt_on(
    form: Any, change: Callable[[], T], fields: Mapping[str, str] | None = None
) -> tuple[T | None, str | None]:
    """``attempt`` for a form: a refusal that names one of the form's fields (``details.field``,
    or the field ``fields`` gives its code) is shown at that field, tied to it for screen readers;
    else above the form."""
    try:
        return change(), None
    except DomainError as error:
        rollback()
        message = rule_message(error)
        details = error.details if isinstance(error.details, dict) else {}
        problems = [p for p in details.get("problems", []) if hasattr(getattr(form, p["field"], None), "errors")]
        if problems:  # the schema refused what the form let through: each said at its field
            for problem in problems:
                target = getattr(form, problem["field"])
                target.errors = [*list(target.errors or []), _("Valeur invalide : corrigez ce champ.")]
            return None, None
        name = (fields or {}).get(error.code) or details.get("field")
        target = getattr(form, str(name), None) if name else None
        if target is not None and hasattr(target, "errors"):
            target.errors = [*list(target.errors or []), message]
            return None, None
        return None, message


def after_change(done: str) -> None:
    """Commit, apply to Keycloak, and say so (or that Keycloak follows later)."""
    flash(done, "success")
    if commit_and_sync()["status"] != "applied":
        flash(
            _(
                "Keycloak n'a pas encore pu être mis à jour ; la modification est enregistrée et sera appliquée dès que possible."
            ),
            "warning",
        )


def form_status(error: str | None, form: Any = None) -> int:
    """400 when the page shows a refusal or a field error, else 200."""
    return 400 if (error or (form is not None and form.errors)) else 200


# -- navigation -------------------------------------------------------------------------------------
_LOCAL_PATH = re.compile(r"/(?![/\\])[^\s\\]*")


def local(target: str | None) -> str | None:
    """Only a path of this site may be a destination (no open redirect: no scheme, no host, no
    backslash, no whitespace or control character that a browser would strip into ``//host``)."""
    if target and _LOCAL_PATH.fullmatch(target) and not any(ord(c) < 32 for c in target):
        return target
    return None


def back_or(default: str) -> str:
    """The form's ``back`` field when it is a local path, else ``default``."""
    return local(request.form.get("back")) or default


def pager_args(req: Any) -> dict[str, Any]:
    """The page's own path arguments and its known filters, nothing else from the query string."""
    args = {k: v for k, v in req.args.items() if k in ("q", "status", "kind", "state") and v}
    return {**(req.view_args or {}), **args}


def page_number() -> int:
    """The ``page`` argument, 1 when absent or not a page number (whatever a visitor types)."""
    number = request.args.get("page", 1, type=int)
    return number if number is not None and 0 < number <= 100_000 else 1
