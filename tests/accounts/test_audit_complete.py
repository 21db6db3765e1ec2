"""The audit is complete (hardening issue): identity, contacts, billing, services and the legal
representative with before and after; exports; and a person whose e-mail an administrator changed is
told at the old address."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

pytestmark = pytest.mark.keycloak


def _log(api: Any, account_id: int) -> list[dict[str, Any]]:
    return api.call("GET", f"/accounts/{account_id}/audit").json["items"]  # type: ignore[no-any-return]


def test_account_changes_are_logged_with_before_and_after(api: Any) -> None:
    account = api.principal({"DSN": None})
    changed = api.call(
        "PATCH",
        f"/accounts/{account['id']}",
        {
            "legal_representative": "Mme Claire MARTIN",
            "administrative_contact": {"name": "Paul ADMIN", "email": "paul@example.org", "phone": "01 49 09 87 37"},
        },
    )
    assert changed.status_code == 200, changed.json
    (entry,) = [e for e in _log(api, account["id"]) if e["action"] == "account.updated"]
    assert entry["before"]["legal_representative"] is None
    assert entry["after"]["legal_representative"] == "Mme Claire MARTIN"
    assert entry["after"]["administrative_contact"]["name"] == "Paul ADMIN"
    for field in ("responsible", "technical_contact", "billing", "services"):
        assert field in entry["before"] and field in entry["after"]


def test_exports_are_logged(api: Any) -> None:
    account = api.principal({"DSN": None})
    exported = api.call("GET", f"/accounts/{account['id']}/people/export?format=xlsx&q=DUPONT")
    assert exported.status_code == 200
    (entry,) = [e for e in _log(api, account["id"]) if e["action"] == "people.exported"]
    assert "XLSX" in entry["message"] and "q=DUPONT" in entry["message"]


def test_the_old_address_is_told_of_an_e_mail_change(api: Any, app: Any, wait_for: Any) -> None:
    account = api.principal({"DSN": None})
    old, new = f"o{uuid.uuid4().hex[:6]}@example.org", f"n{uuid.uuid4().hex[:6]}@example.org"
    person = api.call(
        "POST",
        f"/accounts/{account['id']}/collaborators",
        {"email": old, "first_name": "Eva", "last_name": "Mail", "locale": "de", "roles": ["viewer"]},
    ).json["person"]
    changed = api.call("PATCH", f"/people/{person['id']}", {"email": new})
    assert changed.status_code == 200 and changed.json["sync"]["status"] == "applied", changed.json

    def notice() -> Any:
        mails = app.test_client().get(f"/dev/outbox.json?channel=email&to={old}").json["messages"]
        return next((m for m in mails if new in m["body"]), None)

    mail = wait_for(notice)
    assert "E-Mail-Adresse" in mail["subject"]  # in the person's language
