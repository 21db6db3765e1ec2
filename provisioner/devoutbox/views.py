"""``/dev/outbox`` (HTML) and ``/dev/outbox.json``: registered only in dev mode."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from provisioner.devoutbox import services
from provisioner.web.state import db_session

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
