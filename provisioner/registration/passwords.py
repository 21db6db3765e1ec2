"""The portal's password policy (its realm's ``passwordPolicy``, Keycloak's syntax), shown to the
person who chooses a password and checked before Keycloak checks it again: a refusal then comes
at the field, before anything is saved. Policies this module does not know are left to Keycloak."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

_RULE = re.compile(r"(\w+)\((.*?)\)(?:\s+and\s+|\s*$)")


@dataclass(frozen=True)
class Rule:
    kind: str
    value: str


def rules(policy: str) -> list[Rule]:
    return [Rule(kind, value) for kind, value in _RULE.findall(policy.strip())]


def _count(value: str, default: int = 1) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def _counted(kind: str, n: int) -> str | None:
    """What a counted rule asks, in the request's language."""
    words = {
        "length": lambda: ngettext("au moins %(num)d caractère", "au moins %(num)d caractères", n),
        "maxLength": lambda: ngettext("au plus %(num)d caractère", "au plus %(num)d caractères", n),
        "digits": lambda: ngettext("au moins %(num)d chiffre", "au moins %(num)d chiffres", n),
        "upperCase": lambda: ngettext("au moins %(num)d majuscule", "au moins %(num)d majuscules", n),
        "lowerCase": lambda: ngettext("au moins %(num)d minuscule", "au moins %(num)d minuscules", n),
        "specialChars": lambda: ngettext(
            "au moins %(num)d caractère spécial", "au moins %(num)d caractères spéciaux", n
        ),
    }
    return words[kind]() if kind in words else None


# Whether a password falls short of a counted rule.
_SHORT = {
    "length": lambda password, n: len(password) < n,
    "maxLength": lambda password, n: len(password) > n,
    "digits": lambda password, n: sum(c.isdigit() for c in password) < n,
    "upperCase": lambda password, n: sum(c.isupper() for c in password) < n,
    "lowerCase": lambda password, n: sum(c.islower() for c in password) < n,
    "specialChars": lambda password, n: sum(not c.isalnum() for c in password) < n,
}
PLAIN = "^[A-Za-z0-9]+$"


def _said(rule: Rule) -> str | None:
    counted = _counted(rule.kind, _count(rule.value))
    if counted is not None:
        return counted
    if rule.kind == "regexPattern":
        return _("uniquement des lettres sans accent et des chiffres") if rule.value == PLAIN else None
    if rule.kind == "notUsername":
        return _("différent de votre identifiant")
    if rule.kind == "notEmail":
        return _("différent de votre adresse e-mail")
    return None


def described(policy: str) -> list[str]:
    """What the policy asks, in the request's language, one line per rule."""
    return [said for said in map(_said, rules(policy)) if said is not None]


def refusals(policy: str, password: str, *, username: str, email: str) -> list[str]:
    """What the password lacks (empty: it passes the rules known here)."""
    out = []
    for rule in rules(policy):
        if rule.kind in _SHORT:
            short = _SHORT[rule.kind](password, _count(rule.value))
        elif rule.kind == "regexPattern":
            try:
                short = re.fullmatch(rule.value, password) is None
            except re.error:
                continue  # a Java pattern Python does not read: Keycloak checks it
        elif rule.kind == "notUsername":
            short = password.lower() == username.lower()
        elif rule.kind == "notEmail":
            short = password.lower() == email.lower()
        else:
            continue
        if short:
            out.append(_said(rule) or _("la forme demandée par le portail"))
    return out
