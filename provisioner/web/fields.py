"""Form fields every feature's pages share (flask-wtf forms: CSRF token, validation in the user's
language). The services check the business rules again: a form is a convenience, never the only
guard."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Optional, Regexp
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


def email_field(label: str | None = None, *, required: bool = True) -> StringField:
    return StringField(
        label or _l("Adresse e-mail"),
        validators=[
            DataRequired() if required else Optional(),
            Regexp(EMAIL, message=_l("Adresse e-mail invalide (exemple : prenom.nom@entreprise.fr).")),
        ],
    )
