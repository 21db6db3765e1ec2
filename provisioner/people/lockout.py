"""Rule 22: administrators see when a user is locked out ("bloqué jusqu'au") and can unlock it.

The lock-out is Keycloak's own state (brute-force detection), read and cleared there at once, not
desired state kept in the database: with Keycloak down there is nothing to show or clear, and the
caller gets the outage error. Each unlock is written to the account's audit log.
"""

from __future__ import annotations

from datetime import datetime

from provisioner.accounts.audit import record
from provisioner.accounts.models import Person
from provisioner.context import Context
from provisioner.keycloak.gateway import KeycloakGateway


def locked_until(gateway: KeycloakGateway, person: Person) -> datetime | None:
    if not person.keycloak_user_id:
        return None  # not in Keycloak yet: it cannot be locked out
    return gateway.locked_until(person.keycloak_user_id)


def unlock(ctx: Context, gateway: KeycloakGateway, person: Person) -> bool:
    """Clear the lock-out; False when the person was not locked out (nothing done)."""
    ctx.actor.require_administrator_of(person.account.principal_id)
    until = locked_until(gateway, person)
    if until is None or person.keycloak_user_id is None:
        return False
    gateway.unlock(person.keycloak_user_id)
    record(
        ctx.session,
        ctx.actor,
        "person.unlocked",
        account=person.account,
        person=person,
        message=f"Bloqué jusqu'au {until:%d/%m/%Y %H:%M} UTC ; débloqué",
    )
    return True
