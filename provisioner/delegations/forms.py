"""« Paramètres de délégation »'s form: a profile."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from provisioner.web.fields import MultiCheckboxField


class ProfileForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Nom du profil"), validators=[DataRequired(), Length(max=128)])
    teleprocedures = MultiCheckboxField(_l("Téléprocédures"), validators=[DataRequired()])
    whole_portfolio = BooleanField(_l("Tout le portefeuille (y compris les établissements ajoutés plus tard)"))
    establishments = TextAreaField(
        _l("Établissements (un SIRET par ligne)"),
        description=_l("Des établissements de « Mon portefeuille » ; inutile si tout le portefeuille est coché."),
    )
    members = MultiCheckboxField(_l("Collaborateurs"), coerce=int)
