"""The services' context: one unit of work (database session), the portal it happens on, and who
acts. The UI, the API, the CLI and the sync worker all build one and pass it to the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from provisioner.actors import Actor
from provisioner.portals import Portal


@dataclass(frozen=True)
class Context:
    session: Session
    portal: Portal
    actor: Actor
    # Values read once per unit of work (e.g. the portal's teleprocedure catalogue); the feature
    # that fills an entry also drops it when it changes the value.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def realm(self) -> str:
        return self.portal.realm
