"""An administrator exports the account's user list to Excel and PDF, with or without disabled users."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.keycloak


def test_user_list_exports_to_excel_and_pdf(
    app: Any, operator_headers: dict[str, str], login_as: Any, principal_body: Any, new_login: Any
) -> None:
    import io

    from openpyxl import load_workbook

    client = app.test_client()
    account = client.post("/api/v1/accounts", json=principal_body(new_login(), {}), headers=operator_headers).json[
        "account"
    ]
    admin = login_as(account["login"])
    lea = client.post(
        f"/api/v1/accounts/{account['id']}/collaborators",
        json={"email": f"lea.{account['login']}@example.org", "first_name": "Léa", "last_name": "MODÈLE"},
        headers=admin,
    ).json["person"]
    client.patch(f"/api/v1/people/{lea['id']}", json={"enabled": False}, headers=admin)

    xlsx = client.get(f"/api/v1/accounts/{account['id']}/people/export?format=xlsx", headers=admin)
    assert xlsx.status_code == 200 and xlsx.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert ["MODÈLE, Léa", lea["username"], lea["email"], "FR", "oui", None, None] in values
    without_disabled = client.get(
        f"/api/v1/accounts/{account['id']}/people/export?format=xlsx&include_disabled=false", headers=admin
    )
    assert lea["username"] not in [
        c.value for row in load_workbook(io.BytesIO(without_disabled.data)).active.iter_rows() for c in row
    ]

    pdf = client.get(f"/api/v1/accounts/{account['id']}/people/export?format=pdf", headers=admin)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    bad = client.get(f"/api/v1/accounts/{account['id']}/people/export?format=doc", headers=admin)
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_parameter"
