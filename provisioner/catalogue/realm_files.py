"""The realm files and the catalogue: the files' ``portal.teleprocedures`` seed the database, and
the realm is applied with the database's catalogue (``provisioner keycloak apply``)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from provisioner.actors import Actor
from provisioner.catalogue import store
from provisioner.catalogue.audit import audit_change
from provisioner.catalogue.models import CatalogueEntry
from provisioner.catalogue.schemas import TeleprocedureIn
from provisioner.db import Database
from provisioner.errors import InvalidInput
from provisioner.keycloak.gateway import AdminRest, config_admin
from provisioner.realms.config import RealmConfig, load_realm_configs, variables_from
from provisioner.realms.services import RealmApplier, apply_configs
from provisioner.settings import Settings


# -- the realm file's seed -------------------------------------------------------------------
def seed(session: Session, config: RealmConfig) -> list[str]:
    """Add the realm file's teleprocedures whose code the database has never held."""
    known = {e.code for e in store.entries(session, config.realm, include_retired=True)}
    added = []
    for position, raw in enumerate(config.portal.get("teleprocedures", []), start=1):
        if not isinstance(raw, dict):
            raise InvalidInput(
                f"{config.source.name}: portal.teleprocedures[{position - 1}] must be an object "
                '{"code", "description", "recipients", "documentTypes"}',
                code="bad_config",
            )
        try:
            data = TeleprocedureIn(
                code=raw.get("code", ""),
                description=raw.get("description", ""),
                recipients=raw.get("recipients", []),
                document_types=raw.get("documentTypes", []),
            )
        except ValueError as exc:
            raise InvalidInput(
                f"{config.source.name}: portal.teleprocedures[{position - 1}] is invalid: {exc}", code="bad_config"
            ) from exc
        if data.code in known:
            continue
        entry = CatalogueEntry(
            portal=config.realm,
            code=data.code,
            description=data.description,
            recipients=list(data.recipients),
            document_types=list(data.document_types),
            position=position,
        )
        session.add(entry)
        session.flush()
        audit_change(session, Actor.system("realm-file"), "teleprocedure.seed", entry, None, message=config.source.name)
        known.add(data.code)
        added.append(data.code)
    return added


# -- Keycloak -----------------------------------------------------------------------------------
def effective_config(session: Session, config: RealmConfig) -> RealmConfig:
    """The realm configuration with the database's catalogue in place of the file's."""
    rows = store.entries(session, config.realm, include_retired=True)
    active = [
        {
            "code": e.code,
            "description": e.description,
            "recipients": list(e.recipients),
            "documentTypes": list(e.document_types),
        }
        for e in rows
        if e.retired_at is None
    ]
    retired = [e.code for e in rows if e.retired_at is not None]
    return replace(config, portal={**config.portal, "teleprocedures": active, "retiredTeleprocedures": retired})


def apply_to_keycloak(session: Session, rest: AdminRest, config: RealmConfig, *, dry_run: bool = False) -> list[str]:
    """Bring the catalogue's Keycloak objects in line (the outbox item and ``provisioner reconcile``)."""
    changes = RealmApplier(rest, effective_config(session, config), dry_run=dry_run).apply_catalogue()
    return [str(c) for c in changes]


def apply_realm_config(settings: Settings, *, dry_run: bool = False) -> list[str]:
    """Seed the teleprocedure catalogue with the realm files' new codes, then apply every realm
    with the database's catalogue (the database owns it once seeded)."""
    configs = load_realm_configs(
        settings.keycloak_config_dir,
        variables_from(settings),
        dev_mode=settings.dev_mode,
        portal_url=settings.portal_url,
    )
    database = Database(settings.database_url)
    if not inspect(database.engine).has_table("teleprocedure"):
        raise InvalidInput(
            "the database has no teleprocedure catalogue yet: run `provisioner db upgrade` first",
            code="database_not_migrated",
        )
    with database.session() as session:
        seeded = [f"{c.realm}: seed teleprocedure {code}" for c in configs for code in seed(session, c)]
        effective = [effective_config(session, c) for c in configs]
        if dry_run:
            session.rollback()
    return seeded + [str(c) for c in apply_configs(config_admin(settings), effective, dry_run=dry_run)]
