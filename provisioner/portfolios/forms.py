"""« Mon portefeuille »'s forms: an establishment added by hand, or completed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class EstablishmentForm(FlaskForm):  # type: ignore[misc]
    identifier = StringField(_l("SIRET"), validators=[DataRequired(), Length(max=32)])
    company_name = StringField(_l("Raison sociale"), validators=[Optional(), Length(max=255)])
    partner_group = StringField(_l("Groupe de protection sociale"), validators=[Optional(), Length(max=128)])
    monthly_deadline = IntegerField(
        _l("Échéance mensuelle (jour du mois)"),
        validators=[Optional(), NumberRange(min=1, max=31, message=_l("Un jour du mois, de 1 à 31 (DSN : 5 ou 15)."))],
    )
    seeding_requested = BooleanField(_l("Demande d'amorçage des données"))


class EstablishmentEditForm(EstablishmentForm):
    """The same, the SIRET fixed (remove and add again to change it)."""

    identifier = None
