"""One-time codes people type from paper or an e-mail (mandate activation keys, invitation access
codes): an alphabet without look-alikes (no 0/O, 1/I/L), shown in groups of four, typed in any
case with or without the spaces or hyphens between groups. Kept as a keyed hash (looked up,
compared in constant time, never readable) and, until a letter is printed, sealed (encrypted
with the service's secret) so that letters can be printed later in one run."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class Unreadable(Exception):
    """A sealed code no longer opens (the service's secret changed since it was sealed)."""


@dataclass(frozen=True)
class CodeKind:
    purpose: str  # separates the hashes of each kind of code
    length: int
    separator: str  # between groups of four when shown
    sealing: str  # separates the seals of each kind of code

    def new(self) -> str:
        return "".join(secrets.choice(ALPHABET) for _ in range(self.length))

    def shown(self, code: str) -> str:
        return self.separator.join(code[i : i + 4] for i in range(0, len(code), 4))

    def typed(self, text: str) -> str | None:
        """The code as typed, or None if it cannot be one of this kind."""
        code = "".join(text.split()).replace("-", "").upper()
        if len(code) != self.length or any(c not in ALPHABET for c in code):
            return None
        return code

    def digest(self, secret: str, portal: str, code: str) -> str:
        return hmac.new(secret.encode(), f"{self.purpose}:{portal}:{code}".encode(), hashlib.sha256).hexdigest()

    def _fernet(self, secret: str) -> Fernet:
        derived = hashlib.sha256(f"{self.sealing}:{secret}".encode()).digest()
        return Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, secret: str, code: str) -> str:
        return self._fernet(secret).encrypt(code.encode()).decode()

    def unseal(self, secret: str, sealed: str) -> str:
        try:
            return self._fernet(secret).decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise Unreadable(self.purpose) from exc
