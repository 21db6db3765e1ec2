"""The sync outbox: record Keycloak work with the change, apply it now or later, never lose it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provisioner.db import Database, utcnow
from provisioner.errors import UpstreamUnavailable
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.logs import get_logger
from provisioner.sync.models import DONE, PENDING, OutboxItem

log = get_logger(__name__)
FAILED = "failed"
MAX_ATTEMPTS = 10
RECONCILE_ACCOUNT = "reconcile_account"
SET_PHONE = "set_phone"
APPLY_CATALOGUE = "apply_catalogue"


def backlog(session: Session) -> int:
    return session.scalar(select(func.count()).where(OutboxItem.status == PENDING)) or 0


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
        return pending
    item = OutboxItem(portal=portal, action=RECONCILE_ACCOUNT, payload={"account_id": principal_id})
    session.add(item)
    session.flush()
    return item


def enqueue_phone(session: Session, portal: str, person_id: int) -> OutboxItem:
    """The verified number is Keycloak's to keep (the SMS extension also writes it): the
    provisioner pushes an administrator's change as an explicit command, not as desired state."""
    item = OutboxItem(portal=portal, action=SET_PHONE, payload={"person_id": person_id})
    session.add(item)
    session.flush()
    return item


def enqueue_catalogue(session: Session, portal: str) -> OutboxItem:
    """Ask for the Keycloak objects derived from the teleprocedure catalogue to be applied again."""
    pending = session.scalar(
        select(OutboxItem).where(
            OutboxItem.status == PENDING, OutboxItem.action == APPLY_CATALOGUE, OutboxItem.portal == portal
        )
    )
    if pending is not None:
        return pending
    item = OutboxItem(portal=portal, action=APPLY_CATALOGUE, payload={})
    session.add(item)
    session.flush()
    return item


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
    """Apply pending outbox items, oldest first. Items that meet a Keycloak outage stay pending.

    With ``workers`` > 1, items are applied in parallel, each thread with its own Keycloak
    connection (accounts are independent: one item is one principal account).
    """
    report = SyncReport()
    with db.session() as session:
        query = select(OutboxItem.id).where(OutboxItem.status == PENDING).order_by(OutboxItem.id).limit(limit)
        if item_ids is not None:
            query = query.where(OutboxItem.id.in_(item_ids))
        ids = list(session.scalars(query))
    if not ids:
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

    if workers == 1:
        outcomes = []
        for item_id in ids:
            outcomes.append(apply(item_id))
            if outcomes[-1][0] == "down":
                break  # Keycloak is down: keep the rest for the next pass
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(apply, ids))
    for outcome, decisions in outcomes:
        report.applied += outcome == "applied"
        report.failed += outcome == "failed"
        report.upstream_down |= outcome == "down"
        report.decisions.extend(decisions)
    with db.session() as session:
        report.pending = backlog(session)
    return report


def _apply_one(db: Database, gateway: KeycloakGateway, item_id: int) -> tuple[str, list[str]]:
    from provisioner.sync.reconciler import Reconciler

    with db.session() as session:
        item = session.get(OutboxItem, item_id)
        if item is None or item.status != PENDING:
            return "skipped", []
        item.attempts += 1
        try:
            if item.action == SET_PHONE:
                decisions = Reconciler(gateway).push_phone(session, item.payload["person_id"])
            elif item.action == APPLY_CATALOGUE:
                decisions = apply_catalogue(session, gateway)
            else:
                decisions = Reconciler(gateway).reconcile_account(session, item.payload["account_id"])
        except UpstreamUnavailable as exc:
            session.rollback()
            _note_failure(db, item_id, str(exc), retryable=True)
            log.warning("sync.keycloak_unavailable", item=item_id, error=str(exc))
            return "down", []
        except Exception as exc:  # noqa: BLE001 - one bad item must not block the others
            session.rollback()
            failed = _note_failure(db, item_id, f"{type(exc).__name__}: {exc}", retryable=False)
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


def _note_failure(db: Database, item_id: int, error: str, *, retryable: bool) -> bool:
    with db.session() as session:
        item = session.get(OutboxItem, item_id)
        assert item is not None
        item.attempts += 1
        item.last_error = error[:2000]
        if not retryable and item.attempts >= MAX_ATTEMPTS:
            item.status = FAILED
            return True
    return False
