"""Load the demo data into the database and Keycloak; safe to run again (nothing duplicated)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from provisioner.accounts.models import Account, Person
from provisioner.demo import data
from provisioner.keycloak.gateway import KeycloakGateway


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    who: str


def _account(session: Session, portal: str, login: str, **fields: object) -> Account:
    account = session.scalar(
        select(Account).where(Account.portal == portal, Account.login == login)
    )
    if account is None:
        account = Account(portal=portal, login=login)
        session.add(account)
    for name, value in fields.items():
        setattr(account, name, value)
    session.flush()
    return account


def _person(session: Session, account: Account, username: str, **fields: object) -> Person:
    person = session.scalar(
        select(Person).where(Person.portal == account.portal, Person.username == username)
    )
    if person is None:
        person = Person(portal=account.portal, username=username, account_id=account.id)
        session.add(person)
    for name, value in fields.items():
        setattr(person, name, value)
    session.flush()
    return person


def _push(gateway: KeycloakGateway, person: Person, account: Account, group_id: str) -> None:
    attributes = {
        "portail.account-id": [str(account.id)],
        "portail.account-login": [account.login],
        "portail.account-kind": [person.kind],
        "portail.identifier": [account.identifier],
    }
    user, created = gateway.ensure_user(
        person.username,
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        enabled=person.enabled,
        attributes=attributes,
        locale=person.locale,
    )
    if created:
        gateway.set_password(user.id, data.DEMO_PASSWORD)
    gateway.add_to_group(user.id, group_id)
    if "account-admin" in person.roles:
        gateway.grant_realm_roles(user.id, ["account-admin"])
    person.keycloak_user_id = user.id


def load_demo(session: Session, gateway: KeycloakGateway) -> list[DemoLogin]:
    portal = gateway.realm
    principal = _account(
        session,
        portal,
        data.PRINCIPAL["login"],
        kind="principal",
        **{k: v for k, v in data.PRINCIPAL.items() if k != "login"},
    )
    group = gateway.ensure_group(
        principal.login,
        {
            "portail.account-id": [str(principal.id)],
            "portail.identifier": [principal.identifier],
            "portail.company-name": [principal.company_name],
        },
    )
    principal.keycloak_group_id = group.id
    responsible = data.RESPONSIBLE
    people = [
        _person(
            session,
            principal,
            principal.login,
            kind="holder",
            email=responsible["email"],
            first_name=responsible["first_name"],
            last_name=responsible["last_name"],
            roles=["account-admin"],
            enabled=True,
        )
    ]
    for name, ctype, siret, company, last_name, status, mailbox in data.SECONDARIES:
        login = f"{name}.{principal.login}"
        secondary = _account(
            session,
            portal,
            login,
            kind="secondary",
            parent_id=principal.id,
            identifier=siret,
            company_name=company,
            company_type=ctype,
            status=status,
            has_mailbox=mailbox,
            is_test=True,
            responsible={"last_name": last_name},
        )
        people.append(
            _person(
                session,
                secondary,
                login,
                kind="secondary",
                email=f"{name}@asp1ent.example",
                first_name="Compte",
                last_name=name.upper(),
                roles=[],
                enabled=status == "open",
            )
        )
    collaborator = data.COLLABORATOR
    people.append(
        _person(
            session,
            principal,
            collaborator["username"],
            kind="collaborator",
            email=collaborator["email"],
            first_name=collaborator["first_name"],
            last_name=collaborator["last_name"],
            locale=collaborator["locale"],
            roles=collaborator["roles"],
            enabled=True,
        )
    )
    for person in people:
        account = session.get(Account, person.account_id)
        assert account is not None
        _push(gateway, person, account, group.id)
    return [
        DemoLogin(
            principal.login, data.DEMO_PASSWORD, "titulaire du compte principal (administrateur)"
        ),
        DemoLogin("tbn1.asp1ent", data.DEMO_PASSWORD, "compte secondaire avec BAL"),
        DemoLogin(collaborator["username"], data.DEMO_PASSWORD, "collaboratrice (déclarante)"),
    ]
