"""User lists exported as Excel and PDF, as the administrators' screens of the seeds offer."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from provisioner.accounts.domain import mask_phone
from provisioner.accounts.models import Account, Person
from provisioner.errors import InvalidInput
from provisioner.pdf import latin1
from provisioner.spreadsheets import FORMULA_STARTS

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}

HEADERS = (
    "Nom d'affichage",
    "Identifiant",
    "Adresse e-mail",
    "Langue",
    "Désactivé",
    "Authentification multifacteur",
    "Rôles",
)


def rows(people: Sequence[Person]) -> list[tuple[str, ...]]:
    return [
        (
            f"{p.last_name}, {p.first_name}",
            p.username,
            p.email,
            p.locale.upper(),
            "oui" if not p.enabled else "non",
            f"SMS {mask_phone(p.phone)}" if p.phone else "",
            ", ".join(p.roles),
        )
        for p in people
    ]


def to_xlsx(title: str, people: Sequence[Person]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Utilisateurs"
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", title)])  # the account's name may hold control characters
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows(people):
        # Control characters have no place in a worksheet (openpyxl refuses them): dropped.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # text, never a formula (openpyxl would store "=…" as one)
                cell.quotePrefix = True
    for column, width in zip("ABCDEFG", (28, 30, 34, 8, 11, 30, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(title: str, people: Sequence[Person]) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(latin1(title))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    pdf.cell(0, 6, latin1(f"Édité le {datetime.now():%d/%m/%Y %H:%M}"), new_x="LMARGIN", new_y="NEXT")
    widths = (48, 44, 56, 14, 18, 44, 53)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
        header = table.row()
        for name in HEADERS:
            header.cell(latin1(name))
        for row in rows(people):
            line = table.row()
            for value in row:
                line.cell(latin1(value))
    return bytes(pdf.output())


def user_list(account: Account, people: Sequence[Person], fmt: str) -> tuple[bytes, str, str]:
    """The user list of an account as a file: (content, media type, file name)."""
    if fmt not in FORMATS:
        raise InvalidInput("« format » : xlsx ou pdf.", code="invalid_parameter")
    title = f"Utilisateurs du compte {account.login} – {account.company_name}"
    body = to_pdf(title, people) if fmt == "pdf" else to_xlsx(title, people)
    return body, FORMATS[fmt], f"utilisateurs-{account.login}.{fmt}"
