"""The last-administrator, mailbox-quota, one-address and one-handling checks hold under two
requests at once, on SQLite (PostgreSQL: tests/system/test_postgres.py)."""

from __future__ import annotations

from provisioner.db import Database
from provisioner.portals import load_portal
from provisioner.settings import REPO_ROOT, Settings
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


def test_two_requests_cannot_disable_the_last_two_administrators(database: Database) -> None:
    portal = load_portal(REPO_ROOT / "keycloak-config", "portail-demo")
    assert last_administrator_race(database, portal) == ["last_administrator", "ok"]


def test_two_requests_cannot_both_take_the_last_mailbox(database: Database) -> None:
    portal = load_portal(REPO_ROOT / "keycloak-config", "portail-demo")
    assert mailbox_quota_race(database, portal) == ["mailbox_quota_exceeded", "ok"]


def test_two_people_cannot_both_take_one_address_where_it_is_the_login(database: Database) -> None:
    portal = load_portal(REPO_ROOT / "keycloak-config", "caisse-demo")
    assert duplicate_email_race(database, portal) == ["duplicate_email", "ok"]


def test_two_people_cannot_both_take_one_siret_and_names_where_they_are_the_login(database: Database) -> None:
    portal = load_portal(REPO_ROOT / "keycloak-config", "declarants-demo")
    assert duplicate_names_race(database, portal) == ["duplicate_names", "ok"]


def test_two_administrators_cannot_both_handle_one_request(database: Database, settings: Settings) -> None:
    portal = load_portal(REPO_ROOT / "keycloak-config", "portail-demo")
    assert admin_request_race(database, portal, settings) == ["ok", "request_handled"]


def test_two_writers_of_one_portfolio_entry_at_once(database: Database, settings: Settings) -> None:
    from provisioner.catalogue.realm_files import seed
    from provisioner.realms.config import load_realm_configs, variables_from

    with database.session() as session:  # the catalogue (a filing names a teleprocedure of it)
        for config in load_realm_configs(settings.keycloak_config_dir, variables_from(settings), dev_mode=True):
            seed(session, config)
    portal = load_portal(REPO_ROOT / "keycloak-config", "portail-demo")
    adds, reports, count = portfolio_races(database, portal)
    assert adds == ["already_in_portfolio", "ok"]
    assert reports == ["ok", "ok", "False", "True"] and count == 1
    adds, activations, state = mandate_races(database, portal)
    assert adds == ["client_exists", "ok"]
    assert activations == ["mandate_already_active", "ok"] and state == "active"
    assert profile_race(database, portal) == ["ok", "profile_name_taken"]
    assert transfer_race(database, portal) == (["0", "1"], 1)
    assert registration_race(database, portal) == (["code_used", "ok"], 1)
