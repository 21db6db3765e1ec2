"""Account rules, as pure Python: no Flask, no database session, no Keycloak.

Every function either returns a normalised value or raises an ``InvalidInput``/``RuleViolation``
whose ``code`` names the rule, so the UI, the API and the CLI report the same thing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import phonenumbers
from stdnum import exceptions as stdnum_errors
from stdnum.ch import uid as ch_uid
from stdnum.fr import siren, siret

from provisioner.catalogue.domain import Selection
from provisioner.errors import InvalidInput, RuleViolation

PRINCIPAL, SECONDARY = "principal", "secondary"
HOLDER, COLLABORATOR = "holder", "collaborator"
ACCOUNT_ADMIN = "account-admin"
COMPANY_TYPES = ("entreprise", "oga", "expert-comptable", "tiers-declarant", "administration")
CIVILITIES = ("M.", "Mme")
LOCALES = ("fr", "de", "it", "en")

# Status lifecycle (rule 2): requested -> validated -> open <-> closed; an account whose first
# administrator registers with an access code (rule 17) is invited between validated and open.
STATUSES = ("requested", "validated", "invited", "open", "closed")
_TRANSITIONS = {
    "requested": {"validated", "closed"},
    "validated": {"invited", "open", "closed"},
    "invited": {"open", "closed"},
    "open": {"closed"},
    "closed": {"open"},
}


# -- identifiers ----------------------------------------------------------------------------------
def normalize_identifier(scheme: str, value: str) -> str:
    """Validate a legal identifier for the portal's scheme and return its compact form."""
    raw = (value or "").strip()
    try:
        if scheme == "fr-siret":
            return str(siret.validate(raw))
        if scheme == "fr-siren":
            return str(siren.validate(raw))
        if scheme == "ch-uid":
            return str(ch_uid.format(ch_uid.validate(raw)))
    except stdnum_errors.ValidationError as exc:
        labels = {
            "fr-siret": ("invalid_siret", "SIRET (14 chiffres, clé de Luhn)"),
            "fr-siren": ("invalid_siren", "SIREN (9 chiffres, clé de Luhn)"),
            "ch-uid": ("invalid_uid", "IDE/UID (CHE-123.456.789)"),
        }
        code, label = labels[scheme]
        raise InvalidInput(
            f"Identifiant « {raw} » invalide : saisissez un {label}.",
            code=code,
            details={"value": raw, "reason": str(exc)},
        ) from exc
    raise InvalidInput(f"Unknown identifier scheme {scheme!r}", code="unknown_identifier_scheme")


def siren_of(identifier: str) -> str:
    return identifier[:9]


FIRM_TYPES = ("expert-comptable", "tiers-declarant", "oga")  # the company types that act for clients


def is_firm(account: Any) -> bool:
    """A firm's principal account (an accountant, a third-party declarant, an OGA): it has a
    portfolio and acts for its clients under their mandates."""
    return bool(account.kind == PRINCIPAL and account.company_type in FIRM_TYPES)


def check_firm_secondary(scheme: str, firm_identifier: str, identifier: str, *, operator: bool) -> None:
    """A firm's secondary account is one of the firm's own establishments: a client's SIRET would
    make the client's establishment look like the firm's own (its tokens would carry it). The
    firm acts for clients under their mandates; the portal's operators may decide otherwise."""
    if operator or same_company(scheme, firm_identifier, identifier):
        return
    raise RuleViolation(
        f"Un compte secondaire de cabinet est un établissement du cabinet (SIREN {siren_of(firm_identifier)}) : "
        f"{identifier} est celui d'une autre entreprise. Pour déclarer pour elle, ajoutez-la à vos clients "
        "(« Gestion des mandants ») ; en cas de besoin, contactez le support du portail.",
        code="secondary_of_another_company",
        details={"field": "identifier", "identifier": identifier},
    )


def same_company(scheme: str, one: str, other: str) -> bool:
    """Two identifiers of one company: for SIRETs, one SIREN (its establishments); else equal."""
    if scheme == "fr-siret":
        return siren_of(one) == siren_of(other)
    return one == other


