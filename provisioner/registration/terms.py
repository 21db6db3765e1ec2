"""The terms of use each portal asks its people to accept: one text per language in
``keycloak-config/terms/`` (``<realm>.<language>.md``, else ``default.<language>.md``, French
when the language has none), their version in the realm file (``portal.registration.termsVersion``)
and recorded on each person who accepts them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from provisioner.portals import Portal


@dataclass(frozen=True)
class Terms:
    version: str
    language: str
    text: str


def terms(config_dir: Path, portal: Portal, language: str) -> Terms:
    folder = config_dir / "terms"
    for name in (f"{portal.realm}.{language}", f"default.{language}", f"{portal.realm}.fr", "default.fr"):
        path = folder / f"{name}.md"
        if path.is_file():
            return Terms(portal.registration.terms_version, name.rsplit(".", 1)[1], path.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"no terms of use in {folder} (default.fr.md at least)")
