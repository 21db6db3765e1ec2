"""What every PDF of the service shares (user lists, letters): fpdf2's built-in fonts, which
cover Latin-1 (French, German and Italian accents); other characters are replaced. The frame of
every letter: the portal's letterhead, the addressee where a window envelope shows it, the date,
the footer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

# The address block of a French window envelope (DL 110 × 220 mm, window 45 × 100 mm) for an A4
# letter folded in three: from the page's top left corner, in millimetres.
ADDRESS_X, ADDRESS_Y, ADDRESS_W, ADDRESS_H = 110.0, 50.0, 85.0, 35.0

_TYPOGRAPHY = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "œ": "oe", "Œ": "OE", "€": "EUR", "\u202f": " "}
)


def latin1(text: str) -> str:
    return text.translate(_TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")


def letter_page(
    pdf: Any, portal_name: str, return_address: Sequence[str], address: Sequence[str], dated: str, footer: str
) -> None:
    """A new A4 page of ``pdf`` (an fpdf2 ``FPDF``) with the letter's frame; the body starts at
    110 mm from the top, the left margin at 20 mm. ``dated``: the date line as the letter's
    language writes it."""
    pdf.add_page()
    pdf.set_margins(20, 20, 20)
    pdf.set_xy(20, 18)
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(80, 8, latin1(portal_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for line in return_address:
        pdf.cell(80, 4.5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(ADDRESS_X, ADDRESS_Y)
    for n, line in enumerate(address[:6]):
        pdf.set_x(ADDRESS_X)
        pdf.set_font("Helvetica", "B" if n == 0 else "", 11)
        pdf.cell(ADDRESS_W, 5.5, latin1(line)[:48], new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.set_xy(ADDRESS_X, 95)
    pdf.cell(ADDRESS_W, 5, latin1(dated), align="R")
    pdf.set_xy(20, 280)
    pdf.set_font("Helvetica", "", 8)
    pdf.cell(0, 4, latin1(footer), align="C")
    pdf.set_xy(20, 110)


def day(value: date, locale: str) -> str:
    """A date as a letter of that language writes it (Babel)."""
    from babel.dates import format_date

    return format_date(value, format="long", locale=locale)
