"""One provisioner, several portals (issue 10, item 1): every realm file is a portal served by the
same provisioner and database. Adding a portal is adding a file: this module adds a fourth one in a
temporary configuration directory, applies it to the test Keycloak and serves it. The API serves
the portal of the token's issuer, the pages the portal of the address; nothing of one portal is
visible from another."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from provisioner.accounts.models import Account
from provisioner.settings import Settings
from tests.fixtures.accounts import _principal_body as principal_body
from tests.fixtures.tokens import API_TEST_SECRET, OPERATOR_CLIENT, master_token, register_api_clients, token_for

pytestmark = pytest.mark.keycloak

FOURTH = "quatre-demo"


@pytest.fixture(scope="module")
def deployment(settings: Settings, realm: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The test deployment with one more realm file (a copy of the demo portal, renamed), applied."""
    from provisioner.catalogue.realm_files import apply_realm_config

    config_dir = tmp_path_factory.mktemp("keycloak-config")
    shutil.copytree(settings.keycloak_config_dir, config_dir, dirs_exist_ok=True)
    data = json.loads((config_dir / "realms" / "portail-demo.json").read_text(encoding="utf-8"))
    data["realm"] = FOURTH
    data["settings"]["displayName"] = "Portail Quatre"
    (config_dir / "realms" / f"{FOURTH}.json").write_text(json.dumps(data), encoding="utf-8")
    with_fourth = settings.model_copy(update={"keycloak_config_dir": Path(config_dir)})
    apply_realm_config(with_fourth)
    return with_fourth


@pytest.fixture(scope="module")
def served(deployment: Settings) -> Any:
    from provisioner.app import create_app

    application = create_app(deployment)
    application.config["TESTING"] = True
    return application


def _operator(deployment: Settings, admin_rest: Any, realm: str) -> dict[str, str]:
    """An operator service account of ``realm``, registered as an integrator would."""
    register_api_clients(admin_rest, realm)
    token = token_for(deployment.for_portal(realm), OPERATOR_CLIENT, API_TEST_SECRET)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def operators(deployment: Settings, admin_rest: Any) -> dict[str, dict[str, str]]:
    return {realm: _operator(deployment, admin_rest, realm) for realm in ("portail-demo", FOURTH)}


