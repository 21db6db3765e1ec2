"""The letters that carry activation keys to clients (seed 001): A4, the portal's letterhead,
the client's address where a window envelope shows it, what the key is for and which firm asked.
Many letters make one PDF, a page each, for a print run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF

from provisioner.mandates.keys import shown
from provisioner.pdf import latin1, letter_page


@dataclass(frozen=True)
class Letter:
    portal_name: str
    return_address: Sequence[str]
    support: str
    firm_name: str
    firm_identifier: str
    client_name: str
    client_identifier: str
    address: Sequence[str]  # the lines of the client's postal address, the name first
    teleprocedures: Sequence[str]
    key: str
    key_expires_on: date | None
    printed_on: date


def render(letters: Sequence[Letter]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(latin1("Clés d'activation de mandat"))
    pdf.set_auto_page_break(False)
    for letter in letters:
        _page(pdf, letter)
    return bytes(pdf.output())


def _page(pdf: FPDF, letter: Letter) -> None:
    letter_page(
        pdf,
        letter.portal_name,
        letter.return_address,
        letter.address,
        f"Le {letter.printed_on:%d/%m/%Y}",
        f"{letter.portal_name} - édité le {letter.printed_on:%d/%m/%Y}",
    )
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(
        0, 6, latin1("Objet : clé d'activation du mandat de votre cabinet comptable"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 10.5)
    procedures = ", ".join(letter.teleprocedures)
    body = (
        "Madame, Monsieur,\n\n"
        f"Le cabinet {letter.firm_name} (SIRET {letter.firm_identifier}) demande à effectuer, pour votre "
        f"entreprise {letter.client_name} (SIRET {letter.client_identifier}), les déclarations suivantes sur "
        f"{letter.portal_name} : {procedures}.\n\n"
        "Si vous êtes d'accord, remettez à ce cabinet la clé d'activation ci-dessous. Il la saisira une seule "
        "fois dans son espace pour activer le mandat ; elle ne sert qu'à ce cabinet et ne donne accès à rien "
        "d'autre. Si vous n'avez rien demandé, ne la transmettez pas."
    )
    pdf.multi_cell(0, 5.5, latin1(body), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 5, latin1("Votre clé d'activation :"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Courier", "B", 20)
    pdf.cell(0, 14, shown(letter.key), align="C", border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 10.5)
    validity = (
        f"Cette clé est valable jusqu'au {letter.key_expires_on:%d/%m/%Y}."
        if letter.key_expires_on
        else "Cette clé n'a pas de date limite."
    )
    after = (
        f"{validity} Une fois le mandat actif, l'administrateur de votre compte peut le retirer à tout moment "
        "depuis la page de votre compte. Clé perdue : le cabinet supprime votre entreprise de ses clients et "
        "l'ajoute à nouveau ; vous recevez alors une nouvelle clé, l'ancienne ne fonctionne plus."
    )
    pdf.multi_cell(0, 5.5, latin1(after), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if letter.support:
        pdf.multi_cell(0, 5.5, latin1(f"Une question ? {letter.support}"), new_x="LMARGIN", new_y="NEXT")
