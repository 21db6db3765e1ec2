"""Load the demo data through the same services as the API; safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from provisioner.accounts import schemas, secondaries, services
from provisioner.accounts.models import Account, Person
from provisioner.actors import Actor
from provisioner.context import Context
from provisioner.db import Database
from provisioner.demo import data
from provisioner.errors import RuleViolation
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.people import services as people
from provisioner.people.schemas import CollaboratorIn
from provisioner.phone.outbox import enqueue_phone
from provisioner.portals import Portal, load_portal
from provisioner.settings import Settings
from provisioner.sync.worker import process


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    who: str


def _create(ctx: Context) -> None:
    principal = services.create_principal(ctx, schemas.PrincipalIn.model_validate(data.PRINCIPAL))
    for name, ctype, siret, company, last_name, status, mailbox, tps in data.SECONDARIES:
        body = {
            "name": name,
            "identifier": siret,
            "company_name": company,
            "company_type": ctype,
            "has_mailbox": mailbox,
            "is_test": True,
            "teleprocedures": tps,
            "status": "open" if status == "closed" else status,
            "email": f"{name}@asp1ent.example",
            "responsible": {
                "last_name": last_name,
                "first_name": "Thomas",
                "email": f"{name}@asp1ent.example",
            },
        }
        secondary = secondaries.create_secondary(ctx, principal, schemas.SecondaryIn.model_validate(body))
        if status == "closed":
            services.set_active(ctx, secondary, False)
    collaborator = people.add_collaborator(ctx, principal, CollaboratorIn.model_validate(data.COLLABORATOR))
    # The demo's administrator enrolled Léa's mobile on the spot (seed 002): she signs in with SMS.
    collaborator.phone = data.COLLABORATOR_PHONE
    enqueue_phone(ctx.session, ctx.realm, collaborator)


def load_demo(db: Database, gateway: KeycloakGateway, portal: Portal) -> list[DemoLogin]:
    login = str(data.PRINCIPAL["login"])
    with db.session() as session:
        exists = session.scalar(select(Account.id).where(Account.portal == portal.realm, Account.login == login))
        if exists is None:
            _create(Context(session, portal, Actor.system("demo")))
    process(db, gateway)
    with db.read_sessions() as session:  # read, then call Keycloak with no transaction open
        people = session.scalars(
            select(Person).where(Person.portal == portal.realm, Person.username.like(f"%{login}%"))
        )
        user_ids = [
            person.keycloak_user_id
            for person in [
                *people,
                *session.scalars(select(Person).where(Person.username == data.COLLABORATOR["email"])),
            ]
            if person.keycloak_user_id
        ]
    for user_id in user_ids:
        user = gateway.get_user(user_id)
        if user is not None and not gateway.has_password(user.id):
            gateway.set_password(user.id, data.DEMO_PASSWORD)
    gateway.ensure_operator(data.OPERATOR, f"{data.OPERATOR}@portail.example", data.DEMO_PASSWORD)
    return [
        DemoLogin(login, data.DEMO_PASSWORD, "titulaire du compte principal (administrateur)"),
        DemoLogin(f"tbn1.{login}", data.DEMO_PASSWORD, "compte secondaire avec BAL"),
        DemoLogin(
            str(data.COLLABORATOR["email"]),
            data.DEMO_PASSWORD,
            "collaboratrice (déclarante), code SMS dans /dev/outbox",
        ),
        DemoLogin(data.OPERATOR, data.DEMO_PASSWORD, "opérateur du portail (tous les comptes, administration)"),
    ]


def load_demo_data(settings: Settings) -> list[DemoLogin]:
    """``provisioner demo load`` and ``make run``: the demo accounts, in the database and Keycloak.
    Development only: their passwords are known."""
    if not settings.dev_mode:
        raise RuleViolation(
            "the demo accounts (known passwords) are for development only: set PORTAIL_DEV_MODE=true on a dev machine",
            code="dev_mode_only",
        )
    portal = load_portal(settings.keycloak_config_dir, settings.keycloak_realm)
    return load_demo(Database(settings.database_url), KeycloakGateway(settings), portal)
