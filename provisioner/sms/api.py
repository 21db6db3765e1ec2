"""``POST /internal/sms``: the one endpoint the Keycloak SMS extension sends through."""

from __future__ import annotations

import hmac

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from provisioner.errors import InvalidInput
from provisioner.portals import load_portal
from provisioner.settings import Settings
from provisioner.sms.providers import provider_from
from provisioner.sms.services import SmsRequest, send_code
from provisioner.web.state import database
from provisioner.web.tokens import Unauthorized

bp = Blueprint("sms_gateway", __name__)

_FIELDS = ("realm", "userId", "username", "to", "purpose", "locale", "code")


@bp.post("/internal/sms")
def send() -> ResponseReturnValue:
    settings: Settings = current_app.extensions["portail.settings"]
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), settings.sms_gateway_secret.get_secret_value().encode()):
        raise Unauthorized("Secret de la passerelle SMS invalide.")
    body = request.get_json(silent=True) or {}
    missing = [name for name in _FIELDS if not isinstance(body.get(name), str) or not body.get(name)]
    if missing:
        raise InvalidInput(
            f"Champs manquants : {', '.join(missing)}.", code="invalid_body", details={"missing": missing}
        )
    if body["purpose"] not in ("login", "enrolment"):
        raise InvalidInput("purpose : login ou enrolment.", code="invalid_body")
    if body["realm"] not in settings.portal_realms:
        raise InvalidInput("Portail inconnu.", code="unknown_portal")
    portal = load_portal(settings.keycloak_config_dir, body["realm"])
    req = SmsRequest(
        realm=body["realm"],
        user_id=body["userId"],
        username=body["username"],
        to=body["to"],
        purpose=body["purpose"],
        locale=body["locale"][:2],
        code=body["code"],
        ip=str(body.get("ip") or ""),
        ttl_minutes=int(body.get("ttlMinutes") or 5),
    )
    send_code(database(), portal, provider_from(settings, database()), req)
    return jsonify({"status": "sent"}), 202
