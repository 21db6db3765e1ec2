"""The teleprocedure catalogue, as pure Python: what accounts may subscribe to, and the check of a
requested subscription (codes and document types)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from provisioner.errors import InvalidInput

Selection = dict[str, tuple[str, ...]]  # teleprocedure code -> granted document types


@dataclass(frozen=True)
class Teleprocedure:
    code: str
    description: str
    recipients: tuple[str, ...]
    document_types: tuple[str, ...]

    @property
    def role(self) -> str:
        return f"tp-{self.code.lower()}"


@dataclass(frozen=True)
class Catalogue:
    teleprocedures: dict[str, Teleprocedure] = field(default_factory=dict)

    def validate(self, requested: Mapping[str, Iterable[str] | None]) -> Selection:
        """Check codes and document types; ``None`` or empty types mean 'all of them'."""
        selection: Selection = {}
        for raw_code, raw_types in requested.items():
            code = raw_code.strip().upper()
            tp = self.teleprocedures.get(code)
            if tp is None and not self.teleprocedures:
                raise InvalidInput(
                    "Le catalogue des téléprocédures du portail est vide : un opérateur doit l'alimenter "
                    "(provisioner keycloak apply, ou POST /api/v1/teleprocedures).",
                    code="empty_catalogue",
                    details={"teleprocedure": raw_code},
                )
            if tp is None:
                raise InvalidInput(
                    f"Téléprocédure inconnue : {raw_code}. Choisissez parmi {', '.join(sorted(self.teleprocedures))}.",
                    code="unknown_teleprocedure",
                    details={"teleprocedure": raw_code, "known": sorted(self.teleprocedures)},
                )
            types = tuple(sorted(set(raw_types or ()))) or tp.document_types
            unknown = sorted(set(types) - set(tp.document_types))
            if unknown:
                raise InvalidInput(
                    f"Type(s) de document inconnu(s) pour {code} : {', '.join(unknown)}.",
                    code="unknown_document_type",
                    details={
                        "teleprocedure": code,
                        "unknown": unknown,
                        "known": list(tp.document_types),
                    },
                )
            selection[code] = tuple(sorted(types))
        return selection
