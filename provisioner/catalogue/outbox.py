"""The catalogue's Keycloak work: its roles, client scopes, login gates and refusal texts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from provisioner.catalogue.realm_files import apply_to_keycloak
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.realms.config import load_realm_configs, variables_from
from provisioner.sync.models import OutboxItem
from provisioner.sync.outbox import handler, record

APPLY_CATALOGUE = "apply_catalogue"


def enqueue_catalogue(session: Session, portal: str) -> OutboxItem:
    """Ask for the Keycloak objects derived from the teleprocedure catalogue to be applied again."""
    return record(session, portal, APPLY_CATALOGUE, {}, merge=True, queue=APPLY_CATALOGUE)


# First in every pass (accounts may need its roles); one at a time per portal.
@handler(APPLY_CATALOGUE, first=True)
def apply_catalogue(session: Session, gateway: KeycloakGateway, _payload: dict[str, Any] | None = None) -> list[str]:
    """Apply the catalogue's roles, scopes and login gates to the gateway's realm."""
    settings = gateway.settings
    configs = load_realm_configs(
        settings.keycloak_config_dir,
        variables_from(settings),
        dev_mode=settings.dev_mode,
        portal_url=settings.portal_url,
    )
    (config,) = [c for c in configs if c.realm == gateway.realm]
    return apply_to_keycloak(session, gateway.rest, config)
