"""``/dev/outbox`` (HTML) and ``/dev/outbox.json``, ``/dev/portails`` (the portals this deployment
serves, with their addresses): registered only in dev mode."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from provisioner.devoutbox import services
from provisioner.portals import load_portal
from provisioner.web.state import db_session, deployment

bp = Blueprint("devoutbox", __name__, template_folder="templates")


def _messages() -> list[services.DevMessage]:
    return services.list_messages(db_session(), channel=request.args.get("channel"), recipient=request.args.get("to"))


@bp.get("/dev/outbox")
def outbox_page() -> ResponseReturnValue:
    messages = _messages()
    return render_template("devoutbox/outbox.html", messages=messages)


@bp.get("/dev/outbox.json")
def outbox_json() -> ResponseReturnValue:
    messages = _messages()
    return jsonify({"messages": [services.as_dict(m) for m in messages]})


@bp.get("/dev/portails")
def portals_page() -> ResponseReturnValue:
    base = deployment()
    portals = [(load_portal(base.keycloak_config_dir, realm), base.portal_url(realm)) for realm in base.portal_realms]
    return render_template("devoutbox/portals.html", portals=portals)
