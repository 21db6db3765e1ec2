"""Activation keys of mandates: 16 characters (about 80 bits) of ``codes.ALPHABET``, shown
``XXXX-XXXX-XXXX-XXXX``; hashed to be looked up, sealed until the letter is printed."""

from __future__ import annotations

from provisioner.codes import ALPHABET, CodeKind, Unreadable
from provisioner.errors import RuleViolation

__all__ = ["ALPHABET", "LENGTH", "digest", "new_key", "seal", "shown", "typed", "unseal"]

KEYS = CodeKind("mandate-key", 16, "-", sealing="mandate-letter")
LENGTH = KEYS.length
new_key, shown, typed, digest, seal = KEYS.new, KEYS.shown, KEYS.typed, KEYS.digest, KEYS.seal


def unseal(secret: str, sealed: str) -> str:
    try:
        return KEYS.unseal(secret, sealed)
    except Unreadable as exc:
        raise RuleViolation(
            "Une clé à imprimer ne se lit plus : le secret du service a changé depuis l'ajout du client. "
            "Supprimez ce client et ajoutez-le à nouveau (une nouvelle clé).",
            code="sealed_key_unreadable",
        ) from exc
