"""The API fuzzed by a tool nobody here wrote: schemathesis reads ``/api/v1/openapi.json`` and sends
every operation valid and invalid requests, in-process against the real application (its own
database, the session's real Keycloak, an operator's token), with all its checks: no server
error, every status and answer as documented, invalid input refused, valid input accepted, 405
with ``Allow``, authentication not ignored. A fixed seed keeps the run reproducible.

What a JSON schema cannot carry is said here, once: the business rules of the write operations
(a legal identifier's check key, known teleprocedures, status transitions, quotas, the last
administrator…) refuse schema-valid requests with 422 or, for the identifier, teleprocedure and
phone checks, 400, each with the rule's code."""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import engine
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events
from sqlalchemy import select
from stdnum import luhn
from werkzeug.serving import make_server

from provisioner.accounts import schemas as account_schemas
from provisioner.accounts import services as accounts
from provisioner.actors import Actor
from provisioner.catalogue import realm_files
from provisioner.context import Context
from provisioner.db import Database
from provisioner.delegations import services as delegations
from provisioner.delegations.schemas import ProfileIn
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.mandates import services as mandates
from provisioner.mandates.schemas import ClientIn
from provisioner.migrate import upgrade
from provisioner.people import services as people
from provisioner.people.schemas import CollaboratorIn
from provisioner.portals import load_portal
from provisioner.portfolios import services as portfolios
from provisioner.portfolios.schemas import EstablishmentIn
from provisioner.realms.config import load_realm_configs, variables_from
from provisioner.settings import Settings
from provisioner.sync.models import OutboxItem
from provisioner.sync.worker import process
from tests.fixtures import APP_PORT
from tests.fixtures.tokens import API_TEST_SECRET, OPERATOR_CLIENT, token_for

pytestmark = pytest.mark.keycloak
SEED = 20261203
FUZZ_PORT = APP_PORT + 7


def _siret(rng: random.Random) -> str:
    """A valid SIRET: a SIREN with its Luhn key, then the establishment's number, the whole keyed."""
    siren = "".join(str(rng.randrange(10)) for _ in range(8))
    body = siren + luhn.calc_check_digit(siren) + "".join(str(rng.randrange(10)) for _ in range(4))
    return body + luhn.calc_check_digit(body)


# Formats of the document that only the portal's rules define: valid values to generate from.
schemathesis.openapi.format("legal-identifier", st.builds(lambda n: _siret(random.Random(n)), st.integers(0, 10**9)))
schemathesis.openapi.format("phone", st.sampled_from(["+33612345678", "06 12 34 56 79", "+41 79 111 22 33"]))

# The write operations whose rules refuse some schema-valid requests (see the module's docstring).
IDENTIFIER_AND_CATALOGUE_RULES = (
    r"^(post__api_v1_accounts|patch__api_v1_accounts_\{account_id\}|put__api_v1_accounts_\{account_id\}_teleprocedures"
    r"|post__api_v1_accounts_\{account_id\}_secondaries|put__api_v1_people_\{person_id\}_phone"
    r"|post__api_v1_accounts_\{account_id\}_portfolio|post__api_v1_accounts_\{account_id\}_clients"
    r"|post__api_v1_accounts_\{account_id\}_clients_import|post__api_v1_accounts_\{account_id\}_delegation-profiles"
    r"|patch__api_v1_delegation-profiles_\{profile_id\}|get__api_v1_accounts_\{account_id\}_deadline-coverage)$"
)
OTHER_RULES = (
    r"^(put__api_v1_accounts_\{account_id\}_mailbox|delete__api_v1_accounts_\{account_id\}"
    r"|post__api_v1_accounts_\{account_id\}_(deactivate|reactivate)|post__api_v1_accounts_\{account_id\}_collaborators"
    r"|patch__api_v1_people_\{person_id\}|delete__api_v1_people_\{person_id\}|post__api_v1_people_\{person_id\}_password-link"
    r"|post__api_v1_people_\{person_id\}_phone_verify|post__api_v1_teleprocedures|patch__api_v1_teleprocedures_\{code\}"
    r"|delete__api_v1_teleprocedures_\{code\}|post__api_v1_accounts_\{account_id\}_clients_letters"
    r"|post__api_v1_accounts_\{account_id\}_mandates_activation|post__api_v1_mandates_\{mandate_id\}_revocation"
    r"|post__api_v1_accounts_\{account_id\}_transfer|post__api_v1_accounts_\{account_id\}_invitations"
    r"|post__api_v1_invitations_letters|post__api_v1_invitations_\{invitation_id\}_sent"
    # A firm's own reads: 422 not_a_firm once a PATCH made the account another company type.
    r"|get__api_v1_accounts_\{account_id\}_(portfolio|clients|delegation-profiles))$"
)
ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]  # 429: SMS codes are rate-limited


