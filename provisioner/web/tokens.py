"""Bearer tokens issued by the portal's Keycloak realm -> an ``Actor`` for the services.

What a signed-in user may do is the accounts' business: the feature that knows people registers
its ``actor_for(username, realm_roles)`` as the application extension ``portail.actor_for``."""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
from flask import current_app, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from provisioner.actors import Actor
from provisioner.errors import DomainError, UpstreamUnavailable
from provisioner.settings import Settings


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class _Keys:
    """The realm's signing keys, fetched once and refreshed when an unknown key id shows up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: KeySet | None = None
        self._fetched = 0.0

    def get(self, settings: Settings, *, refresh: bool = False) -> KeySet:
        with self._lock:
            if self._keys is None or (refresh and time.monotonic() - self._fetched > 10):
                url = f"{settings.realm_issuer}/protocol/openid-connect/certs"
                try:
                    response = requests.get(url, timeout=settings.keycloak_timeout)
                    response.raise_for_status()
                except requests.RequestException as exc:
                    raise UpstreamUnavailable("Keycloak keys are unavailable; retry later.") from exc
                self._keys = KeySet.import_key_set(response.json())
                self._fetched = time.monotonic()
            return self._keys


_keys = _Keys()


def _claims(token: str, settings: Settings) -> dict[str, Any]:
    for refresh in (False, True):
        try:
            decoded = jwt.decode(token, _keys.get(settings, refresh=refresh))
            break
        except (ValueError, JoseError) as exc:
            if refresh:
                raise Unauthorized("Jeton d'accès invalide.", details={"reason": type(exc).__name__}) from exc
    registry = jwt.JWTClaimsRegistry(iss={"essential": True, "value": settings.token_issuer}, exp={"essential": True})
    try:
        registry.validate(decoded.claims)
    except JoseError as exc:
        raise Unauthorized("Jeton d'accès expiré ou d'un autre émetteur.", details={"reason": exc.error}) from exc
    return dict(decoded.claims)


def current_actor() -> Actor:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        raise Unauthorized("Authentification requise : envoyez « Authorization: Bearer <jeton> ».")
    settings: Settings = current_app.extensions["portail.settings"]
    claims = _claims(header.split(" ", 1)[1].strip(), settings)
    username = str(claims.get("preferred_username", claims.get("sub", "")))
    return actor_for(username, set(claims.get("realm_access", {}).get("roles", [])))


def actor_for(username: str, realm_roles: set[str]) -> Actor:
    """What a signed-in user may do (the resolver the accounts feature registered)."""
    return current_app.extensions["portail.actor_for"](username, realm_roles)  # type: ignore[no-any-return]
