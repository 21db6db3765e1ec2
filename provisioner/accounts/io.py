"""Import and export of principal accounts as CSV or JSON (one row/object per account)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from provisioner.accounts.models import Account
from provisioner.errors import InvalidInput
from provisioner.spreadsheets import neutral, restored

CSV_COLUMNS = (
    "login",
    "identifier",
    "company_name",
    "company_type",
    "status",
    "is_test",
    "secondary_quota",
    "responsible_civility",
    "responsible_last_name",
    "responsible_first_name",
    "responsible_email",
    "responsible_phone",
    "teleprocedures",
)


def _teleprocedures_cell(selection: dict[str, tuple[str, ...]]) -> str:
    """``DSN:mensuelle|signalement-fin-contrat;DPAE`` (no types listed = all types)."""
    return ";".join(f"{code}:{'|'.join(types)}" if types else code for code, types in sorted(selection.items()))


def _parse_teleprocedures(cell: str) -> dict[str, list[str] | None]:
    selection: dict[str, list[str] | None] = {}
    for part in filter(None, (p.strip() for p in (cell or "").split(";"))):
        code, _, types = part.partition(":")
        selection[code.strip()] = [t.strip() for t in types.split("|") if t.strip()] or None
    return selection


def account_record(account: Account) -> dict[str, Any]:
    r = account.responsible or {}
    return {
        "login": account.login,
        "identifier": account.identifier,
        "company_name": account.company_name,
        "company_type": account.company_type,
        "status": account.status,
        "is_test": account.is_test,
        "secondary_quota": account.secondary_quota,
        "responsible": {k: r.get(k) for k in ("civility", "last_name", "first_name", "email", "phone") if r.get(k)},
        "teleprocedures": {code: list(types) for code, types in account.selection.items()},
    }


def export_accounts(accounts: Iterable[Account], fmt: str) -> str:
    records = [account_record(a) for a in accounts]
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, delimiter=";")
    writer.writeheader()
    for record in records:
        row = {k: v for k, v in record.items() if k not in ("responsible", "teleprocedures")}
        row.update({f"responsible_{k}": v for k, v in record["responsible"].items()})
        row["is_test"] = "1" if record["is_test"] else "0"
        row["teleprocedures"] = _teleprocedures_cell({k: tuple(v) for k, v in record["teleprocedures"].items()})
        writer.writerow({k: neutral(v) for k, v in row.items()})
    return out.getvalue()


def read_records(text: str, fmt: str) -> list[dict[str, Any]]:
    """Rows of a CSV (``;`` or ``,`` separated) or items of a JSON list, as API-shaped objects."""
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"JSON invalide ligne {exc.lineno} : {exc.msg}", code="invalid_json") from exc
        if not isinstance(data, list):
            raise InvalidInput("Le fichier JSON doit contenir une liste de comptes.", code="invalid_json")
        return data
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ";", delimiters=";,")
    records = []
    # Only the delimiter is guessed: quoting is always CSV's own (an apostrophe-led cell is not a quote).
    for row in csv.DictReader(io.StringIO(text), delimiter=dialect.delimiter, quotechar='"', doublequote=True):
        row = {k.strip(): restored((v or "").strip()) for k, v in row.items() if k}
        record: dict[str, Any] = {k: row[k] for k in ("login", "identifier", "company_name") if k in row}
        for key in ("company_type", "status"):
            if row.get(key):
                record[key] = row[key]
        if row.get("is_test"):
            record["is_test"] = row["is_test"].lower() in ("1", "true", "oui", "yes")
        if row.get("secondary_quota"):
            quota = row["secondary_quota"]
            record["secondary_quota"] = int(quota) if quota.isdigit() else quota  # else refused, with its field
        record["responsible"] = {
            k.removeprefix("responsible_"): v for k, v in row.items() if k.startswith("responsible_") and v
        }
        record["teleprocedures"] = _parse_teleprocedures(row.get("teleprocedures", ""))
        records.append(record)
    return records