def _fuzz_data(settings: Settings) -> tuple[Settings, int, int, int, int, int]:
    """A database of its own with the portal's catalogue, one open account (a firm) with one
    collaborator and one establishment in its portfolio."""
    rng = random.Random(SEED)
    url = f"sqlite:///{settings.database_url.removeprefix('sqlite:///')}.fuzz-{rng.randrange(10**6)}"
    Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    fuzz = settings.model_copy(update={"database_url": url})
    upgrade(url)
    db = Database(url)
    portal = load_portal(fuzz.keycloak_config_dir, fuzz.keycloak_realm)
    login = f"fuzz{rng.randrange(10**6)}"
    with db.session() as session:
        for config in load_realm_configs(fuzz.keycloak_config_dir, variables_from(fuzz), dev_mode=True):
            realm_files.seed(session, config)
        ctx = Context(session, portal, Actor.system("fuzz"))
        body = {
            "login": login,
            "identifier": _siret(rng),
            "company_name": "FUZZ SARL",
            "company_type": "expert-comptable",  # a firm: it has a portfolio
            "status": "open",
            "responsible": {"last_name": "Fuzz", "first_name": "Zoé", "email": f"{login}@fuzz.example"},
            "teleprocedures": {"DSN": None},
            "secondary_quota": 3,
        }
        principal = accounts.create_principal(ctx, account_schemas.PrincipalIn.model_validate(body))
        person = people.add_collaborator(
            ctx,
            principal,
            CollaboratorIn(
                email=f"collab.{login}@fuzz.example", first_name="Léo", last_name="Fuzz", roles=["declarant:DSN"]
            ),
        )
        entry = portfolios.add(ctx, principal, EstablishmentIn(identifier=_siret(rng)))
        client = {
            "identifier": _siret(rng),
            "company_name": "CLIENT FUZZ",
            "address_line1": "1 rue du Test",
            "postcode": "75001",
            "city": "Paris",
            "teleprocedures": ["DSN"],
        }
        mandate = mandates.add_client(
            ctx, fuzz.secret_key.get_secret_value(), principal, ClientIn.model_validate(client)
        )
        profile = delegations.create(
            ctx, principal, ProfileIn(name="Fuzz", teleprocedures=["DSN"], establishment_ids=[entry.id])
        )
        ids = principal.id, person.id, entry.id, mandate.id, profile.id
    process(db, KeycloakGateway(fuzz))
    return fuzz, *ids


