"""Feature folders are found, not listed: the ground floor never names a feature.

A feature folder is a sub-package of ``provisioner``; it may have ``models.py`` (tables, imported
for metadata and alembic) and ``outbox.py`` (its sync outbox handlers). The way indico's
``import_all_models`` finds models."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

import provisioner


def import_all(module: str) -> list[str]:
    """Import ``provisioner.<feature>.<module>`` for every feature folder that has one."""
    found = []
    for info in sorted(pkgutil.iter_modules(provisioner.__path__), key=lambda i: i.name):
        name = f"provisioner.{info.name}.{module}"
        if info.ispkg and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
            found.append(name)
    return found
