"""The request's state: the application's settings, database and Keycloak gateway, and one
database session per request (committed at the end of a successful request)."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, request
from sqlalchemy.orm import Session

from provisioner.db import Database
from provisioner.settings import Settings


def deployment() -> Settings:
    """The application's settings, for every portal it serves."""
    return current_app.extensions["portail.settings"]  # type: ignore[no-any-return]


def settings() -> Settings:
    """The settings as this request's portal sees them (its realm, its pages' URL)."""
    if "portal_settings" not in g:
        g.portal_settings = deployment().for_portal(portal())
    return g.portal_settings  # type: ignore[no-any-return]


def portal() -> str:
    """The realm of this request's portal (``select_portal`` chose it; else the default one)."""
    return str(g.get("portal") or deployment().keycloak_realm)


def select_portal() -> None:
    """Before every request: which portal it is for. A bearer token says it by its issuer (the
    token is checked against that realm afterwards: a realm we do not serve is refused there); a
    page by its host (each portal's pages have their own address, ``Settings.portal_url``)."""
    base = deployment()
    served = base.portal_realms
    realm = None
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        realm = base.realm_of_issuer(_unverified_issuer(header.split(" ", 1)[1].strip()))
    else:
        realm = next((r for r in served if urlsplit(base.portal_url(r)).netloc == request.host), None)
    g.portal = realm if realm in served else base.keycloak_realm


def _unverified_issuer(token: str) -> str:
    """The ``iss`` a token claims (only to pick the realm whose keys then check it)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return ""
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    return issuer if isinstance(issuer, str) else ""


def database() -> Database:
    return current_app.extensions["portail.db"]  # type: ignore[no-any-return]


def gateway() -> Any:
    """The Keycloak gateway of this request's portal (``provisioner.keycloak.gateway.KeycloakGateway``)."""
    return current_app.extensions["portail.keycloak"].for_realm(portal())


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
