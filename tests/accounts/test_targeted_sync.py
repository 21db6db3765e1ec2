"""Work proportional to the change (issue 13, first step): a change on one secondary account applies
only that account's objects in Keycloak; the Keycloak calls it costs stay the same whether the
principal has 3 or 30 secondaries. A principal's change still reaches every secondary."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.fixtures.accounts import people_of

pytestmark = pytest.mark.keycloak


@pytest.fixture()
def keycloak_calls(app: Any) -> Iterator[list[str]]:
    """The admin REST calls the provisioner's gateway makes, as "METHOD path"."""
    rest = app.extensions["portail.keycloak"].rest
    calls: list[str] = []
    original = rest._call

    def counting(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(f"{method} {path}")
        return original(method, path, *args, **kwargs)

    rest._call = counting
    yield calls
    rest._call = original


def _cost_of_renaming_one_secondary(api: Any, secondaries: int, calls: list[str]) -> int:
    principal = api.principal({"DSN": None})
    ids = []
    for n in range(secondaries):
        created = api.secondary(principal["id"], f"e{n}", {"DSN": None})
        assert created.status_code == 201, created.json
        ids.append(created.json["account"]["id"])
    calls.clear()
    renamed = api.call("PATCH", f"/accounts/{ids[0]}", {"company_name": "ETAB RENOMME"})
    assert renamed.status_code == 200 and renamed.json["sync"]["status"] == "applied", renamed.json
    return len(calls)


def test_a_change_on_one_secondary_costs_the_same_with_3_or_30_secondaries(
    api: Any, keycloak_calls: list[str], gateway: Any
) -> None:
    small = _cost_of_renaming_one_secondary(api, 3, keycloak_calls)
    large = _cost_of_renaming_one_secondary(api, 30, keycloak_calls)
    assert large == small, keycloak_calls


def _collaborator(api: Any, principal_id: int) -> Any:
    body = {"email": f"c{uuid.uuid4().hex[:8]}@example.org", "first_name": "Cé", "last_name": "Lia", "roles": []}
    created = api.call("POST", f"/accounts/{principal_id}/collaborators", body)
    assert created.status_code == 201 and created.json["sync"]["status"] == "applied", created.json
    return created.json["person"]


def _cost_of_changes_on_one_collaborator(api: Any, others: int, calls: list[str], gateway: Any) -> list[int]:
    """Keycloak calls of: adding a collaborator, renaming it, deleting it, in an account that has
    ``others`` collaborators already."""
    principal = api.principal({"DSN": None})
    for _ in range(others):
        _collaborator(api, principal["id"])
    calls.clear()
    person = _collaborator(api, principal["id"])
    costs = [len(calls)]
    calls.clear()
    renamed = api.call("PATCH", f"/people/{person['id']}", {"last_name": "RENOMMEE"})
    assert renamed.status_code == 200 and renamed.json["sync"]["status"] == "applied", renamed.json
    costs.append(len(calls))
    assert not [c for c in calls if "role-mappings" in c], calls  # a new name touches no right: roles not read
    user = gateway.find_user(person["username"])
    assert user is not None and user.last_name == "RENOMMEE"
    calls.clear()
    deleted = api.call("DELETE", f"/people/{person['id']}")
    assert deleted.status_code == 200 and deleted.json["sync"]["status"] == "applied", deleted.json
    costs.append(len(calls))
    assert gateway.find_user(person["username"]) is None
    return costs


def test_a_change_on_one_person_costs_the_same_with_2_or_20_others(
    api: Any, keycloak_calls: list[str], gateway: Any
) -> None:
    small = _cost_of_changes_on_one_collaborator(api, 2, keycloak_calls, gateway)
    large = _cost_of_changes_on_one_collaborator(api, 20, keycloak_calls, gateway)
    assert large == small, keycloak_calls


def test_a_principal_rename_costs_the_same_with_3_or_30_secondaries(
    api: Any, keycloak_calls: list[str], gateway: Any
) -> None:
    costs = []
    for secondaries in (3, 30):
        principal = api.principal({"DSN": None})
        for n in range(secondaries):
            assert api.secondary(principal["id"], f"e{n}", {"DSN": None}).status_code == 201
        keycloak_calls.clear()
        renamed = api.call("PATCH", f"/accounts/{principal['id']}", {"company_name": "SOCIETE RENOMMEE"})
        assert renamed.status_code == 200 and renamed.json["sync"]["status"] == "applied", renamed.json
        costs.append(len(keycloak_calls))
        holder = gateway.find_user(principal["login"])
        assert holder is not None and holder.attributes["portail.company-name"] == ["SOCIETE RENOMMEE"]
        group = gateway.find_group(principal["login"])
        assert group is not None and group.attributes["portail.company-name"] == ["SOCIETE RENOMMEE"]
    assert costs[0] == costs[1], keycloak_calls


def test_a_principal_change_still_reaches_every_secondary(api: Any, gateway: Any) -> None:
    principal = api.principal({"DSN": None, "DPAE": None})
    logins = [
        api.secondary(principal["id"], f"s{n}", {"DSN": None, "DPAE": None}).json["account"]["login"] for n in range(3)
    ]
    dropped = api.call("PUT", f"/accounts/{principal['id']}/teleprocedures", {"teleprocedures": {"DSN": None}})
    assert dropped.status_code == 200 and dropped.json["sync"]["status"] == "applied", dropped.json
    for login in logins:
        user = gateway.find_user(login)
        assert user is not None and "tp-dpae" not in gateway.user_realm_roles(user.id), login


def _new_account_with_secondaries(database: Any, settings: Any, count: int) -> int:
    """A principal and ``count`` secondaries saved in one unit of work (as an import does): one
    whole-account item, its new users created in bulk over parallel connections."""
    from provisioner.accounts import schemas, services
    from provisioner.accounts.models import Account
    from provisioner.accounts.secondaries import create_secondary
    from provisioner.actors import Actor
    from provisioner.context import Context
    from provisioner.portals import load_portal

    portal = load_portal(settings.keycloak_config_dir, settings.keycloak_realm)
    login = f"t{uuid.uuid4().hex[:10]}"
    with database.session() as session:
        ctx = Context(session, portal, Actor.system("test"))
        principal = services.create_principal(
            ctx,
            schemas.PrincipalIn.model_validate(
                {
                    "login": login,
                    "identifier": "07955542100019",
                    "company_name": "SOCIETE EN MASSE",
                    "status": "validated",
                    "responsible": {"last_name": "DUPONT", "first_name": "Pierre", "email": f"{login}@example.org"},
                    "teleprocedures": {"DSN": None},
                }
            ),
        )
        for n in range(count):
            create_secondary(
                ctx,
                session.get_one(Account, principal.id),
                schemas.SecondaryIn.model_validate(
                    {
                        "name": f"e{n}",
                        "identifier": "42872048600011",
                        "company_name": f"ETAB {n}",
                        "status": "validated",
                        "teleprocedures": {"DSN": None},
                    }
                ),
            )
        return principal.id


def test_a_keycloak_outage_mid_way_loses_and_duplicates_nothing(
    database: Any, settings: Any, gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keycloak import KeycloakOpenIDConnection

    from provisioner.accounts.models import Account
    from provisioner.accounts.reconciler import reconcile_accounts
    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.sync.worker import process

    principal_id = _new_account_with_secondaries(database, settings, 45)  # above the parallel threshold
    # Keycloak goes away after 40 calls (the connection is refused), on every connection at once.
    calls, lock = [0], threading.Lock()
    for name in ("raw_get", "raw_post", "raw_put", "raw_delete"):
        original = getattr(KeycloakOpenIDConnection, name)

        def failing(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with lock:
                calls[0] += 1
                down = calls[0] > 40
            if down:
                raise requests.ConnectionError("Keycloak stopped")
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(KeycloakOpenIDConnection, name, failing)
    report = process(database, KeycloakGateway(settings))
    assert report.upstream_down and report.pending >= 1
    monkeypatch.undo()  # Keycloak is back

    report = process(database, KeycloakGateway(settings))
    assert report.pending == 0 and report.failed == 0, report
    with database.read_sessions() as session:
        principal = session.get_one(Account, principal_id)
        people = people_of(session, principal_id)
        usernames = {p.username for p in people}
        assert len(people) == 46 and all(p.keycloak_user_id for p in people)
        members = list(gateway.group_members(principal.keycloak_group_id))
    assert sorted(u.username for u in members) == sorted(usernames)  # each once, none missing
    for person in people:
        (found,) = gateway.rest.get(f"admin/realms/{gateway.realm}/users", username=person.username, exact="true")
        assert found["id"] == person.keycloak_user_id
        assert "tp-dsn" in gateway.user_realm_roles(found["id"])
    again = reconcile_accounts(database, KeycloakGateway(settings), [principal_id])
    assert again.writes == 0 and again.decisions == []


def test_a_whole_account_reconcile_reads_in_pages_and_repairs_all_drift(
    database: Any, settings: Any, gateway: Any
) -> None:
    from provisioner.accounts import reconciler as module
    from provisioner.accounts.models import Account, Person
    from provisioner.keycloak import gateway as gateway_module
    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.sync.worker import process

    principal_id = _new_account_with_secondaries(database, settings, 12)
    assert process(database, KeycloakGateway(settings)).pending == 0
    with database.read_sessions() as session:
        people = session.query(Person).join(Account).filter(Account.parent_id == principal_id).order_by(Person.id).all()
        ids = [p.keycloak_user_id for p in people]
        group_id = session.get_one(Account, principal_id).keycloak_group_id
    gateway.remove_realm_roles(ids[0], {"tp-dsn"})
    gateway.delete_user(ids[1])
    rep = gateway.rest.get(f"admin/realms/{gateway.realm}/users/{ids[2]}")
    rep["attributes"]["portail.company-name"] = ["AILLEURS"]
    gateway.update_user(ids[2], rep)
    gateway.rest.delete(f"admin/realms/{gateway.realm}/users/{ids[3]}/groups/{group_id}")
    group = gateway.get_group(group_id)
    gateway.update_group(group, {**group.attributes, "portail.identifier": ["00000000000000"]})

    checker = KeycloakGateway(settings)
    paths: list[str] = []
    original = checker.rest._call

    def counting(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        paths.append(f"{method} {path}")
        return original(method, path, *args, **kwargs)

    checker.rest._call = counting  # type: ignore[method-assign]
    old = gateway_module.FEW_MEMBERS, gateway_module.MEMBERS_PAGE
    gateway_module.FEW_MEMBERS, gateway_module.MEMBERS_PAGE = 3, 5  # members read in several pages
    try:
        report = module.reconcile_accounts(database, checker, [principal_id])
        again = module.reconcile_accounts(database, KeycloakGateway(settings), [principal_id])
    finally:
        gateway_module.FEW_MEMBERS, gateway_module.MEMBERS_PAGE = old
    said = "\n".join(report.decisions)
    assert f"user {people[0].username}: roles granted ['tp-dsn']" in said
    assert f"user {people[1].username}: missing in Keycloak, recreated" in said
    assert f"user {people[2].username}: updated (attributes)" in said
    assert f"user {people[3].username}: added to group" in said
    assert "attributes updated" in said  # the group's
    assert len(report.decisions) == 5, said
    assert again.writes == 0 and again.decisions == []
    # 11 members left (one deleted, one out of the group), read with their roles 3, then 5 at a time:
    # 3 calls, none per user; only the users that differ are read afresh (user, roles) before writing
    assert sum(1 for p in paths if p.endswith("portail-accounts/read")) == 3, paths
    assert not [p for p in paths if p.endswith("/members")], paths
    role_reads = sum(1 for p in paths if p.startswith("GET") and p.endswith("/role-mappings/realm"))
    assert role_reads <= 4, paths


def test_a_change_spanning_a_large_account_is_left_to_the_worker(
    api: Any, database: Any, settings: Any, gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from provisioner.accounts import outbox
    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.sync.worker import process

    principal = api.principal({"DSN": None, "DPAE": None})
    accounts = [api.secondary(principal["id"], f"g{n}", {"DSN": None, "DPAE": None}).json["account"] for n in range(3)]
    logins = [a["login"] for a in accounts]
    monkeypatch.setattr(outbox, "INLINE_PEOPLE", 3)  # "large" from 4 people on (holder and 3 logins)
    dropped = api.call("PUT", f"/accounts/{principal['id']}/teleprocedures", {"teleprocedures": {"DSN": None}})
    assert dropped.status_code == 200, dropped.json
    assert dropped.json["sync"]["status"] == "pending"
    assert "service de synchronisation" in dropped.json["sync"]["message"]
    first = gateway.find_user(logins[0])
    assert "tp-dpae" in gateway.user_realm_roles(first.id)  # not applied during the request
    # A small change meanwhile rides on the pending whole-account item: the worker's too.
    renamed = api.call("PATCH", f"/accounts/{accounts[0]['id']}", {"company_name": "ETAB G0 BIS"})
    assert renamed.status_code == 200 and renamed.json["sync"]["status"] == "pending", renamed.json
    report = process(database, KeycloakGateway(settings))  # the sync worker's pass
    assert report.failed == 0
    for login in logins:
        user = gateway.find_user(login)
        assert user is not None and "tp-dpae" not in gateway.user_realm_roles(user.id), login


def test_a_group_of_another_account_is_never_adopted(
    api: Any, principal_body: Any, new_login: Any, gateway: Any, database: Any, settings: Any
) -> None:
    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.sync.worker import process

    login = new_login()
    other = gateway.create_group(login, {"portail.account-id": ["987654321"], "portail.account-login": [login]})
    user_id = gateway.create_user({"username": f"x.{login}", "enabled": True}, group_id=other.id)
    created = api.call("POST", "/accounts", principal_body(login, {"DSN": None}))
    assert created.status_code == 201 and created.json["sync"]["status"] == "pending", created.json
    assert [u.id for u in gateway.group_members(other.id)] == [user_id]  # nobody deleted
    assert gateway.get_group(other.id).attributes["portail.account-id"] == ["987654321"]
    # The operator removes the stray group: the account's item then goes through, nothing left over.
    gateway.delete_user(user_id)
    gateway.rest.delete(f"admin/realms/{gateway.realm}/groups/{other.id}")
    assert process(database, KeycloakGateway(settings)).pending == 0
    assert gateway.find_user(login) is not None
