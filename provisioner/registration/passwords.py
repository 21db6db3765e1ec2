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


def described(policy: str) -> list[str]:
    """What the policy asks, in the request's language, one line per rule."""
    out = []
    for rule in rules(policy):
        n = _count(rule.value)
        if rule.kind == "length":
            out.append(ngettext("au moins %(num)d caractère", "au moins %(num)d caractères", n))
        elif rule.kind == "maxLength":
            out.append(ngettext("au plus %(num)d caractère", "au plus %(num)d caractères", n))
        elif rule.kind == "digits":
            out.append(ngettext("au moins %(num)d chiffre", "au moins %(num)d chiffres", n))
        elif rule.kind == "upperCase":
            out.append(ngettext("au moins %(num)d majuscule", "au moins %(num)d majuscules", n))
        elif rule.kind == "lowerCase":
            out.append(ngettext("au moins %(num)d minuscule", "au moins %(num)d minuscules", n))
        elif rule.kind == "specialChars":
            out.append(ngettext("au moins %(num)d caractère spécial", "au moins %(num)d caractères spéciaux", n))
        elif rule.kind == "regexPattern" and rule.value == "^[A-Za-z0-9]+$":
            out.append(_("uniquement des lettres sans accent et des chiffres"))
        elif rule.kind == "notUsername":
            out.append(_("différent de votre identifiant"))
        elif rule.kind == "notEmail":
            out.append(_("différent de votre adresse e-mail"))
    return out


def refusals(policy: str, password: str, *, username: str, email: str) -> list[str]:
    """What the password lacks (empty: it passes the rules known here)."""
    out = []
    for rule in rules(policy):
        n = _count(rule.value)
        if rule.kind == "length" and len(password) < n:
            out.append(ngettext("au moins %(num)d caractère", "au moins %(num)d caractères", n))
        elif rule.kind == "maxLength" and len(password) > n:
            out.append(ngettext("au plus %(num)d caractère", "au plus %(num)d caractères", n))
        elif rule.kind == "digits" and sum(c.isdigit() for c in password) < n:
            out.append(ngettext("au moins %(num)d chiffre", "au moins %(num)d chiffres", n))
        elif rule.kind == "upperCase" and sum(c.isupper() for c in password) < n:
            out.append(ngettext("au moins %(num)d majuscule", "au moins %(num)d majuscules", n))
        elif rule.kind == "lowerCase" and sum(c.islower() for c in password) < n:
            out.append(ngettext("au moins %(num)d minuscule", "au moins %(num)d minuscules", n))
        elif rule.kind == "specialChars" and sum(not c.isalnum() for c in password) < n:
            out.append(ngettext("au moins %(num)d caractère spécial", "au moins %(num)d caractères spéciaux", n))
        elif rule.kind == "regexPattern":
            try:
                if re.fullmatch(rule.value, password) is None:
                    out.append(
                        _("uniquement des lettres sans accent et des chiffres")
                        if rule.value == "^[A-Za-z0-9]+$"
                        else _("la forme demandée par le portail")
                    )
            except re.error:
                continue  # a Java pattern Python does not read: Keycloak checks it
        elif rule.kind == "notUsername" and password.lower() == username.lower():
            out.append(_("différent de votre identifiant"))
        elif rule.kind == "notEmail" and password.lower() == email.lower():
            out.append(_("différent de votre adresse e-mail"))
    return out