def normalize_phone(value: str, default_country: str = "FR", *, mobile_only: bool = False) -> str:
    """E.164 form (+41791112233) of a phone number written any usual way."""
    try:
        number = phonenumbers.parse(value, default_country)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(
            f"Numéro de téléphone « {value} » illisible : écrivez-le au format +41 79 111 22 33.",
            code="invalid_phone",
            details={"value": value},
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            f"Numéro de téléphone « {value} » invalide pour son pays.",
            code="invalid_phone",
            details={"value": value},
        )
    if mobile_only and phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidInput(
            f"Le numéro « {value} » n'est pas un numéro de mobile.",
            code="not_a_mobile",
            details={"value": value},
        )
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def mask_phone(e164: str) -> str:
    """+41791112233 -> +41 79 *** ** 33: enough to recognise, not to read out."""
    number = phonenumbers.parse(e164, None)
    national = str(number.national_number)
    return f"+{number.country_code} {national[:2]} *** ** {national[-2:]}"


# -- logins ---------------------------------------------------------------------------------------
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")


_NAME_SEPARATORS = re.compile(r"[\s\-'’]+")


def name_key(value: str) -> str:
    """A name as the SIRET + names login compares it (keycloak-extensions/portail-login,
    ``Identifiers.name``): case, accents, hyphens and apostrophes aside ("Éloïse D'Argent-Lévy" is
    "eloise d argent levy")."""
    bare = "".join(c for c in unicodedata.normalize("NFD", value or "") if not unicodedata.category(c).startswith("M"))
    return _NAME_SEPARATORS.sub(" ", bare.lower()).strip()


def normalize_login(value: str, *, min_length: int = 1) -> str:
    """A login (or a secondary account's name, ``min_length`` 1): Keycloak wants usernames of at
    least 3 characters, so a principal's login has ``min_length`` 3."""
    login = (value or "").strip().lower()
    if not _LOGIN.match(login) or len(login) < min_length:
        raise InvalidInput(
            f"Identifiant « {value} » invalide : {min_length} à 31 lettres, chiffres ou tirets, sans espace ni point.",
            code="invalid_login",
            details={"value": value},
        )
    return login


def secondary_login(name: str, principal_login: str) -> str:
    """Rule 6: a secondary account's login is ``<name>.<principal login>``."""
    return f"{normalize_login(name)}.{principal_login}"


# -- status -----------------------------------------------------------------------------------------
def next_statuses(current: str) -> list[str]:
    """Where an account in ``current`` may go (rule 2), in lifecycle order."""
    return [s for s in STATUSES if s in _TRANSITIONS[current]]


def check_status_transition(current: str, target: str) -> None:
    if target not in STATUSES:
        raise InvalidInput(f"Statut inconnu : {target}.", code="unknown_status", details={"known": list(STATUSES)})
    if target == current:
        return
    if target not in _TRANSITIONS[current]:
        raise RuleViolation(
            f"Passage du statut « {current} » à « {target} » impossible.",
            code="invalid_status_transition",
            details={"from": current, "to": target, "allowed": sorted(_TRANSITIONS[current])},
        )


# -- rights ceiling (rules 7 and 8) ------------------------------------------------------------------
def excess_over(ceiling: Mapping[str, Iterable[str]], requested: Mapping[str, Iterable[str]]) -> Selection:
    """What ``requested`` holds beyond ``ceiling``: teleprocedures or document types."""
    excess: Selection = {}
    for code, types in requested.items():
        allowed = set(ceiling.get(code, ()))
        beyond = tuple(sorted(set(types) - allowed)) if code in ceiling else tuple(sorted(types))
        if beyond or code not in ceiling:
            excess[code] = beyond
    return excess


def check_rights_ceiling(ceiling: Mapping[str, Iterable[str]], requested: Mapping[str, Iterable[str]]) -> None:
    excess = excess_over(ceiling, requested)
    if excess:
        raise RuleViolation(
            "Un compte secondaire ne peut pas avoir plus de droits que son compte principal : "
            f"{', '.join(sorted(excess))} dépasse les abonnements du compte principal.",
            code="rights_ceiling",
            details={"exceeding": {k: list(v) for k, v in excess.items()}},
        )


def clip_to_ceiling(
    ceiling: Mapping[str, Iterable[str]], current: Mapping[str, Iterable[str]]
) -> tuple[Selection, Selection]:
    """When the principal drops rights, a secondary keeps only what still fits. Returns (kept, removed)."""
    kept: Selection = {}
    removed: Selection = {}
    for code, types in current.items():
        allowed = set(ceiling.get(code, ()))
        keep = tuple(sorted(set(types) & allowed))
        drop = tuple(sorted(set(types) - allowed))
        if keep:
            kept[code] = keep
        if drop or not keep:
            removed[code] = drop or tuple(sorted(types))
    return kept, removed


