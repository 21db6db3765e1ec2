"""The accounts' Keycloak work: bring one principal account (its group, people, secondaries) in
line with the database (``provisioner.accounts.reconciler``), and e-mail a person the link to
choose a password (holders and secondary logins when their account opens, collaborators when
invited, anyone an administrator sends a new link to)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.sync.models import OutboxItem
from provisioner.sync.outbox import handler, record

RECONCILE_ACCOUNT = "reconcile_account"
SEND_INVITATION = "send_invitation"


def enqueue_account(session: Session, portal: str, principal_id: int) -> OutboxItem:
    """Ask for the principal account (and its people, secondaries) to be brought in line.

    One pending item per account is enough: the reconciler reads the whole current state.
    """
    return record(session, portal, RECONCILE_ACCOUNT, {"account_id": principal_id}, merge=True)


@handler(RECONCILE_ACCOUNT)
def _reconcile(session: Session, gateway: KeycloakGateway, payload: dict[str, Any]) -> list[str]:
    from provisioner.accounts.reconciler import Reconciler

    return Reconciler(gateway).reconcile_account(session, payload["account_id"])


def enqueue_invitation(session: Session, portal: str, person_id: int) -> OutboxItem:
    """Rule 11: Keycloak e-mails the person a link to choose a password (valid 24 hours), in the
    person's language and the portal's e-mail theme. A command, sent once per request, after the
    account's own item has created the user (items are applied in order)."""
    return record(session, portal, SEND_INVITATION, {"person_id": person_id})


@handler(SEND_INVITATION)
def _send_invitation(session: Session, gateway: KeycloakGateway, payload: dict[str, Any]) -> list[str]:
    from provisioner.accounts.reconciler import Reconciler

    return Reconciler(gateway).send_invitation(session, payload["person_id"])
