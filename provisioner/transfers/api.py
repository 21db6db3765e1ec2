"""``POST /api/v1/accounts/{id}/transfer``: every client of a firm's account to another's (rule
16); the portal's operators."""

from __future__ import annotations

from flask import Blueprint, jsonify

from provisioner.transfers import schemas, services
from provisioner.web.api import api_context, authenticate, commit_and_sync
from provisioner.web.openapi import ACCOUNT_ID, Answer, answers, spec

bp = Blueprint("transfers_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)


@bp.post(f"/accounts/{ACCOUNT_ID}/transfer")
@spec.validate(json=schemas.TransferIn, resp=answers(HTTP_200=schemas.TransferOut), tags=["mandates"])
def transfer(account_id: int, json: schemas.TransferIn) -> Answer:
    """Move every client (mandates and their keys as they are), the portfolio and the delegation
    profiles (without their members) of this firm's account to ``to_account_id``'s, all or nothing
    (``409 transfer_conflicts`` lists what both hold). The old account's people lose access."""
    ctx = api_context()
    source, target, moved = services.transfer(ctx, account_id, json.to_account_id)
    out = {
        "from_account_id": source.id,
        "to_account_id": target.id,
        "mandates": moved.mandates,
        "establishments": moved.establishments,
        "profiles": moved.profiles,
    }
    commit_and_sync()
    return jsonify(out)
