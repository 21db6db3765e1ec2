"""Input shapes: the base every feature's schemas derive from, the field types they share, and the
one way input is parsed (every problem reported at once, with its field path, in the one error
shape). The API document is generated from these models (``provisioner.web.openapi``), so a field
must say in its type everything the validation checks that a schema can say: lengths, patterns,
strict booleans and integers, "may be omitted but not null"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from provisioner.errors import InvalidInput

# What Keycloak takes as an e-mail address and, for collaborators, as a username: ASCII, no quotes
# or other characters its username rules prohibit, labels of at most 63 characters.
# A dot-atom local part (no dot first, last or twice: Keycloak refuses those) of at most 63
# characters (32 besides its dots), at a domain name. No look-ahead: fuzzers generate from it.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9_+-](?:\.?[A-Za-z0-9_+-]){0,31}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
CONTROL = "\\x00-\\x1f\\x7f"
# Characters Keycloak's person-name validator refuses in first and last names (its pattern, with
# Java's \v: also NEL and the line and paragraph separators), and control ones.
NOT_IN_NAMES = CONTROL + '\\x85\\u2028\\u2029<>&"$%!#?§;*~/\\\\|^=\\[\\]{}()'


def email(value: str) -> str:
    return value.strip().lower()


def Absent(*, json_schema_extra: Mapping[str, Any] | None = None, **constraints: Any) -> Any:  # noqa: N802
    """A field that may be omitted but is never ``null``: the document says just its type, and
    ``model_dump(exclude_unset=True)`` leaves it out when it was not sent."""

    def schema(field: dict[str, Any]) -> None:
        field.pop("default", None)
        field.update(json_schema_extra or {})

    return Field(default=None, json_schema_extra=schema, **constraints)


def _visible(excluded: str) -> str:
    return f"^[^{excluded}]*[^\\s{excluded}][^{excluded}]*$"


def Text(max_length: int, *, min_length: int = 1) -> Any:  # noqa: N802 - a type
    """Text with at least one visible character and no control one, its length checked as sent,
    then trimmed."""
    constraints = StringConstraints(
        strip_whitespace=False, min_length=min_length, max_length=max_length, pattern=_visible(CONTROL)
    )
    return Annotated[str, constraints, AfterValidator(str.strip)]


def OptionalText(max_length: int) -> Any:  # noqa: N802 - a type
    """Text that may be empty (""), without control characters, its length checked as sent, then
    trimmed."""
    constraints = StringConstraints(strip_whitespace=False, max_length=max_length, pattern=f"^[^{CONTROL}]*$")
    return Annotated[str, constraints, AfterValidator(str.strip)]


# A person's first or last name, as Keycloak takes it.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=False, min_length=1, max_length=128, pattern=_visible(NOT_IN_NAMES)),
    AfterValidator(str.strip),
]


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=False, max_length=255, pattern=EMAIL_PATTERN),
    AfterValidator(email),
]


def whole_number(value: Any) -> Any:
    """A JSON integer: 16 and 16.0 (JSON Schema calls both an integer), never "16" nor true (a
    ``BeforeValidator`` of an ``int`` field)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and not value.is_integer())
    ):
        raise ValueError("un nombre entier est attendu")
    return int(value)


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Sync(BaseModel):
    """Whether Keycloak already follows the change; ``pending`` says why not yet (it will)."""

    status: Literal["applied", "pending"]
    message: str | None = None


T = TypeVar("T", bound=BaseModel)


def invalid_input(error: ValidationError, *, parameters: bool = False) -> InvalidInput:
    """pydantic's problems, in the one error shape: each with its field path (``parameters``: the
    query string's, code ``invalid_parameter``)."""
    problems = [
        {
            "field": ".".join(str(p) for p in err["loc"]),
            "message": err["msg"],
            "type": err["type"],
        }
        for err in error.errors(include_url=False, include_input=False)
    ]
    fields = ", ".join(p["field"] for p in problems)
    if parameters:
        return InvalidInput(
            f"Paramètre(s) invalide(s) ({fields}) : corrigez l'adresse de la requête.",
            code="invalid_parameter",
            details={"problems": problems},
        )
    return InvalidInput(
        f"Données invalides ({fields}) : corrigez les champs indiqués.",
        code="validation_failed",
        details={"problems": problems},
    )


def parse(model: type[T], data: Any) -> T:
    """Validate input; every problem is reported at once, with its field path."""
    if not isinstance(data, dict):
        raise InvalidInput("Le corps de la requête doit être un objet JSON.", code="invalid_body")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_input(exc) from exc
