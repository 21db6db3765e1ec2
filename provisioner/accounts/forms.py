"""The account pages' forms: a new principal or secondary account, identity, options, billing."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, ValidationError
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from provisioner.web.fields import MultiCheckboxField, email_field


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


class IdentityForm(FlaskForm):  # type: ignore[misc]
    """Onglet « Identité »: the company, its responsible person (rule 1) and two contacts."""

    company_name = StringField(_l("Raison sociale"), validators=[DataRequired(), Length(max=255)])
    legal_representative = StringField(_l("Mandataire social"), validators=[Optional(), Length(max=255)])
    civility = SelectField(_l("Civilité"), choices=[SelectChoice("M.", "M."), SelectChoice("Mme", "Mme")])
    last_name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=128)])
    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=128)])
    street_number = StringField(_l("Numéro voie"), validators=[Optional(), Length(max=16)])
    street_suffix = SelectField(
        _l("Suffixe voie"),
        choices=[SelectChoice(v, v or "—") for v in ("", "bis", "ter", "quater")],
        validators=[Optional()],
    )
    street_name = StringField(_l("Nom voie"), validators=[Optional(), Length(max=128)])
    complement = StringField(_l("Complément"), validators=[Optional(), Length(max=128)])
    po_box = StringField(_l("Boîte postale"), validators=[Optional(), Length(max=32)])
    postal_code = StringField(_l("Code postal"), validators=[Optional(), Length(max=16)])
    city = StringField(_l("Ville"), validators=[Optional(), Length(max=128)])
    country = StringField(_l("Pays"), validators=[Optional(), Length(max=2)], default="FR")
    email = email_field(_l("E-mail"), required=True)
    phone = StringField(_l("Nº de téléphone"), validators=[Optional(), Length(max=32)])
    fax = StringField(_l("Nº de fax"), validators=[Optional(), Length(max=32)])
    technical_name = StringField(_l("Nom"), validators=[Optional(), Length(max=255)])
    technical_email = email_field(_l("E-mail"), required=False)
    technical_phone = StringField(_l("Nº de téléphone"), validators=[Optional(), Length(max=32)])
    administrative_name = StringField(_l("Nom"), validators=[Optional(), Length(max=255)])
    administrative_email = email_field(_l("E-mail"), required=False)
    administrative_phone = StringField(_l("Nº de téléphone"), validators=[Optional(), Length(max=32)])

    ADDRESS = (
        "street_number",
        "street_suffix",
        "street_name",
        "complement",
        "po_box",
        "postal_code",
        "city",
        "country",
    )

    def fill(self, account: Any) -> None:
        responsible = dict(account.responsible or {})
        address = dict(responsible.get("address") or {})
        self.company_name.data = account.company_name
        self.legal_representative.data = account.legal_representative or ""
        for name in ("civility", "last_name", "first_name", "email", "phone", "fax"):
            getattr(self, name).data = responsible.get(name) or getattr(self, name).default or ""
        for name in self.ADDRESS:
            getattr(self, name).data = address.get(name) or getattr(self, name).default or ""
        for prefix, contact in (
            ("technical", account.technical_contact),
            ("administrative", account.administrative_contact),
        ):
            for name in ("name", "email", "phone"):
                getattr(self, f"{prefix}_{name}").data = (contact or {}).get(name) or ""

    def patch(self) -> dict[str, Any]:
        def text(name: str) -> str:
            return (getattr(self, name).data or "").strip()

        def contact(prefix: str) -> dict[str, str] | None:
            if not text(f"{prefix}_name"):
                return None
            return {
                "name": text(f"{prefix}_name"),
                "email": text(f"{prefix}_email"),
                **({"phone": text(f"{prefix}_phone")} if text(f"{prefix}_phone") else {}),
            }

        body: dict[str, Any] = {
            "company_name": text("company_name"),
            "legal_representative": text("legal_representative") or None,
            "responsible": {
                "civility": text("civility"),
                "last_name": text("last_name"),
                "first_name": text("first_name"),
                "email": text("email"),
                "phone": text("phone") or None,
                "fax": text("fax") or None,
                "address": {name: text(name) for name in self.ADDRESS},
            },
        }
        for prefix in ("technical", "administrative"):
            if contact(prefix) is not None:
                body[f"{prefix}_contact"] = contact(prefix)
        return body


class ServicesForm(FlaskForm):  # type: ignore[misc]
    """Onglet « Options »: the BAL quota and the optional services (rule 3)."""

    secondary_quota = IntegerField(
        _l("Nombre de comptes secondaires avec BAL souhaités"),
        validators=[InputRequired(), NumberRange(min=0, max=100000)],
        description=_l("Seuls les comptes secondaires avec BAL comptent ; les comptes sans BAL ne sont pas limités."),
    )
    statement_collection = BooleanField(_l("Relevés de comptes : abonnement au service"))
    collection_error_alerts = BooleanField(_l("Alerte erreur de collecte"))
    statement_inbox = email_field(_l("Boîte de réception des relevés"), required=False)
    probative_archiving = BooleanField(_l("Archivage à valeur probatoire : abonnement au service"))


class BillingForm(FlaskForm):  # type: ignore[misc]
    """Onglet « Facturation » (rule 4): principal accounts only; the address can change."""

    use_responsible_address = BooleanField(_l("Utiliser l'adresse du responsable pour la facturation"))
    street_number = StringField(_l("Numéro voie"), validators=[Optional(), Length(max=16)])
    street_name = StringField(_l("Nom voie"), validators=[Optional(), Length(max=128)])
    complement = StringField(_l("Complément"), validators=[Optional(), Length(max=128)])
    po_box = StringField(_l("Boîte postale"), validators=[Optional(), Length(max=32)])
    postal_code = StringField(_l("Code postal"), validators=[Optional(), Length(max=16)])
    city = StringField(_l("Ville"), validators=[Length(max=128)])  # no Optional(): validate_city must run
    country = StringField(_l("Pays"), validators=[Optional(), Length(max=2)], default="FR")

    ADDRESS = ("street_number", "street_name", "complement", "po_box", "postal_code", "city", "country")

    def validate_city(self, field: Any) -> None:
        if not self.use_responsible_address.data and not (field.data or "").strip():
            raise ValidationError(_l("Indiquez l'adresse de facturation, ou cochez l'adresse du responsable."))


COMPANY_TYPES = [
    ("entreprise", _l("Entreprise")),
    ("oga", _l("OGA")),
    ("expert-comptable", _l("Expert-comptable")),
    ("tiers-declarant", _l("Tiers déclarant")),
    ("administration", _l("Administration")),
]


class PrincipalForm(IdentityForm):
    """A new principal account (operators): login, SIRET, profile, the identity of IdentityForm,
    teleprocedures and the BAL quota. It starts as a request, or open at once."""

    login = StringField(
        _l("Login"),
        validators=[DataRequired(), Length(max=31)],
        description=_l("Lettres minuscules, chiffres et tirets ; unique sur le portail (exemple : asp1ent)."),
    )
    identifier = StringField(_l("SIRET"), validators=[DataRequired()])
    company_type = SelectField(_l("Type"), choices=[SelectChoice(v, label) for v, label in COMPANY_TYPES])
    status = SelectField(
        _l("Statut"),
        choices=[SelectChoice("requested", _l("Demande en attente")), SelectChoice("open", _l("Ouvert"))],
        default="open",
    )
    is_test = BooleanField(_l("Compte de test"))
    secondary_quota = IntegerField(
        _l("Nombre de comptes secondaires avec BAL souhaités"),
        validators=[InputRequired(), NumberRange(0, 100000)],
        default=0,
    )
    teleprocedures = MultiCheckboxField(_l("Téléprocédures"), choices=[])

    def principal(self) -> dict[str, Any]:
        body = self.patch()
        body.update(
            {
                "login": (self.login.data or "").strip(),
                "identifier": (self.identifier.data or "").strip(),
                "company_type": self.company_type.data,
                "status": self.status.data,
                "is_test": bool(self.is_test.data),
                "secondary_quota": self.secondary_quota.data or 0,
                "teleprocedures": {code: None for code in self.teleprocedures.data or []},
            }
        )
        if body.get("legal_representative") is None:
            body.pop("legal_representative", None)
        return body