@pytest.fixture(scope="module")
def api(served: Any) -> Iterator[Any]:
    client = served.test_client()

    def call(method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
        return client.open(f"/api/v1{path}", method=method, json=body, headers=headers)

    yield call


def test_adding_a_portal_is_adding_a_file(
    deployment: Settings, api: Any, operators: dict[str, dict[str, str]], database: Any
) -> None:
    assert deployment.portal_realms == ("caisse-demo", "declarants-demo", "portail-demo", FOURTH)  # by file name
    login = f"q{uuid.uuid4().hex[:10]}"
    created = api("POST", "/accounts", operators[FOURTH], principal_body(login, {"DSN": None}))
    assert created.status_code == 201 and created.json["sync"]["status"] == "applied", created.json
    with database.read_sessions() as session:
        assert session.get_one(Account, created.json["account"]["id"]).portal == FOURTH
    from provisioner.keycloak.gateway import KeycloakGateway

    fourth = KeycloakGateway(deployment).for_realm(FOURTH)
    assert fourth.realm == FOURTH and fourth.find_user(login) is not None  # in its own realm
    assert KeycloakGateway(deployment).find_user(login) is None  # not in the demo portal's


def test_nothing_of_one_portal_is_seen_from_another(api: Any, operators: dict[str, dict[str, str]]) -> None:
    ids = {}
    for realm, headers in operators.items():
        created = api("POST", "/accounts", headers, principal_body(f"i{uuid.uuid4().hex[:10]}", {"DSN": None}))
        assert created.status_code == 201, created.json
        ids[realm] = created.json["account"]["id"]
    for realm, headers in operators.items():
        (other,) = [r for r in ids if r != realm]
        assert api("GET", f"/accounts/{ids[realm]}", headers).status_code == 200
        assert api("GET", f"/accounts/{ids[other]}", headers).status_code == 404
        assert api("PATCH", f"/accounts/{ids[other]}", headers, {"company_name": "X"}).status_code == 404
        assert api("GET", f"/accounts/{ids[other]}/people", headers).status_code == 404
        listed = api("GET", "/accounts?per_page=500", headers).json
        assert ids[realm] in {a["id"] for a in listed["items"]} and ids[other] not in {a["id"] for a in listed["items"]}


def test_a_token_of_a_realm_that_is_not_a_portal_is_refused(api: Any, deployment: Settings) -> None:
    refused = api("GET", "/accounts", {"Authorization": f"Bearer {master_token(deployment)}"})
    assert refused.status_code == 401, refused.json


def test_each_portal_has_its_own_address_and_sign_in(served: Any, deployment: Settings) -> None:
    default, fourth = served.test_client(), served.test_client()
    fourth_url = deployment.portal_url(FOURTH)
    assert fourth_url == deployment.public_url.replace("://", f"://{FOURTH}.", 1)
    door = default.get("/connexion")
    assert door.status_code == 302 and "/realms/portail-demo/" in door.headers["Location"]
    theirs = fourth.get("/connexion", base_url=fourth_url)
    assert theirs.status_code == 302 and f"/realms/{FOURTH}/" in theirs.headers["Location"]
    assert f"redirect_uri={fourth_url.replace(':', '%3A').replace('/', '%2F')}" in theirs.headers["Location"]


def test_a_session_of_one_portal_is_not_valid_on_another(
    served: Any, deployment: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from provisioner.web import ui

    monkeypatch.setattr(ui, "_roles_now", lambda user: {"portal-operator"})  # Keycloak would say: still signed in
    fourth_url = deployment.portal_url(FOURTH)
    for portal, status in ((FOURTH, 200), ("portail-demo", 302)):
        client = served.test_client()
        with client.session_transaction(base_url=fourth_url) as session:
            now = __import__("time").time()
            session["ui"] = {"subject": "s", "sid": "x", "username": "op", "portal": portal, "since": now, "seen": now}
        assert client.get("/comptes", base_url=fourth_url).status_code == status, portal


@pytest.fixture(scope="module")
def other_portals_objects(api: Any, operators: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A principal account of the demo portal with a secondary and its holder (the objects the
    fourth portal's operator then tries every endpoint and page on)."""
    headers = operators["portail-demo"]
    account = api("POST", "/accounts", headers, principal_body(f"x{uuid.uuid4().hex[:10]}", {"DSN": None})).json
    account = account["account"]
    body = {"name": "etab", "identifier": "42872048600011", "company_name": "ETAB", "teleprocedures": {"DSN": None}}
    secondary = api("POST", f"/accounts/{account['id']}/secondaries", headers, body).json["account"]
    holder = api("GET", f"/accounts/{account['id']}/people", headers).json["items"][0]
    return {"account": account, "secondary": secondary, "holder": holder}


def test_every_endpoint_refuses_another_portals_objects(
    api: Any, operators: dict[str, dict[str, str]], other_portals_objects: dict[str, Any]
) -> None:
    """An operator (it sees every account of its portal) of the fourth portal gets 404 from every
    endpoint naming an account or person of the demo portal, and changes nothing."""
    from tests.accounts.test_accounts_authorization import _b_requests

    theirs = other_portals_objects
    before = api("GET", f"/accounts/{theirs['account']['id']}", operators["portail-demo"]).json
    for method, path, body in _b_requests(theirs):
        response = api(method, path, operators[FOURTH], body)
        assert response.status_code == 404, (method, path, response.status_code, response.json)
        assert set(response.json) == {"error"}, (method, path)
    assert api("GET", f"/accounts/{theirs['account']['id']}", operators["portail-demo"]).json == before
    people = api("GET", f"/accounts/{theirs['account']['id']}/people", operators["portail-demo"]).json["items"]
    assert [p["id"] for p in people] == [theirs["holder"]["id"]]


def test_another_portals_operator_gets_nothing_of_a_firm(
    api: Any, operators: dict[str, dict[str, str]], principal_body: Any
) -> None:
    """The routes of a firm's portfolio entries, mandates and delegation profiles name no account
    (``/portfolio/{id}``, ``/mandates/{id}``, ``/delegation-profiles/{id}``): the fourth portal's
    operator gets 404 from them for the demo portal's, which stay as they were."""
    headers = operators["portail-demo"]
    body = principal_body(f"x{uuid.uuid4().hex[:10]}", {"DSN": None}, company_type="expert-comptable")
    firm = api("POST", "/accounts", headers, body).json["account"]
    path = f"/accounts/{firm['id']}/portfolio"
    entry = api("POST", path, headers, {"identifier": "73282932000074"}).json["establishment"]
    client = {
        "identifier": "42872048600011",
        "company_name": "CLIENT",
        "address_line1": "1 rue",
        "postcode": "69003",
        "city": "Lyon",
        "teleprocedures": ["DSN"],
    }
    mandate = api("POST", f"/accounts/{firm['id']}/clients", headers, client).json["mandate"]
    profile = {"name": "Paie", "teleprocedures": ["DSN"], "establishment_ids": [entry["id"]]}
    made = api("POST", f"/accounts/{firm['id']}/delegation-profiles", headers, profile).json["profile"]
    for method, route, data in (
        ("PATCH", f"/portfolio/{entry['id']}", {"company_name": "PIRATE"}),
        ("DELETE", f"/portfolio/{entry['id']}", None),
        ("POST", f"/mandates/{mandate['id']}/revocation", None),
        ("DELETE", f"/mandates/{mandate['id']}", None),
        ("GET", f"/delegation-profiles/{made['id']}", None),
        ("PATCH", f"/delegation-profiles/{made['id']}", {"name": "PIRATE"}),
        ("DELETE", f"/delegation-profiles/{made['id']}", None),
    ):
        answer = api(method, route, operators[FOURTH], data)
        assert answer.status_code == 404, (method, route, answer.json)
    assert api("GET", path, headers).json["items"] == [entry]
    assert [m["state"] for m in api("GET", f"/accounts/{firm['id']}/clients", headers).json["items"]] == ["created"]
    assert api("GET", f"/delegation-profiles/{made['id']}", headers).json["profile"] == made


def test_each_portal_has_its_own_catalogue(
    api: Any, operators: dict[str, dict[str, str]], deployment: Settings, admin_rest: Any
) -> None:
    """The Swiss demo portal's teleprocedures are its own; the French ones are not there."""
    caisse = _operator(deployment, admin_rest, "caisse-demo")
    codes = {t["code"] for t in api("GET", "/teleprocedures", caisse).json["items"]}
    assert {"SAL", "AF", "MUT"} <= codes and "DSN" not in codes
    demo = {t["code"] for t in api("GET", "/teleprocedures", operators["portail-demo"]).json["items"]}
    assert "DSN" in demo and "SAL" not in demo


def test_every_page_refuses_another_portals_objects(
    served: Any, deployment: Settings, other_portals_objects: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page naming an account or person, asked at the fourth portal's address by its
    operator, for objects of the demo portal: 404."""
    import re
    import time

    from provisioner.web import ui

    monkeypatch.setattr(ui, "_roles_now", lambda user: {"portal-operator"})
    theirs = other_portals_objects
    ids = {"account_id": theirs["account"]["id"], "person_id": theirs["holder"]["id"]}
    fourth_url = deployment.portal_url(FOURTH)
    client = served.test_client()
    with client.session_transaction(base_url=fourth_url) as session:
        now = time.time()
        session["ui"] = {"subject": "s", "sid": "x", "username": "op", "portal": FOURTH, "since": now, "seen": now}
    pages = [
        rule
        for rule in served.url_map.iter_rules()
        if not rule.rule.startswith("/api/") and "GET" in rule.methods and set(rule.arguments) & set(ids)
    ]
    assert len(pages) >= 5, [r.rule for r in pages]
    for rule in pages:
        path = re.sub(r"<(?:int:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), rule.rule)
        response = client.get(path, base_url=fourth_url)
        assert response.status_code == 404, (rule.rule, response.status_code)


def test_a_firms_pages_refuse_another_portals_objects(
    served: Any,
    api: Any,
    operators: dict[str, dict[str, str]],
    deployment: Settings,
    principal_body: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pages of a portfolio entry and of a delegation profile name no account: asked at the
    fourth portal's address by its operator, for the demo portal's: 404."""
    import time

    from provisioner.web import ui

    headers = operators["portail-demo"]
    body = principal_body(f"x{uuid.uuid4().hex[:10]}", {"DSN": None}, company_type="expert-comptable")
    firm = api("POST", "/accounts", headers, body).json["account"]
    entry = api("POST", f"/accounts/{firm['id']}/portfolio", headers, {"identifier": "73282932000074"}).json
    profile = api(
        "POST", f"/accounts/{firm['id']}/delegation-profiles", headers, {"name": "P", "teleprocedures": ["DSN"]}
    ).json["profile"]
    monkeypatch.setattr(ui, "_roles_now", lambda user: {"portal-operator"})
    fourth_url = deployment.portal_url(FOURTH)
    client = served.test_client()
    with client.session_transaction(base_url=fourth_url) as session:
        now = time.time()
        session["ui"] = {"subject": "s", "sid": "x", "username": "op", "portal": FOURTH, "since": now, "seen": now}
    for path in (f"/portefeuille/{entry['establishment']['id']}", f"/delegation/{profile['id']}"):
        assert client.get(path, base_url=fourth_url).status_code == 404, path


def test_another_portals_operator_gets_nothing_of_an_invitation(
    api: Any, operators: dict[str, dict[str, str]], principal_body: Any
) -> None:
    """Invitations name no account in some routes (``/invitations/{id}/sent``, a print run's
    ids): the fourth portal's operator gets nothing of the demo portal's, which stays to print."""
    headers = operators["portail-demo"]
    body = principal_body(f"x{uuid.uuid4().hex[:10]}", {"DSN": None}, status="validated")
    body["responsible"] = {
        **body["responsible"],
        "address": {"street_number": "1", "street_name": "rue Haute", "postal_code": "69003", "city": "Lyon"},
    }
    account = api("POST", "/accounts", headers, body).json["account"]
    made = api("POST", f"/accounts/{account['id']}/invitations", headers, {"channel": "letter"}).json["invitation"]
    marked = api("POST", f"/invitations/{made['id']}/sent", operators[FOURTH])
    assert marked.status_code == 404, marked.json
    printed = api("POST", "/invitations/letters", operators[FOURTH], {"invitation_ids": [made["id"]]})
    assert printed.status_code == 422 and printed.json["error"]["code"] == "not_to_print", printed.json
    listed = api("GET", "/invitations", operators[FOURTH]).json["items"]
    assert made["id"] not in [i["id"] for i in listed]
    mine = api("GET", f"/accounts/{account['id']}/invitations", headers).json["items"]
    assert [(i["id"], i["state"]) for i in mine] == [(made["id"], "created")]
