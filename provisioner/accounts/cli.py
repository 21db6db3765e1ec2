"""``provisioner accounts …`` (list, show, create, import, export) and ``provisioner reconcile``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from provisioner.accounts import io as account_io
from provisioner.accounts import schemas, services
from provisioner.actors import Actor
from provisioner.context import Context
from provisioner.errors import DomainError


def _context(ctx: click.Context) -> tuple[Any, Any, Any]:
    from provisioner.db import Database
    from provisioner.keycloak.gateway import KeycloakGateway
    from provisioner.portals import load_portal

    settings = ctx.obj["settings"]
    return (
        Database(settings.database_url),
        load_portal(settings.keycloak_config_dir, settings.keycloak_realm),
        KeycloakGateway(settings),
    )


def _sync(db: Any, gateway: Any) -> None:
    from provisioner.sync.worker import process

    report = process(db, gateway)
    if report.upstream_down or report.pending:
        click.echo(f"Keycloak unavailable: {report.pending} change(s) kept in the outbox (run `provisioner sync`).")
    else:
        click.echo(f"Keycloak in sync ({report.applied} account(s) applied).")


@click.group()
def accounts() -> None:
    """Principal and secondary accounts."""


@accounts.command("list")
@click.option("--q", help="Text in login, company name or identifier.")
@click.option("--status", type=click.Choice(["requested", "validated", "invited", "open", "closed"]))
@click.option("--kind", type=click.Choice(["principal", "secondary"]))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def list_(ctx: click.Context, q: str | None, status: str | None, kind: str | None, fmt: str) -> None:
    db, portal, _ = _context(ctx)
    with db.session() as session:
        page = services.list_accounts(
            Context(session, portal, Actor.system("cli")),
            q=q,
            status=status,
            kind=kind,
            per_page=500,
        )
        rows = [account_io.account_record(a) | {"id": a.id, "kind": a.kind} for a in page.items]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'ID':>5}  {'LOGIN':<24} {'KIND':<10} {'STATUS':<10} {'SIRET':<15} COMPANY")
    for r in rows:
        click.echo(
            f"{r['id']:>5}  {r['login']:<24} {r['kind']:<10} {r['status']:<10} {r['identifier']:<15} {r['company_name']}"
        )
    click.echo(f"{page.total} account(s)")


@accounts.command("show")
@click.argument("account_id", type=int)
@click.pass_context
def show(ctx: click.Context, account_id: int) -> None:
    from provisioner.accounts.schemas import account_out

    db, portal, _ = _context(ctx)
    with db.session() as session:
        try:
            account = services.get_account(Context(session, portal, Actor.system("cli")), account_id)
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
        click.echo(json.dumps(account_out(account, detail=True), ensure_ascii=False, indent=2))


@accounts.command("create")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.pass_context
def create(ctx: click.Context, file: Any) -> None:
    """Create a principal account from a JSON object (same shape as POST /api/v1/accounts)."""
    db, portal, gateway = _context(ctx)
    try:
        with db.session() as session:
            data = schemas.parse(schemas.PrincipalIn, json.load(file))
            account = services.create_principal(Context(session, portal, Actor.system("cli")), data)
            click.echo(f"created {account.login} (id {account.id})")
    except DomainError as exc:
        raise click.ClickException(
            f"{exc.code}: {exc.message} {json.dumps(exc.details, ensure_ascii=False) if exc.details else ''}"
        ) from exc
    _sync(db, gateway)


@accounts.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), help="Default: from the file extension.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the per-row report (JSON).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 16),
    help="Keycloak connections applying the import (more than 1 on PostgreSQL only).",
)
@click.pass_context
def import_(ctx: click.Context, path: Path, fmt: str | None, report_path: Path | None, workers: int) -> None:
    """Create principal accounts from CSV or JSON; each row succeeds or fails on its own. Saved
    every 200 rows, and applied to Keycloak meanwhile."""
    from provisioner.sync.worker import applying_meanwhile

    fmt = fmt or ("json" if path.suffix.lower() == ".json" else "csv")
    db, portal, gateway = _context(ctx)
    if workers > 1 and db.engine.dialect.name == "sqlite":
        raise click.UsageError("--workers above 1 needs PostgreSQL: SQLite has one writer at a time.")
    records = account_io.read_records(path.read_text(encoding="utf-8-sig"), fmt)
    with (
        applying_meanwhile(db, gateway, workers=workers) as sync,
        click.progressbar(records, label="Importing", file=sys.stderr) as rows,
    ):
        report = services.import_principals(db, portal, Actor.system("cli-import"), rows)
    for line in report:
        line["row"] = line.pop("index") + 1
        if line["status"] == "error":
            click.echo(
                f"row {line['row']} ({line['login']}): {line['error']['code']}: {line['error']['message']}",
                err=True,
            )
    created = sum(1 for line in report if line["status"] == "created")
    click.echo(f"{created} created, {len(report) - created} rejected")
    if report_path:
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if sync.upstream_down or sync.pending:
        click.echo(f"Keycloak unavailable: {sync.pending} change(s) kept in the outbox (run `provisioner sync`).")
    elif created:
        click.echo(f"Keycloak in sync ({sync.applied} account(s) applied).")
    if created < len(report):
        ctx.exit(1)


@accounts.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Any) -> None:
    """Export principal accounts (re-importable with `accounts import`)."""
    db, portal, _ = _context(ctx)
    with db.session() as session:
        context = Context(session, portal, Actor.system("cli"))
        accounts: list[Any] = []
        page_number = 1
        while True:
            page = services.list_accounts(context, kind="principal", page=page_number, per_page=500)
            accounts.extend(page.items)
            if page_number * page.per_page >= page.total:
                break
            page_number += 1
        output.write(account_io.export_accounts(accounts, fmt))


@click.command()
@click.option("--account", "account_ids", type=int, multiple=True, help="Only these principal accounts.")
@click.option(
    "--workers", default=1, show_default=True, help="Accounts checked in parallel (PostgreSQL; keep 1 on SQLite)."
)
@click.pass_context
def reconcile(ctx: click.Context, account_ids: tuple[int, ...], workers: int) -> None:
    """Compare Keycloak with the database and repair drift on the objects we own: the
    teleprocedure catalogue's roles, scopes and gates, then every principal account. Keycloak is
    read in pages (group members, role members); only differences are written."""
    from provisioner.accounts.reconciler import principal_ids, reconcile_accounts
    from provisioner.catalogue.outbox import apply_catalogue

    settings = ctx.obj["settings"]
    db, _, gateway = _context(ctx)
    if workers > 1 and db.engine.dialect.name == "sqlite":
        raise click.UsageError("--workers above 1 needs PostgreSQL: SQLite has one writer at a time.")
    decisions: list[str] = []
    with db.session() as session:
        ids = list(account_ids) or principal_ids(session, settings.keycloak_realm)
        if not account_ids:
            decisions.extend(apply_catalogue(session, gateway))
    with click.progressbar(length=len(ids), label="Reconciling", file=sys.stderr) as bar:
        report = reconcile_accounts(db, gateway, ids, workers=workers, on_account=lambda _: bar.update(1))
    decisions.extend(report.decisions)
    for decision in decisions:
        click.echo(decision)
    changes = f"{len(decisions)} change(s)" if decisions else "no changes"
    click.echo(
        f"{len(ids)} account(s) checked, {changes}; Keycloak: {report.reads} read(s), "
        f"{report.writes} write(s); {report.seconds:.1f} s (waiting for Keycloak {report.keycloak_seconds:.1f} s)"
    )
