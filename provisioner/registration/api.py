"""``/api/v1/accounts/{id}/invitations`` and ``/api/v1/invitations``: operators invite an account's
first administrator (a letter to print or an e-mail), print runs, letters marked as posted."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from provisioner.accounts import services as accounts
from provisioner.db import utcnow
from provisioner.registration import schemas, services
from provisioner.web.api import api_context, authenticate
from provisioner.web.openapi import ACCOUNT_ID, MAX_ID, Answer, answers, binary, spec
from provisioner.web.state import db_session, settings

bp = Blueprint("registration_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
TAGS = ["registration"]
INVITATION_ID = f"<int(min=1, max={MAX_ID}):invitation_id>"


def _link() -> str:
    return f"{settings().public_url.rstrip('/')}/inscription"


@bp.post(f"/accounts/{ACCOUNT_ID}/invitations")
@spec.validate(json=schemas.InvitationIn, resp=answers(HTTP_201=schemas.InvitationRead), tags=TAGS)
def invite(account_id: int, json: schemas.InvitationIn) -> Answer:
    """Operators only: invite the account's first administrator (the account becomes
    ``invited``; an older invitation is revoked). A letter waits for a print run; an e-mail
    leaves at once (``sent`` says whether it did)."""
    ctx = api_context()
    account = accounts.get_account(ctx, account_id)
    made = services.invite(
        ctx,
        settings().secret_key.get_secret_value(),
        account,
        channel=json.channel,
        email=json.email,
        locale=json.locale,
    )
    db_session().commit()
    sent = None
    if json.channel == "email":
        sent = services.email_invitation(ctx, settings(), made.invitation, _link())
    invitation = services.get_invitation(ctx, made.invitation.id)
    answer = {"invitation": services.out(invitation, utcnow()), "sent": sent}
    db_session().commit()
    return jsonify(answer), 201


@bp.get(f"/accounts/{ACCOUNT_ID}/invitations")
@spec.validate(resp=answers(HTTP_200=schemas.InvitationList), tags=TAGS)
def account_invitations(account_id: int) -> Answer:
    """Operators only: the account's invitations, newest first, with their state."""
    ctx = api_context()
    ctx.actor.require_operator()
    account = accounts.get_account(ctx, account_id)
    now = utcnow()
    return jsonify({"items": [services.out(i, now) for i in services.invitations(ctx, account=account)]})


@bp.get("/invitations")
@spec.validate(query=schemas.InvitationsQuery, resp=answers(HTTP_200=schemas.InvitationList), tags=TAGS)
def portal_invitations(query: schemas.InvitationsQuery) -> Answer:
    """Operators only: the portal's invitations (the latest 1,000), by state."""
    ctx = api_context()
    now = utcnow()
    return jsonify({"items": [services.out(i, now) for i in services.invitations(ctx, state=query.state)]})


binary("/api/v1/invitations/letters", "post", {"application/pdf": "the letters, a page each"})


@bp.post("/invitations/letters")
@spec.validate(json=schemas.PrintIn, resp=answers(HTTP_200=None), tags=TAGS)
def print_letters(json: schemas.PrintIn) -> Answer:
    """Operators only: a print run of invitation letters (those of ``invitation_ids``, or every
    letter still to print) in one PDF. Once printed, a code exists only on its letter: printing
    again is a new invitation."""
    ctx = api_context()
    pdf = services.print_run(ctx, settings().secret_key.get_secret_value(), json.invitation_ids, _link())
    db_session().commit()
    return current_app.response_class(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": 'attachment; filename="invitations.pdf"'}
    )


@bp.post(f"/invitations/{INVITATION_ID}/sent")
@spec.validate(resp=answers(HTTP_200=schemas.InvitationRead), tags=TAGS)
def mark_sent(invitation_id: int) -> Answer:
    """Operators only: a printed letter was posted."""
    ctx = api_context()
    invitation = services.mark_sent(ctx, services.get_invitation(ctx, invitation_id))
    answer = {"invitation": services.out(invitation, utcnow()), "sent": None}
    db_session().commit()
    return jsonify(answer)
