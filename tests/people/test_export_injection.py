"""Issue #9: exported cells a spreadsheet would run as a formula stay text (Excel and CSV)."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

from openpyxl import load_workbook

from provisioner.accounts import io as account_io
from provisioner.people import exports

FORMULA = '=HYPERLINK("http://evil.example","Cliquez")'


def _person(**names: str) -> Any:
    values = {"username": "u1", "email": "u1@example.org", "first_name": "Léa", "last_name": "Martin"}
    return SimpleNamespace(**{**values, **names}, locale="fr", roles=[], enabled=True, phone=None, kind="collaborator")


def test_a_formula_in_a_name_is_text_in_the_workbook() -> None:
    book = load_workbook(io.BytesIO(exports.to_xlsx("Utilisateurs", [_person(last_name=FORMULA)])))
    cells = [c for row in book.active.iter_rows(min_row=3) for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith("=")]
    assert risky and all(c.data_type == "s" for c in risky)  # a string cell, not a formula


def test_a_formula_in_the_accounts_csv_is_quoted_and_reads_back() -> None:
    account = SimpleNamespace(
        login="acme",
        identifier="73282932000074",
        company_name="@SUM(A1:A9)",
        company_type="entreprise",
        status="open",
        is_test=False,
        secondary_quota=0,
        responsible={"last_name": FORMULA, "first_name": "Pierre", "phone": "+33149098737"},
        selection={},
    )
    text = account_io.export_accounts([account], "csv")  # type: ignore[list-item]
    assert f"'{FORMULA}".replace('"', '""') in text and "'@SUM(A1:A9)" in text
    (record,) = account_io.read_records(text, "csv")
    assert record["company_name"] == "@SUM(A1:A9)"
    assert record["responsible"]["last_name"] == FORMULA and record["responsible"]["phone"] == "+33149098737"


def test_a_control_character_in_the_title_does_not_break_the_workbook() -> None:
    book = load_workbook(io.BytesIO(exports.to_xlsx("SOCIETE\x07 BELL", [_person()])))
    assert book.active["A1"].value == "SOCIETE BELL"
