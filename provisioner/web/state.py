"""The request's state: the application's settings, database and Keycloak gateway, and one
database session per request (committed at the end of a successful request)."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from sqlalchemy.orm import Session

from provisioner.db import Database
from provisioner.settings import Settings


def settings() -> Settings:
    return current_app.extensions["portail.settings"]  # type: ignore[no-any-return]


def database() -> Database:
    return current_app.extensions["portail.db"]  # type: ignore[no-any-return]


def gateway() -> Any:
    """The Keycloak gateway of this application (``provisioner.keycloak.gateway.KeycloakGateway``)."""
    return current_app.extensions["portail.keycloak"]


def db_session() -> Session:
    """The request's session; committed at the end of a successful request. A GET or HEAD
    reads (no write lock on SQLite); any other method may write."""
    if "db_session" not in g:
        reads = request.method in ("GET", "HEAD", "OPTIONS")
        g.db_session = (database().read_sessions if reads else database().sessions)()
    return g.db_session  # type: ignore[no-any-return]


def rollback() -> None:
    """Undo everything of this request not committed yet (a refused change); the session stays
    open, so the page can still read what was saved."""
    if "db_session" in g:
        g.db_session.rollback()


def discard_session() -> None:
    """Roll back and close the request's session (an error page follows)."""
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()


def close_session(exc: BaseException | None) -> None:
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
