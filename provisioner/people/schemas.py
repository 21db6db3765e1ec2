"""Input shapes of the people of an account (API and pages: one validation), and what the API
answers about people."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictBool

from provisioner.accounts.audit import snapshot_person
from provisioner.accounts.domain import PERMISSION_PATTERN
from provisioner.accounts.models import Person
from provisioner.schemas import Absent, Email, Input, Name, Sync

Locale = Literal["fr", "de", "it", "en"]
# Rule 12: administrator, declarant of one teleprocedure (``declarant:DSN``), accounting, read-only.
Role = Annotated[
    str,
    Field(
        pattern=PERMISSION_PATTERN,
        description="account-admin, accounting, viewer, or declarant:<CODE> (a teleprocedure of the account)",
        examples=["declarant:DSN"],
    ),
]


class CollaboratorIn(Input):
    email: Email
    first_name: Name
    last_name: Name
    locale: Locale = "fr"
    roles: list[Role] = []


class PersonPatch(Input):
    """Only the fields sent change; none of them may be null."""

    first_name: Name = Absent()
    last_name: Name = Absent()
    email: Email = Absent()
    locale: Locale = Absent()
    roles: list[Role] = Absent()
    enabled: StrictBool = Absent()


# -- query parameters -------------------------------------------------------------------------------
class PeopleQuery(Input):
    q: str = Absent(max_length=200)
    include_disabled: bool = True


class ExportQuery(PeopleQuery):
    format: Literal["xlsx", "pdf"] = "xlsx"


# -- what the API answers ----------------------------------------------------------------------------
class PersonOut(BaseModel):
    id: int
    account_id: int
    kind: Literal["holder", "secondary", "collaborator"]
    username: str
    email: str
    first_name: str
    last_name: str
    locale: str
    roles: list[str]
    enabled: bool
    phone: str | None
    synced: bool


class PersonList(BaseModel):
    items: list[PersonOut]


class PersonRead(BaseModel):
    person: PersonOut


class PersonChanged(BaseModel):
    person: PersonOut
    sync: Sync


class PersonDeleted(BaseModel):
    deleted: int
    sync: Sync


class LinkRequested(BaseModel):
    status: Literal["link_requested"]
    sync: Sync


class Lockout(BaseModel):
    locked: bool
    until: str | None = Field(description="ISO 8601, UTC")


class Unlocked(BaseModel):
    unlocked: bool


def person_out(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "account_id": person.account_id,
        "kind": person.kind,
        **snapshot_person(person),
        "synced": person.keycloak_user_id is not None,
    }
