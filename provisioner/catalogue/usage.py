"""Who subscribes to a teleprocedure. The catalogue sits below the accounts, which keep the
subscriptions; the accounts feature registers how to find and withdraw them
in its ``subscriptions.py`` (found like models and outbox handlers, ``provisioner.features``), so
that retiring a teleprocedure is never silent."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from provisioner.context import Context


class Subscribers(Protocol):
    def holders(self, session: Session, portal: str, code: str, document_types: set[str] | None) -> list[int]:
        """Ids of the accounts subscribed to ``code`` (holding one of ``document_types`` if given)."""

    def counts(self, session: Session, portal: str) -> dict[str, int]:
        """How many accounts subscribe to each code."""

    def withdraw(self, ctx: Context, account_id: int, code: str, document_types: set[str] | None) -> None:
        """The account loses ``code`` (or those document types), audited, Keycloak following."""


_subscribers: list[Subscribers] = []


def register(subscribers: Subscribers) -> None:
    _subscribers[:] = [subscribers]


def subscribers() -> Subscribers:
    if not _subscribers:
        from provisioner.features import import_all

        import_all("subscriptions")
    if not _subscribers:
        raise RuntimeError("no feature registered the teleprocedure subscribers (import provisioner.accounts)")
    return _subscribers[0]
