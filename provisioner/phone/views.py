"""A collaborator's mobile number, enrolled on the spot (rule 11, seed 002): « Créer un code SMS »
sends a code to the number, the person reads it out, the administrator types it in; or the number
is cleared and the person enrols at the next sign-in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from provisioner.accounts.models import Person
from provisioner.actors import Actor
from provisioner.context import Context
from provisioner.people.services import get_person
from provisioner.phone import services
from provisioner.sms.providers import provider_from
from provisioner.web.api import portal_context
from provisioner.web.state import database, settings
from provisioner.web.ui import after_change, attempt, login_required

bp = Blueprint("phone", __name__, template_folder="templates")


def _phone_person(actor: Actor, person_id: int) -> tuple[Context, Person]:
    ctx = portal_context(actor)
    person = get_person(ctx, person_id)
    ctx.actor.require_administrator_of(person.account.principal_id)
    return ctx, person


def _pending(person: Person) -> dict[str, Any] | None:
    return session.get("phone_pending", {}).get(str(person.id))  # type: ignore[no-any-return]


def _set_pending(person: Person, masked: str | None) -> None:
    """Remember that a code waits for ``person`` (only the masked number, never the number)."""
    others = {k: v for k, v in session.get("phone_pending", {}).items() if k != str(person.id)}
    session["phone_pending"] = {**others, str(person.id): {"masked": masked}} if masked else others


def _page(person: Person, error: str | None = None, **extra: Any) -> ResponseReturnValue:
    page = render_template("phone/phone.html", person=person, pending=_pending(person), error=error, **extra)
    return page, 400 if error else 200


@bp.get("/utilisateurs/<int:person_id>/portable")
@login_required
def phone_page(actor: Actor, person_id: int) -> ResponseReturnValue:
    _, person = _phone_person(actor, person_id)
    return _page(person)


@bp.post("/utilisateurs/<int:person_id>/portable")
@login_required
def phone_send(actor: Actor, person_id: int) -> ResponseReturnValue:
    """« Créer un code SMS »: the code goes to the new number; nothing is saved yet."""
    ctx, person = _phone_person(actor, person_id)
    number = request.form.get("phone", "").strip()
    provider = provider_from(settings(), database())
    masked, error = attempt(lambda: services.start(ctx, database(), provider, person, number))
    _set_pending(person, masked)  # a refused number: no code is waiting any more
    if error:
        return _page(person, error, number=number)
    flash(_("Code SMS envoyé au %(number)s : demandez-le à la personne.", number=masked), "success")
    return redirect(url_for("phone.phone_page", person_id=person.id))


@bp.post("/utilisateurs/<int:person_id>/portable/code")
@login_required
def phone_confirm(actor: Actor, person_id: int) -> ResponseReturnValue:
    ctx, person = _phone_person(actor, person_id)
    error = attempt(lambda: services.confirm(ctx, person, request.form.get("code", "")))[1]
    if error:
        return _page(person, error)
    _set_pending(person, None)
    after_change(_("Numéro de portable enregistré pour %(name)s.", name=f"{person.first_name} {person.last_name}"))
    return redirect(url_for("people.people", account_id=person.account_id))


@bp.post("/utilisateurs/<int:person_id>/portable/supprimer")
@login_required
def phone_clear(actor: Actor, person_id: int) -> ResponseReturnValue:
    ctx, person = _phone_person(actor, person_id)
    services.clear(ctx, person)
    _set_pending(person, None)
    after_change(
        _(
            "Numéro effacé : %(name)s enregistrera un numéro à sa prochaine connexion.",
            name=f"{person.first_name} {person.last_name}",
        )
    )
    return redirect(url_for("people.people", account_id=person.account_id))
