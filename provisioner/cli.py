"""``provisioner``: the command line for operators and developers."""

from __future__ import annotations

import sys

import click

from provisioner.settings import Settings, load_settings


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]  # type: ignore[no-any-return]


@click.group()
@click.option(
    "--portal",
    metavar="REALM",
    help="The portal (realm) the command works on; default: PORTAIL_KEYCLOAK_REALM. "
    "Every realm file of keycloak-config/realms/ is a portal.",
)
@click.pass_context
def main(ctx: click.Context, portal: str | None) -> None:
    """Portail Comptes provisioner: accounts, Keycloak sync and realm configuration."""
    from pydantic import ValidationError

    from provisioner.logs import configure_logging

    try:
        settings = load_settings()
    except ValidationError as exc:
        raise click.ClickException(f"invalid settings: {exc}") from exc
    if portal is not None:
        if portal not in settings.portal_realms:
            served = ", ".join(settings.portal_realms) or "none"
            raise click.ClickException(f"no portal {portal!r} here (portals: {served})")
        settings = settings.for_portal(portal)
    configure_logging(settings.log_level, settings.log_format)
    ctx.obj = {"settings": settings}


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply the alembic migrations up to the latest."""
    from provisioner.migrate import upgrade

    upgrade(_settings(ctx).database_url)
    click.echo("database is up to date")


@main.group()
def keycloak() -> None:
    """Keycloak realm configuration as code."""


@keycloak.command("apply")
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
@click.pass_context
def keycloak_apply(ctx: click.Context, dry_run: bool) -> None:
    """Create or update every realm of keycloak-config/realms/ (idempotent); seeds the
    teleprocedure catalogue with the codes the database has never held."""
    from provisioner.catalogue.realm_files import apply_realm_config
    from provisioner.errors import DomainError

    try:
        changes = apply_realm_config(_settings(ctx), dry_run=dry_run)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    for change in changes:
        click.echo(("would " if dry_run else "") + change)
    click.echo(f"{len(changes)} change(s)" if changes else "no changes")


@main.group()
def demo() -> None:
    """Demo data (from the seeds)."""


@demo.command("load")
@click.pass_context
def demo_load(ctx: click.Context) -> None:
    """Load the demo accounts into the database and Keycloak (development only)."""
    from provisioner.demo.services import load_demo_data
    from provisioner.errors import DomainError

    try:
        logins = load_demo_data(_settings(ctx))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    for login in logins:
        click.echo(f"{login.username} / {login.password}  ({login.who})")


@main.command()
@click.option("--port", default=5000, show_default=True)
@click.option(
    "--keycloak/--no-keycloak",
    "start_keycloak",
    default=True,
    help="Start the local Keycloak unless one already answers.",
)
@click.pass_context
def dev(ctx: click.Context, port: int, start_keycloak: bool) -> None:
    """Run everything for local development (what `make run` calls). Ctrl-C stops it all."""
    from provisioner.devtools.runner import run_dev

    sys.exit(run_dev(_settings(ctx), port=port, start_keycloak=start_keycloak))


def _register() -> None:
    from provisioner.accounts.cli import accounts, reconcile
    from provisioner.mandates.cli import clients
    from provisioner.sync.cli import sync
    from provisioner.transfers import cli as transfers_cli  # noqa: F401  (adds `clients transfer`)

    main.add_command(accounts)
    main.add_command(sync)
    main.add_command(reconcile)
    main.add_command(clients)


_register()

if __name__ == "__main__":
    main()
