"""``/api/v1/people/{id}/phone``: an administrator enrols (code sent, code read back) or clears a
person's mobile number."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field

from provisioner.people.schemas import PersonChanged, person_out
from provisioner.people.services import get_person
from provisioner.phone import services
from provisioner.schemas import Input, Text
from provisioner.sms.providers import provider_from
from provisioner.web.api import api_context, authenticate, commit_and_sync
from provisioner.web.openapi import PERSON_ID, Answer, answers, spec
from provisioner.web.state import database, settings

bp = Blueprint("phone_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
TAGS = ["people"]


class PhoneIn(Input):
    phone: Text(32) = Field(  # type: ignore[valid-type]
        json_schema_extra={"format": "phone"}, description="a mobile number, e.g. +41 79 111 22 33 or 06 12 34 56 78"
    )


class CodeIn(Input):
    code: str = Field(pattern=r"^\s*[0-9]{6}\s*$", description="the 6 digits the person read out")


class CodeSent(BaseModel):
    status: Literal["code_sent"]
    phone: str = Field(description="the number, masked")


@bp.put(f"/people/{PERSON_ID}/phone")
@spec.validate(json=PhoneIn, resp=answers(HTTP_202=CodeSent), tags=TAGS)
def start_phone_enrolment(person_id: int, json: PhoneIn) -> Answer:
    """Send a code to the new number; the person reads it out to the administrator. Nothing is
    saved until the code comes back."""
    ctx = api_context()
    person = get_person(ctx, person_id)
    masked = services.start(ctx, database(), provider_from(settings(), database()), person, json.phone)
    return jsonify({"status": "code_sent", "phone": masked}), 202


@bp.post(f"/people/{PERSON_ID}/phone/verify")
@spec.validate(json=CodeIn, resp=answers(HTTP_200=PersonChanged), tags=TAGS)
def verify_phone(person_id: int, json: CodeIn) -> Answer:
    """Confirm the number with the code: it is saved and Keycloak follows."""
    ctx = api_context()
    person = services.confirm(ctx, get_person(ctx, person_id), json.code)
    out = person_out(person)
    return jsonify({"person": out, "sync": commit_and_sync()})


@bp.delete(f"/people/{PERSON_ID}/phone")
@spec.validate(resp=answers(HTTP_200=PersonChanged), tags=TAGS)
def clear_phone(person_id: int) -> Answer:
    """Clear the number: the person enrols one at the next sign-in."""
    ctx = api_context()
    person = services.clear(ctx, get_person(ctx, person_id))
    out = person_out(person)
    return jsonify({"person": out, "sync": commit_and_sync()})
