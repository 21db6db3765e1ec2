"""``provisioner clients …``: a firm's clients from a spreadsheet, and their letters in one PDF
(a print run)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from provisioner.actors import Actor


def context_of(ctx: click.Context, session: Any) -> Any:
    from provisioner.context import Context
    from provisioner.portals import load_portal

    settings = ctx.obj["settings"]
    return Context(session, load_portal(settings.keycloak_config_dir, settings.keycloak_realm), Actor.system("cli"))


@click.group()
def clients() -> None:
    """A firm's clients and the letters with their activation keys."""


@clients.command("import")
@click.argument("firm_id", type=click.IntRange(1))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), help="Default: from the file extension.")
@click.option("--dry-run", is_flag=True, help="Check every row, save nothing.")
@click.option(
    "--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the per-row report (JSON)."
)
@click.pass_context
def import_(
    ctx: click.Context, firm_id: int, path: Path, fmt: str | None, dry_run: bool, report_path: Path | None
) -> None:
    """Add the firm's clients from CSV or XLSX; each row succeeds or fails on its own."""
    from provisioner.db import Database
    from provisioner.errors import DomainError
    from provisioner.mandates import imports, services

    settings = ctx.obj["settings"]
    fmt = fmt or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            context = context_of(ctx, session)
            firm = services.firm(context, firm_id)
            rows = imports.read_rows(path.read_bytes(), fmt)
            with click.progressbar(length=len(rows), label="Clients", file=sys.stderr) as bar:
                report = imports.import_clients(
                    context,
                    settings.secret_key.get_secret_value(),
                    firm,
                    rows,
                    dry_run=dry_run,
                    progress=bar.update,
                    commit=session.commit,
                )
    except DomainError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc
    for line in report:
        if line["status"] == "failed":
            click.echo(
                f"row {line['row']} ({line['identifier']}): {line['error']['code']}: {line['error']['message']}",
                err=True,
            )
    done = sum(1 for line in report if line["status"] != "failed")
    click.echo(f"{done} {'valid' if dry_run else 'created'}, {len(report) - done} rejected")
    if report_path:
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if done < len(report):
        ctx.exit(1)


@clients.command("letters")
@click.argument("firm_id", type=click.IntRange(1))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def letters(ctx: click.Context, firm_id: int, out: Path) -> None:
    """Every letter of the firm still to print, in one PDF (their keys then exist only on paper)."""
    from provisioner.db import Database
    from provisioner.errors import DomainError
    from provisioner.mandates import services

    settings = ctx.obj["settings"]
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            context = context_of(ctx, session)
            run = services.print_letters(
                context, settings.secret_key.get_secret_value(), services.firm(context, firm_id), None
            )
            out.write_bytes(run.pdf)  # written before the keys are forgotten (the commit)
    except DomainError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc
    click.echo(f"{run.letters} letter(s) in {out}")
    if run.declared:
        click.echo(
            f"{run.declared} to the address the firm gave (the portal knows none): check it against the "
            "SIRENE register before posting."
        )
