"""The forms of registration: the wizard's steps (public pages), an operator's invitation, a
firm's own registration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from provisioner.web.fields import LANGUAGES, email_field


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code d'accès"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("12 caractères, tels qu'imprimés sur votre invitation : XXXX XXXX XXXX"),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class EmailForm(FlaskForm):
    email = email_field(_l("Adresse e-mail"))


class EmailCodeForm(FlaskForm):
    code = StringField(
        _l("Code reçu par e-mail"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("8 caractères : XXXX XXXX"),
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"},
    )


class ButtonForm(FlaskForm):
    """A form that is only a button (« Renvoyer le code », « Imprimer », « Continuer »): its CSRF token."""


class ProfileForm(FlaskForm):
    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=128)])
    last_name = StringField(_l("Nom de famille"), validators=[DataRequired(), Length(max=128)])
    locale = SelectField(_l("Langue"), choices=LANGUAGES, default="fr")
    password = PasswordField(
        _l("Mot de passe"), validators=[DataRequired(), Length(max=128)], render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        _l("Répéter le mot de passe"),
        validators=[DataRequired(), EqualTo("password", message=_l("Les deux mots de passe diffèrent."))],
        render_kw={"autocomplete": "new-password"},
    )
    terms = BooleanField(_l("J'accepte les conditions d'utilisation actuellement en vigueur"))


class InviteForm(FlaskForm):
    channel = SelectField(
        _l("Envoi"),
        choices=[SelectChoice("letter", _l("Lettre (à imprimer)")), SelectChoice("email", _l("E-mail"))],
        default="letter",
    )
    email = email_field(_l("Adresse e-mail (pour un envoi par e-mail)"), required=False)
    locale = SelectField(_l("Langue de l'invitation"), choices=LANGUAGES, default="fr")


class FirmForm(FlaskForm):
    """A firm's own registration (seed 001): the firm, its address, its responsible."""

    siret = StringField(_l("SIRET du cabinet"), validators=[DataRequired(), Length(max=32)])
    company_name = StringField(_l("Raison sociale"), validators=[DataRequired(), Length(max=255)])
    street = StringField(_l("Numéro et voie"), validators=[DataRequired(), Length(max=255)])
    postal_code = StringField(_l("Code postal"), validators=[DataRequired(), Length(max=16)])
    city = StringField(_l("Commune"), validators=[DataRequired(), Length(max=128)])
    last_name = StringField(_l("Nom du responsable"), validators=[DataRequired(), Length(max=128)])
    first_name = StringField(_l("Prénom du responsable"), validators=[DataRequired(), Length(max=128)])
    email = email_field(_l("Adresse e-mail du responsable"))