@pytest.fixture(scope="session")
def api_schema(settings: Settings, realm: str, api_clients: None) -> Iterator[tuple[Any, Database]]:
    from provisioner.app import create_app

    fuzz, account_id, person_id, establishment_id, mandate_id, profile_id = _fuzz_data(settings)
    app = create_app(fuzz)
    server = make_server("127.0.0.1", FUZZ_PORT, app, threaded=True)  # over HTTP, as a client sees it
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": 12, "database": "none"},
            "checks": {"enabled": True},
            "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
            "parameters": {
                "account_id": account_id,
                "person_id": person_id,
                "establishment_id": establishment_id,
                "mandate_id": mandate_id,
                "profile_id": profile_id,
            },
            "operations": [
                {
                    "include-operation-id-regex": IDENTIFIER_AND_CATALOGUE_RULES,
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400", "422"]}},
                },
                {
                    "include-operation-id-regex": OTHER_RULES,
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
                },
                {
                    # DELETE /teleprocedures/{code} retires: the entry stays readable, marked retired
                    # (old tokens, the audit and subscribers' history name it), as docs/api.md says.
                    "include-operation-id-regex": r"^get__api_v1_teleprocedures_\{code\}$",
                    "checks": {"use_after_free": {"enabled": False}},
                },
            ],
        }
    )
    schema = schemathesis.openapi.from_url(f"http://127.0.0.1:{FUZZ_PORT}/api/v1/openapi.json", config=config)

    @schema.auth(refresh_interval=120)
    class OperatorToken:
        """A fresh operator token (the realm's access tokens live 5 minutes)."""

        def get(self, case: Any, context: Any) -> str:
            return token_for(settings, OPERATOR_CLIENT, API_TEST_SECRET)

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    yield schema, Database(fuzz.database_url)
    server.shutdown()


def _retired_teleprocedure_read(check: str, sample: str) -> bool:
    """The stateful phase's "deleted resource still available" after ``DELETE /teleprocedures/{code}``:
    that retires the entry, which stays readable (the per-operation setting above does not reach
    the stateful phase's scenarios)."""
    return check == "use_after_free" and re.search(r"-X DELETE [^\n]*/api/v1/teleprocedures/", sample) is not None


def _firm_read_of_an_account_no_longer_a_firm(check: str, failure: Any, sample: str) -> bool:
    """The stateful phase reads a firm's portfolio, clients or delegation profiles after one of its
    PATCHes made the account another company type: "not a firm", 422, as documented."""
    last = sample.strip().splitlines()[-1] if sample.strip() else ""
    return (
        check == "positive_data_acceptance"
        and getattr(failure, "status_code", None) == 422
        and re.search(r"-X GET [^\n]*/api/v1/accounts/\d+/(portfolio|clients|delegation-profiles)", last) is not None
    )


def _portfolio_entry_posted_again(check: str, failure: Any, sample: str) -> bool:
    """The stateful phase posts an establishment its previous answer named (its SIRET): "already in
    the portfolio", 409, as documented (the per-operation setting does not reach that phase)."""
    return (
        check == "positive_data_acceptance"
        and getattr(failure, "status_code", None) == 409
        and re.search(r"-X POST [^\n]*/api/v1/accounts/\d+/portfolio", sample) is not None
    )


def test_the_api_holds_to_its_document(api_schema: tuple[Any, Database]) -> None:
    """schemathesis' own engine (what ``schemathesis run`` drives), every operation, every check;
    and every change it made was taken by Keycloak (nothing saved that Keycloak refuses)."""
    schema, database = api_schema
    operations, failures = set(), []
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            operations.add(event.label)
            for checks in event.recorder.checks.values():
                failures += [
                    f"{event.label}: {c.name}: {c.failure_info.failure.title}"
                    f" (status {getattr(c.failure_info.failure, 'status_code', '?')})\n{c.failure_info.code_sample}"
                    for c in checks
                    if c.failure_info is not None
                    and not _retired_teleprocedure_read(c.name, c.failure_info.code_sample)
                    and not _portfolio_entry_posted_again(c.name, c.failure_info.failure, c.failure_info.code_sample)
                    and not _firm_read_of_an_account_no_longer_a_firm(
                        c.name, c.failure_info.failure, c.failure_info.code_sample
                    )
                ]
        elif isinstance(event, events.NonFatalError | events.FatalError):
            failures.append(f"{getattr(event, 'label', '')}: error: {getattr(event, 'info', event)}")
    assert len(operations) >= 30, sorted(operations)  # every operation of the document was run
    assert not failures, "\n\n".join(dict.fromkeys(failures))
    with database.session() as session:
        refused = session.scalars(select(OutboxItem.last_error).where(OutboxItem.last_error.is_not(None)))
        assert not list(refused), "Keycloak refused changes the API accepted"
