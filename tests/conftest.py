"""Shared test fixtures: one real Keycloak, one SMTP sink and one provisioner per test session.

Keycloak is the pinned server distribution started from ``.local/`` (``make keycloak`` installs
it) on ports 8180/9180 with an in-memory database. Set ``PORTAIL_TEST_KEYCLOAK_URL`` (and
``PORTAIL_TEST_KEYCLOAK_ADMIN_PASSWORD``) to reuse a server that is already running instead; the
tests then apply the realm configuration to it with their own URLs.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server

from provisioner.db import Database
from provisioner.settings import REPO_ROOT, Settings

ARTIFACTS = REPO_ROOT / "test-artifacts"
KC_PORT, KC_MANAGEMENT_PORT = 8180, 9180
# Overridable so that two test sessions can run side by side on one machine.
SMTP_PORT = int(os.environ.get("PORTAIL_TEST_SMTP_PORT", "2626"))
APP_PORT = int(os.environ.get("PORTAIL_TEST_APP_PORT", "5100"))


def _announce(request: pytest.FixtureRequest, text: str) -> None:
    """A line in the test log even though output is captured while fixtures run."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    if capture is None:
        reporter.write_line(text)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(text)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    db_file = tmp_path_factory.mktemp("db") / "provisioner.sqlite"
    return Settings(
        dev_mode=True,
        database_url=f"sqlite:///{db_file}",
        keycloak_url=os.environ.get("PORTAIL_TEST_KEYCLOAK_URL", f"http://localhost:{KC_PORT}"),
        keycloak_admin_password=os.environ.get("PORTAIL_TEST_KEYCLOAK_ADMIN_PASSWORD", "admin"),  # type: ignore[arg-type]
        public_url=f"http://localhost:{APP_PORT}",
        smtp_port=SMTP_PORT,
        log_format="console",
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
def database(settings: Settings) -> Database:
    from provisioner.migrate import upgrade

    upgrade(settings.database_url)
    return Database(settings.database_url)


@pytest.fixture(scope="session")
def keycloak_server(request: pytest.FixtureRequest, settings: Settings) -> Iterator[str]:
    """The real Keycloak for this session: started once, or reused when told to."""
    from provisioner.devtools.keycloak_runtime import KeycloakServer, pinned_version, sms_gateway_env

    if os.environ.get("PORTAIL_TEST_KEYCLOAK_URL"):
        _announce(request, f"\nReusing the Keycloak at {settings.keycloak_url}")
        yield settings.keycloak_url
        return
    ARTIFACTS.mkdir(exist_ok=True)
    log_file = ARTIFACTS / "keycloak.log"
    log_file.unlink(missing_ok=True)
    server = KeycloakServer(
        port=KC_PORT,
        management_port=KC_MANAGEMENT_PORT,
        database="dev-mem",
        log_file=log_file,
        extra_env=sms_gateway_env(settings.public_url, settings.sms_gateway_secret.get_secret_value()),
    )
    started = time.monotonic()
    server.start()
    _announce(
        request,
        f"\nReal Keycloak {pinned_version()} (server distribution, {server.database}) ready at "
        f"{server.url} in {time.monotonic() - started:.0f}s; log: {log_file}",
    )
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def smtp_sink(settings: Settings, database: Database) -> Iterator[Any]:
    from provisioner.devoutbox.services import start_smtp_sink

    controller = start_smtp_sink(database, settings.smtp_host, settings.smtp_port)
    yield controller
    controller.stop()


@pytest.fixture(scope="session")
def realm(settings: Settings, keycloak_server: str, smtp_sink: Any, database: Database) -> str:
    """The portal realm, configured from keycloak-config/ for this session's URLs (and the
    teleprocedure catalogue seeded in the database, as `provisioner keycloak apply` does)."""
    from provisioner.catalogue.realm_files import apply_realm_config

    apply_realm_config(settings)
    return settings.keycloak_realm


@pytest.fixture(scope="session")
def gateway(settings: Settings, realm: str) -> Any:
    from provisioner.keycloak.gateway import KeycloakGateway

    return KeycloakGateway(settings)


@pytest.fixture(scope="session")
def admin_rest(settings: Settings, keycloak_server: str) -> Any:
    from provisioner.keycloak.gateway import config_admin

    return config_admin(settings)


@pytest.fixture(scope="session")
def app(settings: Settings, database: Database) -> Any:
    from provisioner.app import create_app

    application = create_app(settings)
    application.config["TESTING"] = True
    return application


@pytest.fixture()
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(app: Any, realm: str) -> Iterator[str]:
    server = make_server("127.0.0.1", APP_PORT, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{APP_PORT}"
    server.shutdown()


@pytest.fixture(scope="session")
def demo_data(settings: Settings, database: Database, realm: str) -> list[Any]:
    from provisioner.demo.services import load_demo_data

    return load_demo_data(settings)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Debian chromium is not installed: run `make chromium` (make test does)")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture()
def wait_for() -> Callable[..., Any]:
    def _wait_for(check: Callable[[], Any], timeout: float = 15, interval: float = 0.25) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {timeout}s")
            time.sleep(interval)

    return _wait_for


def token_for(settings: Settings, client_id: str, secret: str) -> str:
    response = requests.post(
        f"{settings.realm_issuer}/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


# -- API clients and tokens ----------------------------------------------------------------------------
API_TEST_CLIENT = "portail-api-tests"
API_TEST_SECRET = "api-tests-secret"
OPERATOR_CLIENT = "portail-api-operator"
TEST_PASSWORD = "Test2026"


@pytest.fixture(scope="session")
def api_clients(admin_rest: Any, realm: str) -> None:
    """Test-only clients: one for password-grant tokens, one operator service account."""
    base = f"admin/realms/{realm}"
    for client_id, extra in (
        (API_TEST_CLIENT, {"directAccessGrantsEnabled": True, "serviceAccountsEnabled": False}),
        (OPERATOR_CLIENT, {"directAccessGrantsEnabled": False, "serviceAccountsEnabled": True}),
    ):
        if not admin_rest.get(f"{base}/clients", clientId=client_id):
            admin_rest.post(
                f"{base}/clients",
                {
                    "clientId": client_id,
                    "secret": API_TEST_SECRET,
                    "publicClient": False,
                    "standardFlowEnabled": False,
                    **extra,
                },
            )
    (operator,) = admin_rest.get(f"{base}/clients", clientId=OPERATOR_CLIENT)
    user = admin_rest.get(f"{base}/clients/{operator['id']}/service-account-user")
    role = admin_rest.get(f"{base}/roles/portal-operator")
    admin_rest.post(f"{base}/users/{user['id']}/role-mappings/realm", [role])


@pytest.fixture(scope="session")
def operator_headers(settings: Settings, api_clients: None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(settings, OPERATOR_CLIENT, API_TEST_SECRET)}"}


def password_token(settings: Settings, username: str, password: str = TEST_PASSWORD) -> requests.Response:
    return requests.post(
        f"{settings.realm_issuer}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": API_TEST_CLIENT,
            "client_secret": API_TEST_SECRET,
            "username": username,
            "password": password,
            "scope": "openid",
        },
        timeout=10,
    )


@pytest.fixture(scope="session")
def login_as(settings: Settings, gateway: Any, api_clients: None) -> Callable[[str], dict[str, str]]:
    """Bearer headers for a synced user: sets a known password in Keycloak, then signs in."""

    def _login_as(username: str) -> dict[str, str]:
        user = gateway.find_user(username)
        assert user is not None, f"{username} is not in Keycloak"
        gateway.set_password(user.id, TEST_PASSWORD)
        response = password_token(settings, username)
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return _login_as


@pytest.fixture()
def api(client: Any, operator_headers: dict[str, str]) -> Any:
    """The JSON API as an operator (``headers=`` to act as someone else)."""
    from tests.test_accounts_api import SIRET_2, _login, principal_body

    class Api:
        def __init__(self) -> None:
            self.headers = operator_headers

        def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
            return client.open(f"/api/v1{path}", method=method, json=body, headers=headers or self.headers)

        def principal(self, teleprocedures: dict[str, Any], **extra: Any) -> dict[str, Any]:
            response = self.call("POST", "/accounts", principal_body(_login(), teleprocedures, **extra))
            assert response.status_code == 201, response.json
            assert response.json["sync"]["status"] == "applied"
            return response.json["account"]  # type: ignore[no-any-return]

        def secondary(self, principal_id: int, name: str, teleprocedures: dict[str, Any], **extra: Any) -> Any:
            body = {
                "name": name,
                "identifier": SIRET_2,
                "company_name": f"ETAB {name.upper()}",
                "teleprocedures": teleprocedures,
                **extra,
            }
            return self.call("POST", f"/accounts/{principal_id}/secondaries", body)

    return Api()
