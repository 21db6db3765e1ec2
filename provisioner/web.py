"""Web plumbing shared by every feature: the request's DB session and the one error mapping."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from provisioner.db import Database
from provisioner.errors import DomainError
from provisioner.logs import get_logger

log = get_logger(__name__)
LOCALES = ("fr", "de", "en")


_KEPT_ARGS = ("q", "status", "kind", "incl_disabled", "page")


def lang_url(code: str) -> str:
    """This page in another language, its filters kept (nothing else from the query string)."""
    if request.endpoint is None or request.method != "GET":
        return f"?lang={code}"
    values: dict[str, Any] = {**(request.view_args or {})}
    values.update({k: v for k, v in request.args.items() if k in _KEPT_ARGS})
    values["lang"] = code
    return url_for(request.endpoint, **values)


def database() -> Database:
    return current_app.extensions["portail.db"]  # type: ignore[no-any-return]


def db_session() -> Session:
    """The request's session; committed at the end of a successful request."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    return g.db_session  # type: ignore[no-any-return]


def _close_session(exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        if exc is None:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


def _wants_json() -> bool:
    return (
        request.path.startswith(("/api/", "/internal/"))
        or request.path.endswith(".json")
        or request.is_json
        or request.accept_mimetypes.best == "application/json"
    )


def _render_error(status: int, code: str, message: str, details: object = None) -> ResponseReturnValue:
    if _wants_json():
        body = {"error": {"code": code, "message": message, "details": details}}
        return jsonify(body), status
    return render_template("error.html", status=status, code=code, message=message), status


def install(app: Flask) -> None:
    app.teardown_appcontext(_close_session)

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> ResponseReturnValue:
        session = g.pop("db_session", None)
        if session is not None:  # nothing half-applied: the whole request is rolled back
            session.rollback()
            session.close()
        log.info("request.refused", rule=error.code, status=error.status, path=request.path)
        return _render_error(error.status, error.code, error.message, error.details)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        code = (error.name or "error").lower().replace(" ", "_")
        return _render_error(error.code or 500, code, error.description or "")
