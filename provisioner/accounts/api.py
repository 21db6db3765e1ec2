"""JSON API ``/api/v1``: parse, call a service, answer. Errors take the one shape of web.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from provisioner.accounts import schemas, services
from provisioner.accounts.audit import entries_for, snapshot_person
from provisioner.accounts.models import Account, AuditEntry, Person
from provisioner.apiauth import current_actor
from provisioner.errors import InvalidInput, UpstreamUnavailable
from provisioner.portals import load_portal
from provisioner.settings import Settings
from provisioner.sync.models import PENDING, OutboxItem
from provisioner.sync.services import APPLY_CATALOGUE, applied, process, tracked
from provisioner.web import database, db_session

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")


def api_context() -> services.Context:
    settings: Settings = current_app.extensions["portail.settings"]
    portal = load_portal(settings.keycloak_config_dir, settings.keycloak_realm)
    return services.Context(db_session(), portal, current_actor())


def json_body() -> Any:
    body = request.get_json(silent=True)
    if body is None:
        raise InvalidInput("Corps JSON attendu (Content-Type: application/json).", code="invalid_body")
    return body


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput(f"Paramètre « {name} » : entier attendu.", code="invalid_parameter") from exc


INLINE_ITEMS = 50  # a bulk request applies this many accounts at once; the sync worker does the rest


def commit_and_sync() -> dict[str, Any]:
    """Save first (never lost), then apply this change's Keycloak work at once (with any catalogue
    work still waiting: accounts may need its roles); what is not applied now stays in the outbox
    for the sync worker."""
    session = db_session()
    mine = tracked(session)
    session.commit()
    if not mine:
        return {"status": "applied"}
    with database().session() as outbox:
        waiting = outbox.scalars(
            select(OutboxItem.id).where(OutboxItem.action == APPLY_CATALOGUE, OutboxItem.status == PENDING)
        )
        ids = sorted({*mine[:INLINE_ITEMS], *waiting})
    try:
        report = process(database(), current_app.extensions["portail.keycloak"], item_ids=ids)
    except UpstreamUnavailable:
        report = None
    if report is not None and applied(database(), mine):
        return {"status": "applied"}
    if report is None or report.upstream_down:
        message = "Modification enregistrée ; Keycloak est indisponible, elle sera appliquée dès son retour."
    elif len(mine) > INLINE_ITEMS:
        message = "Modification enregistrée ; le service de synchronisation termine de l'appliquer dans Keycloak."
    else:
        message = "Modification enregistrée ; elle n'a pas encore pu être appliquée dans Keycloak et sera retentée."
    return {"status": "pending", "message": message}


def account_out(account: Account, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": account.id,
        "kind": account.kind,
        "login": account.login,
        "principal_id": account.principal_id,
        "dossier_number": account.dossier_number,
        "identifier": account.identifier,
        "company_name": account.company_name,
        "company_type": account.company_type,
        "status": account.status,
        "is_test": account.is_test,
        "has_mailbox": account.has_mailbox,
        "autonomous": account.autonomous,
        "mfa_policy": account.mfa_policy,
        "secondary_quota": account.secondary_quota if account.kind == "principal" else None,
        "teleprocedures": {code: list(types) for code, types in account.selection.items()},
        "created_at": account.created_at.isoformat() + "Z",
    }
    if detail:
        data.update(
            responsible=account.responsible,
            technical_contact=account.technical_contact,
            administrative_contact=account.administrative_contact,
            legal_representative=account.legal_representative,
            services=account.services,
            billing=account.billing if account.kind == "principal" else None,
        )
    return data


def person_out(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "account_id": person.account_id,
        "kind": person.kind,
        **snapshot_person(person),
        "synced": person.keycloak_user_id is not None,
    }


def _page(page: services.Page) -> dict[str, Any]:
    return {
        "items": [account_out(a) for a in page.items],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    }


@bp.get("/accounts")
def list_accounts() -> ResponseReturnValue:
    ctx = api_context()
    page = services.list_accounts(
        ctx,
        q=request.args.get("q"),
        status=request.args.get("status"),
        kind=request.args.get("kind"),
        page=_int_arg("page", 1),
        per_page=_int_arg("per_page", 50),
    )
    return jsonify(_page(page))


@bp.post("/accounts")
def create_account() -> ResponseReturnValue:
    ctx = api_context()
    account = services.create_principal(ctx, schemas.parse(schemas.PrincipalIn, json_body()))
    out = account_out(account, detail=True)
    return jsonify({"account": out, "sync": commit_and_sync()}), 201


@bp.post("/accounts/bulk")
def bulk_create() -> ResponseReturnValue:
    """Many principal accounts in one request; each item succeeds or fails on its own."""
    ctx = api_context()
    body = json_body()
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise InvalidInput("« items » : liste d'au moins un compte attendue.", code="invalid_body")
    if len(items) > 5000:
        raise InvalidInput("5000 comptes au plus par requête.", code="too_many_items")
    results = services.create_principals(ctx, items)
    created = sum(1 for r in results if r["status"] == "created")
    sync = commit_and_sync() if created else {"status": "applied"}
    status = 201 if created == len(items) else 207
    return jsonify({"created": created, "failed": len(items) - created, "results": results, "sync": sync}), status


@bp.get("/accounts/<int:account_id>")
def get_account(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    return jsonify({"account": account_out(services.get_account(ctx, account_id), detail=True)})


@bp.patch("/accounts/<int:account_id>")
def patch_account(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    account = services.get_account(ctx, account_id)
    services.update_account(ctx, account, schemas.parse(schemas.AccountPatch, json_body()))
    out = account_out(account, detail=True)
    return jsonify({"account": out, "sync": commit_and_sync()})


@bp.delete("/accounts/<int:account_id>")
def delete_account(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    services.delete_secondary(ctx, services.get_account(ctx, account_id))
    return jsonify({"deleted": account_id, "sync": commit_and_sync()})


@bp.put("/accounts/<int:account_id>/teleprocedures")
def put_teleprocedures(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get("teleprocedures"), dict):
        raise InvalidInput(
            '« teleprocedures » attendu : {"DSN": ["mensuelle"], "DPAE": null}.',
            code="invalid_body",
        )
    account = services.get_account(ctx, account_id)
    services.set_teleprocedures(ctx, account, body["teleprocedures"])
    out = account_out(account)
    return jsonify({"account": out, "sync": commit_and_sync()})


@bp.put("/accounts/<int:account_id>/mailbox")
def put_mailbox(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get("has_mailbox"), bool):
        raise InvalidInput("« has_mailbox » : true ou false attendu.", code="invalid_body")
    account = services.get_account(ctx, account_id)
    reset = services.set_mailbox(ctx, account, body["has_mailbox"])
    out = account_out(account)
    return jsonify({"account": out, "password_reset_required": reset, "sync": commit_and_sync()})


@bp.post("/accounts/<int:account_id>/deactivate")
def deactivate(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    account = services.set_active(ctx, services.get_account(ctx, account_id), False)
    out = account_out(account)
    return jsonify({"account": out, "sync": commit_and_sync()})


@bp.post("/accounts/<int:account_id>/reactivate")
def reactivate(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    account = services.set_active(ctx, services.get_account(ctx, account_id), True)
    out = account_out(account)
    return jsonify({"account": out, "sync": commit_and_sync()})


@bp.get("/accounts/<int:account_id>/secondaries")
def list_secondaries(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    principal = services.get_account(ctx, account_id)
    page = services.list_accounts(
        ctx,
        parent_id=principal.id,
        q=request.args.get("q"),
        status=request.args.get("status"),
        page=_int_arg("page", 1),
        per_page=_int_arg("per_page", 50),
    )
    return jsonify(_page(page))


@bp.post("/accounts/<int:account_id>/secondaries")
def create_secondary(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    principal = services.get_account(ctx, account_id)
    account = services.create_secondary(ctx, principal, schemas.parse(schemas.SecondaryIn, json_body()))
    out = account_out(account, detail=True)
    return jsonify({"account": out, "sync": commit_and_sync()}), 201


@bp.get("/accounts/<int:account_id>/people")
def list_people(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    account = services.get_account(ctx, account_id)
    include_disabled = request.args.get("include_disabled", "true").lower() != "false"
    people = services.people_of(ctx, account, include_disabled=include_disabled, q=request.args.get("q"))
    return jsonify({"items": [person_out(p) for p in people]})


@bp.get("/accounts/<int:account_id>/people/export")
def export_people(account_id: int) -> ResponseReturnValue:
    """The user list as Excel or PDF (same filters as the list: q, include_disabled)."""
    from provisioner.accounts import exports

    ctx = api_context()
    account = services.get_account(ctx, account_id)
    include_disabled = request.args.get("include_disabled", "true").lower() != "false"
    people = services.people_of(ctx, account, include_disabled=include_disabled, q=request.args.get("q"))
    body, mimetype, filename = exports.user_list(account, people, request.args.get("format", "xlsx"))
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return current_app.response_class(body, mimetype=mimetype, headers=headers)


@bp.post("/accounts/<int:account_id>/collaborators")
def add_collaborator(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    principal = services.get_account(ctx, account_id)
    person = services.add_collaborator(ctx, principal, schemas.parse(schemas.CollaboratorIn, json_body()))
    out = person_out(person)
    return jsonify({"person": out, "sync": commit_and_sync()}), 201


@bp.get("/people/<int:person_id>")
def get_person(person_id: int) -> ResponseReturnValue:
    ctx = api_context()
    return jsonify({"person": person_out(services.get_person(ctx, person_id))})


@bp.patch("/people/<int:person_id>")
def patch_person(person_id: int) -> ResponseReturnValue:
    ctx = api_context()
    person = services.update_person(
        ctx, services.get_person(ctx, person_id), schemas.parse(schemas.PersonPatch, json_body())
    )
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
    from provisioner.accounts import lockout

    ctx = api_context()
    person = services.get_person(ctx, person_id)
    until = lockout.locked_until(current_app.extensions["portail.keycloak"], person)
    return jsonify({"locked": until is not None, "until": until.isoformat() if until else None})


@bp.delete("/people/<int:person_id>/lockout")
def delete_lockout(person_id: int) -> ResponseReturnValue:
    from provisioner.accounts import lockout

    ctx = api_context()
    person = services.get_person(ctx, person_id)
    unlocked = lockout.unlock(ctx, current_app.extensions["portail.keycloak"], person)
    db_session().commit()
    return jsonify({"unlocked": unlocked})


@bp.get("/accounts/<int:account_id>/audit")
def audit(account_id: int) -> ResponseReturnValue:
    ctx = api_context()
    account = services.get_account(ctx, account_id)
    ctx.actor.require_administrator_of(account.principal_id)
    return jsonify({"items": [audit_out(e) for e in entries_for(ctx.session, account.id)]})


def audit_out(e: AuditEntry) -> dict[str, Any]:
    return {
        "at": e.created_at.isoformat() + "Z",
        "actor": e.actor,
        "action": e.action,
        "target_type": e.target_type,
        "target_id": e.target_id,
        "before": e.before,
        "after": e.after,
        "message": e.message,
    }


@bp.put("/people/<int:person_id>/phone")
def start_phone_enrolment(person_id: int) -> ResponseReturnValue:
    """Send a code to the new number; the person reads it out to the administrator."""
    from provisioner.accounts import phone
    from provisioner.sms.providers import provider_from

    ctx = api_context()
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get("phone"), str):
        raise InvalidInput("« phone » attendu, par exemple +41 79 111 22 33.", code="invalid_body")
    person = services.get_person(ctx, person_id)
    settings: Settings = current_app.extensions["portail.settings"]
    masked = phone.start(ctx, database(), provider_from(settings, database()), person, body["phone"])
    return jsonify({"status": "code_sent", "phone": masked}), 202


@bp.post("/people/<int:person_id>/phone/verify")
def verify_phone(person_id: int) -> ResponseReturnValue:
    from provisioner.accounts import phone

    ctx = api_context()
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        raise InvalidInput("« code » attendu (6 chiffres).", code="invalid_body")
    person = phone.confirm(ctx, services.get_person(ctx, person_id), body["code"])
    out = person_out(person)
    return jsonify({"person": out, "sync": commit_and_sync()})


@bp.delete("/people/<int:person_id>/phone")
def clear_phone(person_id: int) -> ResponseReturnValue:
    from provisioner.accounts import phone

    ctx = api_context()
    person = phone.clear(ctx, services.get_person(ctx, person_id))
    out = person_out(person)
    return jsonify({"person": out, "sync": commit_and_sync()})
