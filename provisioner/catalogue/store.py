"""Reading the teleprocedure catalogue (what the account rules check subscriptions against)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from provisioner.catalogue.domain import Catalogue, Teleprocedure
from provisioner.catalogue.models import CatalogueEntry
from provisioner.context import Context
from provisioner.errors import InvalidInput, NotFound


def entries(session: Session, portal: str, *, include_retired: bool = False) -> list[CatalogueEntry]:
    query = select(CatalogueEntry).where(CatalogueEntry.portal == portal)
    if not include_retired:
        query = query.where(CatalogueEntry.retired_at.is_(None))
    return list(session.scalars(query.order_by(CatalogueEntry.position, CatalogueEntry.code)))


def require_codes(session: Session, portal: str, wanted: Iterable[str], *, field: str = "teleprocedures") -> list[str]:
    """The codes asked for (upper case, sorted, once each), all teleprocedures of the portal's
    catalogue; else a clear error naming the unknown ones and the known ones."""
    known = {e.code for e in entries(session, portal)}
    codes = sorted({c.strip().upper() for c in wanted})
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise InvalidInput(
            f"Téléprocédure(s) inconnue(s) sur ce portail : {', '.join(unknown)}. Connues : {', '.join(sorted(known))}.",
            code="unknown_teleprocedure",
            details={"field": field, "unknown": unknown, "known": sorted(known)},
        )
    return codes


def get_entry(session: Session, portal: str, code: str) -> CatalogueEntry:
    entry = session.scalar(
        select(CatalogueEntry).where(CatalogueEntry.portal == portal, CatalogueEntry.code == code.strip().upper())
    )
    if entry is None:
        raise NotFound(f"Téléprocédure {code} introuvable dans le catalogue.", code="teleprocedure_not_found")
    return entry


def to_domain(entry: CatalogueEntry) -> Teleprocedure:
    return Teleprocedure(
        code=entry.code,
        description=entry.description,
        recipients=tuple(entry.recipients),
        document_types=tuple(entry.document_types),
    )


def catalogue_of(items: Iterable[Teleprocedure]) -> Catalogue:
    return Catalogue({tp.code: tp for tp in items})


def load(session: Session, portal: str) -> Catalogue:
    """The teleprocedures accounts may subscribe to now (retired ones excluded)."""
    return catalogue_of(to_domain(e) for e in entries(session, portal))


def current(ctx: Context) -> Catalogue:
    """The catalogue as it is now, read once per unit of work (``forget`` after changing it)."""
    if "catalogue" not in ctx.memo:
        ctx.memo["catalogue"] = load(ctx.session, ctx.realm)
    return ctx.memo["catalogue"]  # type: ignore[no-any-return]


def forget(ctx: Context) -> None:
    ctx.memo.pop("catalogue", None)


def from_realm_file(raw: Iterable[dict[str, Any]]) -> Catalogue:
    """The catalogue a realm file's ``portal.teleprocedures`` seeds (tests, and the seed itself)."""
    return catalogue_of(
        Teleprocedure(
            code=str(tp["code"]),
            description=str(tp["description"]),
            recipients=tuple(tp.get("recipients", ())),
            document_types=tuple(tp.get("documentTypes", ())),
        )
        for tp in raw
    )
