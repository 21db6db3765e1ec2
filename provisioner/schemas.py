"""Input shapes: the base every feature's schemas derive from, and the one way input is parsed
(every problem reported at once, with its field path, in the one error shape)."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from provisioner.errors import InvalidInput

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.match(value):
        raise ValueError("adresse e-mail invalide (exemple : prenom.nom@entreprise.fr)")
    return value.lower()


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


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
