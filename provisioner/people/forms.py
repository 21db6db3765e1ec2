"""The people pages' forms: inviting a collaborator, a user's detail."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length

from provisioner.accounts.domain import ACCOUNT_ADMIN, ACCOUNTING, DECLARANT, VIEWER, declarant
from provisioner.web.fields import LANGUAGES, MultiCheckboxField, email_field

ROLES = {ACCOUNT_ADMIN: _l("Administrateur"), ACCOUNTING: _l("Comptabilité"), VIEWER: _l("Consultation")}


def permission_label(value: str) -> str:
    """« Déclarant DSN », « Administrateur »… (rule 12)."""
    if value.startswith(DECLARANT):
        return _("Déclarant %(code)s", code=value.removeprefix(DECLARANT))
    return str(ROLES.get(value, value))


def permission_choices(codes: Iterable[str]) -> list[SelectChoice]:
    """The permissions an account can give: administrator, declarant of each of its
    teleprocedures, accounting, read-only."""
    values = [ACCOUNT_ADMIN, *(declarant(code) for code in sorted(codes)), ACCOUNTING, VIEWER]
    return [SelectChoice(value, permission_label(value)) for value in values]


class CollaboratorForm(FlaskForm):  # type: ignore[misc]
    email = email_field()
    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=128)])
    last_name = StringField(_l("Nom de famille"), validators=[DataRequired(), Length(max=128)])
    locale = SelectField(_l("Langue"), choices=LANGUAGES, default="fr")
    roles = MultiCheckboxField(_l("Autorisations"))  # choices: permission_choices of the account


class PersonForm(FlaskForm):  # type: ignore[misc]
    """« Détail » of a user (seed 002): names, e-mail, language, permissions."""

    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=128)])
    last_name = StringField(_l("Nom de famille"), validators=[DataRequired(), Length(max=128)])
    email = email_field()
    locale = SelectField(_l("Langue"), choices=LANGUAGES)
    roles = MultiCheckboxField(_l("Autorisations"))  # choices: permission_choices of the account
