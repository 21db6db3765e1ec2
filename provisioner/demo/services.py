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
    portal: str = ""


def _create(ctx: Context, demo: data.Demo) -> None:
    principal = services.create_principal(ctx, schemas.PrincipalIn.model_validate(demo.principal))
    for name, ctype, siret, company, last_name, status, mailbox, tps in demo.secondaries:
        body = {
            "name": name,
            "identifier": siret,
            "company_name": company,
            "company_type": ctype,
            "has_mailbox": mailbox,
            "is_test": True,
            "teleprocedures": tps,
            "status": "open" if status == "closed" else status,
            "email": f"{name}@{demo.domain}",
            "responsible": {
                "last_name": last_name,
                "first_name": "Thomas",
                "email": f"{name}@{demo.domain}",
            },
        }
        secondary = secondaries.create_secondary(ctx, principal, schemas.SecondaryIn.model_validate(body))
        if status == "closed":
            services.set_active(ctx, secondary, False)
    collaborator = people.add_collaborator(ctx, principal, CollaboratorIn.model_validate(demo.collaborator))
    # The demo's administrator enrolled the collaborator's mobile on the spot (seed 002): she signs
    # in with SMS.
    collaborator.phone = demo.collaborator_phone
    enqueue_phone(ctx.session, ctx.realm, collaborator)


def load_demo(db: Database, gateway: KeycloakGateway, portal: Portal) -> list[DemoLogin]:
    """One portal's demo set (``data.DEMOS``; none for a portal it does not know) and its operator."""
    demo = data.DEMOS.get(portal.realm)
    logins = []
    if demo is not None:
        login = str(demo.principal["login"])
        with db.session() as session:
            exists = session.scalar(select(Account.id).where(Account.portal == portal.realm, Account.login == login))
            if exists is None:
                _create(Context(session, portal, Actor.system("demo")), demo)
        process(db, gateway)
        with db.read_sessions() as session:  # read, then call Keycloak with no transaction open
            principal = session.scalar(select(Account).where(Account.portal == portal.realm, Account.login == login))
            accounts = [] if principal is None else [principal.id, *(s.id for s in principal.secondaries)]
            user_ids = [
                p.keycloak_user_id
                for p in session.scalars(select(Person).where(Person.account_id.in_(accounts)))
                if p.keycloak_user_id
            ]
        for user_id in user_ids:
            user = gateway.get_user(user_id)
            if user is not None and not gateway.has_password(user.id):
                gateway.set_password(user.id, data.DEMO_PASSWORD)
        logins = [DemoLogin(username, data.DEMO_PASSWORD, who, portal.realm) for username, who in demo.logins]
    gateway.ensure_operator(data.OPERATOR, f"{data.OPERATOR}@{portal.realm}.example", data.DEMO_PASSWORD)
    return [
        *logins,
        DemoLogin(
            data.OPERATOR,
            data.DEMO_PASSWORD,
            "opérateur du portail (tous les comptes, administration)",
            portal.realm,
        ),
    ]


def load_demo_data(settings: Settings) -> list[DemoLogin]:
    """``provisioner demo load`` and ``make run``: the demo accounts of every portal, in the
    database and Keycloak. Development only: their passwords are known."""
    if not settings.dev_mode:
        raise RuleViolation(
            "the demo accounts (known passwords) are for development only: set PORTAIL_DEV_MODE=true on a dev machine",
            code="dev_mode_only",
        )
    db = Database(settings.database_url)
    gateway = KeycloakGateway(settings)
    logins = []
    for realm in settings.portal_realms:
        portal = load_portal(settings.keycloak_config_dir, realm)
        logins += load_demo(db, gateway.for_realm(realm), portal)
    return logins
