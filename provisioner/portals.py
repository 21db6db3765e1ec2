"""Portal rules read from the realm files of keycloak-config/ (the ``portal`` section).

The teleprocedure catalogue is not here: the database owns it (``provisioner.catalogue``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from provisioner.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class SmsPolicy:
    """Abuse limits and message texts for SMS codes (``portal.sms`` in the realm file)."""

    allowed_prefixes: tuple[str, ...] = ()
    max_per_user_per_hour: int = 5
    max_per_number_per_hour: int = 5
    max_enrolment_per_ip_per_hour: int = 10
    # Codes an administrator has sent from the administration pages (enrolling someone's mobile):
    # per administrator, and for the whole portal.
    max_per_administrator_per_hour: int = 20
    max_administered_per_portal_per_hour: int = 200
    texts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RegistrationPolicy:
    """First registration (``portal.registration`` in the realm file, rule 17)."""

    invitation_days: int = 90  # an access code's validity
    max_attempts_per_ip_per_hour: int = 10  # wrong codes typed from one address, then a pause
    max_attempts_per_code_per_hour: int = 5  # one wrong code typed again (from any address)
    terms_version: str = "1"  # the terms of use in force (their texts: keycloak-config/terms/)
    # A firm's own registration (seed 001): "off", "direct" (its account opens at once), or
    # "validation" (an operator validates the account first).
    firms: str = "off"
    password_policy: str = ""  # the realm's passwordPolicy, shown and checked before Keycloak does


@dataclass(frozen=True)
class Portal:
    realm: str
    identifier_scheme: str
    default_country: str
    display_name: str = ""
    sms: SmsPolicy = SmsPolicy()
    # What a person types to sign in (rule 21): account-login, email or siret-names.
    login_scheme: str = "account-login"
    support_contact: str = ""  # realm attribute portail.supportContact: on letters and pages
    # The sender's lines under the portal's name on letters (portal.letters.returnAddress).
    return_address: tuple[str, ...] = ()
    # Days an activation key of a mandate stays usable (portal.mandates.keyValidityDays); none: no limit.
    mandate_key_days: int | None = None
    registration: RegistrationPolicy = RegistrationPolicy()


def _merged(base: Any, own: Any) -> Any:
    """``own`` laid over ``base``: objects merge key by key (at every depth); anything else, lists
    included, is replaced whole."""
    if isinstance(base, dict) and isinstance(own, dict):
        return {**base, **{k: _merged(base[k], v) if k in base else v for k, v in own.items()}}
    return own


def read_realm_file(path: Path) -> dict[str, Any]:
    """A realm file as one document: with ``"extends": "<file>"`` (relative to the realm file),
    the file is laid over that base (``keycloak-config/portal-base.json`` holds what every portal
    shares: clients, scopes, flows). Placeholders are left as they are."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path.name}: invalid JSON at line {exc.lineno}: {exc.msg}", code="bad_config") from exc
    if not isinstance(data, dict):
        raise InvalidInput(f"{path.name}: a realm file is a JSON object", code="bad_config")
    base = data.pop("extends", None)
    if base is None:
        return data
    base_path = path.parent / str(base)
    if not base_path.is_file():
        raise InvalidInput(
            f'{path.name}: "extends" names {base!r}, which is not a file next to it ({base_path})',
            code="bad_config",
        )
    return dict(_merged(read_realm_file(base_path), data))


def _days(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInput(
            f"portal.mandates.keyValidityDays: a whole number of days (1 or more), not {value!r}", code="bad_config"
        )
    return value


@cache
def load_portal(config_dir: Path, realm: str) -> Portal:
    for path in sorted((config_dir / "realms").glob("*.json")):
        data = read_realm_file(path)
        if data.get("realm") != realm:
            continue
        portal = data.get("portal", {})
        sms = portal.get("sms", {})
        registration = portal.get("registration", {})
        firms = str(registration.get("firms", "off"))
        if firms not in ("off", "direct", "validation"):
            raise InvalidInput(f"{path.name}: portal.registration.firms is off, direct or validation, not {firms!r}")
        return Portal(
            realm=realm,
            identifier_scheme=portal.get("identifierScheme", "fr-siret"),
            default_country=portal.get("defaultCountry", "FR"),
            display_name=data.get("settings", {}).get("displayName", realm),
            login_scheme=str(portal.get("loginScheme", "account-login")),
            support_contact=str(data.get("settings", {}).get("attributes", {}).get("portail.supportContact", "")),
            return_address=tuple(str(line) for line in portal.get("letters", {}).get("returnAddress", ())),
            mandate_key_days=_days(portal.get("mandates", {}).get("keyValidityDays")),
            registration=RegistrationPolicy(
                invitation_days=int(registration.get("invitationDays", 90)),
                max_attempts_per_ip_per_hour=int(registration.get("maxAttemptsPerIpPerHour", 10)),
                max_attempts_per_code_per_hour=int(registration.get("maxAttemptsPerCodePerHour", 5)),
                terms_version=str(registration.get("termsVersion", "1")),
                firms=firms,
                password_policy=str(data.get("settings", {}).get("passwordPolicy", "")),
            ),
            sms=SmsPolicy(
                allowed_prefixes=tuple(sms.get("allowedCountryPrefixes", ())),
                max_per_user_per_hour=int(sms.get("maxPerUserPerHour", 5)),
                max_per_number_per_hour=int(sms.get("maxPerNumberPerHour", 5)),
                max_enrolment_per_ip_per_hour=int(sms.get("maxEnrolmentPerIpPerHour", 10)),
                max_per_administrator_per_hour=int(sms.get("maxPerAdministratorPerHour", 20)),
                max_administered_per_portal_per_hour=int(sms.get("maxAdministeredPerPortalPerHour", 200)),
                texts=dict(sms.get("texts", {})),
            ),
        )
    raise NotFound(f"no configuration for portal {realm!r} in {config_dir}", code="unknown_portal")
