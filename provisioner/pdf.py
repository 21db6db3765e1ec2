"""What every PDF of the service shares (user lists, letters): fpdf2's built-in fonts, which
cover Latin-1 (French, German and Italian accents); other characters are replaced."""

from __future__ import annotations

_TYPOGRAPHY = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "œ": "oe", "Œ": "OE", "€": "EUR", "\u202f": " "}
)


def latin1(text: str) -> str:
    return text.translate(_TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")
