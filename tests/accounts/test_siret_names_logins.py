"""On a portal where people sign in with the SIRET, their last name and first name (declarants-demo,
rule 21), those three name one person: the provisioner refuses a second person of one SIRET with
the same names as the login page compares them (case, accents, hyphens and apostrophes aside),
which neither could sign in with. Elsewhere, homonyms are fine."""

from __future__ import annotations

import uuid

import pytest

from provisioner.accounts import schemas, services
from provisioner.accounts.domain import name_key
from provisioner.accounts.secondaries import create_secondary
from provisioner.actors import Actor
from provisioner.context import Context
from provisioner.db import Database
from provisioner.errors import Conflict
from provisioner.people import services as people
from provisioner.people.schemas import CollaboratorIn, PersonPatch
from provisioner.portals import load_portal
from provisioner.settings import Settings

SIRET = "73282932000074"


def _principal(identifier: str, first: str = "Éloïse", last: str = "D'ARGENT-LÉVY") -> schemas.PrincipalIn:
    return schemas.PrincipalIn.model_validate(
        {
            "login": f"noms-{uuid.uuid4().hex[:8]}",
            "identifier": identifier,
            "company_name": "HOMONYMES",
            "status": "validated",
            "responsible": {"last_name": last, "first_name": first, "email": "eloise@example.org"},
            "teleprocedures": {},
        }
    )


def test_names_compare_as_the_login_page_compares_them() -> None:
    assert name_key("Éloïse") == name_key("ELOISE") == "eloise"
    assert name_key("D'Argent-Lévy") == name_key("d argent  levy") == name_key("D’ARGENT LEVY") == "d argent levy"
    assert name_key("Dupont") != name_key("Dupond")


def test_one_siret_and_names_are_one_person(settings: Settings, database: Database) -> None:
    declarants = load_portal(settings.keycloak_config_dir, "declarants-demo")
    siret = SIRET
    with database.session() as session:
        ctx = Context(session, declarants, Actor.system("test"))
        first = services.create_principal(ctx, _principal(siret, first=f"Éloïse{uuid.uuid4().hex[:4]}"))
        holder = first.people[0]
        same = {"first": holder.first_name.upper(), "last": "d argent levy"}
        with pytest.raises(Conflict) as refused:  # another account of the same SIRET
            services.create_principal(ctx, _principal(siret, first=same["first"], last=same["last"]))
        assert refused.value.code == "duplicate_names" and siret in refused.value.message
        with pytest.raises(Conflict):  # a collaborator of the account
            people.add_collaborator(
                ctx,
                first,
                CollaboratorIn(email="c@example.org", first_name=same["first"], last_name=same["last"]),
            )
        other = people.add_collaborator(
            ctx, first, CollaboratorIn(email="c@example.org", first_name="Bea", last_name="D'ARGENT-LÉVY")
        )
        with pytest.raises(Conflict):  # renamed into the holder's names
            people.update_person(ctx, other, PersonPatch.model_validate({"first_name": holder.first_name}))
        people.update_person(ctx, other, PersonPatch.model_validate({"first_name": "Béatrice"}))
        with pytest.raises(Conflict):  # a secondary of the same SIRET whose login has those names
            create_secondary(
                ctx,
                first,
                schemas.SecondaryIn.model_validate(
                    {
                        "name": "e1",
                        "identifier": siret,
                        "company_name": "ETAB",
                        "status": "validated",
                        "teleprocedures": {},
                        "responsible": {
                            "first_name": same["first"],
                            "last_name": same["last"],
                            "email": "e@example.org",
                        },
                    }
                ),
            )


def test_elsewhere_homonyms_are_fine(settings: Settings, database: Database) -> None:
    demo = load_portal(settings.keycloak_config_dir, "portail-demo")
    with database.session() as session:
        ctx = Context(session, demo, Actor.system("test"))
        first = services.create_principal(ctx, _principal(SIRET))
        services.create_principal(ctx, _principal(SIRET))
        people.add_collaborator(
            ctx, first, CollaboratorIn(email="c@example.org", first_name="Éloïse", last_name="D'ARGENT-LÉVY")
        )
