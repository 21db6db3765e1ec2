"""Input shapes of the people of an account (API and pages: one validation)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from provisioner.accounts.audit import snapshot_person
from provisioner.accounts.models import Person
from provisioner.schemas import Input
from provisioner.schemas import email as _email


class CollaboratorIn(Input):
    email: str
    first_name: str = Field(min_length=1, max_length=128)
    last_name: str = Field(min_length=1, max_length=128)
    locale: Literal["fr", "de", "it", "en"] = "fr"
    roles: list[str] = []

    _check_email = field_validator("email")(_email)


class PersonPatch(Input):
    first_name: str | None = Field(default=None, min_length=1, max_length=128)
    last_name: str | None = Field(default=None, min_length=1, max_length=128)
    email: str | None = None
    locale: Literal["fr", "de", "it", "en"] | None = None
    roles: list[str] | None = None
    enabled: bool | None = None

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str | None) -> str | None:
        return None if value is None else _email(value)


# -- what the API answers ----------------------------------------------------------------------------
def person_out(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "account_id": person.account_id,
        "kind": person.kind,
        **snapshot_person(person),
        "synced": person.keycloak_user_id is not None,
    }
