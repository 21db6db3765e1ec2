"""Cells a spreadsheet would run as a formula (CSV or Excel injection): a text that begins with
``= + - @``, a tab or a carriage return is written with a leading apostrophe, which spreadsheets
read as "this is text"; reading our own CSV back takes it off again."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restored(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value
