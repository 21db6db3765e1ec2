"""``/api/v1/accounts/{id}/delegation-profiles`` and ``/api/v1/delegation-profiles/{id}``: a
firm's delegation profiles (« Paramètres de délégation »), for its administrators."""

from __future__ import annotations

from flask import Blueprint, jsonify

from provisioner.delegations import schemas, services
from provisioner.delegations.schemas import profile_out
from provisioner.web.api import api_context, authenticate, commit_and_sync
from provisioner.web.openapi import ACCOUNT_ID, MAX_ID, Answer, answers, spec

bp = Blueprint("delegations_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
TAGS = ["delegation"]
PROFILE_ID = f"<int(min=1, max={MAX_ID}):profile_id>"


@bp.get(f"/accounts/{ACCOUNT_ID}/delegation-profiles")
@spec.validate(resp=answers(HTTP_200=schemas.ProfileList), tags=TAGS)
def list_profiles(account_id: int) -> Answer:
    """The firm's delegation profiles."""
    ctx = api_context()
    return jsonify({"items": [profile_out(p) for p in services.list_profiles(ctx, services.firm(ctx, account_id))]})


@bp.post(f"/accounts/{ACCOUNT_ID}/delegation-profiles")
@spec.validate(json=schemas.ProfileIn, resp=answers(HTTP_201=schemas.ProfileRead), tags=TAGS)
def create_profile(account_id: int, json: schemas.ProfileIn) -> Answer:
    """A profile: its teleprocedures, its establishments (or the whole portfolio), its collaborators."""
    ctx = api_context()
    out = profile_out(services.create(ctx, services.firm(ctx, account_id), json))
    commit_and_sync()
    return jsonify({"profile": out}), 201


@bp.get(f"/delegation-profiles/{PROFILE_ID}")
@spec.validate(resp=answers(HTTP_200=schemas.ProfileRead), tags=TAGS)
def get_profile(profile_id: int) -> Answer:
    """One profile."""
    ctx = api_context()
    return jsonify({"profile": profile_out(services.get_profile(ctx, profile_id))})


@bp.patch(f"/delegation-profiles/{PROFILE_ID}")
@spec.validate(json=schemas.ProfilePatch, resp=answers(HTTP_200=schemas.ProfileRead), tags=TAGS)
def update_profile(profile_id: int, json: schemas.ProfilePatch) -> Answer:
    """Change a profile (lists sent are replaced whole)."""
    ctx = api_context()
    out = profile_out(services.update(ctx, services.get_profile(ctx, profile_id), json))
    commit_and_sync()
    return jsonify({"profile": out})


@bp.delete(f"/delegation-profiles/{PROFILE_ID}")
@spec.validate(resp=answers(HTTP_200=schemas.Deleted), tags=TAGS)
def delete_profile(profile_id: int) -> Answer:
    """Delete a profile: its collaborators lose what it gave them."""
    ctx = api_context()
    services.delete(ctx, services.get_profile(ctx, profile_id))
    commit_and_sync()
    return jsonify({"deleted": profile_id})
