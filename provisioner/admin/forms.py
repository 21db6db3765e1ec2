"""The UI's forms (flask-wtf: CSRF token, validation in the user's language). The services check
the business rules again: a form is a convenience, never the only guard."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
LANGUAGES = [
    SelectChoice("fr", "Français"),
    SelectChoice("de", "Deutsch"),
    SelectChoice("it", "Italiano"),
    SelectChoice("en", "English"),
]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


ROLES = {
    "account-admin": _l("Administrateur"),
    "declarant": _l("Déclarant"),
    "accounting": _l("Comptabilité"),
    "viewer": _l("Consultation"),
}


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in ROLES.items()]


class CollaboratorForm(FlaskForm):  # type: ignore[misc]
    email = StringField(
        _l("Adresse e-mail"),
        validators=[
            DataRequired(),
            Regexp(EMAIL, message=_l("Adresse e-mail invalide (exemple : prenom.nom@entreprise.fr).")),
        ],
    )
    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=128)])
    last_name = StringField(_l("Nom de famille"), validators=[DataRequired(), Length(max=128)])
    locale = SelectField(_l("Langue"), choices=LANGUAGES, default="fr")
    roles = MultiCheckboxField(_l("Autorisations"), choices=role_choices, default=["declarant"])


class SecondaryForm(FlaskForm):  # type: ignore[misc]
    name = StringField(
        _l("Nom de compte"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("Le login sera « <nom>.<login du compte principal> »."),
    )
    identifier = StringField(_l("SIRET"), validators=[DataRequired()])
    company_name = StringField(_l("Raison sociale"), validators=[DataRequired(), Length(max=255)])
    has_mailbox = BooleanField(_l("Créer une boîte aux lettres (BAL)"))
    autonomous = BooleanField(
        _l("Compte secondaire autonome (choisit ses téléprocédures dans celles du compte principal)")
    )
    teleprocedures = MultiCheckboxField(_l("Téléprocédures"), choices=[])
