"""Clients from a spreadsheet (« Ajouter un client » for many at once): CSV (``;`` or ``,``) or
XLSX, a header row naming the columns (French or English names), one client per row. Each row
succeeds or fails on its own, with its line number and why; a dry run checks every row and saves
nothing."""

from __future__ import annotations

import csv
import io
import itertools
import zlib
from collections.abc import Callable, Iterable
from typing import Any
from zipfile import BadZipFile, ZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from provisioner.accounts import domain
from provisioner.accounts.models import Account
from provisioner.context import Context
from provisioner.errors import Conflict, DomainError, InvalidInput
from provisioner.mandates import services
from provisioner.mandates.schemas import ClientIn
from provisioner.schemas import parse
from provisioner.spreadsheets import restored

MAX_ROWS = 100_000
CHUNK = 200  # rows an import commits at a time
# Column names as firms write them -> the field they fill.
COLUMNS = {
    "siret": "identifier",
    "identifier": "identifier",
    "raison sociale": "company_name",
    "raison_sociale": "company_name",
    "company_name": "company_name",
    "adresse": "address_line1",
    "address_line1": "address_line1",
    "complément d'adresse": "address_line2",
    "complement": "address_line2",
    "address_line2": "address_line2",
    "code postal": "postcode",
    "code_postal": "postcode",
    "postcode": "postcode",
    "ville": "city",
    "city": "city",
    "téléprocédures": "teleprocedures",
    "teleprocedures": "teleprocedures",
    "fin du mandat": "ends_on",
    "ends_on": "ends_on",
}
REQUIRED = ("identifier", "company_name", "address_line1", "postcode", "city", "teleprocedures")


