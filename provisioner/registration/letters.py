"""Invitation letters (seed 002: « Invitation … pour entreprises »): A4, the portal's letterhead,
the account's address where a window envelope shows it, the date, the registration link and the
personal access code, its validity, in the account's language. Many letters make one PDF, a page
each, for a print run; an e-mailed invitation says the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF

from provisioner.pdf import day, latin1, letter_page


@dataclass(frozen=True)
class InvitationText:
    portal_name: str
    return_address: Sequence[str]
    support: str
    company_name: str
    login: str
    address: Sequence[str]  # the lines of the account's postal address, the name first
    link: str
    code: str  # as shown: XXXX XXXX XXXX
    expires_on: date
    locale: str
    dated: date


def subject(text: InvitationText) -> str:
    with force_locale(text.locale):
        return _("Invitation à ouvrir votre accès à %(portal)s", portal=text.portal_name)


def paragraphs(text: InvitationText) -> list[str]:
    """The letter's body (and the e-mail's), in the invitation's language, before the code."""
    with force_locale(text.locale):
        return [
            _("Madame, Monsieur,"),
            _(
                "Le portail %(portal)s vous invite à ouvrir l'accès de votre entreprise %(company)s. En ligne, "
                "vous y effectuerez vos déclarations sociales sans papier et gérerez les accès de vos "
                "collaborateurs.",
                portal=text.portal_name,
                company=text.company_name,
            ),
            _(
                "Cette invitation est destinée à la personne qui administrera le compte. Ouvrez le lien "
                "d'enregistrement, saisissez le code d'accès personnel ci-dessous, puis suivez les étapes : "
                "votre adresse e-mail, le code reçu à cette adresse, votre profil et votre mot de passe, votre "
                "numéro de téléphone portable.",
            ),
        ]


def after_code(text: InvitationText) -> list[str]:
    with force_locale(text.locale):
        lines = [
            _("Lien d'enregistrement : %(link)s", link=text.link),
            _(
                "Ce code est valable jusqu'au %(date)s et ne sert qu'une fois. Votre identifiant de connexion "
                "sera : %(login)s.",
                date=day(text.expires_on, text.locale),
                login=text.login,
            ),
            _("Code perdu ou expiré : demandez une nouvelle invitation ; l'ancien code ne fonctionnera plus."),
        ]
        if text.support:
            lines.append(_("Une question ? %(support)s", support=text.support))
        return lines


def render(texts: Sequence[InvitationText]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(latin1("Invitations"))
    pdf.set_auto_page_break(False)
    for text in texts:
        with force_locale(text.locale):
            dated = _("Le %(date)s", date=day(text.dated, text.locale))
            footer = _("%(portal)s - édité le %(date)s", portal=text.portal_name, date=day(text.dated, text.locale))
            code_label = _("Votre code d'accès personnel :")
            confidential = _("CONFIDENTIEL")
        # As the seed's letter: « CONFIDENTIEL » heads the address block, in the window.
        letter_page(pdf, text.portal_name, text.return_address, [confidential, *text.address], dated, footer)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, latin1(subject(text)), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", "", 10.5)
        for paragraph in paragraphs(text):
            pdf.multi_cell(0, 5.5, latin1(paragraph), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(0, 5, latin1(code_label), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Courier", "B", 20)
        pdf.cell(0, 14, text.code, align="C", border=1, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", "", 10.5)
        for line in after_code(text):
            pdf.multi_cell(0, 5.5, latin1(line), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return bytes(pdf.output())


def email_body(text: InvitationText) -> str:
    with force_locale(text.locale):
        code_label = _("Votre code d'accès personnel :")
    return "\n\n".join([*paragraphs(text), f"{code_label} {text.code}", *after_code(text), text.portal_name])
