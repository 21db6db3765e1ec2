"""Outbox claims: one process applies an item; a change saved meanwhile gets an item of its own."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete

from provisioner.accounts.outbox import enqueue_account as enqueue
from provisioner.catalogue.outbox import enqueue_catalogue
from provisioner.db import utcnow
from provisioner.sync.models import DONE, FAILED, PENDING, RUNNING, OutboxItem
from provisioner.sync.outbox import backlog, tracked
from provisioner.sync.worker import _claim, _release


def _portal() -> str:
    return f"claims-{uuid.uuid4().hex[:6]}"


@pytest.fixture(autouse=True)
def _forget_test_items(database: Any) -> Any:
    """These items name portals that do not exist: they must not linger in the session's outbox."""
    yield
    with database.session() as session:
        session.execute(delete(OutboxItem).where(OutboxItem.portal.like("claims-%")))


def test_an_item_is_claimed_once_and_a_change_meanwhile_gets_a_new_item(database: Any) -> None:
    portal = _portal()
    with database.session() as session:
        first = enqueue(session, portal, 1).id
        assert enqueue(session, portal, 1).id == first  # one pending item per account is enough
        assert tracked(session) == [first] and tracked(session) == []
    assert _claim(database, [first]) == [first]
    assert _claim(database, [first]) == []  # the sync worker and a request never both apply it
    with database.session() as session:
        second = enqueue(session, portal, 1).id  # saved while the first is being applied
        assert second != first
        assert session.get_one(OutboxItem, first).status == RUNNING
        assert backlog(session) >= 2  # running items are not applied yet: they count
    assert _release(database, first, "boom", give_up=False) is False
    with database.session() as session:
        item = session.get_one(OutboxItem, first)
        assert (item.status, item.attempts, item.last_error, item.claimed_at) == (PENDING, 1, "boom", None)


def test_a_stale_claim_is_taken_over(database: Any) -> None:
    with database.session() as session:
        item_id = enqueue(session, _portal(), 1).id
    assert _claim(database, [item_id])
    with database.session() as session:
        session.get_one(OutboxItem, item_id).claimed_at = utcnow() - timedelta(minutes=11)  # its process died
    assert _claim(database, [item_id])
    with database.session() as session:
        assert session.get_one(OutboxItem, item_id).attempts == 2


def test_one_catalogue_item_of_a_portal_runs_at_a_time(database: Any) -> None:
    portal = _portal()
    with database.session() as session:
        first = enqueue_catalogue(session, portal).id
    assert _claim(database, [first])
    with database.session() as session:
        second = enqueue_catalogue(session, portal).id
        other_portal = enqueue_catalogue(session, _portal()).id
    assert second != first
    assert _claim(database, [second]) == []  # would race the first with an older view
    assert _claim(database, [other_portal]) == [other_portal]
    with database.session() as session:
        session.get_one(OutboxItem, first).status = DONE
    assert _claim(database, [second]) == [second]


def test_an_item_failing_again_and_again_ends_failed(database: Any) -> None:
    with database.session() as session:
        item_id = enqueue(session, _portal(), 1).id
    for _ in range(9):
        assert _claim(database, [item_id])
        assert _release(database, item_id, "KeyError: x", give_up=True) is False
    assert _claim(database, [item_id])
    assert _release(database, item_id, "KeyError: x", give_up=True) is True
    assert _claim(database, [item_id]) == []


@pytest.mark.keycloak
def test_the_worker_thread_applies_what_is_pending(
    database: Any, gateway: Any, wait_for: Any, principal_body: Any, new_login: Any
) -> None:
    """`provisioner sync` and `make run` run this loop: pending work reaches Keycloak on its own."""
    import threading

    from provisioner.accounts import schemas, services
    from provisioner.actors import Actor
    from provisioner.context import Context
    from provisioner.portals import load_portal
    from provisioner.settings import REPO_ROOT
    from provisioner.sync.worker import run_worker

    login = new_login()
    portal = load_portal(REPO_ROOT / "keycloak-config", gateway.realm)
    with database.session() as session:  # saved, not applied: as after an outage
        ctx = Context(session, portal, Actor.system("worker-test"))
        services.create_principal(ctx, schemas.PrincipalIn.model_validate(principal_body(login, {"DSN": None})))
    assert gateway.find_group(login) is None
    stop = threading.Event()
    worker = threading.Thread(target=run_worker, args=(database, gateway), kwargs={"interval": 0.2, "stop": stop})
    worker.start()
    try:
        wait_for(lambda: gateway.find_group(login) is not None)
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()


def test_one_accounts_items_apply_in_order_and_other_accounts_do_not_wait(database: Any) -> None:
    portal = _portal()
    with database.session() as session:
        whole = enqueue(session, portal, 1).id
        session.get_one(OutboxItem, whole).status = RUNNING  # being applied (a cascade, say)
        session.get_one(OutboxItem, whole).claimed_at = utcnow()
        part = enqueue(session, portal, 1, part=7).id  # not covered: the whole item is running
        later = enqueue(session, portal, 1, part=8).id
        other = enqueue(session, portal, 2, part=9).id
    assert _claim(database, [part]) == []  # the account's older item is still being applied
    assert _claim(database, [other]) == [other]  # another account never waits for it
    with database.session() as session:
        session.get_one(OutboxItem, whole).status = DONE
    assert _claim(database, [later]) == []  # an older pending item of the account goes first
    assert _claim(database, [part]) == [part]
    _release(database, part, "Keycloak unavailable", give_up=False)  # back to pending: still first
    assert _claim(database, [later]) == []
    assert _claim(database, [part]) == [part]
    with database.session() as session:
        session.get_one(OutboxItem, part).status = DONE
    assert _claim(database, [later]) == [later]


def test_a_failed_or_abandoned_item_does_not_hold_its_queue(database: Any) -> None:
    portal = _portal()
    with database.session() as session:
        failed = enqueue(session, portal, 3).id
        session.get_one(OutboxItem, failed).status = FAILED  # gave up: kept for the operators
        abandoned = enqueue(session, portal, 3, part=4).id
        session.get_one(OutboxItem, abandoned).status = RUNNING
        session.get_one(OutboxItem, abandoned).claimed_at = utcnow() - timedelta(minutes=11)  # its process died
        after = enqueue(session, portal, 3, part=5).id
    assert _claim(database, [after]) == []  # the abandoned one is older: taken over first
    assert _claim(database, [abandoned]) == [abandoned]
    with database.session() as session:
        session.get_one(OutboxItem, abandoned).status = DONE
    assert _claim(database, [after]) == [after]  # the failed one holds nothing
