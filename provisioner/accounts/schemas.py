"""Input shapes shared by the JSON API, the CLI and the import: parsed once, errors in one form."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from provisioner.accounts.models import Account
from provisioner.schemas import Input, parse
from provisioner.schemas import email as _email

__all__ = ["parse"]  # the one parse, re-exported for the accounts' callers


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


# -- what the API answers ----------------------------------------------------------------------------
def account_out(account: Account, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": account.id,
        "kind": account.kind,
        "login": account.login,
        "principal_id": account.principal_id,
        "dossier_number": account.dossier_number,
        "identifier": account.identifier,
        "company_name": account.company_name,
        "company_type": account.company_type,
        "status": account.status,
        "is_test": account.is_test,
        "has_mailbox": account.has_mailbox,
        "autonomous": account.autonomous,
        "mfa_policy": account.mfa_policy,
        "secondary_quota": account.secondary_quota if account.kind == "principal" else None,
        "teleprocedures": {code: list(types) for code, types in account.selection.items()},
        "created_at": account.created_at.isoformat() + "Z",
    }
    if detail:
        data.update(
            responsible=account.responsible,
            technical_contact=account.technical_contact,
            administrative_contact=account.administrative_contact,
            legal_representative=account.legal_representative,
            services=account.services,
            billing=account.billing if account.kind == "principal" else None,
        )
    return data
