"""``/api/v1``: the people of an account (collaborators, user lists and exports, lock-outs)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from provisioner.accounts import services as accounts
from provisioner.people import exports, lockout, services
from provisioner.people.schemas import CollaboratorIn, PersonPatch, person_out
from provisioner.schemas import parse
from provisioner.web.api import api_context, commit_and_sync, json_body
from provisioner.web.state import db_session, gateway

bp = Blueprint("people_api", __name__, url_prefix="/api/v1")


def _listed(account_id: int) -> tuple[object, list[object]]:
    """The account and its people, filtered as the list and the export are (q, include_disabled)."""
    ctx = api_context()
    account = accounts.get_account(ctx, account_id)
    include_disabled = request.args.get("include_disabled", "true").lower() != "false"
    return account, services.people_of(ctx, account, include_disabled=include_disabled, q=request.args.get("q"))  # type: ignore[return-value]


@bp.get("/accounts/<int:account_id>/people")
def list_people(account_id: int) -> ResponseReturnValue:
    _, people = _listed(account_id)
    return jsonify({"items": [person_out(p) for p in people]})  # type: ignore[arg-type]


@bp.get("/accounts/<int:account_id>/people/export")
def export_people(account_id: int) -> ResponseReturnValue:
    """The user list as Excel or PDF (same filters as the list: q, include_disabled)."""
    account, people = _listed(account_id)
    body, mimetype, filename = exports.user_list(account, people, request.args.get("format", "xlsx"))  # type: ignore[arg-type]
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return current_app.response_class(body, mimetype=mimetype, headers=headers)


@bp.post("/accounts/<int:account_id>/collaborators")
def add_collaborator(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    principal = accounts.get_account(ctx, account_id)
    person = services.add_collaborator(ctx, principal, parse(CollaboratorIn, json_body()))
    out = person_out(person)
    return jsonify({"person": out, "sync": commit_and_sync()}), 201


@bp.get("/people/<int:person_id>")
def get_person(person_id: int) -> ResponseReturnValue:
    ctx = api_context()
    return jsonify({"person": person_out(services.get_person(ctx, person_id))})


@bp.patch("/people/<int:person_id>")
def patch_person(person_id: int) -> ResponseReturnValue:
    ctx = api_context()
    person = services.update_person(ctx, services.get_person(ctx, person_id), parse(PersonPatch, json_body()))
    out = person_out(person)
    return jsonify({"person": out, "sync": commit_and_sync()})


@bp.delete("/people/<int:person_id>")
def delete_person(person_id: int) -> ResponseReturnValue:
    ctx = api_context()
    services.delete_collaborator(ctx, services.get_person(ctx, person_id))
    return jsonify({"deleted": person_id, "sync": commit_and_sync()})


@bp.post("/people/<int:person_id>/password-link")
def password_link(person_id: int) -> ResponseReturnValue:
    """Rule 11: e-mail the person a link to choose a password (24 hours)."""
    ctx = api_context()
    services.send_password_link(ctx, services.get_person(ctx, person_id))
    return jsonify({"status": "link_requested", "sync": commit_and_sync()}), 202


@bp.get("/people/<int:person_id>/lockout")
def get_lockout(person_id: int) -> ResponseReturnValue:
    """Rule 22: is the person locked out by brute-force detection, and until when."""
    ctx = api_context()
    until = lockout.locked_until(gateway(), services.get_person(ctx, person_id))
    return jsonify({"locked": until is not None, "until": until.isoformat() if until else None})


@bp.delete("/people/<int:person_id>/lockout")
def delete_lockout(person_id: int) -> ResponseReturnValue:
    ctx = api_context()
    unlocked = lockout.unlock(ctx, gateway(), services.get_person(ctx, person_id))
    db_session().commit()
    return jsonify({"unlocked": unlocked})
