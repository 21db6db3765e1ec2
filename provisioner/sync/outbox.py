"""The sync outbox: features record Keycloak work in the same transaction as the business change,
and register one handler per action; the worker (``provisioner.sync.worker``) looks it up.

A feature's ``outbox.py`` declares its handlers::

    @handler("reconcile_account")
    def _reconcile(session, gateway, payload): ...   # returns the decisions, as sentences

and its changes call ``record(session, portal, "reconcile_account", {...}, merge=True, queue=...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.sync.models import PENDING, RUNNING, OutboxItem

TRACKED = "portail.outbox_items"
LEFT_TO_WORKER = "portail.outbox_items_for_the_worker"
Apply = Callable[[Session, KeycloakGateway, dict[str, Any]], list[str]]
# Many items of one action in one transaction: their decisions, in the payloads' order (None: not
# applied here, the worker applies that item on its own afterwards).
ApplyMany = Callable[[Session, KeycloakGateway, list[dict[str, Any]]], list[list[str] | None]]
A = TypeVar("A", bound=Apply)
M = TypeVar("M", bound=ApplyMany)


@dataclass(frozen=True)
class Handler:
    action: str
    apply: Apply
    first: bool = False  # applied before the others of a pass (e.g. roles that accounts need)
    # Applies many items at once (e.g. new accounts in one Keycloak call), never commits, and
    # leaves Keycloak so that ``apply`` of each item afterwards finishes the work (the worker falls
    # back to it when it raises).
    apply_many: ApplyMany | None = None


_handlers: dict[str, Handler] = {}


def handler(action: str, *, first: bool = False) -> Callable[[A], A]:
    def register(apply: A) -> A:
        if action in _handlers and _handlers[action].apply is not apply:
            raise RuntimeError(f"outbox action {action!r} has two handlers")
        _handlers[action] = Handler(action, apply, first=first)
        return apply

    return register


def handler_of_many(action: str) -> Callable[[M], M]:
    """Register how the worker applies many items of ``action`` (declared after its handler)."""

    def register(apply_many: M) -> M:
        one = _handlers[action]
        _handlers[action] = Handler(action, one.apply, first=one.first, apply_many=apply_many)
        return apply_many

    return register


def handlers() -> dict[str, Handler]:
    """Every registered handler; the features' ``outbox`` modules are imported the first time."""
    if not _handlers:
        from provisioner.features import import_all

        import_all("outbox")
    return _handlers


def handler_for(action: str) -> Handler:
    try:
        return handlers()[action]
    except KeyError:
        raise LookupError(f"no outbox handler for action {action!r}") from None


def _track(session: Session, item: OutboxItem, *, later: bool = False) -> OutboxItem:
    """Remember the items this unit of work asked for (the API applies just those at once, but
    those ``later``: too large for a request, the sync worker's). Their ids are read when asked
    for (``tracked``): an item recorded without ``flush`` has none before the next flush."""
    session.info.setdefault(TRACKED, []).append(item)
    if later:
        session.info.setdefault(LEFT_TO_WORKER, []).append(item)
    return item


def leave_to_worker(session: Session, item: OutboxItem) -> None:
    """The item is too large for a request to wait for it: the sync worker applies it."""
    _track(session, item, later=True)


def _saved_ids(session: Session, key: str) -> set[int]:
    """The ids of the items remembered under ``key`` that are saved (an item of a rolled-back
    savepoint is not)."""
    return {item.id for item in session.info.get(key, []) if inspect(item).persistent}


def tracked(session: Session) -> list[int]:
    """The outbox items recorded (or reused) by this session's changes, forgotten once read."""
    session.flush()
    mine = _saved_ids(session, TRACKED)
    session.info.pop(LEFT_TO_WORKER, None)
    session.info.pop(TRACKED, None)
    return sorted(mine)


def tracked_now(session: Session) -> tuple[list[int], list[int]]:
    """This session's items: those a request may apply at once, and all of them (then forgotten)."""
    session.flush()
    later = _saved_ids(session, LEFT_TO_WORKER)
    mine = tracked(session)
    return [i for i in mine if i not in later], mine


def record(
    session: Session,
    portal: str,
    action: str,
    payload: dict[str, Any],
    *,
    merge: bool = False,
    covered_by: dict[str, Any] | list[dict[str, Any]] | None = None,
    queue: str | None = None,
    later: bool = False,
    flush: bool = True,
) -> OutboxItem:
    """Record Keycloak work. With ``merge``, an item of the same action and payload still pending
    is reused (the handler reads the whole current state, so once is enough), and so is a pending
    item of the same action with a payload of ``covered_by`` (wider work that includes this one;
    the widest first).
    Items of one ``queue`` are applied in order, one at a time (an older view applied after a newer
    one would undo it); different queues, e.g. two accounts, never wait for each other. ``later``:
    the work is too large to be done while a request waits; the sync worker does it.
    Without ``flush``, a new item (its id) is saved with the session's next flush: an import's
    thousands of items in a few statements."""
    if merge:
        wider = [covered_by] if isinstance(covered_by, dict) else list(covered_by or [])
        for wanted in [*wider, payload]:
            pending = _pending(session, portal, action, wanted, queue)
            if pending is not None:
                return _track(session, pending, later=later)
    item = OutboxItem(portal=portal, action=action, payload=payload, queue=queue)
    session.add(item)
    if flush:
        session.flush()
    return _track(session, item, later=later)


def _pending(
    session: Session, portal: str, action: str, payload: dict[str, Any], queue: str | None
) -> OutboxItem | None:
    """A pending item of exactly this action and payload (in its queue: an indexed look-up, the
    cost does not grow with the backlog, e.g. while 2,000 new accounts wait)."""
    in_queue = [OutboxItem.queue == queue] if queue is not None else []
    candidates = session.scalars(
        select(OutboxItem).where(
            OutboxItem.status == PENDING,
            OutboxItem.action == action,
            OutboxItem.portal == portal,
            *in_queue,
            *[_same(key, value) for key, value in payload.items()],
        )
    )
    return next((item for item in candidates if item.payload == payload), None)


def _same(key: str, value: Any) -> Any:
    field = OutboxItem.payload[key]
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"outbox payloads that merge hold ints and strings, not {value!r}")
    return field.as_integer() == value if isinstance(value, int) else field.as_string() == value


def backlog(session: Session, portal: str | None = None) -> int:
    """Items not applied yet (pending, or being applied right now), of one portal or all."""
    query = select(func.count()).where(OutboxItem.status.in_((PENDING, RUNNING)))
    if portal is not None:
        query = query.where(OutboxItem.portal == portal)
    return session.scalar(query) or 0
