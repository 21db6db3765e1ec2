"""The sync outbox: record Keycloak work with the change, apply it now or later, never lose it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from provisioner.db import Database, utcnow
from provisioner.errors import UpstreamUnavailable
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.logs import get_logger
from provisioner.sync.models import DONE, PENDING, RUNNING, OutboxItem

log = get_logger(__name__)
FAILED = "failed"
MAX_ATTEMPTS = 10
TRACKED = "portail.outbox_items"
STALE_CLAIM = timedelta(minutes=10)  # a process that claimed an item and died: another takes it over
RECONCILE_ACCOUNT = "reconcile_account"
SET_PHONE = "set_phone"
APPLY_CATALOGUE = "apply_catalogue"
SEND_INVITATION = "send_invitation"


def _track(session: Session, item: OutboxItem) -> OutboxItem:
    """Remember the items this unit of work asked for (the API applies just those at once)."""
    session.info.setdefault(TRACKED, set()).add(item.id)
    return item


def tracked(session: Session) -> list[int]:
    """The outbox items recorded (or reused) by this session's changes, forgotten once read."""
    return sorted(session.info.pop(TRACKED, set()))


def backlog(session: Session, portal: str | None = None) -> int:
    """Items not applied yet (pending, or being applied right now), of one portal or all."""
    query = select(func.count()).where(OutboxItem.status.in_((PENDING, RUNNING)))
    if portal is not None:
        query = query.where(OutboxItem.portal == portal)
    return session.scalar(query) or 0


def enqueue(session: Session, portal: str, principal_id: int) -> OutboxItem:
    """Ask for the principal account (and its people, secondaries) to be brought in line.

    One pending item per account is enough: the reconciler reads the whole current state.
    """
    pending = session.scalar(
        select(OutboxItem).where(
            OutboxItem.status == PENDING,
            OutboxItem.action == RECONCILE_ACCOUNT,
            OutboxItem.portal == portal,
            OutboxItem.payload["account_id"].as_integer() == principal_id,
        )
    )
    if pending is not None:
        return _track(session, pending)
    item = OutboxItem(portal=portal, action=RECONCILE_ACCOUNT, payload={"account_id": principal_id})
    session.add(item)
    session.flush()
    return _track(session, item)


def enqueue_phone(session: Session, portal: str, person_id: int) -> OutboxItem:
    """The verified number is Keycloak's to keep (the SMS extension also writes it): the
    provisioner pushes an administrator's change as an explicit command, not as desired state."""
    item = OutboxItem(portal=portal, action=SET_PHONE, payload={"person_id": person_id})
    session.add(item)
    session.flush()
    return _track(session, item)


def enqueue_invitation(session: Session, portal: str, person_id: int) -> OutboxItem:
    """Rule 11: Keycloak e-mails the person a link to choose a password (valid 24 hours). A command,
    sent once per request, after the account's own item has created the user."""
    item = OutboxItem(portal=portal, action=SEND_INVITATION, payload={"person_id": person_id})
    session.add(item)
    session.flush()
    return _track(session, item)


def enqueue_catalogue(session: Session, portal: str) -> OutboxItem:
    """Ask for the Keycloak objects derived from the teleprocedure catalogue to be applied again."""
    pending = session.scalar(
        select(OutboxItem).where(
            OutboxItem.status == PENDING, OutboxItem.action == APPLY_CATALOGUE, OutboxItem.portal == portal
        )
    )
    if pending is not None:
        return _track(session, pending)
    item = OutboxItem(portal=portal, action=APPLY_CATALOGUE, payload={})
    session.add(item)
    session.flush()
    return _track(session, item)


@dataclass
class SyncReport:
    applied: int = 0
    failed: int = 0
    pending: int = 0
    upstream_down: bool = False
    decisions: list[str] = field(default_factory=list)


