"""Applying the outbox: claim an item, look its handler up, apply it; an outage leaves it pending,
never lost; a handler that keeps failing for another reason marks it failed after MAX_ATTEMPTS."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from provisioner.db import Database, utcnow
from provisioner.errors import UpstreamUnavailable
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.logs import get_logger
from provisioner.sync.models import DONE, FAILED, PENDING, RUNNING, OutboxItem
from provisioner.sync.outbox import backlog, handler_for, handlers

log = get_logger(__name__)
MAX_ATTEMPTS = 10
STALE_CLAIM = timedelta(minutes=10)  # a process that claimed an item and died: another takes it over
HEARTBEAT = STALE_CLAIM.total_seconds() / 5  # a process applying a long item renews its claim this often


@dataclass
class SyncReport:
    applied: int = 0
    failed: int = 0
    pending: int = 0
    upstream_down: bool = False
    decisions: list[str] = field(default_factory=list)


def _first_actions() -> list[str]:
    return [h.action for h in handlers().values() if h.first]


def waiting_first(db: Database, portal: str) -> list[int]:
    """Pending items that go first (a request applies them with its own)."""
    with db.read_sessions() as session:
        query = select(OutboxItem.id).where(
            OutboxItem.action.in_(_first_actions()), OutboxItem.status == PENDING, OutboxItem.portal == portal
        )
        return list(session.scalars(query))


def process(
    db: Database,
    gateway: KeycloakGateway,
    *,
    item_ids: list[int] | None = None,
    limit: int = 5000,
    workers: int = 1,
) -> SyncReport:
    """Apply pending outbox items: those whose handler goes first, then the others, oldest first.
    Items that meet a Keycloak outage stay pending.

    Each item is claimed before it is applied, so two processes (a request and the sync worker)
    never apply the same item, and a change saved while its item is being applied gets an item of
    its own. With ``workers`` > 1, the others are applied in parallel, each thread with its own
    Keycloak connection (one item is one independent object, e.g. one principal account).
    """
    report = SyncReport()
    with db.session() as session:
        query = (
            select(OutboxItem.id, OutboxItem.action)
            .where(_claimable(utcnow()), OutboxItem.portal == gateway.realm)  # this gateway's realm only
            .order_by(OutboxItem.id)
            .limit(limit)
        )
        if item_ids is not None:
            query = query.where(OutboxItem.id.in_(item_ids))
        rows = list(session.execute(query))
    if not rows:
        return report
    goes_first = set(_first_actions())
    first = [item_id for item_id, action in rows if action in goes_first]
    rest = [item_id for item_id, action in rows if action not in goes_first]
    local = threading.local()

    def apply(item_id: int) -> tuple[str, list[str]]:
        if not hasattr(local, "gateway"):
            local.gateway = KeycloakGateway(gateway.settings)
        return _apply_one(db, local.gateway, item_id)

    outcomes: list[tuple[str, list[str]]] = []
    for item_id in first if workers > 1 else first + rest:
        outcomes.append(_apply_one(db, gateway, item_id))
        if outcomes[-1][0] == "down":
            break  # Keycloak is down: keep the rest for the next pass
    if workers > 1 and not any(outcome == "down" for outcome, _ in outcomes):
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes.extend(pool.map(apply, rest))
    for outcome, decisions in outcomes:
        report.applied += outcome == "applied"
        report.failed += outcome == "failed"
        report.upstream_down |= outcome == "down"
        report.decisions.extend(decisions)
    with db.session() as session:
        report.pending = backlog(session, gateway.realm)
    return report


def applied(db: Database, item_ids: list[int]) -> bool:
    with db.read_sessions() as session:
        statuses = set(session.scalars(select(OutboxItem.status).where(OutboxItem.id.in_(item_ids))))
    return statuses <= {DONE}


def run_worker(
    db: Database,
    gateway: KeycloakGateway,
    *,
    interval: float = 5.0,
    workers: int = 1,
    stop: threading.Event | None = None,
    on_report: Callable[[SyncReport], None] | None = None,
) -> None:
    """The sync worker's loop (``provisioner sync``, and a thread of ``provisioner dev``): apply what
    is pending for every portal of the deployment, wait, again, until ``stop`` is set. A failing
    pass is logged, never fatal."""
    stop = stop or threading.Event()
    while not stop.is_set():
        for realm in gateway.settings.portal_realms or (gateway.realm,):
            try:
                report = process(db, gateway.for_realm(realm), workers=workers)
            except Exception as exc:  # noqa: BLE001 - e.g. the database briefly locked: next pass
                log.warning("sync.pass_failed", portal=realm, error=str(exc))
            else:
                if on_report is not None:
                    on_report(report)
        stop.wait(interval)


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        OutboxItem.status == PENDING,
        and_(OutboxItem.status == RUNNING, OutboxItem.claimed_at < now - STALE_CLAIM),
    )


def _claim(db: Database, item_id: int) -> bool:
    """Take the item for this process (one atomic UPDATE); False if someone else has it, or if an
    older item of its queue is not applied yet (pending, running, or abandoned by a process that
    died: taken over first), or any item of its queue is running."""
    now = utcnow()
    with db.session() as session:
        item = session.get(OutboxItem, item_id)
        if item is None:
            return False
        conditions = [OutboxItem.id == item_id, _claimable(now)]
        if item.queue is not None:
            other = aliased(OutboxItem)
            conditions.append(
                ~exists().where(
                    other.queue == item.queue,
                    other.portal == item.portal,
                    other.id != item_id,
                    or_(
                        and_(other.status.in_((PENDING, RUNNING)), other.id < item_id),  # older: first
                        and_(other.status == RUNNING, other.claimed_at >= now - STALE_CLAIM),
                    ),
                )
            )
        claimed = session.execute(
            update(OutboxItem)
            .where(*conditions)
            .values(status=RUNNING, claimed_at=now, attempts=OutboxItem.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def _keep_claimed(db: Database, item_id: int, stop: threading.Event) -> None:
    """Renew the claim while the item is applied (a large account takes minutes), so that no other
    process takes it for abandoned and applies newer items of its queue alongside."""
    while not stop.wait(HEARTBEAT):
        try:
            with db.session() as session:
                session.execute(
                    update(OutboxItem)
                    .where(OutboxItem.id == item_id, OutboxItem.status == RUNNING)
                    .values(claimed_at=utcnow())
                    .execution_options(synchronize_session=False)
                )
        except Exception as exc:  # noqa: BLE001 - e.g. SQLite's one writer is the apply itself: nobody can claim
            log.debug("sync.heartbeat_skipped", item=item_id, error=str(exc))


def _apply_one(db: Database, gateway: KeycloakGateway, item_id: int) -> tuple[str, list[str]]:
    if not _claim(db, item_id):
        return "skipped", []
    stop = threading.Event()
    heartbeat = threading.Thread(target=_keep_claimed, args=(db, item_id, stop), daemon=True)
    heartbeat.start()
    try:
        return _apply_claimed(db, gateway, item_id)
    finally:
        stop.set()
        heartbeat.join()


def _apply_claimed(db: Database, gateway: KeycloakGateway, item_id: int) -> tuple[str, list[str]]:
    with db.session() as session:
        item = session.get_one(OutboxItem, item_id)
        try:
            decisions = handler_for(item.action).apply(session, gateway, dict(item.payload))
        except UpstreamUnavailable as exc:
            session.rollback()
            _release(db, item_id, str(exc), give_up=False)
            log.warning("sync.keycloak_unavailable", item=item_id, error=str(exc))
            return "down", []
        except Exception as exc:  # noqa: BLE001 - one bad item must not block the others
            session.rollback()
            failed = _release(db, item_id, f"{type(exc).__name__}: {exc}", give_up=True)
            log.error("sync.item_failed", item=item_id, error=str(exc))
            return ("failed" if failed else "retry"), []
        item.status = DONE
        item.done_at = utcnow()
        item.last_error = None
        return "applied", decisions


def _release(db: Database, item_id: int, error: str, *, give_up: bool) -> bool:
    """Hand a claimed item back (pending again), or mark it failed after MAX_ATTEMPTS errors."""
    with db.session() as session:
        item = session.get_one(OutboxItem, item_id)
        item.last_error = error[:2000]
        item.status = FAILED if give_up and item.attempts >= MAX_ATTEMPTS else PENDING
        item.claimed_at = None
        return item.status == FAILED
