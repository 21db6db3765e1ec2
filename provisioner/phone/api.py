"""``/api/v1/people/{id}/phone``: an administrator enrols (code sent, code read back) or clears a
person's mobile number."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from provisioner.errors import InvalidInput
from provisioner.people.schemas import person_out
from provisioner.people.services import get_person
from provisioner.phone import services
from provisioner.sms.providers import provider_from
from provisioner.web.api import api_context, commit_and_sync, json_body
from provisioner.web.state import database, settings

bp = Blueprint("phone_api", __name__, url_prefix="/api/v1")


def _text(name: str, message: str) -> str:
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get(name), str):
        raise InvalidInput(message, code="invalid_body")
    return str(body[name])


@bp.put("/people/<int:person_id>/phone")
def start_phone_enrolment(person_id: int) -> ResponseReturnValue:
    """Send a code to the new number; the person reads it out to the administrator."""
    ctx = api_context()
    number = _text("phone", "« phone » attendu, par exemple +41 79 111 22 33.")
    person = get_person(ctx, person_id)
    masked = services.start(ctx, database(), provider_from(settings(), database()), person, number)
    return jsonify({"status": "code_sent", "phone": masked}), 202


@bp.post("/people/<int:person_id>/phone/verify")
def verify_phone(person_id: int) -> ResponseReturnValue:
    ctx = api_context()
    code = _text("code", "« code » attendu (6 chiffres).")
    person = services.confirm(ctx, get_person(ctx, person_id), code)
    out = person_out(person)
    return jsonify({"person": out, "sync": commit_and_sync()})


@bp.delete("/people/<int:person_id>/phone")
def clear_phone(person_id: int) -> ResponseReturnValue:
    ctx = api_context()
    person = services.clear(ctx, get_person(ctx, person_id))
    out = person_out(person)
    return jsonify({"person": out, "sync": commit_and_sync()})