def process(
    db: Database,
    gateway: KeycloakGateway,
    *,
    item_ids: list[int] | None = None,
    limit: int = 5000,
    workers: int = 1,
) -> SyncReport:
    """Apply pending outbox items: the catalogue's first (accounts may need its roles), then the
    accounts, oldest first. Items that meet a Keycloak outage stay pending.

    Each item is claimed before it is applied, so two processes (a request and the sync worker)
    never apply the same item, and a change saved while its item is being applied gets an item of
    its own. With ``workers`` > 1, account items are applied in parallel, each thread with its own
    Keycloak connection (accounts are independent: one item is one principal account).
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
    first = [item_id for item_id, action in rows if action == APPLY_CATALOGUE]
    rest = [item_id for item_id, action in rows if action != APPLY_CATALOGUE]
    if not rows:
        return report
    local = threading.local()

    def apply(item_id: int) -> tuple[str, list[str]]:
        if workers == 1:
            kc = gateway
        else:
            if not hasattr(local, "gateway"):
                local.gateway = KeycloakGateway(gateway.settings)
            kc = local.gateway
        return _apply_one(db, kc, item_id)

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
    with db.session() as session:
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
    is pending, wait, again, until ``stop`` is set. A failing pass is logged, never fatal."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            report = process(db, gateway, workers=workers)
        except Exception as exc:  # noqa: BLE001 - e.g. the database briefly locked: next pass
            log.warning("sync.pass_failed", error=str(exc))
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
    """Take the item for this process (one atomic UPDATE); False if someone else has it. Only one
    catalogue item of a portal runs at a time: an older view applied last would undo a newer one."""
    now = utcnow()
    with db.session() as session:
        item = session.get(OutboxItem, item_id)
        if item is None:
            return False
        conditions = [OutboxItem.id == item_id, _claimable(now)]
        if item.action == APPLY_CATALOGUE:
            other = aliased(OutboxItem)
            conditions.append(
                ~exists().where(
                    other.action == APPLY_CATALOGUE,
                    other.portal == item.portal,
                    other.id != item_id,
                    other.status == RUNNING,
                    other.claimed_at >= now - STALE_CLAIM,
                )
            )
        claimed = session.execute(
            update(OutboxItem)
            .where(*conditions)
            .values(status=RUNNING, claimed_at=now, attempts=OutboxItem.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def _apply_one(db: Database, gateway: KeycloakGateway, item_id: int) -> tuple[str, list[str]]:
    from provisioner.sync.reconciler import Reconciler

    if not _claim(db, item_id):
        return "skipped", []
    with db.session() as session:
        item = session.get_one(OutboxItem, item_id)
        try:
            if item.action == SET_PHONE:
                decisions = Reconciler(gateway).push_phone(session, item.payload["person_id"])
            elif item.action == APPLY_CATALOGUE:
                decisions = apply_catalogue(session, gateway)
            elif item.action == SEND_INVITATION:
                decisions = Reconciler(gateway).send_invitation(session, item.payload["person_id"])
            else:
                decisions = Reconciler(gateway).reconcile_account(session, item.payload["account_id"])
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


def apply_catalogue(session: Session, gateway: KeycloakGateway) -> list[str]:
    """Apply the catalogue's roles, scopes and login gates to the gateway's realm."""
    from provisioner.catalogue.services import apply_to_keycloak
    from provisioner.realms.config import load_realm_configs, variables_from

    settings = gateway.settings
    configs = load_realm_configs(settings.keycloak_config_dir, variables_from(settings))
    (config,) = [c for c in configs if c.realm == gateway.realm]
    return apply_to_keycloak(session, gateway.rest, config)


def _release(db: Database, item_id: int, error: str, *, give_up: bool) -> bool:
    """Hand a claimed item back (pending again), or mark it failed after MAX_ATTEMPTS errors."""
    with db.session() as session:
        item = session.get_one(OutboxItem, item_id)
        item.last_error = error[:2000]
        item.status = FAILED if give_up and item.attempts >= MAX_ATTEMPTS else PENDING
        item.claimed_at = None
        return item.status == FAILED
