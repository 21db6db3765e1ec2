"""The forms of a request: the portal's identifiers (public page), an administrator's answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length

from provisioner.web.fields import email_field


class AskForm(FlaskForm):
    """Every scheme's fields; the page shows, and requires, those of the portal's scheme."""

    login = StringField(_l("Identifiant"), validators=[Length(max=255)])
    siret = StringField(_l("SIRET de l'établissement"), validators=[Length(max=32)])
    last_name = StringField(_l("Nom"), validators=[Length(max=128)])
    first_name = StringField(_l("Prénom"), validators=[Length(max=128)])

    FIELDS = {"siret-names": ("siret", "last_name", "first_name"), "email": ("login",), "account-login": ("login",)}

    def shown(self, scheme: str) -> list[str]:
        return list(self.FIELDS.get(scheme, ("login",)))


class HandleForm(FlaskForm):
    email = email_field(_l("Nouvelle adresse e-mail (laisser vide pour la garder)"), required=False)
    reset = BooleanField(_l("Réinitialiser le mot de passe (un lien est envoyé, à la nouvelle adresse si elle change)"))
