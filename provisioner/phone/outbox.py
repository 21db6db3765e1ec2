"""An administrator's phone change, pushed to Keycloak as a command: the verified number is
Keycloak's to keep (its SMS enrolment also writes it), so it is not desired state."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from provisioner.accounts.models import Person
from provisioner.accounts.outbox import account_queue
from provisioner.accounts.reconciler import Reconciler
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.sync.models import OutboxItem
from provisioner.sync.outbox import handler, record

SET_PHONE = "set_phone"


def enqueue_phone(session: Session, portal: str, person: Person) -> OutboxItem:
    """After the account's items (the user must exist), in the account's queue."""
    queue = account_queue(person.account.principal_id)
    return record(session, portal, SET_PHONE, {"person_id": person.id}, queue=queue)


@handler(SET_PHONE)
def _push_phone(session: Session, gateway: KeycloakGateway, payload: dict[str, Any]) -> list[str]:
    return Reconciler(gateway).push_phone(session, payload["person_id"])
