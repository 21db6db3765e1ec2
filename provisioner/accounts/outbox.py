"""The accounts' Keycloak work: bring one principal account (its group, people, secondaries) in
line with the database (``provisioner.accounts.reconciler``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.sync.models import OutboxItem
from provisioner.sync.outbox import handler, record

RECONCILE_ACCOUNT = "reconcile_account"


def enqueue_account(session: Session, portal: str, principal_id: int) -> OutboxItem:
    """Ask for the principal account (and its people, secondaries) to be brought in line.

    One pending item per account is enough: the reconciler reads the whole current state.
    """
    return record(session, portal, RECONCILE_ACCOUNT, {"account_id": principal_id}, merge=True)


@handler(RECONCILE_ACCOUNT)
def _reconcile(session: Session, gateway: KeycloakGateway, payload: dict[str, Any]) -> list[str]:
    from provisioner.accounts.reconciler import Reconciler

    return Reconciler(gateway).reconcile_account(session, payload["account_id"])
