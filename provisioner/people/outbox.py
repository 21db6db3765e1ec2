"""The people's Keycloak work besides the account's: the e-mail to choose a password."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from provisioner.accounts.reconciler import Reconciler
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.sync.models import OutboxItem
from provisioner.sync.outbox import handler, record

SEND_INVITATION = "send_invitation"


def enqueue_invitation(session: Session, portal: str, person_id: int) -> OutboxItem:
    """Rule 11: Keycloak e-mails the person a link to choose a password (valid 24 hours). A command,
    sent once per request, after the account's own item has created the user."""
    return record(session, portal, SEND_INVITATION, {"person_id": person_id})


@handler(SEND_INVITATION)
def _send_invitation(session: Session, gateway: KeycloakGateway, payload: dict[str, Any]) -> list[str]:
    return Reconciler(gateway).send_invitation(session, payload["person_id"])
