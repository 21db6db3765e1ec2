"""SMS abuse (hardening issue): the codes administrators have sent from the administration pages are
capped per administrator and per portal, counted and reserved atomically before the send."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from typing import Any

import pytest

from provisioner.db import Database
from provisioner.portals import Portal, SmsPolicy
from provisioner.sms.services import SmsRateLimited, SmsRequest, send_code


class Counting:
    name = "counting"

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, to: str, text: str) -> str:
        self.sent.append(to)
        return str(len(self.sent))


def _portal(**limits: int) -> Portal:
    return Portal(
        realm=f"caps-{uuid.uuid4().hex[:6]}",
        identifier_scheme="fr-siret",
        default_country="FR",
        sms=replace(SmsPolicy(), **limits),
    )


def _request(portal: Portal, admin: str, n: int) -> SmsRequest:
    return SmsRequest(
        realm=portal.realm,
        user_id=f"person-{uuid.uuid4().hex[:6]}",
        username=f"u{n}",
        to=f"+4179{n:07d}",
        purpose="enrolment",
        locale="fr",
        code="123456",
        requested_by=admin,
    )


def test_an_administrator_is_capped(database: Database) -> None:
    portal, provider = _portal(max_per_administrator_per_hour=2), Counting()
    for n in range(2):
        send_code(database, portal, provider, _request(portal, "alice", n))
    with pytest.raises(SmsRateLimited) as refused:
        send_code(database, portal, provider, _request(portal, "alice", 3))
    assert refused.value.details["scope"] == "administrator"
    send_code(database, portal, provider, _request(portal, "bob", 4))  # another administrator may
    assert len(provider.sent) == 3


def test_the_portal_is_capped(database: Database) -> None:
    portal, provider = _portal(max_administered_per_portal_per_hour=2), Counting()
    send_code(database, portal, provider, _request(portal, "alice", 1))
    send_code(database, portal, provider, _request(portal, "bob", 2))
    with pytest.raises(SmsRateLimited) as refused:
        send_code(database, portal, provider, _request(portal, "carol", 3))
    assert refused.value.details["scope"] == "portal"


def test_two_sends_at_once_cannot_both_pass_the_cap(database: Database) -> None:
    portal, provider = _portal(max_per_administrator_per_hour=1), Counting()
    outcomes: list[Any] = []
    start = threading.Barrier(4)

    def one(n: int) -> None:
        start.wait()
        try:
            outcomes.append(send_code(database, portal, provider, _request(portal, "alice", n)))
        except SmsRateLimited as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(provider.sent) == 1
    assert sum(isinstance(o, SmsRateLimited) for o in outcomes) == 3
