"""The authorization API's decision cache (issue 11, speed): a decision is kept while no write
changed any right, and the first question after a change is worked out again. What moves the
rights generation, on SQLite (PostgreSQL: tests/system/test_postgres.py); a kept decision ends
with the revocation, the disabled person, the passing of time."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from provisioner.authorization.cache import Decisions
from provisioner.authorization.services import Decision, Question
from provisioner.db import Base, Database, holds_rights, import_models
from tests.fixtures.accounts import SIRET
from tests.fixtures.mandates import active_client, siret
from tests.fixtures.rights import check_what_moves_the_generation


def test_the_generation_moves_with_every_committed_write_that_holds_rights(database: Database) -> None:
    check_what_moves_the_generation(database)


def test_the_tables_that_hold_no_rights_are_a_reviewed_list() -> None:
    """A table marked HOLDS_NO_RIGHTS is never read by a decision: adding one here is a choice
    to review (a table left out only costs cache hits)."""
    import_models()
    assert {name for name in Base.metadata.tables if not holds_rights(name)} == {
        "admin_request",
        "audit_entry",
        "dev_message",
        "invitation",
        "mandate_key_attempt",
        "phone_challenge",
        "registration",
        "registration_attempt",
        "rights_generation",
        "sms_event",
        "sync_outbox",
        "ui_ended_session",
    }


def test_a_kept_decision_ends_with_its_generation_its_time_and_the_size() -> None:
    kept, q, now = Decisions(size=2, seconds=60), Question("u", SIRET, "DSN"), datetime(2026, 12, 8, 10, 0)
    yes = Decision(True, "own_account", "")
    kept.put("r", q, 7, now, yes)
    assert kept.get("r", q, 7, now + timedelta(seconds=59)) is yes
    assert kept.get("r", q, 8, now) is None, "a write since"
    assert kept.get("other-portal", q, 7, now) is None
    assert kept.get("r", q, 7, now + timedelta(seconds=60)) is None, "authz_cache_seconds at most"
    kept.put("r", q, 7, datetime(2026, 12, 8, 23, 59, 30), yes)
    assert kept.get("r", q, 7, datetime(2026, 12, 9, 0, 0)) is None, "a mandate's last day ends at midnight"
    pending = Decision(False, "mandate_not_active", "", changes_at=now + timedelta(seconds=5))
    kept.put("r", q, 7, now, pending)
    assert kept.get("r", q, 7, now + timedelta(seconds=4)) is pending
    assert kept.get("r", q, 7, now + timedelta(seconds=5)) is None, "the key expired meanwhile"
    for n in range(3):
        kept.put("r", Question("u", SIRET, f"T{n}"), 7, now, yes)
    assert kept.get("r", Question("u", SIRET, "T0"), 7, now) is None, "the least recently used goes"
    assert kept.get("r", Question("u", SIRET, "T2"), 7, now) is yes
    assert not Decisions(size=0, seconds=60).get("r", q, 7, now)


@pytest.fixture()
def ask(client: Any, app_headers: dict[str, str]) -> Callable[..., tuple[bool, str]]:
    def _ask(subject: str, identifier: str, code: str = "DSN") -> tuple[bool, str]:
        body = {
            "subject": {"type": "user", "id": subject},
            "resource": {"type": "establishment", "id": identifier},
            "action": {"name": code},
        }
        answer = client.post("/access/v1/evaluation", json=body, headers=app_headers)
        assert answer.status_code == 200, answer.json
        return answer.json["decision"], answer.json["context"]["reason"]

    return _ask


@pytest.mark.keycloak
def test_a_kept_decision_ends_with_the_change_that_ends_it(
    api: Any, app: Any, client: Any, login_as: Any, gateway: Any, ask: Callable[..., tuple[bool, str]]
) -> None:
    firm = api.principal({"DSN": None}, company_type="expert-comptable")
    firm = {**firm, "headers": login_as(firm["login"])}
    client_siret = siret(int(uuid.uuid4().int % 100_000) * 100 + 7)
    mandate_id = active_client(api, firm, client_siret, "CLIENT GARDÉ")
    holder = gateway.find_user(firm["login"]).id
    assert ask(holder, client_siret) == (True, "mandate")
    kept = app.extensions["portail.authz_decisions"]
    hits = kept.hits
    assert ask(holder, client_siret) == (True, "mandate")
    assert kept.hits == hits + 1, "the same question again, nothing changed: kept"

    revoked = api.call("POST", f"/mandates/{mandate_id}/revocation", headers=firm["headers"])
    assert revoked.status_code == 200, revoked.json
    assert ask(holder, client_siret) == (False, "mandate_revoked"), "the first question after the revocation"

    body = {"email": f"c{uuid.uuid4().hex[:8]}@example.org", "first_name": "Cé", "last_name": "Che", "roles": []}
    made = api.call("POST", f"/accounts/{firm['id']}/collaborators", {**body, "roles": ["declarant:DSN"]})
    assert made.status_code == 201, made.json
    person = made.json["person"]
    subject = gateway.find_user(person["username"]).id
    assert ask(subject, firm["identifier"]) == (True, "own_account")
    assert ask(subject, firm["identifier"]) == (True, "own_account")
    disabled = api.call("PATCH", f"/people/{person['id']}", {"enabled": False})
    assert disabled.status_code == 200, disabled.json
    assert ask(subject, firm["identifier"]) == (False, "person_disabled")
