"""``provisioner clients transfer FROM TO``: every client of a firm's account to another's."""

from __future__ import annotations

import click

from provisioner.mandates.cli import clients, context_of


@clients.command("transfer")
@click.argument("from_id", type=click.IntRange(1))
@click.argument("to_id", type=click.IntRange(1))
@click.pass_context
def transfer(ctx: click.Context, from_id: int, to_id: int) -> None:
    """Move the clients (mandates and keys as they are), the portfolio and the delegation
    profiles of firm FROM_ID to firm TO_ID, all or nothing."""
    from provisioner.db import Database
    from provisioner.errors import DomainError
    from provisioner.transfers import services

    db = Database(ctx.obj["settings"].database_url)
    try:
        with db.session() as session:
            source, target, moved = services.transfer(context_of(ctx, session), from_id, to_id)
            names = source.login, target.login
    except DomainError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message} {exc.details or ''}".strip()) from exc
    click.echo(
        f"{names[0]} -> {names[1]}: {moved.mandates} client(s), {moved.establishments} establishment(s), "
        f"{moved.profiles} delegation profile(s)"
    )
