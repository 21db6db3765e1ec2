"""``provisioner sync`` (the outbox worker) and ``provisioner reconcile`` (drift repair)."""

from __future__ import annotations

import sys
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
    from provisioner.sync.services import SyncReport, process, run_worker

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


@click.command()
@click.option("--account", "account_ids", type=int, multiple=True, help="Only these principal accounts.")
@click.pass_context
def reconcile(ctx: click.Context, account_ids: tuple[int, ...]) -> None:
    """Compare Keycloak with the database and repair drift on the objects we own: the
    teleprocedure catalogue's roles, scopes and gates, then every principal account."""
    from provisioner.sync.reconciler import Reconciler, principal_ids
    from provisioner.sync.services import apply_catalogue

    settings = ctx.obj["settings"]
    db, gateway = _parts(ctx)
    reconciler = Reconciler(gateway)
    decisions: list[str] = []
    with db.session() as session:
        ids = list(account_ids) or principal_ids(session, settings.keycloak_realm)
        if not account_ids:
            decisions.extend(apply_catalogue(session, gateway))
    with click.progressbar(ids, label="Reconciling", file=sys.stderr) as bar:
        for account_id in bar:
            with db.session() as session:
                decisions.extend(reconciler.reconcile_account(session, account_id))
    for decision in decisions:
        click.echo(decision)
    click.echo(
        f"{len(ids)} account(s) checked, {len(decisions)} change(s)"
        if decisions
        else f"{len(ids)} account(s) checked, no changes"
    )
