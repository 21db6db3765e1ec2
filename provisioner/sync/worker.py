"""Applying the outbox: claim an item, look its handler up, apply it; an outage leaves it pending,
never lost; a handler that keeps failing for another reason marks it failed after MAX_ATTEMPTS."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased

from provisioner.db import Database, utcnow
from provisioner.errors import UpstreamUnavailable
from provisioner.keycloak.gateway import KeycloakGateway, KeycloakServerError
from provisioner.logs import get_logger
from provisioner.sync.models import DONE, FAILED, PENDING, RUNNING, OutboxItem
from provisioner.sync.outbox import backlog, handler_for, handlers

log = get_logger(__name__)
MAX_ATTEMPTS = 10
BATCH = 25  # items of one action whose handler applies many, applied in one transaction
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
    first = [[item_id] for item_id, action in rows if action in goes_first]
    rest = _batches([(item_id, action) for item_id, action in rows if action not in goes_first])
    local = threading.local()

    def apply(batch: list[int]) -> list[tuple[str, list[str]]]:
        if not hasattr(local, "gateway"):
            local.gateway = KeycloakGateway(gateway.settings)
        return _apply(db, local.gateway, batch)

    outcomes: list[tuple[str, list[str]]] = []
    for batch in first if workers > 1 else first + rest:
        outcomes.extend(_apply(db, gateway, batch))
        if outcomes and outcomes[-1][0] == "down":
            break  # Keycloak is down: keep the rest for the next pass
    if workers > 1 and not any(outcome == "down" for outcome, _ in outcomes):
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for done in pool.map(apply, rest):
                outcomes.extend(done)
    for outcome, decisions in outcomes:
        report.applied += outcome == "applied"
        report.failed += outcome == "failed"
        report.upstream_down |= outcome == "down"
        report.decisions.extend(decisions)
    with db.session() as session:
        report.pending = backlog(session, gateway.realm)
    return report


@contextmanager
def applying_meanwhile(db: Database, gateway: KeycloakGateway, *, workers: int = 1) -> Iterator[SyncReport]:
    """Apply the outbox in a thread while the caller saves more (a large import: what each of its
    transactions committed goes to Keycloak while the next is saved); at the end, passes until
    one applies nothing more. The report sums the passes (``pending``: what is left)."""
    report, stop = SyncReport(), threading.Event()

    def one_pass() -> int:
        try:
            done = process(db, gateway, workers=workers)
        except Exception as exc:  # noqa: BLE001 - e.g. SQLite's one writer busy saving: the next pass
            log.warning("sync.pass_failed", error=str(exc))
            return 0
        report.applied += done.applied
        report.failed += done.failed
        report.upstream_down |= done.upstream_down
        report.decisions.extend(done.decisions)
        return done.applied

    def loop() -> None:
        while not stop.is_set():
            if not one_pass():
                stop.wait(0.2)

    thread = threading.Thread(target=loop, name="applying-meanwhile", daemon=True)
    thread.start()
    try:
        yield report
    finally:
        stop.set()
        thread.join()
        while not report.upstream_down and one_pass():
            pass
        with db.read_sessions() as session:
            report.pending = backlog(session, gateway.realm)


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


def _batches(rows: list[tuple[int, str]]) -> list[list[int]]:
    """The items to apply, oldest first: one by one, but those of an action whose handler applies
    many at once by ``BATCH``."""
    batches: list[list[int]] = []
    open_batch: dict[str, list[int]] = {}
    known = handlers()
    for item_id, action in rows:
        if action not in known or known[action].apply_many is None:
            batches.append([item_id])
            continue
        batch = open_batch.get(action)
        if batch is None or len(batch) == BATCH:
            batch = open_batch[action] = []
            batches.append(batch)
        batch.append(item_id)
    return batches


def _claim(db: Database, item_ids: list[int]) -> list[int]:
    """Take the items for this process (one atomic UPDATE): those nobody else has and whose queue
    has no older item not applied yet (pending, running, or abandoned by a process that died:
    taken over first) and no item running."""
    now = utcnow()
    other = aliased(OutboxItem)
    blocked = exists().where(
        other.queue == OutboxItem.queue,  # never true for an item without queue
        other.portal == OutboxItem.portal,
        other.id != OutboxItem.id,
        or_(
            and_(other.status.in_((PENDING, RUNNING)), other.id < OutboxItem.id),  # older: first
            and_(other.status == RUNNING, other.claimed_at >= now - STALE_CLAIM),
        ),
    )
    try:
        with db.session() as session:
            claimed = session.scalars(
                update(OutboxItem)
                .where(OutboxItem.id.in_(item_ids), _claimable(now), ~blocked)
                .values(status=RUNNING, claimed_at=now, attempts=OutboxItem.attempts + 1)
                .returning(OutboxItem.id)
                .execution_options(synchronize_session=False)
            )
            return sorted(claimed)
    except OperationalError as exc:  # e.g. PostgreSQL's deadlock detection between two claimers
        log.info("sync.claim_skipped", items=item_ids, error=str(exc))
        return []


def _keep_claimed(db: Database, item_ids: list[int], stop: threading.Event) -> None:
    """Renew the claim while the items are applied (a large account takes minutes), so that no
    other process takes them for abandoned and applies newer items of their queues alongside."""
    while not stop.wait(HEARTBEAT):
        try:
            with db.session() as session:
                session.execute(
                    update(OutboxItem)
                    .where(OutboxItem.id.in_(item_ids), OutboxItem.status == RUNNING)
                    .values(claimed_at=utcnow())
                    .execution_options(synchronize_session=False)
                )
        except Exception as exc:  # noqa: BLE001 - e.g. SQLite's one writer is the apply itself: nobody can claim
            log.debug("sync.heartbeat_skipped", items=item_ids, error=str(exc))


def _apply(db: Database, gateway: KeycloakGateway, item_ids: list[int]) -> list[tuple[str, list[str]]]:
    """Claim the items and apply them: those their handler of many takes, together; the others
    (or all, when that fails) one by one, stopping at an outage. The outcome of each item claimed,
    or one "skipped"."""
    claimed = _claim(db, item_ids)
    if not claimed:
        return [("skipped", [])]
    stop = threading.Event()
    heartbeat = threading.Thread(target=_keep_claimed, args=(db, claimed, stop), daemon=True)
    heartbeat.start()
    try:
        outcomes: list[tuple[str, list[str]]] = []
        alone = claimed
        if len(claimed) > 1:
            outcomes, alone = _apply_together(db, gateway, claimed)
        for n, item_id in enumerate(alone):
            outcomes.append(_apply_claimed(db, gateway, item_id))
            if outcomes[-1][0] == "down":  # Keycloak is down: the rest waits for the next pass
                for rest in alone[n + 1 :]:
                    _release(db, rest, "not tried: Keycloak was unreachable", give_up=False)
                break
        return outcomes
    finally:
        stop.set()
        heartbeat.join()


def _apply_together(
    db: Database, gateway: KeycloakGateway, item_ids: list[int]
) -> tuple[list[tuple[str, list[str]]], list[int]]:
    """Claimed items of one action, given to its handler of many in one transaction: the outcomes
    of those it applied, and the items left to apply one by one (those it did not take, or all
    when it failed for another reason than Keycloak unreachable: what Keycloak got already is then
    found and adopted)."""
    with db.session() as session:
        items = list(session.scalars(select(OutboxItem).where(OutboxItem.id.in_(item_ids)).order_by(OutboxItem.id)))
        known = handlers().get(items[0].action)
        if known is None or known.apply_many is None:
            return [], item_ids
        try:
            decisions = known.apply_many(session, gateway, [dict(item.payload) for item in items])
            if len(decisions) != len(items):
                raise RuntimeError(f"{len(decisions)} outcomes for {len(items)} items")
        except UpstreamUnavailable as exc:
            session.rollback()
            if not isinstance(exc, KeycloakServerError):  # unreachable: all wait for the next pass
                log.warning("sync.keycloak_unavailable", items=item_ids, error=str(exc))
                down = str(exc)
            else:  # it answered with an error of its own: maybe this call only, one by one
                log.warning("sync.batch_failed", items=item_ids, error=str(exc))
                return [], item_ids
        except Exception as exc:  # noqa: BLE001 - one bad item must not block the others: one by one
            session.rollback()
            log.warning("sync.batch_failed", items=item_ids, error=str(exc))
            return [], item_ids
        else:
            now = utcnow()
            outcomes, alone = [], []
            for item, said in zip(items, decisions, strict=True):
                if said is None:
                    alone.append(item.id)
                    continue
                item.status, item.done_at, item.last_error = DONE, now, None
                outcomes.append(("applied", said))
            return outcomes, alone
    for item_id in item_ids:
        _release(db, item_id, down, give_up=False)
    return [("down", [])], []


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
