"""The account page's menu: each feature adds its own entries when its pages are registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, url_for


@dataclass(frozen=True)
class MenuEntry:
    label: Any  # a lazy translation
    endpoint: str  # takes ``account_id``
    testid: str
    visible: Callable[[Any, Any], bool]  # (account, actor) -> shown?
    order: int = 100


def add_account_entry(app: Flask, entry: MenuEntry) -> None:
    entries: list[MenuEntry] = app.extensions.setdefault("portail.account_menu", [])
    entries.append(entry)
    entries.sort(key=lambda e: e.order)


def account_menu(account: Any, actor: Any) -> list[tuple[str, str, str]]:
    """(label, url, test id) of the entries this actor sees on this account's page."""
    entries: list[MenuEntry] = current_app.extensions.get("portail.account_menu", [])
    return [
        (str(e.label), url_for(e.endpoint, account_id=account.id), e.testid)
        for e in entries
        if e.visible(account, actor)
    ]
