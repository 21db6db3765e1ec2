"""Many new accounts at once (issue 13, bulk provisioning): the sync worker creates those Keycloak
has nothing of in one call per 25 accounts (our admin API extension), the objects are exactly those
of the one-by-one path (a reconcile afterwards writes nothing), an account Keycloak has something
of goes the usual way, and an outage or a failure half-way loses and duplicates nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.fixtures.accounts import people_of

pytestmark = pytest.mark.keycloak

CREATE = "portail-accounts/create"


def _save_accounts(database: Any, settings: Any, count: int, *, secondaries: int = 0) -> list[int]:
    """``count`` principal accounts (each with ``secondaries``) saved in one unit of work, as an
    import does; nothing applied yet."""
    from provisioner.accounts import schemas, services
    from provisioner.accounts.secondaries import create_secondary
    from provisioner.actors import Actor
    from provisioner.context import Context
    from provisioner.portals import load_portal

    portal = load_portal(settings.keycloak_config_dir, settings.keycloak_realm)
    run = uuid.uuid4().hex[:8]
    ids = []
    with database.session() as session:
        ctx = Context(session, portal, Actor.system("test"))
        for n in range(count):
            login = f"m{run}x{n}"
            principal = services.create_principal(
                ctx,
                schemas.PrincipalIn.model_validate(
                    {
                        "login": login,
                        "identifier": "07955542100019",
                        "company_name": f"SOCIETE {n}",
                        "status": "validated",
                        "responsible": {"last_name": "DUPONT", "first_name": "Pierre", "email": f"{login}@example.org"},
                        "teleprocedures": {"DSN": None, "DPAE": None},
                    }
                ),
            )
            for s in range(secondaries):
                create_secondary(
                    ctx,
                    principal,
                    schemas.SecondaryIn.model_validate(
                        {
                            "name": f"e{s}",
                            "identifier": "42872048600011",
                            "company_name": f"ETAB {s}",
                            "status": "validated",
                            "teleprocedures": {"DSN": None},
                        }
                    ),
                )
            ids.append(principal.id)
    return ids


def _on_creation_calls(monkeypatch: pytest.MonkeyPatch, answer: Callable[[Callable[[], Any]], Any]) -> None:
    """Keycloak's creation calls (``portail-accounts/create``) answered by ``answer(call)``, where
    ``call()`` makes the real one; the other calls as they are."""
    from keycloak import KeycloakOpenIDConnection

    original = KeycloakOpenIDConnection.raw_post

    def post(self: Any, path: str, *args: Any, **kwargs: Any) -> Any:
        def call() -> Any:
            return original(self, path, *args, **kwargs)

        return answer(call) if path.endswith(CREATE) else call()

    monkeypatch.setattr(KeycloakOpenIDConnection, "raw_post", post)


def _counting(gateway: Any) -> list[str]:
    calls: list[str] = []
    original = gateway.rest._call

    def counting(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(f"{method} {path}")
        return original(method, path, *args, **kwargs)

    gateway.rest._call = counting
    return calls


def _as_wanted(database: Any, settings: Any, gateway: Any, ids: list[int]) -> None:
    """Every account in Keycloak once, each person's user in its group with its roles, and a
    reconcile of them writes nothing: the objects are those the one-by-one path makes."""
    from provisioner.accounts.models import Account
    from provisioner.accounts.reconciler import reconcile_accounts
    from provisioner.keycloak.gateway import KeycloakGateway

    with database.read_sessions() as session:
        for principal_id in ids:
            principal = session.get_one(Account, principal_id)
            people = people_of(session, principal_id)
            assert principal.keycloak_group_id and all(p.keycloak_user_id for p in people)
            members = sorted(u.id for u in gateway.group_members(principal.keycloak_group_id))
            assert members == sorted(p.keycloak_user_id for p in people)
            holder = next(p for p in people if p.account_id == principal_id)
            assert {"account-admin", "tp-dsn", "tp-dpae"} <= gateway.user_realm_roles(holder.keycloak_user_id)
            group = gateway.get_group(principal.keycloak_group_id)
            assert group.attributes["portail.account-id"] == [str(principal_id)]
    again = reconcile_accounts(database, KeycloakGateway(settings), ids)
    assert again.writes == 0 and again.decisions == [], again.decisions


def test_new_accounts_are_created_together_as_the_one_by_one_path_would(
    database: Any, settings: Any, gateway: Any, admin_rest: Any
) -> None:
    from provisioner.accounts.models import Account
    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.sync.worker import process

    ids = _save_accounts(database, settings, 30, secondaries=1)
    worker = KeycloakGateway(settings)
    calls = _counting(worker)
    report = process(database, worker)
    assert report.pending == 0 and report.failed == 0 and report.applied == 30
    creations = [c for c in calls if c.endswith(CREATE)]
    assert len(creations) == 2, calls  # 25 + 5 accounts (the worker's batches), not 4 calls each
    assert not [c for c in calls if c.startswith("POST") and not c.endswith(CREATE)], calls
    _as_wanted(database, settings, gateway, ids)
    # Keycloak's admin events say what was made, as for the four calls per account.
    with database.read_sessions() as session:
        group_id = session.get_one(Account, ids[0]).keycloak_group_id
    events = admin_rest.get(f"admin/realms/{gateway.realm}/admin-events", resourcePath=f"groups/{group_id}")
    assert [(e["operationType"], e["resourceType"]) for e in events] == [("CREATE", "GROUP")]


def test_an_account_keycloak_has_something_of_goes_the_usual_way(database: Any, settings: Any, gateway: Any) -> None:
    from provisioner.accounts.models import Account
    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.sync.models import OutboxItem
    from provisioner.sync.worker import process

    ids = _save_accounts(database, settings, 4)
    with database.read_sessions() as session:
        logins = [session.get_one(Account, i).login for i in ids]
    foreign = gateway.create_group(logins[1], {"portail.account-id": ["987654321"]})  # another's group
    report = process(database, KeycloakGateway(settings))
    assert report.applied == 3 and report.pending == 1, report
    assert gateway.get_group(foreign.id).attributes["portail.account-id"] == ["987654321"]  # untouched
    assert list(gateway.group_members(foreign.id)) == []
    with database.read_sessions() as session:
        stuck = session.query(OutboxItem).filter(OutboxItem.payload["account_id"].as_integer() == ids[1]).one()
        assert "exists in Keycloak and is not ours" in (stuck.last_error or "")
    _as_wanted(database, settings, gateway, [ids[0], ids[2], ids[3]])
    gateway.rest.delete(f"admin/realms/{gateway.realm}/groups/{foreign.id}")  # the operator removes it
    assert process(database, KeycloakGateway(settings)).pending == 0
    _as_wanted(database, settings, gateway, ids)


def test_an_outage_during_a_creation_call_loses_and_duplicates_nothing(
    database: Any, settings: Any, gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.sync.worker import process

    ids = _save_accounts(database, settings, 6)

    def answer_lost(call: Callable[[], Any]) -> Any:
        call()  # Keycloak does the work
        raise requests.ConnectionError("Keycloak stopped before answering")

    _on_creation_calls(monkeypatch, answer_lost)
    report = process(database, KeycloakGateway(settings))
    assert report.upstream_down and report.pending == 6 and report.applied == 0
    monkeypatch.undo()  # Keycloak is back: what it made is found and adopted, nothing twice
    report = process(database, KeycloakGateway(settings))
    assert report.pending == 0 and report.failed == 0, report
    _as_wanted(database, settings, gateway, ids)


def test_a_batch_that_fails_half_way_is_finished_one_by_one(
    database: Any, settings: Any, gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from provisioner.keycloak import gateway as gateway_module
    from provisioner.sync.worker import process

    ids = _save_accounts(database, settings, 5, secondaries=2)
    original = gateway_module.KeycloakGateway.create_accounts

    def half(self: Any, accounts: list[Any]) -> Any:
        original(self, accounts[:2])
        raise RuntimeError("the call broke after two accounts")

    monkeypatch.setattr(gateway_module.KeycloakGateway, "create_accounts", half)
    report = process(database, gateway_module.KeycloakGateway(settings))
    assert report.pending == 0 and report.failed == 0 and report.applied == 5, report
    _as_wanted(database, settings, gateway, ids)


def test_the_extension_asks_keycloaks_own_admin_permissions(settings: Any, gateway: Any, admin_rest: Any) -> None:
    url = f"{settings.keycloak_url}/admin/realms/{gateway.realm}/{CREATE}"
    read_url = f"{settings.keycloak_url}/admin/realms/{gateway.realm}/portail-accounts/read"
    body = {"accounts": [{"group": {"name": f"x{uuid.uuid4().hex[:8]}"}, "users": []}]}
    assert requests.post(url, json=body, timeout=10).status_code == 401
    assert requests.post(read_url, json={"groups": []}, timeout=10).status_code == 401
    # A client of the realm whose service account may only view users.
    client_id, secret = f"viewer-{uuid.uuid4().hex[:6]}", "viewer-secret"
    base = f"admin/realms/{gateway.realm}"
    admin_rest.post(
        f"{base}/clients",
        {"clientId": client_id, "secret": secret, "publicClient": False, "serviceAccountsEnabled": True},
    )
    (client,) = admin_rest.get(f"{base}/clients", clientId=client_id)
    account = admin_rest.get(f"{base}/clients/{client['id']}/service-account-user")
    (management,) = admin_rest.get(f"{base}/clients", clientId="realm-management")
    view = admin_rest.get(f"{base}/clients/{management['id']}/roles/view-users")
    admin_rest.post(f"{base}/users/{account['id']}/role-mappings/clients/{management['id']}", [view])
    token = requests.post(
        f"{settings.realm_issuer}/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        timeout=10,
    ).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    refused = requests.post(url, json=body, headers=bearer, timeout=10)
    assert refused.status_code == 403  # creating needs manage-users and manage-groups
    read = requests.post(read_url, json={"groups": ["no-such-group"]}, headers=bearer, timeout=10)
    assert read.status_code == 200 and read.json() == {"groups": [{"id": "no-such-group", "missing": True}]}
    too_many = requests.post(read_url, json={"groups": [], "max": 10**6}, headers=bearer, timeout=10)
    assert too_many.status_code == 400
    assert gateway.find_group(body["accounts"][0]["group"]["name"]) is None
    admin_rest.delete(f"{base}/clients/{client['id']}")


def test_an_import_is_saved_in_chunks_and_applied_meanwhile(database: Any, settings: Any, gateway: Any) -> None:
    from provisioner.accounts import services
    from provisioner.actors import Actor
    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.portals import load_portal
    from provisioner.sync.worker import applying_meanwhile

    portal = load_portal(settings.keycloak_config_dir, settings.keycloak_realm)
    run = uuid.uuid4().hex[:8]
    rows = [
        {
            "login": f"i{run}x{n}",
            "identifier": "07955542100019",
            "company_name": f"IMPORT {n}",
            "status": "validated",
            "responsible": {"last_name": "DUPONT", "first_name": "Pierre", "email": f"i{run}x{n}@example.org"},
            "teleprocedures": {"DSN": None, "DPAE": None},
        }
        for n in range(60)
    ]
    rows[40]["login"] = rows[3]["login"]  # taken by a row of an earlier chunk
    with applying_meanwhile(database, KeycloakGateway(settings)) as report:
        results = services.import_principals(database, portal, Actor.system("test"), rows, chunk=25)
    assert [r["index"] for r in results] == list(range(60))
    assert results[40]["status"] == "error" and results[40]["error"]["code"] == "duplicate_login"
    created = [r["id"] for r in results if r["status"] == "created"]
    assert len(created) == 59 and report.pending == 0 and report.failed == 0 and report.applied >= 59
    _as_wanted(database, settings, gateway, created)


def test_a_creation_call_keycloak_answers_with_an_error_falls_back_to_one_by_one(
    database: Any, settings: Any, gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.sync.worker import process

    ids = _save_accounts(database, settings, 4)

    def broken(call: Callable[[], Any]) -> Any:
        answer = requests.Response()
        answer.status_code, answer._content = 500, b'{"error": "unknown_error"}'
        return answer

    _on_creation_calls(monkeypatch, broken)
    report = process(database, KeycloakGateway(settings))
    assert not report.upstream_down and report.pending == 0 and report.applied == 4, report
    _as_wanted(database, settings, gateway, ids)


def test_an_item_nobody_handles_fails_alone(database: Any, settings: Any, gateway: Any) -> None:
    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.sync.models import OutboxItem
    from provisioner.sync.outbox import record
    from provisioner.sync.worker import process

    ids = _save_accounts(database, settings, 2)
    with database.session() as session:
        stray = record(session, gateway.realm, "no_such_action", {"n": 1}).id
    report = process(database, KeycloakGateway(settings))
    assert report.applied == 2 and report.pending == 1, report
    with database.read_sessions() as session:
        assert "no outbox handler" in (session.get_one(OutboxItem, stray).last_error or "")
    with database.session() as session:
        session.query(OutboxItem).filter(OutboxItem.id == stray).delete()
    _as_wanted(database, settings, gateway, ids)


def test_the_creation_call_refuses_what_the_admin_api_would_not_take(gateway: Any) -> None:
    from provisioner.keycloak.gateway import KeycloakApiError

    def create(user: dict[str, Any]) -> Any:
        account = {
            "group": {"name": f"x{uuid.uuid4().hex[:8]}"},
            "users": [{"username": f"x{uuid.uuid4().hex[:8]}", **user}],
        }
        return gateway.rest.post(f"admin/realms/{gateway.realm}/{CREATE}", {"accounts": [account]})

    for user, said in (
        ({"attributes": {"email": ["other@example.org"]}}, "attribute email"),
        ({"requiredActions": ["NO_SUCH_ACTION"]}, "required action"),
        ({"realmRoles": ["no-such-role"]}, "realm role"),
    ):
        with pytest.raises(KeycloakApiError) as refused:
            create(user)
        assert refused.value.status == 400 and said in str(refused.value), refused.value
    made = create({"requiredActions": ["UPDATE_PASSWORD"], "realmRoles": ["tp-dsn"]})["accounts"][0]
    assert made["status"] == "created"


def test_another_portals_service_account_gets_nothing_from_the_extension(gateway: Any) -> None:
    from provisioner.keycloak.gateway import KeycloakApiError

    other = gateway.for_realm("caisse-demo")  # its own realm's token, Keycloak's rights there only
    for suffix, body in (("read", {"groups": ["x"]}), ("create", {"accounts": [{"group": {"name": "x"}}]})):
        with pytest.raises(KeycloakApiError) as refused:
            other.rest.post(f"admin/realms/{gateway.realm}/portail-accounts/{suffix}", body)
        assert refused.value.status in (401, 403), refused.value


def test_no_write_lock_is_held_while_keycloak_creates_the_accounts(
    database: Any, settings: Any, gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The creation call runs outside any unit of work: on SQLite another writer (an import, a
    request) takes the write lock meanwhile instead of waiting for Keycloak."""
    import sqlite3

    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.sync.worker import process

    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the write lock is SQLite's")
    ids = _save_accounts(database, settings, 3)
    seen: list[str] = []

    def meanwhile(call: Callable[[], Any]) -> Any:
        other = sqlite3.connect(database.engine.url.database, timeout=0.5, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen.append("wrote")
        except sqlite3.OperationalError as exc:
            seen.append(str(exc))
        finally:
            other.close()
        return call()

    _on_creation_calls(monkeypatch, meanwhile)
    report = process(database, KeycloakGateway(settings))
    assert seen and set(seen) == {"wrote"}, seen
    assert report.pending == 0 and report.failed == 0, report
    _as_wanted(database, settings, gateway, ids)
