"""``provisioner sync``: the outbox worker."""

from __future__ import annotations

from typing import Any

import click


def _parts(ctx: click.Context) -> tuple[Any, Any]:
    from provisioner.db import Database
    from provisioner.keycloak.gateway import KeycloakGateway

    settings = ctx.obj["settings"]
    return Database(settings.database_url), KeycloakGateway(settings)


@click.command()
@click.option("--once", is_flag=True, help="Apply what is pending, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
@click.option(
    "--workers", default=1, show_default=True, help="Accounts applied in parallel (PostgreSQL; keep 1 on SQLite)."
)
@click.pass_context
def sync(ctx: click.Context, once: bool, interval: float, workers: int) -> None:
    """Apply the outbox to Keycloak; keeps retrying while Keycloak is down."""
    from provisioner.sync.worker import SyncReport, process, run_worker

    db, gateway = _parts(ctx)

    def say(report: SyncReport) -> None:
        if report.applied or report.upstream_down or once:
            state = "Keycloak unavailable, will retry" if report.upstream_down else "ok"
            click.echo(f"applied {report.applied}, failed {report.failed}, pending {report.pending} ({state})")

    if once:
        report = process(db, gateway, workers=workers)
        say(report)
        ctx.exit(1 if report.pending else 0)
    run_worker(db, gateway, interval=interval, workers=workers, on_report=say)
