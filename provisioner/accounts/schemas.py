"""Input shapes shared by the JSON API, the CLI and the import: parsed once, errors in one form."""

from __future__ import annotations

import re
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from provisioner.errors import InvalidInput

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.match(value):
        raise ValueError("adresse e-mail invalide (exemple : prenom.nom@entreprise.fr)")
    return value.lower()


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Address(Input):
    street_number: str = ""
    street_suffix: str = ""
    street_name: str = ""
    complement: str = ""
    po_box: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FR"


class Responsible(Input):
    civility: Literal["M.", "Mme"] = "M."
    last_name: str = Field(min_length=1, max_length=128)
    first_name: str = Field(min_length=1, max_length=128)
    email: str
    phone: str | None = None
    fax: str | None = None
    address: Address = Address()

    _check_email = field_validator("email")(_email)


class Contact(Input):
    name: str = Field(min_length=1, max_length=255)
    email: str
    phone: str | None = None

    _check_email = field_validator("email")(_email)


class Billing(Input):
    date: str | None = None
    use_responsible_address: bool = True
    address: Address | None = None


class Services(Input):
    statement_collection: bool = False
    collection_error_alerts: bool = False
    statement_inbox: str | None = None
    probative_archiving: bool = False


Teleprocedures = dict[str, list[str] | None]


class PrincipalIn(Input):
    login: str
    identifier: str
    company_name: str = Field(min_length=1, max_length=255)
    company_type: Literal["entreprise", "oga", "expert-comptable", "tiers-declarant", "administration"] = "entreprise"
    responsible: Responsible
    technical_contact: Contact | None = None
    administrative_contact: Contact | None = None
    legal_representative: str | None = None
    status: Literal["requested", "validated", "open", "closed"] = "requested"
    is_test: bool = False
    dossier_number: str | None = None
    secondary_quota: int = Field(default=0, ge=0, le=100000)
    teleprocedures: Teleprocedures = {}
    services: Services = Services()
    billing: Billing = Billing()


class SecondaryIn(Input):
    name: str
    identifier: str
    company_name: str = Field(min_length=1, max_length=255)
    company_type: Literal["entreprise", "oga", "expert-comptable", "tiers-declarant", "administration"] = "entreprise"
    email: str | None = None
    responsible: Responsible | None = None
    has_mailbox: bool = False
    autonomous: bool = False
    is_test: bool = False
    status: Literal["requested", "validated", "open"] = "open"
    teleprocedures: Teleprocedures = {}
    services: Services = Services()

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str | None) -> str | None:
        return None if value is None else _email(value)


class AccountPatch(Input):
    company_name: str | None = Field(default=None, min_length=1, max_length=255)
    identifier: str | None = None
    company_type: Literal["entreprise", "oga", "expert-comptable", "tiers-declarant", "administration"] | None = None
    responsible: Responsible | None = None
    technical_contact: Contact | None = None
    administrative_contact: Contact | None = None
    legal_representative: str | None = None
    status: Literal["requested", "validated", "open", "closed"] | None = None
    is_test: bool | None = None
    secondary_quota: int | None = Field(default=None, ge=0, le=100000)
    autonomous: bool | None = None
    mfa_policy: Literal["realm", "required", "optional"] | None = None
    services: Services | None = None
    billing: Billing | None = None


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


T = TypeVar("T", bound=BaseModel)


def parse(model: type[T], data: Any) -> T:
    """Validate input; every problem is reported at once, with its field path."""
    if not isinstance(data, dict):
        raise InvalidInput("Le corps de la requête doit être un objet JSON.", code="invalid_body")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            {
                "field": ".".join(str(p) for p in err["loc"]),
                "message": err["msg"],
                "type": err["type"],
            }
            for err in exc.errors(include_url=False, include_input=False)
        ]
        fields = ", ".join(p["field"] for p in problems)
        raise InvalidInput(
            f"Données invalides ({fields}) : corrigez les champs indiqués.",
            code="validation_failed",
            details={"problems": problems},
        ) from exc
