"""Input shapes of the teleprocedure catalogue (API and realm-file seed: one validation), and what
the API answers about it."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator

from provisioner.schemas import Absent, Input, Sync

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{0,30}$"  # kept in upper case
# Shown in Keycloak's refusal message, a Java MessageFormat pattern: no braces.
DESCRIPTION_PATTERN = r"^[^{}]*\S[^{}]*$"
DOCUMENT_TYPE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"

Description = Annotated[
    str,
    StringConstraints(strip_whitespace=False, max_length=200, pattern=DESCRIPTION_PATTERN),
    AfterValidator(str.strip),
]
Recipient = Annotated[
    str, StringConstraints(strip_whitespace=False, max_length=64, pattern=r"\S"), AfterValidator(str.strip)
]
DocumentType = Annotated[str, StringConstraints(pattern=DOCUMENT_TYPE_PATTERN)]
DocumentTypes = list[DocumentType]
UNIQUE: dict[str, Any] = {"uniqueItems": True}


def _distinct(values: list[str] | None) -> list[str] | None:
    if values is not None and len(set(values)) != len(values):
        raise ValueError("un type de document est listé deux fois")
    return values


class TeleprocedureIn(Input):
    code: str = Field(pattern=CODE_PATTERN, description="e.g. DSN, DADS-U (kept in upper case)")
    description: Description
    recipients: list[Recipient] = []
    document_types: DocumentTypes = Field(default=[], json_schema_extra=UNIQUE)

    @field_validator("code")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    _check_document_types = field_validator("document_types")(_distinct)


class TeleprocedurePatch(Input):
    """Only the fields sent change; none of them may be null."""

    description: Description = Absent()
    recipients: list[Recipient] = Absent()
    document_types: DocumentTypes = Absent(json_schema_extra=UNIQUE)

    _check_document_types = field_validator("document_types")(_distinct)


class CatalogueQuery(Input):
    include_retired: bool = False


class ForceQuery(Input):
    force: bool = Field(default=False, description="withdraw it from the accounts that hold it")


class TeleprocedureOut(BaseModel):
    code: str
    description: str
    recipients: list[str]
    document_types: list[str]
    retired: bool
    retired_at: str | None
    accounts: int | None = Field(default=None, description="operators only: how many accounts subscribe")


class TeleprocedureList(BaseModel):
    items: list[TeleprocedureOut]


class TeleprocedureRead(BaseModel):
    teleprocedure: TeleprocedureOut


class TeleprocedureChanged(BaseModel):
    teleprocedure: TeleprocedureOut
    sync: Sync
