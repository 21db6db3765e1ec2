"""Input and output shapes of clients and mandates (API, pages and the spreadsheet import)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StringConstraints

from provisioner.catalogue.schemas import CODE_PATTERN
from provisioner.mandates.models import Mandate
from provisioner.portfolios.schemas import IDENTIFIER
from provisioner.schemas import Input, OptionalText, Text

Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
STATES = ("created", "printed", "active", "revoked", "locked", "expired", "ended")
State = Literal["created", "printed", "active", "revoked", "locked", "expired", "ended"]


class ClientIn(Input):
    """« Ajouter un client »: the client's establishment, its postal address (the letter's), and
    the teleprocedures the firm asks to file for it."""

    identifier: str = Field(
        pattern=IDENTIFIER, description="the client's SIRET", json_schema_extra={"format": "legal-identifier"}
    )
    company_name: Text(255)  # type: ignore[valid-type]
    address_line1: Text(255) = Field(description="number and street")  # type: ignore[valid-type]
    address_line2: OptionalText(255) | None = Field(default=None, description="building, PO box…")  # type: ignore[valid-type]
    postcode: str = Field(pattern=r"^[A-Za-z0-9 -]{2,16}$")
    city: Text(128)  # type: ignore[valid-type]
    teleprocedures: list[Code] = Field(min_length=1, max_length=50, description="codes of the portal's catalogue")
    ends_on: date | None = Field(default=None, description="the mandate's last day; none: until revoked")


class ClientsQuery(Input):
    q: OptionalText(64) | None = Field(default=None, description="part of a SIRET or a company name")  # type: ignore[valid-type]
    state: State | None = None
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=500)


class ActivationIn(Input):
    key: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9 -]+$", description="as printed: XXXX-XXXX-XXXX-XXXX"
    )


class LettersIn(Input):
    mandate_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(
        default=None,
        max_length=10_000,
        description="the clients whose letters to print; none: every letter still to print",
    )


class ImportQuery(Input):
    format: Literal["csv", "xlsx"] | None = Field(default=None, description="else told by the Content-Type")
    dry_run: bool = Field(default=False, description="check every row, save nothing")


class ImportLine(Input):
    row: int = Field(description="the line in the file (the header is line 1)")
    identifier: str | None
    status: Literal["created", "valid", "failed"]
    id: int | None = None
    error: dict[str, Any] | None = None


class ImportReport(Input):
    dry_run: StrictBool
    rows: int
    created: int
    failed: int
    report: list[ImportLine]


class MandateOut(Input):
    id: int
    firm_id: int
    identifier: str
    company_name: str
    address: list[str]
    teleprocedures: list[str]
    starts_on: date
    ends_on: date | None
    state: State
    letter_to_print: bool
    created_at: datetime
    printed_at: datetime | None
    activated_at: datetime | None
    revoked_at: datetime | None
    revoked_by: Literal["firm", "client"] | None


class MandateRead(Input):
    mandate: MandateOut


class ClientsPage(Input):
    items: list[MandateOut]
    total: int
    page: int
    per_page: int


class Deleted(Input):
    deleted: int


def address(mandate: Mandate) -> list[str]:
    lines = [mandate.company_name, mandate.address_line1]
    if mandate.address_line2:
        lines.append(mandate.address_line2)
    lines.append(f"{mandate.postcode} {mandate.city.upper()}")
    return lines


def mandate_out(mandate: Mandate, now: datetime) -> dict[str, Any]:
    return {
        "id": mandate.id,
        "firm_id": mandate.firm_id,
        "identifier": mandate.identifier,
        "company_name": mandate.company_name,
        "address": address(mandate),
        "teleprocedures": list(mandate.teleprocedures),
        "starts_on": mandate.starts_on.isoformat(),
        "ends_on": mandate.ends_on.isoformat() if mandate.ends_on else None,
        "state": mandate.state(now),
        "letter_to_print": mandate.key_sealed is not None,
        "created_at": mandate.created_at.isoformat() + "Z",
        "printed_at": mandate.printed_at.isoformat() + "Z" if mandate.printed_at else None,
        "activated_at": mandate.activated_at.isoformat() + "Z" if mandate.activated_at else None,
        "revoked_at": mandate.revoked_at.isoformat() + "Z" if mandate.revoked_at else None,
        "revoked_by": mandate.revoked_by,
    }


class FirmOut(Input):
    company_name: str
    identifier: str


class ReceivedOut(Input):
    id: int
    firm: FirmOut
    identifier: str
    teleprocedures: list[str]
    starts_on: date
    ends_on: date | None
    state: State


class ReceivedList(Input):
    items: list[ReceivedOut]
