"""The UI's languages: French first, then German, Italian and English."""

from __future__ import annotations

from typing import Any

from flask import request, session, url_for

LOCALES = ("fr", "de", "it", "en")
_KEPT_ARGS = ("q", "status", "kind", "incl_disabled", "page")


def select_locale() -> str:
    chosen = request.args.get("lang")
    if chosen in LOCALES:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in LOCALES:
        return str(session["lang"])
    return request.accept_languages.best_match(LOCALES) or "fr"


def lang_url(code: str) -> str:
    """This page in another language, its filters kept (nothing else from the query string)."""
    if request.endpoint is None or request.method != "GET":
        return f"?lang={code}"
    values: dict[str, Any] = {**(request.view_args or {})}
    values.update({k: v for k, v in request.args.items() if k in _KEPT_ARGS})
    values["lang"] = code
    return url_for(request.endpoint, **values)
