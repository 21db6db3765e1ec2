"""Migration 0011: outbox items still waiting when it runs join their account's queue."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from provisioner.accounts.models import Account, Person
from provisioner.db import Database
from provisioner.migrate import alembic_config, upgrade
from provisioner.sync.models import DONE, PENDING, OutboxItem


def test_waiting_items_join_their_accounts_queue(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'queues.sqlite'}"
    upgrade(url)
    db = Database(url)
    with db.session() as session:
        principal = Account(portal="p", kind="principal", login="queue-p", identifier="1", company_name="P")
        session.add(principal)
        session.flush()
        secondary = Account(
            portal="p", kind="secondary", parent_id=principal.id, login="s.queue-p", identifier="1", company_name="S"
        )
        session.add(secondary)
        session.flush()
        login = Person(
            portal="p",
            account_id=secondary.id,
            kind="secondary",
            username="s.queue-p",
            email="s@example.org",
            first_name="S",
            last_name="S",
            roles=[],
        )
        session.add(login)
        session.flush()
        items = [
            OutboxItem(
                portal="p", action="reconcile_account", payload={"account_id": principal.id, "part": secondary.id}
            ),
            OutboxItem(portal="p", action="send_invitation", payload={"person_id": login.id}),
            OutboxItem(portal="p", action="apply_catalogue", payload={}),
            OutboxItem(portal="p", action="reconcile_account", payload={"account_id": principal.id}, status=DONE),
        ]
        session.add_all(items)
        session.flush()
        ids, principal_id = [i.id for i in items], principal.id
    db.engine.dispose()
    command.downgrade(alembic_config(url), "0010")  # as the database was before 0011
    upgrade(url)
    db = Database(url)
    with db.read_sessions() as session:
        queues = [session.get_one(OutboxItem, i).queue for i in ids]
        assert session.get_one(OutboxItem, ids[0]).status == PENDING
    assert queues == [f"account:{principal_id}", f"account:{principal_id}", "apply_catalogue", None]