def check_may_choose_teleprocedures(actor_is_principal_side: bool, secondary_autonomous: bool) -> None:
    """Rule 8: a non-autonomous secondary gets what its principal assigns."""
    if not actor_is_principal_side and not secondary_autonomous:
        raise RuleViolation(
            "Ce compte secondaire n'est pas autonome : ses téléprocédures sont attribuées par le compte principal.",
            code="not_autonomous",
        )


# -- mailbox quota (rule 9) --------------------------------------------------------------------------
def check_mailbox_quota(quota: int, with_mailbox_after: int) -> None:
    if with_mailbox_after > quota:
        raise RuleViolation(
            f"Quota de comptes secondaires avec boîte aux lettres atteint ({quota}). "
            "Augmentez le nombre de comptes secondaires souhaités dans l'onglet Options du compte principal.",
            code="mailbox_quota_exceeded",
            details={"quota": quota, "requested": with_mailbox_after},
        )


def mailbox_switch_forces_password_reset(before: bool, after: bool) -> bool:
    return not before and after


# -- permissions within an account (rule 12) ------------------------------------------------------
ACCOUNTING, VIEWER = "accounting", "viewer"
DECLARANT = "declarant:"  # + a teleprocedure code: may file that teleprocedure (DSN, DPAE…)
PERMISSION_PATTERN = r"^(account-admin|accounting|viewer|declarant:[A-Z0-9][A-Z0-9-]{0,31})$"


def declarant(code: str) -> str:
    return f"{DECLARANT}{code}"


def declared(roles: Iterable[str]) -> set[str]:
    """The teleprocedure codes ``roles`` may file."""
    return {r.removeprefix(DECLARANT) for r in roles if r.startswith(DECLARANT)}


def granted(person_kind: str, roles: Iterable[str], selection: Mapping[str, Sequence[str]]) -> Selection:
    """What a login may file, within the account's subscriptions ``selection``: a holder or a
    secondary account's login all of them; a collaborator those it is declarant of, all of them
    when it administers the account; accounting and read-only rights file nothing."""
    roles = list(roles)
    if person_kind != COLLABORATOR or ACCOUNT_ADMIN in roles:
        return {code: tuple(types) for code, types in selection.items()}
    codes = declared(roles)
    return {code: tuple(types) for code, types in selection.items() if code in codes}


def check_permissions(roles: Iterable[str], selection: Mapping[str, Sequence[str]]) -> list[str]:
    """Rule 12: a declarant permission names a teleprocedure the account subscribes to."""
    roles = sorted(set(roles))
    outside = sorted(declared(roles) - set(selection))
    if outside:
        raise RuleViolation(
            f"Le compte n'est pas abonné à : {', '.join(outside)} ; une autorisation de déclarant "
            "ne se donne que pour une téléprocédure du compte.",
            code="permission_outside_subscriptions",
            details={"field": "roles", "teleprocedures": outside, "subscribed": sorted(selection)},
        )
    return roles


def without_lapsed(roles: Iterable[str], selection: Mapping[str, Sequence[str]]) -> list[str]:
    """The permissions left once the account no longer subscribes to some teleprocedures."""
    return [r for r in roles if not r.startswith(DECLARANT) or r.removeprefix(DECLARANT) in selection]


# -- administrators (rule 12) ------------------------------------------------------------------------
def check_keeps_an_administrator(active_admins_after: int) -> None:
    if active_admins_after < 1:
        raise RuleViolation("Le compte doit garder au moins un administrateur actif.", code="last_administrator")


def check_secondary_has_no_secondaries(kind: str) -> None:
    if kind != PRINCIPAL:
        raise RuleViolation(
            "Un compte secondaire ne peut pas avoir de comptes secondaires.",
            code="secondary_of_secondary",
        )


# -- postal address ------------------------------------------------------------------------------
def postal_lines(company_name: str, responsible: dict[str, Any] | None) -> list[str] | None:
    """The lines of a letter's address block from an account's responsible address (the name
    first, the town last in capitals), or None when the address is not complete enough to post."""
    place = (responsible or {}).get("address") or {}
    street = " ".join(str(place.get(k) or "") for k in ("street_number", "street_suffix", "street_name")).split()
    if not (place.get("postal_code") and place.get("city") and (street or place.get("po_box"))):
        return None
    lines = [company_name, " ".join(street), place.get("complement"), place.get("po_box")]
    return [str(x) for x in lines if x] + [f"{place['postal_code']} {str(place['city']).upper()}"]
