"""The one error mapping: domain errors and HTTP errors become ``{"error": {"code", "message",
"details"}}`` for JSON callers and the error page for browsers; the request's transaction is
rolled back first, so nothing of a refused change is kept."""

from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from provisioner.errors import DomainError
from provisioner.logs import get_logger
from provisioner.web.state import close_session, discard_session

log = get_logger(__name__)


def _wants_json() -> bool:
    return (
        request.path.startswith(("/api/", "/internal/", "/access/", "/.well-known/"))
        or request.path.endswith(".json")
        or request.is_json
        or request.accept_mimetypes.best == "application/json"
    )


def render_error(status: int, code: str, message: str, details: object = None) -> Response:
    if _wants_json():
        response = jsonify({"error": {"code": code, "message": message, "details": details}})
    else:
        response = make_response(render_template("error.html", status=status, code=code, message=message))
    response.status_code = status
    return response


def install(app: Flask) -> None:
    app.teardown_appcontext(close_session)

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> ResponseReturnValue:
        discard_session()  # nothing half-applied: the whole request is rolled back
        log.info("request.refused", rule=error.code, status=error.status, path=request.path)
        return render_error(error.status, error.code, error.message, error.details)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        code = (error.name or "error").lower().replace(" ", "_")
        response = render_error(error.code or 500, code, error.description or "")
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response
