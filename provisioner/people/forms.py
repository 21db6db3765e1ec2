"""The people pages' forms: inviting a collaborator, a user's detail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length

from provisioner.web.fields import LANGUAGES, MultiCheckboxField, email_field

ROLES = {
    "account-admin": _l("Administrateur"),
    "declarant": _l("Déclarant"),
    "accounting": _l("Comptabilité"),
    "viewer": _l("Consultation"),
}


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in ROLES.items()]


class CollaboratorForm(FlaskForm):  # type: ignore[misc]
    email = email_field()
    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=128)])
    last_name = StringField(_l("Nom de famille"), validators=[DataRequired(), Length(max=128)])
    locale = SelectField(_l("Langue"), choices=LANGUAGES, default="fr")
    roles = MultiCheckboxField(_l("Autorisations"), choices=role_choices, default=["declarant"])


class PersonForm(FlaskForm):  # type: ignore[misc]
    """« Détail » of a user (seed 002): names, e-mail, language, permissions."""

    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=128)])
    last_name = StringField(_l("Nom de famille"), validators=[DataRequired(), Length(max=128)])
    email = email_field()
    locale = SelectField(_l("Langue"), choices=LANGUAGES)
    roles = MultiCheckboxField(_l("Autorisations"), choices=role_choices)
