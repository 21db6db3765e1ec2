"""Input shapes shared by the JSON API, the CLI and the import (parsed once, errors in one form),
and what the API answers about accounts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt, StringConstraints

from provisioner.accounts.models import Account
from provisioner.schemas import Absent, Email, Input, Name, OptionalText, Sync, Text, parse

__all__ = ["Sync", "parse"]  # re-exported for the accounts' callers

CompanyType = Literal["entreprise", "oga", "expert-comptable", "tiers-declarant", "administration"]
Status = Literal["requested", "validated", "invited", "open", "closed"]
# Compared in lower case (domain.normalize_login); a principal's login is also a Keycloak username.
LOGIN_PATTERN = r"^\s*[A-Za-z0-9][A-Za-z0-9-]{2,30}\s*$"
NAME_PATTERN = r"^\s*[A-Za-z0-9][A-Za-z0-9-]{0,30}\s*$"  # a secondary's login is <name>.<principal login>


class Address(Input):
    street_number: OptionalText(16) = ""  # type: ignore[valid-type]
    street_suffix: OptionalText(16) = ""  # type: ignore[valid-type]
    street_name: OptionalText(128) = ""  # type: ignore[valid-type]
    complement: OptionalText(128) = ""  # type: ignore[valid-type]
    po_box: OptionalText(32) = ""  # type: ignore[valid-type]
    postal_code: OptionalText(16) = ""  # type: ignore[valid-type]
    city: OptionalText(128) = ""  # type: ignore[valid-type]
    country: OptionalText(2) = "FR"  # type: ignore[valid-type]


class Responsible(Input):
    civility: Literal["M.", "Mme"] = "M."
    last_name: Name
    first_name: Name
    email: Email
    phone: Text(32) | None = Field(default=None, json_schema_extra={"format": "phone"})  # type: ignore[valid-type]
    fax: Text(32) | None = None  # type: ignore[valid-type]
    address: Address = Address()


class Contact(Input):
    name: Text(255)  # type: ignore[valid-type]
    email: Email
    phone: Text(32) | None = Field(default=None, json_schema_extra={"format": "phone"})  # type: ignore[valid-type]


class Billing(Input):
    date: Text(32) | None = None  # type: ignore[valid-type]
    use_responsible_address: StrictBool = True
    address: Address | None = None


class Services(Input):
    statement_collection: StrictBool = False
    collection_error_alerts: StrictBool = False
    statement_inbox: Email | None = None
    probative_archiving: StrictBool = False


# Teleprocedure code -> document types; none (or null) means all of them.
Teleprocedures = dict[str, list[Annotated[str, StringConstraints(max_length=64)]] | None]
Identifier = Field(
    max_length=32,
    json_schema_extra={
        "format": "legal-identifier",
        "description": "SIRET (14 digits, Luhn key) or UID (CHE-…), the portal's scheme",
    },
)


class PrincipalIn(Input):
    login: str = Field(max_length=64, pattern=LOGIN_PATTERN)
    identifier: str = Identifier
    company_name: Text(255)  # type: ignore[valid-type]
    company_type: CompanyType = "entreprise"
    responsible: Responsible
    technical_contact: Contact | None = None
    administrative_contact: Contact | None = None
    legal_representative: Text(255) | None = None  # type: ignore[valid-type]
    status: Status = "requested"
    is_test: StrictBool = False
    dossier_number: Text(32) | None = None  # type: ignore[valid-type]
    secondary_quota: StrictInt = Field(default=0, ge=0, le=100000)
    teleprocedures: Teleprocedures = {}
    services: Services = Services()
    billing: Billing = Billing()


class SecondaryIn(Input):
    name: str = Field(max_length=64, pattern=NAME_PATTERN)
    identifier: str = Identifier
    company_name: Text(255)  # type: ignore[valid-type]
    company_type: CompanyType = "entreprise"
    email: Email | None = None
    responsible: Responsible | None = None
    has_mailbox: StrictBool = False
    autonomous: StrictBool = False
    is_test: StrictBool = False
    status: Literal["requested", "validated", "invited", "open"] = "open"
    teleprocedures: Teleprocedures = {}
    services: Services = Services()


class AccountPatch(Input):
    """Only the fields sent change; none of them may be null but ``legal_representative``."""

    company_name: Text(255) = Absent()  # type: ignore[valid-type]
    identifier: str = Absent(max_length=32, json_schema_extra={"format": "legal-identifier"})
    company_type: CompanyType = Absent()
    responsible: Responsible = Absent()
    technical_contact: Contact = Absent()
    administrative_contact: Contact = Absent()
    legal_representative: Text(255) | None = Absent()  # type: ignore[valid-type]
    status: Status = Absent()
    is_test: StrictBool = Absent()
    secondary_quota: StrictInt = Absent(ge=0, le=100000)
    autonomous: StrictBool = Absent()
    mfa_policy: Literal["realm", "required", "optional"] = Absent()
    identity_checked: StrictBool = Absent()  # operators: the company is the one its identifier names
    services: Services = Absent()
    billing: Billing = Absent()


class BulkIn(Input):
    """Each item has the shape of ``PrincipalIn``; each succeeds or fails on its own (207)."""

    items: list[dict[str, Any]] = Field(min_length=1, max_length=5000)


class TeleproceduresIn(Input):
    teleprocedures: Teleprocedures


class MailboxIn(Input):
    has_mailbox: StrictBool


# -- query parameters -------------------------------------------------------------------------------
class AccountQuery(Input):
    q: str = Absent(max_length=200)
    status: Status = Absent()
    kind: Literal["principal", "secondary"] = Absent()
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=50, ge=1, le=500)


class SecondaryQuery(Input):
    q: str = Absent(max_length=200)
    status: Status = Absent()
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=50, ge=1, le=500)


# -- what the API answers ----------------------------------------------------------------------------
class AccountOut(BaseModel):
    id: int
    kind: Literal["principal", "secondary"]
    login: str
    principal_id: int
    dossier_number: str | None
    identifier: str
    company_name: str
    company_type: str
    status: Status
    is_test: bool
    has_mailbox: bool
    autonomous: bool
    mfa_policy: str
    identity_checked: bool
    secondary_quota: int | None
    teleprocedures: dict[str, list[str]]
    created_at: str


class AccountDetail(AccountOut):
    responsible: dict[str, Any]
    technical_contact: dict[str, Any]
    administrative_contact: dict[str, Any]
    legal_representative: str | None
    services: dict[str, Any]
    billing: dict[str, Any] | None


class AccountPage(BaseModel):
    items: list[AccountOut]
    total: int
    page: int
    per_page: int


class AccountRead(BaseModel):
    account: AccountDetail


class AccountChanged(BaseModel):
    account: AccountOut | AccountDetail
    sync: Sync


class MailboxChanged(AccountChanged):
    password_reset_required: bool


class Deleted(BaseModel):
    deleted: int
    sync: Sync


class BulkResult(BaseModel):
    index: int
    login: str | None
    status: Literal["created", "error"]
    id: int | None = None
    error: dict[str, Any] | None = None


class BulkCreated(BaseModel):
    created: int
    failed: int
    results: list[BulkResult]
    sync: Sync


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
        "identity_checked": account.identity_checked,
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
