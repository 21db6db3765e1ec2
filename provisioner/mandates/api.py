"""``/api/v1/accounts/{id}/clients`` and ``/api/v1/mandates/{id}``: a firm's clients and their
mandates (« Gestion des mandants »), the letters that carry the keys, the activation by key;
``/api/v1/accounts/{id}/mandates-received``: the mandates firms asked of an account, for the
client's own administrator (who may revoke them)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from provisioner.db import utcnow
from provisioner.mandates import imports, schemas, services
from provisioner.mandates.schemas import mandate_out
from provisioner.web.api import api_context, authenticate, commit_and_sync
from provisioner.web.openapi import ACCOUNT_ID, MAX_ID, Answer, answers, binary, spec, upload
from provisioner.web.state import db_session, settings

bp = Blueprint("mandates_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
TAGS = ["mandates"]
MANDATE_ID = f"<int(min=1, max={MAX_ID}):mandate_id>"


def _secret() -> str:
    return settings().secret_key.get_secret_value()


@bp.get(f"/accounts/{ACCOUNT_ID}/clients")
@spec.validate(query=schemas.ClientsQuery, resp=answers(HTTP_200=schemas.ClientsPage), tags=TAGS)
def list_clients(account_id: int, query: schemas.ClientsQuery) -> Answer:
    """The firm's clients and the state of each mandate (searched by SIRET or name, filtered by
    state: created, printed, active, revoked, locked, expired, ended)."""
    ctx = api_context()
    page = services.list_clients(ctx, services.firm(ctx, account_id), query)
    now = utcnow()
    return jsonify(
        {
            "items": [mandate_out(m, now) for m in page.items],
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }
    )


@bp.post(f"/accounts/{ACCOUNT_ID}/clients")
@spec.validate(json=schemas.ClientIn, resp=answers(HTTP_201=schemas.MandateRead), tags=TAGS)
def add_client(account_id: int, json: schemas.ClientIn) -> Answer:
    """« Ajouter un client »: a mandate to activate; its key is printed on the client's letter
    (never answered here)."""
    ctx = api_context()
    mandate = services.add_client(ctx, _secret(), services.firm(ctx, account_id), json)
    out = mandate_out(mandate, utcnow())
    commit_and_sync()
    return jsonify({"mandate": out}), 201


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
upload(
    "/api/v1/accounts/{account_id}/clients/import",
    "post",
    {"text/csv": "the clients, a row each", XLSX: "the same as a workbook"},
)


@bp.post(f"/accounts/{ACCOUNT_ID}/clients/import")
@spec.validate(query=schemas.ImportQuery, resp=answers(HTTP_200=schemas.ImportReport), tags=TAGS)
def import_clients(account_id: int, query: schemas.ImportQuery) -> Answer:
    """Clients from a spreadsheet (the file as the body: CSV or XLSX, told by ``format`` or the
    Content-Type): each row added on its own, a report line per row; ``dry_run`` saves nothing."""
    ctx = api_context()
    account = services.firm(ctx, account_id)
    fmt = query.format or ("xlsx" if request.mimetype == XLSX else "csv")
    rows = imports.read_rows(request.get_data(cache=False), fmt)
    report = imports.import_clients(ctx, _secret(), account, rows, dry_run=query.dry_run, commit=db_session().commit)
    if not query.dry_run:
        commit_and_sync()
    created = sum(1 for line in report if line["status"] == "created")
    failed = sum(1 for line in report if line["status"] == "failed")
    return jsonify(
        {"dry_run": query.dry_run, "rows": len(report), "created": created, "failed": failed, "report": report}
    )


binary("/api/v1/accounts/{account_id}/clients/letters", "post", {"application/pdf": "the letters, a page each"})


@bp.post(f"/accounts/{ACCOUNT_ID}/clients/letters")
@spec.validate(json=schemas.LettersIn, resp=answers(HTTP_200=None), tags=TAGS)
def print_letters(account_id: int, json: schemas.LettersIn) -> Answer:
    """Operators only: the letters still to print, in one PDF (all, or those of ``mandate_ids``),
    each to the address the portal holds for the client (else the one the firm gave:
    ``X-Letters-Declared-Address`` says how many, to check before posting). Once printed, a key
    exists only on its letter: printing again needs a new key (delete and add the client)."""
    ctx = api_context()
    run = services.print_letters(ctx, _secret(), services.firm(ctx, account_id), json.mandate_ids)
    commit_and_sync()
    headers = {
        "Content-Disposition": f'attachment; filename="courriers-cles-{account_id}.pdf"',
        "X-Letters": str(run.letters),
        "X-Letters-Declared-Address": str(run.declared),
    }
    return current_app.response_class(run.pdf, mimetype="application/pdf", headers=headers)


@bp.post(f"/accounts/{ACCOUNT_ID}/mandates/activation")
@spec.validate(json=schemas.ActivationIn, resp=answers(HTTP_200=schemas.MandateRead), tags=TAGS)
def activate(account_id: int, json: schemas.ActivationIn) -> Answer:
    """The firm enters the key of a client's letter, once: the mandate is active and the
    client's establishment joins the portfolio. Wrong keys are counted and rate-limited."""
    ctx = api_context()
    outcome = services.activate(ctx, _secret(), services.firm(ctx, account_id), json.key)
    out = mandate_out(outcome.mandate, utcnow()) if outcome.mandate is not None else None
    db_session().commit()  # the attempt counts, whatever the answer
    commit_and_sync()
    if outcome.refusal is not None:
        raise outcome.refusal
    return jsonify({"mandate": out})


@bp.post(f"/mandates/{MANDATE_ID}/revocation")
@spec.validate(resp=answers(HTTP_200=schemas.MandateRead), tags=TAGS)
def revoke(mandate_id: int) -> Answer:
    """Revoke a mandate: by the firm, or by the administrator of the client's account."""
    ctx = api_context()
    mandate = services.revoke(ctx, services.get_mandate(ctx, mandate_id, client_too=True))
    out = mandate_out(mandate, utcnow())
    commit_and_sync()
    return jsonify({"mandate": out})


@bp.delete(f"/mandates/{MANDATE_ID}")
@spec.validate(resp=answers(HTTP_200=schemas.Deleted), tags=TAGS)
def delete_client(mandate_id: int) -> Answer:
    """The firm deletes a client: its key no longer works (lost key: add the client again)."""
    ctx = api_context()
    services.delete_client(ctx, services.get_mandate(ctx, mandate_id))
    commit_and_sync()
    return jsonify({"deleted": mandate_id})


@bp.get(f"/accounts/{ACCOUNT_ID}/mandates-received")
@spec.validate(resp=answers(HTTP_200=schemas.ReceivedList), tags=TAGS)
def received(account_id: int) -> Answer:
    """The mandates firms asked of this account's establishment (its administrator may revoke them)."""
    ctx = api_context()
    account = services.client_account(ctx, account_id)
    now = utcnow()
    return jsonify({"items": [services.received_out(m, now) for m in services.received(ctx, account)]})
