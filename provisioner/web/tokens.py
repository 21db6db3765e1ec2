"""Bearer tokens issued by the portal's Keycloak realm -> an ``Actor`` for the services.

Only an access token (``typ`` Bearer) of this realm, signed by it, unexpired, and issued for the
API's audience (``settings.api_audience``: the realm's ``portail-api`` scope adds it, on the admin
UI and the operators' service-account clients only) is accepted: a token a relying application
received for itself, an ID token or another realm's token answers 401. The person is the token's
``sub`` (the Keycloak user id the provisioner stores), never a name a client could choose.

What a signed-in user may do is the accounts' business: the feature that knows people registers
its ``actor_for(subject, name, realm_roles)`` as the application extension ``portail.actor_for``."""

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
from provisioner.web import state


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


_keys_of: dict[str, _Keys] = {}  # one per realm
_keys_lock = threading.Lock()


def _keys_for(settings: Settings) -> _Keys:
    with _keys_lock:
        return _keys_of.setdefault(settings.keycloak_realm, _Keys())


# Tokens whose signature was checked, by their text: a relying app sends the same token with
# each of its calls for minutes (its claims, expiry first, are still checked at each call).
_checked: dict[tuple[str, str], Any] = {}
_CHECKED_MAX = 1024


def _signed(token: str, settings: Settings) -> Any:
    """The token decoded once its signature by the realm's keys is checked (claims not yet)."""
    key = (settings.keycloak_realm, token)
    if key in _checked:
        return _checked[key]
    try:
        decoded = jwt.decode(token, _keys_for(settings).get(settings))
    except (ValueError, JoseError):
        try:  # perhaps signed by a key the realm rotated in since: fetch the keys again, once
            decoded = jwt.decode(token, _keys_for(settings).get(settings, refresh=True))
        except (ValueError, JoseError) as exc:
            raise Unauthorized("Jeton d'accès invalide.", details={"reason": type(exc).__name__}) from exc
    if len(_checked) >= _CHECKED_MAX:
        _checked.clear()
    _checked[key] = decoded
    return decoded


BACKCHANNEL_LOGOUT = "http://schemas.openid.net/event/backchannel-logout"


def logout_claims(token: str, settings: Settings, audience: str) -> dict[str, Any]:
    """An OpenID Connect back-channel logout token of this realm for ``audience`` (its ``sid``
    names the ended session): signed, from the realm, with the logout event and no nonce."""
    decoded = _signed(token, settings)
    registry = jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": settings.token_issuer}, sid={"essential": True}, iat={"essential": True}
    )
    try:
        registry.validate(decoded.claims)
    except JoseError as exc:
        raise Unauthorized("Jeton de déconnexion refusé.", details={"reason": exc.error}) from exc
    claims = dict(decoded.claims)
    aud = claims.get("aud")
    audiences: list[Any] = aud if isinstance(aud, list) else [aud]
    if audience not in audiences or BACKCHANNEL_LOGOUT not in (claims.get("events") or {}) or "nonce" in claims:
        raise Unauthorized("Jeton de déconnexion refusé.", details={"reason": "not_a_logout_token"})
    return claims


def relying_app() -> str:
    """The relying application calling (the authorization API): the ``client_id`` of an access
    token it obtained with its own credentials (client credentials grant) for the authorization
    API's audience (``settings.authz_audience``, the realm's ``portail-authz`` scope). A user's
    token, even one carrying that audience, answers 401: only the app asks about its users."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        raise Unauthorized(
            "Authentification requise : envoyez « Authorization: Bearer <jeton> », un jeton obtenu par le "
            "compte de service de l'application (client credentials, portée portail-authz)."
        )
    settings = state.settings()
    claims = _claims(header.split(" ", 1)[1].strip(), settings, audience=settings.authz_audience)
    client = claims.get("client_id")
    if not client or client != claims.get("azp") or claims.get("preferred_username") != f"service-account-{client}":
        raise Unauthorized(
            "Jeton refusé : l'API d'autorisation répond aux applications, avec le jeton de leur compte de "
            "service (client credentials), pas au jeton d'un utilisateur.",
            details={"reason": "not_a_service_account"},
        )
    return str(client)


def _claims(token: str, settings: Settings, *, audience: str | None = None) -> dict[str, Any]:
    """The claims of an access token of this realm for ``audience`` (the API's by default)."""
    expected = audience or settings.api_audience
    decoded = _signed(token, settings)
    registry = jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": settings.token_issuer},
        exp={"essential": True},
        sub={"essential": True},
        typ={"essential": True, "value": "Bearer"},
    )
    try:
        registry.validate(decoded.claims)
    except JoseError as exc:
        raise Unauthorized(
            "Jeton refusé : il faut un jeton d'accès valide et non expiré de ce portail.",
            details={"reason": exc.error, "claim": getattr(exc, "claim", None)},
        ) from exc
    aud = decoded.claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if expected not in audiences:
        scope = "portail-authz" if expected == settings.authz_audience else "portail-api"
        raise Unauthorized(
            f"Jeton refusé : il n'est pas émis pour cette API (audience « {expected} » attendue). "
            f"Demandez le jeton par un client qui a la portée {scope}.",
            details={"reason": "invalid_audience", "claim": "aud", "expected": expected},
        )
    return dict(decoded.claims)


def current_actor() -> Actor:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        raise Unauthorized("Authentification requise : envoyez « Authorization: Bearer <jeton> ».")
    claims = _claims(header.split(" ", 1)[1].strip(), state.settings())  # the realm its issuer named
    subject = str(claims["sub"])
    name = str(claims.get("preferred_username") or claims.get("azp") or subject)
    return actor_for(subject, name, set(claims.get("realm_access", {}).get("roles", [])))


def actor_for(subject: str, name: str, realm_roles: set[str]) -> Actor:
    """What a signed-in user may do (the resolver the accounts feature registered): ``subject``
    is the Keycloak user id, ``name`` only labels the actor in logs and the audit."""
    return current_app.extensions["portail.actor_for"](subject, name, realm_roles)  # type: ignore[no-any-return]
