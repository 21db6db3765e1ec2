"""``/api/v1``: the people of an account (collaborators, user lists and exports, lock-outs)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from provisioner.accounts import services as accounts
from provisioner.accounts.models import Account, Person
from provisioner.people import exports, lockout, services
from provisioner.people import schemas as s
from provisioner.people.schemas import person_out
from provisioner.web.api import api_context, authenticate, commit_and_sync
from provisioner.web.openapi import ACCOUNT_ID, PERSON_ID, Answer, answers, binary, spec
from provisioner.web.state import database, db_session, gateway

bp = Blueprint("people_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
TAGS = ["people"]


def _listed(account_id: int, query: s.PeopleQuery) -> tuple[Account, list[Person]]:
    """The account and its people, filtered as the list and the export are (q, include_disabled)."""
    ctx = api_context()
    account = accounts.get_account(ctx, account_id)
    return account, services.people_of(ctx, account, include_disabled=query.include_disabled, q=query.q)


def _changed(person: Person, status: int = 200) -> Answer:
    out = person_out(person)  # read before the commit expires it
    return jsonify({"person": out, "sync": commit_and_sync()}), status


@bp.get(f"/accounts/{ACCOUNT_ID}/people")
@spec.validate(query=s.PeopleQuery, resp=answers(HTTP_200=s.PersonList), tags=TAGS)
def list_people(account_id: int, query: s.PeopleQuery) -> Answer:
    """The people of an account: holder, secondary logins, collaborators."""
    _, people = _listed(account_id, query)
    return jsonify({"items": [person_out(p) for p in people]})


binary(
    "/api/v1/accounts/{account_id}/people/export",
    "get",
    {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "the list as an Excel workbook",
        "application/pdf": "the list as a PDF document",
    },
)


@bp.get(f"/accounts/{ACCOUNT_ID}/people/export")
@spec.validate(query=s.ExportQuery, resp=answers(HTTP_200=None), tags=TAGS)
def export_people(account_id: int, query: s.ExportQuery) -> Answer:
    """The user list as Excel or PDF (the list's filters: q, include_disabled)."""
    account, people = _listed(account_id, query)
    body, mimetype, filename = exports.user_list(account, people, query.format)
    filters = {"q": query.model_dump().get("q"), "include_disabled": query.include_disabled}
    services.record_export(database(), api_context().actor, account.id, query.format, len(people), filters)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return current_app.response_class(body, mimetype=mimetype, headers=headers)


@bp.post(f"/accounts/{ACCOUNT_ID}/collaborators")
@spec.validate(json=s.CollaboratorIn, resp=answers(HTTP_201=s.PersonChanged), tags=TAGS)
def add_collaborator(account_id: int, json: s.CollaboratorIn) -> Answer:
    """Invite a collaborator: Keycloak e-mails a link to choose a password (24 hours)."""
    ctx = api_context()
    principal = accounts.get_account(ctx, account_id)
    return _changed(services.add_collaborator(ctx, principal, json), 201)


@bp.get(f"/people/{PERSON_ID}")
@spec.validate(resp=answers(HTTP_200=s.PersonRead), tags=TAGS)
def get_person(person_id: int) -> Answer:
    """One person."""
    ctx = api_context()
    return jsonify({"person": person_out(services.get_person(ctx, person_id))})


@bp.patch(f"/people/{PERSON_ID}")
@spec.validate(json=s.PersonPatch, resp=answers(HTTP_200=s.PersonChanged), tags=TAGS)
def patch_person(person_id: int, json: s.PersonPatch) -> Answer:
    """Change a person's names, language, roles, state (only the fields sent)."""
    ctx = api_context()
    return _changed(services.update_person(ctx, services.get_person(ctx, person_id), json))


@bp.delete(f"/people/{PERSON_ID}")
@spec.validate(resp=answers(HTTP_200=s.PersonDeleted), tags=TAGS)
def delete_person(person_id: int) -> Answer:
    """Delete a collaborator (a holder or a secondary login is deactivated instead)."""
    ctx = api_context()
    services.delete_collaborator(ctx, services.get_person(ctx, person_id))
    return jsonify({"deleted": person_id, "sync": commit_and_sync()})


@bp.post(f"/people/{PERSON_ID}/password-link")
@spec.validate(resp=answers(HTTP_202=s.LinkRequested), tags=TAGS)
def password_link(person_id: int) -> Answer:
    """Rule 11: e-mail the person a link to choose a password (24 hours)."""
    ctx = api_context()
    services.send_password_link(ctx, services.get_person(ctx, person_id))
    return jsonify({"status": "link_requested", "sync": commit_and_sync()}), 202


@bp.get(f"/people/{PERSON_ID}/lockout")
@spec.validate(resp=answers(HTTP_200=s.Lockout), tags=TAGS)
def get_lockout(person_id: int) -> Answer:
    """Rule 22: is the person locked out by brute-force detection, and until when."""
    ctx = api_context()
    until = lockout.locked_until(gateway(), services.get_person(ctx, person_id))
    return jsonify({"locked": until is not None, "until": until.isoformat() if until else None})


@bp.delete(f"/people/{PERSON_ID}/lockout")
@spec.validate(resp=answers(HTTP_200=s.Unlocked), tags=TAGS)
def delete_lockout(person_id: int) -> Answer:
    """Unlock now (its administrators and operators)."""
    ctx = api_context()
    unlocked = lockout.unlock(ctx, gateway(), services.get_person(ctx, person_id))
    db_session().commit()
    return jsonify({"unlocked": unlocked})
