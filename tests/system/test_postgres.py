"""The same migrations and account services on PostgreSQL (production database).

A throwaway PostgreSQL cluster from Debian's packages is started for this module; `make test`
installs the package. Without it (or without a way to run the server as the postgres user)
the module is skipped with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from provisioner.accounts import schemas, secondaries, services
from provisioner.accounts.outbox import enqueue_account as enqueue
from provisioner.actors import Actor
from provisioner.catalogue.realm_files import seed
from provisioner.context import Context
from provisioner.db import Database
from provisioner.devtools.postgres_runtime import PostgresUnavailable, postgres_cluster
from provisioner.errors import RuleViolation
from provisioner.migrate import upgrade
from provisioner.portals import load_portal
from provisioner.realms.config import load_realm_configs, variables_from
from provisioner.settings import REPO_ROOT, Settings
from provisioner.sync.outbox import backlog
from tests.fixtures.bulk import saved_in_statements
from tests.fixtures.races import (
    admin_request_race,
    duplicate_email_race,
    duplicate_names_race,
    last_administrator_race,
    mailbox_quota_race,
    mandate_races,
    portfolio_races,
    profile_race,
    registration_race,
    transfer_race,
)
from tests.fixtures.rights import check_what_moves_the_generation

PORT = int(os.environ.get("PORTAIL_TEST_PG_PORT", "5439"))


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    try:
        with postgres_cluster(PORT) as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def pg(pg_url: str, settings: Settings) -> Database:
    upgrade(pg_url)
    database = Database(pg_url)
    configs = load_realm_configs(settings.keycloak_config_dir, variables_from(settings), dev_mode=True)
    with database.session() as session:  # the catalogues, as `provisioner keycloak apply` seeds them
        assert all([seed(session, config) for config in configs])
    return database


def _principal(login: str, teleprocedures: dict[str, Any], **extra: Any) -> schemas.PrincipalIn:
    return schemas.PrincipalIn.model_validate(
        {
            "login": login,
            "identifier": "07955542100019",
            "company_name": "SOCIETE PG",
            "status": "open",
            "responsible": {
                "last_name": "DUPONT",
                "first_name": "Pierre",
                "email": f"{login}@example.org",
            },
            "teleprocedures": teleprocedures,
            **extra,
        }
    )


def test_migrations_and_rules_on_postgresql(pg: Database) -> None:
    portal = load_portal(REPO_ROOT / "keycloak-config", "portail-demo")
    with pg.session() as session:
        ctx = Context(session, portal, Actor.system("pg-test"))
        principal = services.create_principal(
            ctx, _principal("pgprincipal", {"DSN": None, "DPAE": None}, secondary_quota=1)
        )
        secondary = secondaries.create_secondary(
            ctx,
            principal,
            schemas.SecondaryIn.model_validate(
                {
                    "name": "etab",
                    "identifier": "42872048600011",
                    "company_name": "E",
                    "teleprocedures": {"DSN": None},
                    "has_mailbox": True,
                }
            ),
        )
        with pytest.raises(RuleViolation):
            secondaries.create_secondary(
                ctx,
                principal,
                schemas.SecondaryIn.model_validate(
                    {
                        "name": "etab2",
                        "identifier": "42872048600011",
                        "company_name": "E",
                        "has_mailbox": True,
                    }
                ),
            )
        services.set_teleprocedures(ctx, principal, {"DPAE": None})
        assert secondary.selection == {}
        # One reconcile item for the principal however many changes, and the first-access e-mails of
        # the holder and the secondary login.
        assert backlog(session) == 3
        assert enqueue(session, portal.realm, principal.id).id == enqueue(session, portal.realm, principal.id).id
        page = services.list_accounts(ctx, q="PGPRINC", kind="principal")
        assert [a.login for a in page.items] == ["pgprincipal"]


def test_bulk_savepoints_on_postgresql(pg: Database) -> None:
    portal = load_portal(REPO_ROOT / "keycloak-config", "portail-demo")
    with pg.session() as session:
        ctx = Context(session, portal, Actor.system("pg-test"))
        for login in ("pgbulk1", "pgbulk1", "pgbulk2"):
            savepoint = session.begin_nested()
            try:
                services.create_principal(ctx, _principal(login, {}))
                savepoint.commit()
            except Exception:
                savepoint.rollback()
        logins = {a.login for a in services.list_accounts(ctx, q="pgbulk").items}
    assert logins == {"pgbulk1", "pgbulk2"}


def test_new_accounts_saved_together_in_a_few_statements_per_table(pg: Database, settings: Settings) -> None:
    """An import's chunk: its accounts, holders, audit rows and outbox items saved in as many
    INSERT statements for 40 accounts as for 5 (PostgreSQL returns the ids of many rows at once;
    SQLite one by one, see docs/architecture.md)."""
    few, many = saved_in_statements(pg, settings, 5), saved_in_statements(pg, settings, 40)
    assert few == many, (few, many)
    assert set(many.values()) == {1}, many


def test_the_last_administrator_and_quota_checks_hold_under_concurrency(pg: Database) -> None:
    portal = load_portal(REPO_ROOT / "keycloak-config", "portail-demo")
    assert last_administrator_race(pg, portal) == ["last_administrator", "ok"]
    assert mailbox_quota_race(pg, portal) == ["mailbox_quota_exceeded", "ok"]
    caisse = load_portal(REPO_ROOT / "keycloak-config", "caisse-demo")
    assert duplicate_email_race(pg, caisse) == ["duplicate_email", "ok"]
    declarants = load_portal(REPO_ROOT / "keycloak-config", "declarants-demo")
    assert duplicate_names_race(pg, declarants) == ["duplicate_names", "ok"]
    assert admin_request_race(pg, portal, Settings(dev_mode=True)) == ["ok", "request_handled"]
    adds, reports, count = portfolio_races(pg, portal)
    assert adds == ["already_in_portfolio", "ok"]
    assert reports == ["ok", "ok", "False", "True"] and count == 1
    adds, activations, state = mandate_races(pg, portal)
    assert adds == ["client_exists", "ok"]
    assert activations == ["mandate_already_active", "ok"] and state == "active"
    assert profile_race(pg, portal) == ["ok", "profile_name_taken"]
    assert transfer_race(pg, portal) == (["0", "1"], 1)
    assert registration_race(pg, portal) == (["code_used", "ok"], 1)


def test_the_account_search_uses_the_trigram_indexes(pg: Database) -> None:
    """The account search (part of a login, a name or an identifier) reads the trigram indexes,
    not every account of the portal (issue 13: the search at 10,000 accounts)."""
    from sqlalchemy import event

    from provisioner.accounts.models import Account

    portal = load_portal(REPO_ROOT / "keycloak-config", "portail-demo")
    searches: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "ILIKE" in statement.upper():
            searches.append((statement, parameters))

    with pg.session() as session:
        ctx = Context(session, portal, Actor.system("test"))
        model = services.create_principal(ctx, _principal("pgsearch", {"DSN": None}))
        session.commit()
        event.listen(pg.engine, "before_cursor_execute", capture)
        try:
            services.list_accounts(ctx, q="x99")
        finally:
            event.remove(pg.engine, "before_cursor_execute", capture)
    assert searches  # the count and the page
    columns = [c.name for c in Account.__table__.columns if c.name != "id"]
    copied = {"login": "'bulk' || n", "company_name": "'SOCIETE ' || n"}
    with pg.engine.connect() as connection:  # 5,000 more accounts, rolled back at the end
        connection.exec_driver_sql(
            f"INSERT INTO account ({', '.join(columns)}) SELECT {', '.join(copied.get(c, c) for c in columns)} "
            f"FROM account, generate_series(1, 5000) AS n WHERE account.id = {model.id}"
        )
        for column in ("login", "company_name", "identifier"):  # as autovacuum would have done
            connection.exec_driver_sql(f"SELECT gin_clean_pending_list('ix_account_{column}_trgm')")
        connection.exec_driver_sql("ANALYZE account")
        for statement, parameters in searches:
            plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
            for column in ("login", "company_name", "identifier"):
                assert f"ix_account_{column}_trgm" in plan, plan
        connection.rollback()


def test_the_rights_generation_moves_with_committed_writes_on_postgresql(pg: Database) -> None:
    check_what_moves_the_generation(pg)
