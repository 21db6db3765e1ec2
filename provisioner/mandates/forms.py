"""« Gestion des mandants »'s forms: a client added by hand, a spreadsheet, a key entered."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, StringField
from wtforms.validators import DataRequired, Length, Optional

from provisioner.web.fields import MultiCheckboxField


class ClientForm(FlaskForm):  # type: ignore[misc]
    identifier = StringField(_l("SIRET"), validators=[DataRequired(), Length(max=32)])
    company_name = StringField(_l("Raison sociale"), validators=[DataRequired(), Length(max=255)])
    address_line1 = StringField(_l("Adresse (numéro et voie)"), validators=[DataRequired(), Length(max=255)])
    address_line2 = StringField(_l("Complément d'adresse"), validators=[Optional(), Length(max=255)])
    postcode = StringField(_l("Code postal"), validators=[DataRequired(), Length(max=16)])
    city = StringField(_l("Ville"), validators=[DataRequired(), Length(max=128)])
    teleprocedures = MultiCheckboxField(_l("Téléprocédures du mandat"), validators=[DataRequired()])
    ends_on = DateField(_l("Fin du mandat (facultatif)"), validators=[Optional()])


class ImportForm(FlaskForm):  # type: ignore[misc]
    file = FileField(
        _l("Fichier des clients (CSV ou XLSX)"),
        validators=[FileRequired(_l("Choisissez un fichier CSV ou XLSX."))],
        description=_l(
            "Une ligne d'en-tête : siret, raison sociale, adresse, complément d'adresse, code postal, ville, "
            "téléprocédures, fin du mandat ; puis un client par ligne."
        ),
    )
    dry_run = BooleanField(_l("Vérifier seulement (rien n'est enregistré)"))


class ActivationForm(FlaskForm):  # type: ignore[misc]
    key = StringField(
        _l("Clé d'activation"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("16 caractères, tels qu'imprimés sur le courrier du client (XXXX-XXXX-XXXX-XXXX)."),
    )
