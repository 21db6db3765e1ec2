"""Input shapes of the portfolio (API and, later, its pages and spreadsheet import)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from pydantic import BeforeValidator, Field, StrictBool, StrictInt

from provisioner.catalogue.schemas import CODE_PATTERN
from provisioner.portfolios.models import Establishment
from provisioner.schemas import Absent, Input, OptionalText, Text, whole_number

CompanyName = Text(255)
Group = Text(128)
IDENTIFIER = r"^[A-Za-z0-9 .\-]{1,32}$"  # a SIRET or UID as typed (spaces, dots, hyphens), checked after
SUBJECT = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"  # a Keycloak user id
# The day of the month of the DSN deadline (5 or 15).
Deadline = Annotated[int, Ge(1), Le(31), BeforeValidator(whole_number)]


class EstablishmentIn(Input):
    identifier: str = Field(
        pattern=IDENTIFIER,
        description="the establishment's SIRET (portal's scheme)",
        json_schema_extra={"format": "legal-identifier"},
    )
    company_name: CompanyName | None = None  # type: ignore[valid-type]
    partner_group: Group | None = Field(default=None, description="groupe de protection sociale")  # type: ignore[valid-type]
    monthly_deadline: Deadline | None = None
    seeding_requested: StrictBool = Field(default=False, description="demande d'amorçage des données")


class EstablishmentPatch(Input):
    """Only the fields sent change (``null`` empties one)."""

    company_name: CompanyName | None = None  # type: ignore[valid-type]
    partner_group: Group | None = None  # type: ignore[valid-type]
    monthly_deadline: Deadline | None = None
    seeding_requested: StrictBool = Absent()


class PortfolioQuery(Input):
    q: OptionalText(64) | None = Field(default=None, description="part of a SIRET or a company name")  # type: ignore[valid-type]
    state: Literal["to_complete", "complete"] | None = None
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=500)


class FilingIn(Input):
    """A relying app reports a filing: who filed (the firm's account, or one of its people), for
    which establishment, under which teleprocedure, on which day."""

    account_id: StrictInt | None = Field(default=None, ge=1, le=2**63 - 1, description="the firm's account")
    subject: str | None = Field(default=None, pattern=SUBJECT, description="or a person's Keycloak id")
    identifier: str = Field(pattern=IDENTIFIER, json_schema_extra={"format": "legal-identifier"})
    teleprocedure: str = Field(pattern=CODE_PATTERN, description="a teleprocedure code of the portal")
    filed_on: date


class EstablishmentOut(Input):
    id: int
    identifier: str
    company_name: str | None
    partner_group: str | None
    monthly_deadline: int | None
    seeding_requested: bool
    state: Literal["to_complete", "complete"]
    source: Literal["manual", "filing", "mandate"]
    last_filing_on: date | None
    last_filing_teleprocedure: str | None


class PortfolioPage(Input):
    items: list[EstablishmentOut]
    total: int
    to_complete: int = Field(description="establishments of the whole portfolio still to complete")
    page: int
    per_page: int


class EstablishmentRead(Input):
    establishment: EstablishmentOut


class Removed(Input):
    removed: int


class FilingOut(Input):
    establishment_id: int
    added: bool = Field(description="true when the filing brought the establishment into the portfolio")


def establishment_out(entry: Establishment) -> dict[str, Any]:
    return {
        "id": entry.id,
        "identifier": entry.identifier,
        "company_name": entry.company_name,
        "partner_group": entry.partner_group,
        "monthly_deadline": entry.monthly_deadline,
        "seeding_requested": entry.seeding_requested,
        "state": "complete" if entry.complete else "to_complete",
        "source": entry.source,
        "last_filing_on": entry.last_filing_on.isoformat() if entry.last_filing_on else None,
        "last_filing_teleprocedure": entry.last_filing_teleprocedure,
    }
