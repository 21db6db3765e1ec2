"""Asking the establishment's administrators (issue 10, item 5; seed 004): from the reset page of
the declarants' portal, the portal's identifiers only; the same answer for anyone; the
administrators' e-mail; the queue « Déclarants en attente de modification de mot de passe /
adresse mail »; the e-mail changed first, then the link to choose a password sent to the new
address; the person chooses a password and signs in with it. Rate limits, expiry, isolation."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from provisioner.actors import Actor
from provisioner.context import Context
from provisioner.db import Database, utcnow
from provisioner.demo import data
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.portals import load_portal
from provisioner.settings import Settings
from provisioner.sync.worker import process
from tests.fixtures.browser import choose_secret_question, enter_sms_code

pytestmark = pytest.mark.keycloak

REALM = "declarants-demo"
SIRET = "73282932000074"
NEW = "Nouveau26"


def _mails(page: Any, live_server: str, to: str) -> list[dict[str, Any]]:
    return page.request.get(f"{live_server}/dev/outbox.json?channel=email&to={to}").json()["messages"]


def _collaborator(settings: Settings, database: Database, gateway: KeycloakGateway) -> dict[str, Any]:
    """A declarant of BOULANGERIE MARTIN (not the demo's Sophie: her password stays the demo's),
    in Keycloak with a password and a mobile."""
    from provisioner.accounts.models import Account
    from provisioner.people import services as people
    from provisioner.people.schemas import CollaboratorIn

    tag = uuid.uuid4().hex[:6]
    portal = load_portal(settings.keycloak_config_dir, REALM)
    with database.session() as session:
        principal = session.scalars(
            select(Account).where(Account.portal == REALM, Account.login == "martin-boulangerie")
        ).one()
        ctx = Context(session, portal, Actor.system("test"))
        person = people.add_collaborator(
            ctx,
            principal,
            CollaboratorIn(
                email=f"luc-{tag}@ancienne.example", first_name="Luc", last_name=f"Léger{tag}", roles=["declarant:DSN"]
            ),
        )
        info = {"id": person.id, "username": person.username, "email": person.email, "last_name": person.last_name}
    kc = gateway.for_realm(REALM)
    process(database, kc)
    user = kc.find_user(info["username"])
    assert user is not None
    kc.set_password(user.id, data.DEMO_PASSWORD)
    info["phone"] = "+3361" + str(uuid.uuid4().int)[:7]
    rep = kc.rest.get(f"admin/realms/{REALM}/users/{user.id}")
    rep["attributes"]["portail.phone"] = [info["phone"]]
    rep["requiredActions"] = []
    kc.update_user(user.id, rep)
    return info


def _ask(page: Any, settings: Settings, last_name: str, first_name: str) -> str:
    portal = settings.portal_url(REALM)
    page.goto(f"{portal}/demo-app/")
    page.get_by_test_id("login").click()
    page.get_by_role("link", name=re.compile("Mot de passe oublié")).click()
    page.locator("#kc-admin-request a").click()  # the seed's link, on the reset page
    page.wait_for_url(f"{portal}/demande-administrateurs")
    assert page.locator("#login").count() == 0  # this portal's identifiers only
    page.fill("#siret", SIRET)
    page.fill("#last_name", last_name)
    page.fill("#first_name", first_name)
    page.get_by_test_id("send").click()
    page.get_by_test_id("asked").wait_for()
    return " ".join(page.locator("main").inner_text().split())


def _post_request(client: Any, portal: str, names: tuple[str, str], address: str, **headers: str) -> Any:
    """The public form, filled with SIRET and names, posted from ``address`` (with its CSRF token)."""
    page = client.get("/demande-administrateurs", base_url=portal)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert token
    body = {"csrf_token": token.group(1), "siret": SIRET, "last_name": names[0], "first_name": names[1]}
    return client.post(
        "/demande-administrateurs", base_url=portal, data=body, headers=headers, environ_base={"REMOTE_ADDR": address}
    )


@pytest.mark.browser
def test_from_the_reset_page_to_the_queue_the_new_address_first_then_the_new_password(
    page: Any,
    live_server: str,
    settings: Settings,
    database: Database,
    gateway: KeycloakGateway,
    demo_data: Any,
    wait_for: Any,
) -> None:
    luc = _collaborator(settings, database, gateway)
    claire = data.DECLARANTS.principal["responsible"]["email"]
    before = len(_mails(page, live_server, claire))
    answers = [_ask(page, settings, luc["last_name"].lower(), "LUC"), _ask(page, settings, "Personne", "Jean")]
    assert answers[0] == answers[1], answers  # the same words for someone and for nobody
    process(database, gateway.for_realm(REALM))  # the sync worker's pass: the administrators' e-mail
    told = _mails(page, live_server, claire)
    assert len(told) == before + 1, told  # one mail: Luc's request, none for nobody
    assert luc["username"] in told[0]["body"] and "/demandes" in told[0]["body"]

    # Claire, the establishment's administrator, signs in to the portal's administration.
    kc = gateway.for_realm(REALM)
    holder = kc.find_user("martin-boulangerie")
    assert holder is not None
    number = (holder.attributes.get("portail.phone") or [None])[0]
    if number is None:
        number = "+3362" + str(uuid.uuid4().int)[:7]
        rep = kc.rest.get(f"admin/realms/{REALM}/users/{holder.id}")
        rep["attributes"]["portail.phone"] = [number]
        kc.update_user(holder.id, rep)
    page.context.clear_cookies()
    portal = settings.portal_url(REALM)
    queue_url = re.search(r"https?://\S+/demandes", told[0]["body"])
    assert queue_url and queue_url.group(0).startswith(portal)
    page.goto(f"{portal}/")
    page.get_by_test_id("login").click()
    page.fill("#siret", SIRET)
    page.fill("#lastName", "Martin")
    page.fill("#firstName", "Claire")
    page.fill("#password", data.DEMO_PASSWORD)
    page.locator("#kc-login").click()
    enter_sms_code(page, live_server, number)
    page.locator("#kc-secret-question-config-form, [data-testid=signed-in]").first.wait_for()
    if page.locator("#kc-secret-question-config-form").count():
        choose_secret_question(page)
    page.get_by_test_id("signed-in").wait_for()
    page.goto(queue_url.group(0))
    request = page.locator("section[data-testid^=request-]").filter(has_text=luc["username"])
    assert request.count() == 1
    page.screenshot(path="test-artifacts/admin-requests-queue.png")

    def old_links() -> int:
        return len([m for m in _mails(page, live_server, luc["email"]) if "action-token" in m["body"]])

    links_before = old_links()  # his invitation, when he was added
    new = f"luc-{uuid.uuid4().hex[:6]}@nouvelle.example"
    request.get_by_test_id("new-email").fill(new)
    request.get_by_test_id("reset").check()
    request.get_by_test_id("handle").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "Demande traitée" in page.get_by_test_id("flash").first.inner_text()
    assert page.locator("section[data-testid^=request-]").filter(has_text=luc["username"]).count() == 0

    process(database, kc)  # whatever the request left to the worker
    link_mail = wait_for(lambda: next((m for m in _mails(page, live_server, new) if "action-token" in m["body"]), None))
    assert old_links() == links_before  # the new link never went to the old address
    assert any("traitée" in m["subject"] for m in _mails(page, live_server, new))  # Luc is told

    page.context.clear_cookies()
    link = re.search(r"https?://\S+/login-actions/action-token\?key=[\w.-]+", link_mail["body"])
    assert link
    page.goto(link.group(0).replace("&amp;", "&"))
    page.get_by_role("link", name=re.compile("Cliquez ici pour continuer")).click()  # Keycloak's page
    page.locator("#password-new").wait_for()
    page.fill("#password-new", NEW)
    page.fill("#password-confirm", NEW)
    page.locator("[type=submit]").first.click()
    page.wait_for_load_state()
    page.context.clear_cookies()
    page.goto(f"{portal}/demo-app/")
    page.get_by_test_id("login").click()
    page.fill("#siret", SIRET)
    page.fill("#lastName", luc["last_name"])
    page.fill("#firstName", "Luc")
    page.fill("#password", NEW)
    page.locator("#kc-login").click()
    enter_sms_code(page, live_server, luc["phone"])
    choose_secret_question(page)  # his first sign-in on this portal
    page.wait_for_url(re.compile(re.escape(portal) + r"/demo-app/$"))
    assert page.get_by_test_id("username").inner_text() == luc["username"]


def test_too_many_requests_from_one_address_are_refused_and_a_person_is_told_once(
    app: Any, settings: Settings, database: Database, gateway: KeycloakGateway, demo_data: Any
) -> None:
    from provisioner.requests.models import LIMITED, PENDING, AdminRequest

    luc = _collaborator(settings, database, gateway)
    client = app.test_client()
    portal = settings.portal_url(REALM)
    first = f"198.51.100.{uuid.uuid4().int % 200}"
    statuses = [
        _post_request(client, portal, (luc["last_name"], "Luc"), first if n == 0 else "203.0.113.7").status_code
        for n in range(settings.admin_requests_per_ip_per_hour + 1)
    ]
    assert statuses == [302] * len(statuses)  # five from one address: still within its limit
    with database.read_sessions() as session:
        mine = list(session.scalars(select(AdminRequest).where(AdminRequest.person_id == luc["id"])))
    assert [r.status for r in mine].count(PENDING) == 1  # one request waits; the others add nothing
    assert all(r.status in (PENDING, LIMITED) for r in mine)
    refused = None
    for _ in range(settings.admin_requests_per_ip_per_hour + 1):
        refused = _post_request(client, portal, ("Personne", "Jean"), "192.0.2.99")
    assert refused is not None and refused.status_code == 429
    assert "Trop de demandes depuis cette adresse" in refused.text
    no_csrf = client.post(
        "/demande-administrateurs", base_url=portal, data={"siret": SIRET}, environ_base={"REMOTE_ADDR": "192.0.2.1"}
    )
    assert no_csrf.status_code == 400


def test_only_the_persons_administrators_see_and_handle_it_and_it_expires(
    app: Any,
    settings: Settings,
    database: Database,
    gateway: KeycloakGateway,
    demo_data: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from provisioner.errors import RuleViolation
    from provisioner.requests import services
    from provisioner.requests.models import AdminRequest
    from provisioner.web import ui

    luc = _collaborator(settings, database, gateway)
    portal = load_portal(settings.keycloak_config_dir, REALM)
    with database.session() as session:
        ctx = Context(session, portal, Actor(name="public"))
        services.submit(
            ctx, settings, services.Identifiers(siret=SIRET, last_name=luc["last_name"], first_name="luc"), "192.0.2.50"
        )
    with database.read_sessions() as session:
        from provisioner.audit.models import AuditEntry

        asked = session.scalars(select(AdminRequest).where(AdminRequest.person_id == luc["id"])).one()
        request_id, principal_id = asked.id, asked.principal_id
        logged = session.scalars(
            select(AuditEntry.action).where(AuditEntry.target_type == "person", AuditEntry.target_id == luc["id"])
        ).all()
        assert "request.created" in logged  # in the account's change log
        assert asked.ip_hash != "192.0.2.50" and "192.0.2.50" not in asked.ip_hash  # no address in clear

    # An administrator of another account of the portal: the request does not exist for it.
    from provisioner.accounts import schemas as account_schemas
    from provisioner.accounts import services as accounts

    tag = uuid.uuid4().hex[:6]
    with database.session() as session:
        operator = Context(session, portal, Actor.system("test"))
        other = accounts.create_principal(
            operator,
            account_schemas.PrincipalIn.model_validate(
                {
                    "login": f"autre-{tag}",
                    "identifier": "07955542100019",
                    "company_name": f"AUTRE {tag}",
                    "status": "open",
                    "responsible": {"last_name": "AUTRE", "first_name": "Anne", "email": f"autre-{tag}@example.org"},
                    "teleprocedures": {"DSN": None},
                }
            ),
        )
        other_id = other.id
        session.flush()
        other.people[0].keycloak_user_id = f"sujet-{tag}"  # who the session says signed in
    monkeypatch.setattr(ui, "_roles_now", lambda user: {"account-admin"})
    client = app.test_client()
    base = settings.portal_url(REALM)
    with client.session_transaction(base_url=base) as session:
        now = time.time()
        session["ui"] = {
            "subject": f"sujet-{tag}",
            "sid": "x",
            "username": f"autre-{tag}",
            "portal": REALM,
            "since": now,
            "seen": now,
        }
    own = client.get(f"/comptes/{other_id}", base_url=base)
    assert own.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', own.text)
    assert token
    assert client.get(f"/comptes/{principal_id}/demandes", base_url=base).status_code in (403, 404)
    handled = client.post(
        f"/demandes/{request_id}", base_url=base, data={"csrf_token": token.group(1), "reset": "y", "email": ""}
    )
    assert handled.status_code == 404, handled.status_code

    # The demo portal's operator, at its own address: another portal's request does not exist there.
    monkeypatch.setattr(ui, "_roles_now", lambda user: {"portal-operator"})
    elsewhere, demo = app.test_client(), settings.portal_url("portail-demo")
    with elsewhere.session_transaction(base_url=demo) as session:
        session["ui"] = {
            "subject": "op",
            "sid": "x",
            "username": "op",
            "portal": "portail-demo",
            "since": now,
            "seen": now,
        }
    home = elsewhere.get("/comptes", base_url=demo)
    assert home.status_code == 200
    demo_token = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert demo_token
    crossed = elsewhere.post(
        f"/demandes/{request_id}", base_url=demo, data={"csrf_token": demo_token.group(1), "reset": "y"}
    )
    assert crossed.status_code == 404, crossed.status_code
    with database.read_sessions() as session:
        assert session.get_one(AdminRequest, request_id).status == "pending"  # nothing done

    # Expired: said so, and nothing is done.
    with database.session() as session:
        session.get_one(AdminRequest, request_id).expires_at = utcnow() - timedelta(minutes=1)
    with database.session() as session:
        admin = Context(session, portal, Actor(name="claire", principal_id=principal_id, administrator=True))
        with pytest.raises(RuleViolation, match="expiré"):
            services.handle(admin, services.get_request(admin, request_id), new_email=None, reset=True)


def test_behind_the_reverse_proxy_each_client_has_its_own_limit(settings: Settings, database: Database) -> None:
    """With ``PORTAIL_TRUSTED_PROXIES=1`` (compose), the address is the proxy's X-Forwarded-For:
    one client's requests do not close the page for every other client behind the same proxy."""
    from provisioner.app import create_app

    app = create_app(settings.model_copy(update={"trusted_proxies": 1}))
    client = app.test_client()
    portal = settings.portal_url(REALM)
    limit = settings.admin_requests_per_ip_per_hour

    def send(client_address: str) -> int:
        answer = _post_request(client, portal, ("Personne", "Paul"), "10.0.0.2", **{"X-Forwarded-For": client_address})
        return int(answer.status_code)

    noisy = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    assert [send(noisy) for _ in range(limit + 1)][-1] == 429  # that client is throttled
    assert send(f"198.19.{uuid.uuid4().int % 250}.1") == 302  # another one, through the same proxy, is not
