"""On a portal where people sign in with their e-mail address (caisse-demo, rule 21), an address
is one person's: the provisioner refuses a second one with a clear message, instead of saving a
change Keycloak would refuse for ever (a user with the same address exists). Elsewhere, people of
one company may share an address (a secondary account's login often has the responsible's)."""

from __future__ import annotations

import uuid

import pytest

from provisioner.accounts import schemas, services
from provisioner.actors import Actor
from provisioner.context import Context
from provisioner.db import Database
from provisioner.errors import Conflict
from provisioner.people import services as people
from provisioner.people.schemas import CollaboratorIn, PersonPatch
from provisioner.portals import load_portal
from provisioner.settings import Settings


def _principal(tag: str, identifier: str, email: str) -> schemas.PrincipalIn:
    return schemas.PrincipalIn.model_validate(
        {
            "login": f"courriel-{tag}",
            "identifier": identifier,
            "company_name": f"COURRIEL {tag}",
            "status": "validated",
            "responsible": {"last_name": "MULLER", "first_name": "Anna", "email": email},
            "teleprocedures": {},
        }
    )


def test_an_address_is_one_persons_where_it_is_the_login(settings: Settings, database: Database) -> None:
    email = f"anna-{uuid.uuid4().hex[:6]}@example.ch"
    caisse = load_portal(settings.keycloak_config_dir, "caisse-demo")
    with database.session() as session:
        ctx = Context(session, caisse, Actor.system("test"))
        first = services.create_principal(ctx, _principal(uuid.uuid4().hex[:6], "CHE-116.281.710", email))
        with pytest.raises(Conflict) as refused:
            services.create_principal(ctx, _principal(uuid.uuid4().hex[:6], "CHE-116.281.710", email.upper()))
        assert refused.value.code == "duplicate_email" and email in refused.value.message
        with pytest.raises(Conflict):
            people.add_collaborator(ctx, first, CollaboratorIn(email=email, first_name="Bea", last_name="MULLER"))
        other = people.add_collaborator(
            ctx,
            first,
            CollaboratorIn(email=f"bea-{uuid.uuid4().hex[:6]}@example.ch", first_name="Bea", last_name="MULLER"),
        )
        with pytest.raises(Conflict):
            people.update_person(ctx, other, PersonPatch.model_validate({"email": email}))
        people.update_person(ctx, other, PersonPatch.model_validate({"email": other.email.upper()}))  # its own


def test_elsewhere_people_may_share_an_address(settings: Settings, database: Database) -> None:
    email = f"partage-{uuid.uuid4().hex[:6]}@example.org"
    demo = load_portal(settings.keycloak_config_dir, "portail-demo")
    with database.session() as session:
        ctx = Context(session, demo, Actor.system("test"))
        first = services.create_principal(ctx, _principal(uuid.uuid4().hex[:6], "73282932000074", email))
        people.add_collaborator(ctx, first, CollaboratorIn(email=email, first_name="Anna", last_name="MULLER"))
