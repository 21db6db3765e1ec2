"""Activation keys: 16 characters of an alphabet without look-alikes (no 0/O, 1/I/L), about 80
bits, shown in groups of four. Stored as a keyed hash (looked up, never readable) and, until the
letter is printed, sealed (encrypted with the service's secret) so that letters can be printed
later in one run."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken

from provisioner.errors import RuleViolation

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 16


def new_key() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(key: str) -> str:
    return "-".join(key[i : i + 4] for i in range(0, len(key), 4))


def typed(text: str) -> str | None:
    """The key as typed (any case, spaces or hyphens between groups), or None if it cannot be one."""
    key = "".join(text.split()).replace("-", "").upper()
    if len(key) != LENGTH or any(c not in ALPHABET for c in key):
        return None
    return key


def digest(secret: str, portal: str, key: str) -> str:
    return hmac.new(secret.encode(), f"mandate-key:{portal}:{key}".encode(), hashlib.sha256).hexdigest()


def _fernet(secret: str) -> Fernet:
    derived = hashlib.sha256(f"mandate-letter:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(secret: str, key: str) -> str:
    return _fernet(secret).encrypt(key.encode()).decode()


def unseal(secret: str, sealed: str) -> str:
    try:
        return _fernet(secret).decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise RuleViolation(
            "Une clé à imprimer ne se lit plus : le secret du service a changé depuis l'ajout du client. "
            "Supprimez ce client et ajoutez-le à nouveau (une nouvelle clé).",
            code="sealed_key_unreadable",
        ) from exc
