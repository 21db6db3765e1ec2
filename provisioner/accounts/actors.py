"""What a signed-in user may do: an operator by realm role, else what its account gives it.

Registered by the accounts feature as ``portail.actor_for`` (read by ``provisioner.web.tokens``
for the API and ``provisioner.web.ui`` for the pages), worked out again on every request."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from provisioner.accounts.domain import ACCOUNT_ADMIN
from provisioner.accounts.models import Person
from provisioner.actors import OPERATOR_ROLE, Actor
from provisioner.web.state import db_session, settings


def actor_for(subject: str, username: str, realm_roles: set[str]) -> Actor:
    """``subject`` is the Keycloak user id of the token or sign-in, matched against the one the
    reconciler stored: a person not yet in Keycloak, or another user of the same name, has no rights."""
    if OPERATOR_ROLE in realm_roles:
        return Actor(name=username, operator=True)
    person = db_session().scalar(
        select(Person).where(Person.portal == settings().keycloak_realm, Person.keycloak_user_id == subject)
    )
    if person is None or not person.enabled:
        return Actor(name=username)  # authenticated, but manages nothing
    account = person.account
    principal = account.parent if account.parent is not None else account
    if account.status != "open" or principal.status != "open":
        return Actor(name=username)  # a closed (or not yet opened) account gives no rights
    return Actor(
        name=person.username,
        principal_id=account.principal_id,
        account_id=account.id,
        administrator=ACCOUNT_ADMIN in person.roles and account.kind == "principal",
    )


def register(app: Flask) -> None:
    app.extensions["portail.actor_for"] = actor_for
