"""Issue #9, finding 7: on SQLite, concurrent writers wait their turn instead of failing with
"database is locked" when a transaction that has read turns into a write."""

from __future__ import annotations

import threading
import time
import uuid

from sqlalchemy import func, select

from provisioner.db import Database
from provisioner.sync.models import OutboxItem


def test_concurrent_read_then_write_transactions_all_commit(database: Database) -> None:
    portal = f"writers-{uuid.uuid4().hex[:6]}"
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for _ in range(5):
                with database.session() as session:
                    session.scalar(select(func.count()).select_from(OutboxItem))  # read first
                    time.sleep(0.005)  # others read meanwhile
                    session.add(OutboxItem(portal=portal, action="test", payload={"n": n}))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    with database.session() as session:
        assert session.scalar(select(func.count()).where(OutboxItem.portal == portal)) == 40
        session.query(OutboxItem).filter(OutboxItem.portal == portal).delete()