def read_rows(data: bytes, fmt: str) -> list[tuple[int, dict[str, Any]]]:
    """(line number in the file, the row as ``ClientIn`` fields) for every non-empty row."""
    if fmt == "xlsx":
        table = _xlsx(data)
    elif fmt == "csv":
        table = _csv(data)
    else:
        raise InvalidInput("Format de fichier : csv ou xlsx.", code="invalid_format", details={"field": "format"})
    if not table:
        raise InvalidInput("Le fichier est vide : une ligne d'en-tête puis un client par ligne.", code="empty_file")
    header = [COLUMNS.get(str(c or "").strip().lower()) for c in table[0][1]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InvalidInput(
            "Colonnes manquantes dans la ligne d'en-tête : " + ", ".join(missing) + ". Colonnes reconnues : "
            "siret, raison sociale, adresse, complément d'adresse, code postal, ville, téléprocédures, fin du mandat.",
            code="missing_columns",
            details={"missing": missing},
        )
    if len(table) > MAX_ROWS + 1:
        raise InvalidInput(f"Au plus {MAX_ROWS} clients par fichier : découpez-le.", code="too_many_rows")
    rows = []
    for number, cells in table[1:]:
        values = {name: cell for name, cell in zip(header, cells, strict=False) if name is not None}
        if all(v in (None, "") for v in values.values()):
            continue
        rows.append((number, _row(values)))
    return rows


def _row(values: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or value == "":
            continue
        if hasattr(value, "isoformat"):  # a date cell
            row[name] = value.date().isoformat() if hasattr(value, "date") else value.isoformat()
            continue
        text = restored(str(value).strip())
        if name == "identifier" and (isinstance(value, int) or (isinstance(value, float) and value.is_integer())):
            text = str(int(value)).zfill(14)  # Excel keeps a SIRET as a number: its leading zeros back
        row[name] = (
            [c for c in text.replace(";", ",").replace(" ", ",").split(",") if c] if name == "teleprocedures" else text
        )
    return row


def _csv(data: bytes) -> list[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    first = text.splitlines()[0] if text.strip() else ";"
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        filled = ((reader.line_num, row) for row in reader if any(cell.strip() for cell in row))
        return list(itertools.islice(filled, MAX_ROWS + 2))  # beyond: refused as too many, unread
    except csv.Error as exc:  # e.g. a NUL byte: not a text file
        raise InvalidInput(
            f"Ce fichier n'est pas un CSV lisible : {exc}.", code="invalid_file", details={"error": str(exc)}
        ) from exc


MAX_UNPACKED = 200 * 2**20  # a workbook of 100,000 clients unpacks to some 60 MB
MAX_COLUMNS = 64  # columns read per row: a cell far to the right does not make every row wide
EXCEL_ROWS = 1_048_576  # the most rows a sheet can have: a file saying more is not a real one


def _xlsx(data: bytes) -> list[tuple[int, list[Any]]]:
    """The first sheet's rows, read as they stream (the file's own dimensions are not trusted);
    anything a broken or hostile file raises is the same clear refusal."""
    rows: list[tuple[int, list[Any]]] = []
    try:
        with ZipFile(io.BytesIO(data)) as archive:  # a workbook is a zip: how big once unpacked?
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise InvalidInput(
                f"Classeur trop volumineux une fois décompressé ({unpacked // 2**20} Mo, au plus "
                f"{MAX_UNPACKED // 2**20} Mo) : découpez-le, ou enregistrez-le en CSV.",
                code="file_too_large",
                details={"unpacked_bytes": unpacked},
            )
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
            if number > EXCEL_ROWS:
                raise ValueError(f"more than {EXCEL_ROWS} rows")
            if any(c not in (None, "") for c in cells):
                rows.append((number, list(cells)))
                if len(rows) > MAX_ROWS + 1:
                    raise InvalidInput(f"Au plus {MAX_ROWS} clients par fichier : découpez-le.", code="too_many_rows")
        book.close()
    except DomainError:
        raise
    except (
        InvalidFileException,
        BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        KeyError,
        ValueError,
        TypeError,
        IndexError,
        SyntaxError,
        RuntimeError,  # an encrypted member
        NotImplementedError,  # a compression zipfile does not know
    ) as exc:
        raise InvalidInput(
            "Ce fichier n'est pas un classeur Excel (.xlsx) lisible : enregistrez-le à nouveau au format .xlsx, "
            "ou en CSV.",
            code="invalid_file",
            details={"error": type(exc).__name__},
        ) from exc
    return rows


def import_clients(
    ctx: Context,
    secret: str,
    account: Account,
    rows: Iterable[tuple[int, dict[str, Any]]],
    *,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    commit: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """Each row added on its own (a savepoint each; a dry run rolls every one back): the report,
    a line per row. With ``commit``, what is done is committed every ``CHUNK`` rows, so that a
    long import never holds the database's write lock for long (SQLite has one writer); if it
    stops half-way, the rows before are saved (run again, they say "client_exists")."""
    report: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for count, (number, row) in enumerate(rows, start=1):
        if commit is not None and count % CHUNK == 0:
            commit()
        savepoint = ctx.session.begin_nested()
        try:
            siret = domain.normalize_identifier(ctx.portal.identifier_scheme, str(row.get("identifier", "")))
            if siret in seen:
                raise Conflict(
                    f"{siret} figure déjà ligne {seen[siret]} du fichier.",
                    code="duplicate_in_file",
                    details={"field": "identifier", "row": seen[siret]},
                )
            seen[siret] = number
            mandate = services.add_client(ctx, secret, account, parse(ClientIn, row))
        except DomainError as exc:
            savepoint.rollback()
            report.append(
                {
                    "row": number,
                    "identifier": row.get("identifier"),
                    "status": "failed",
                    "error": exc.to_dict()["error"],
                }
            )
        else:
            if dry_run:
                savepoint.rollback()
                report.append({"row": number, "identifier": mandate.identifier, "status": "valid"})
            else:
                savepoint.commit()
                report.append({"row": number, "identifier": mandate.identifier, "status": "created", "id": mandate.id})
        if progress is not None:
            progress(1)
    return report
