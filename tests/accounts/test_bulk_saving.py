"""Saving many new accounts at once (issue 13, bulk provisioning): the rows of a chunk are checked
one by one, then saved together (on PostgreSQL a few statements per table whatever their number:
tests/system/test_postgres.py); two rows that may not both exist, or a row taken by someone else
between the check and the save, send the chunk one by one, each row with its own outcome and
nothing half-saved."""

from __future__ import annotations

import pytest

from provisioner.accounts import services
from provisioner.db import Database
from provisioner.settings import Settings
from tests.fixtures.bulk import create, rows, saved, saved_in_statements


def test_a_chunk_saved_together_is_saved_whole(database: Database, settings: Settings) -> None:
    for size in (1, 40):
        saved_in_statements(database, settings, size)


def test_two_rows_for_one_login_in_a_chunk_are_saved_one_by_one(database: Database, settings: Settings) -> None:
    new = rows(6)
    new[4]["login"] = new[1]["login"]
    results = create(database, settings, new)
    assert [r["status"] for r in results] == ["created"] * 4 + ["error", "created"]
    assert results[4]["error"]["code"] == "duplicate_login" and results[4]["index"] == 4
    assert saved(database, [r["login"] for r in new])["accounts"] == 5


def test_two_rows_for_one_address_on_a_portal_of_e_mail_logins(database: Database, settings: Settings) -> None:
    new = rows(4, identifier="CHE-116.281.710")
    new[3]["responsible"]["email"] = new[0]["responsible"]["email"].upper()
    results = create(database, settings, new, "caisse-demo")
    assert [r["status"] for r in results] == ["created"] * 3 + ["error"]
    assert results[3]["error"]["code"] == "duplicate_email"


def test_two_rows_for_one_siret_and_names_on_a_portal_of_siret_and_names(
    database: Database, settings: Settings
) -> None:
    new = rows(4, identifier="73282932000074")
    first = new[0]["responsible"]
    new[2]["responsible"] = {**first, "first_name": first["first_name"].upper(), "email": "autre@example.org"}
    results = create(database, settings, new, "declarants-demo")
    assert [r["status"] for r in results] == ["created", "created", "error", "created"]
    assert results[2]["error"]["code"] == "duplicate_names"


def test_a_login_taken_between_the_check_and_the_save_fails_that_row_only(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if another writer saved the login after this chunk checked it: the save together fails
    on the unique login, nothing of it stays, and row by row only that row is refused."""
    taken = rows(1)
    create(database, settings, taken)
    new = rows(5)
    new[2]["login"] = taken[0]["login"]
    check = services.login_free
    monkeypatch.setattr(
        services, "login_free", lambda ctx, login: None if login == new[2]["login"] else check(ctx, login)
    )
    results = create(database, settings, new)
    assert [r["status"] for r in results] == ["created", "created", "error", "created", "created"]
    assert results[2]["error"]["code"] == "conflict"
    others = [r["login"] for n, r in enumerate(new) if n != 2]
    assert saved(database, others) == {"accounts": 4, "people": 4, "audit": 4, "outbox": 4}
