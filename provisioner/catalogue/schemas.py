"""Input shapes of the teleprocedure catalogue (API and realm-file seed: one validation)."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from provisioner.schemas import Input

CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,30}$")
DOCUMENT_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _description(value: str) -> str:
    # The description is shown in Keycloak's refusal message, a Java MessageFormat pattern.
    if "{" in value or "}" in value:
        raise ValueError("les accolades { } ne sont pas autorisées dans le libellé")
    return value


def _recipients(values: list[str]) -> list[str]:
    cleaned = [v.strip() for v in values]
    if any(not v or len(v) > 64 for v in cleaned):
        raise ValueError("chaque destinataire est un texte de 1 à 64 caractères (exemple : URSSAF)")
    return cleaned


def _document_types(values: list[str]) -> list[str]:
    cleaned = [v.strip() for v in values]
    bad = [v for v in cleaned if not DOCUMENT_TYPE.match(v)]
    if bad:
        raise ValueError(
            f"type(s) de document invalide(s) : {', '.join(map(repr, bad))} ; "
            "lettres, chiffres, « . », « _ » et « - » (exemple : mensuelle)"
        )
    if len(set(cleaned)) != len(cleaned):
        raise ValueError("un type de document est listé deux fois")
    return cleaned


class TeleprocedureIn(Input):
    code: str = Field(min_length=1, max_length=31)
    description: str = Field(min_length=1, max_length=200)
    recipients: list[str] = []
    document_types: list[str] = []

    @field_validator("code")
    @classmethod
    def _check_code(cls, value: str) -> str:
        value = value.upper()
        if not CODE.match(value):
            raise ValueError("code en majuscules, chiffres et tirets, 31 caractères au plus (exemple : DSN, DADS-U)")
        return value

    _check_description = field_validator("description")(_description)
    _check_recipients = field_validator("recipients")(_recipients)
    _check_document_types = field_validator("document_types")(_document_types)


class TeleprocedurePatch(Input):
    description: str | None = Field(default=None, min_length=1, max_length=200)
    recipients: list[str] | None = None
    document_types: list[str] | None = None

    @field_validator("description")
    @classmethod
    def _check_description(cls, value: str | None) -> str | None:
        return None if value is None else _description(value)

    @field_validator("recipients")
    @classmethod
    def _check_recipients(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _recipients(value)

    @field_validator("document_types")
    @classmethod
    def _check_document_types(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _document_types(value)
