"""``make run``: Keycloak, SMTP sink, migrations, realm config, demo data, then the web app."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import click
from werkzeug.serving import make_server

from provisioner.settings import REPO_ROOT, Settings

if TYPE_CHECKING:
    from provisioner.demo.services import DemoLogin


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both end the run through the same clean shutdown path."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def _banner(settings: Settings, logins: list[DemoLogin]) -> str:
    """What ``make run`` prints once everything is up: the shared parts, then each portal with its
    addresses and demo logins."""
    lines = [
        "",
        "Portail Comptes is running:",
        f"  Keycloak            {settings.keycloak_url}  (admin console: admin / "
        f"{settings.keycloak_admin_password.get_secret_value()})",
        f"  Provisioner         {settings.public_url}/healthz",
        f"  Dev outbox          {settings.public_url}/dev/outbox  (mail to SMTP localhost:{settings.smtp_port}, SMS)",
        f"  Portals             {settings.public_url}/dev/portails  (each at its own address; *.localhost is this machine)",
    ]
    for realm in settings.portal_realms:
        url = settings.portal_url(realm)
        lines += [
            f"Portal {realm}:",
            f"  Administration      {url}/  (account administrators and operators)",
            f"  Demo relying app    {url}/demo-app/",
            f"  OIDC discovery      {settings.keycloak_url}/realms/{realm}/.well-known/openid-configuration",
            "  Demo logins:",
            *[
                f"    {login.username:<42} {login.password:<10} {login.who}"
                for login in logins
                if login.portal == realm
            ],
        ]
    return "\n".join([*lines, "Ctrl-C stops everything."])


def run_dev(settings: Settings, *, port: int, start_keycloak: bool) -> int:
    from provisioner.app import create_app
    from provisioner.catalogue.realm_files import apply_realm_config
    from provisioner.db import Database
    from provisioner.demo.services import load_demo_data
    from provisioner.devoutbox.services import start_smtp_sink
    from provisioner.devtools.keycloak_runtime import KeycloakServer, pinned_version, sms_gateway_env
    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.migrate import upgrade
    from provisioner.sync.worker import run_worker

    if not settings.dev_mode:
        raise click.ClickException("`provisioner dev` needs PORTAIL_DEV_MODE=true")
    kc_port = urlparse(settings.keycloak_url).port or 80
    server = KeycloakServer(
        port=kc_port,
        management_port=9000,
        admin_username=settings.keycloak_admin_username,
        admin_password=settings.keycloak_admin_password.get_secret_value(),
        log_file=Path(REPO_ROOT / ".local" / "keycloak-dev.log"),
        extra_env=sms_gateway_env(settings.public_url, settings.sms_gateway_secret.get_secret_value()),
    )
    smtp = None
    http = None
    stop_worker = threading.Event()
    _stop_on_signals()
    try:
        if server.is_ready():
            click.echo(f"Keycloak already running at {server.url}: reusing it")
        elif start_keycloak:
            started = time.monotonic()
            click.echo(f"Starting Keycloak {pinned_version()} (log: {server.log_file}) ...")
            server.start()
            click.echo(f"Keycloak ready in {time.monotonic() - started:.0f}s")
        upgrade(settings.database_url)
        smtp = start_smtp_sink(Database(settings.database_url), settings.smtp_host, settings.smtp_port)
        changes = apply_realm_config(settings)
        click.echo(f"Realm configuration: {len(changes)} change(s)" if changes else "Realm configuration: no changes")
        logins = load_demo_data(settings)
        app = create_app(settings)
        # The sync worker, as `provisioner sync` runs it in production: what Keycloak could not take
        # at once (it was restarting, say) is applied as soon as it is back.
        worker = threading.Thread(
            target=run_worker,
            args=(Database(settings.database_url), KeycloakGateway(settings)),
            kwargs={"stop": stop_worker},
            daemon=True,
        )
        worker.start()
        http = make_server("0.0.0.0", port, app, threaded=True)
        click.echo(_banner(settings, logins))
        http.serve_forever()
    except KeyboardInterrupt:
        click.echo("\nStopping ...")
    finally:
        stop_worker.set()
        if http is not None:
            http.server_close()
        if smtp is not None:
            smtp.stop()
        server.stop()
    return 0
