"""First registration with an invitation's access code (issue 12, seed 002), in Chromium against
the real Keycloak: an operator invites « Modèle SA » and prints the letter (the code on it, the
address where a window envelope shows it); the future administrator types the code, its e-mail
address, the code e-mailed there (from the dev outbox), its profile and the terms; signs in, enrols
its mobile with the SMS code and lands on the account as its administrator. The code then serves
no more; a reissued letter's older code is refused; guessing codes from one address stops."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.settings import Settings
from tests.fixtures import TEST_PASSWORD
from tests.fixtures.browser import enter_sms_code, sign_in, unlabelled_fields
from tests.fixtures.mandates import letters_of

pytestmark = [pytest.mark.keycloak, pytest.mark.browser]

CODE = re.compile(r"\b([A-HJ-NP-Z2-9]{4} [A-HJ-NP-Z2-9]{4} [A-HJ-NP-Z2-9]{4})\b")
ADDRESS = {"street_number": "12", "street_name": "rue d'Exemple", "postal_code": "75011", "city": "Paris"}


@pytest.fixture()
def invited_account(api: Any, principal_body: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def _make(company: str = "Modèle SA") -> dict[str, Any]:
        login = f"m{uuid.uuid4().hex[:9]}"
        body = principal_body(login, {"DSN": None}, status="validated", company_name=company)
        body["responsible"] = {**body["responsible"], "address": ADDRESS}
        made = api.call("POST", "/accounts", body)
        assert made.status_code == 201, made.json
        return made.json["account"]  # type: ignore[no-any-return]

    return _make


def _print_letter(page: Any, live_server: str, account_id: int) -> dict[str, Any]:
    """On the account's invitations page: a new letter invitation, printed; the PDF's page."""
    page.goto(f"{live_server}/comptes/{account_id}/invitations")
    assert unlabelled_fields(page) == []
    page.select_option("[data-testid=channel]", "letter")
    page.get_by_test_id("invite").click()
    page.get_by_text("Invitation créée").wait_for()
    with page.expect_download() as download:
        page.locator("[data-testid^=invitation-]").first.get_by_test_id("print").click()
    [letter] = letters_of(Path(download.value.path()).read_bytes())
    page.reload()  # the download left the page as it was
    return letter


def _outbox_code(page: Any, live_server: str, email: str) -> str:
    messages = page.request.get(f"{live_server}/dev/outbox.json?channel=email&to={email}").json()["messages"]
    match = re.search(r"\b([A-HJ-NP-Z2-9]{4} [A-HJ-NP-Z2-9]{4})\b", messages[0]["body"])
    assert match, messages[0]
    return match.group(1)


def _type_code(page: Any, live_server: str, code: str) -> None:
    page.goto(f"{live_server}/inscription")
    page.fill("#code", code)
    page.get_by_test_id("continue").click()


def test_an_invited_administrator_registers_with_the_letters_code(
    browser: Any,
    page: Any,
    live_server: str,
    settings: Settings,
    api: Any,
    new_operator: Any,
    gateway: KeycloakGateway,
    invited_account: Callable[..., dict[str, Any]],
) -> None:
    account = invited_account()
    operator, _ = new_operator()
    sign_in(page, live_server, settings, operator)
    letter = _print_letter(page, live_server, account["id"])
    [code] = CODE.findall(letter["text"])
    assert f"{live_server}/inscription" in letter["text"] and account["login"] in letter["text"]
    # The address block sits where a DL window envelope shows it (110-195 mm across, 45-90 down).
    block = [
        (t, x, y)
        for t, x, y in letter["lines"]
        if t in ("CONFIDENTIEL", "Modèle SA", "12 rue d'Exemple", "75011 PARIS")
    ]
    assert len(block) == 4, letter["lines"]
    assert all(105 <= x <= 120 and 45 <= y <= 90 for _, x, y in block), block
    state = page.locator("[data-testid^=invitation-]").first.get_by_test_id("state")
    assert "Imprimée" in state.inner_text()
    assert api.call("GET", f"/accounts/{account['id']}").json["account"]["status"] == "invited"

    # The future administrator, in its own browser.
    registrant = browser.new_context(locale="fr-FR").new_page()
    try:
        _type_code(registrant, live_server, code.lower().replace(" ", "-"))  # as people type it
        registrant.wait_for_url(f"{live_server}/inscription/adresse")
        assert unlabelled_fields(registrant) == []
        email = f"gilbert.{uuid.uuid4().hex[:6]}@modele.example"
        registrant.fill("#email", email)
        registrant.get_by_test_id("continue").click()
        registrant.wait_for_url(f"{live_server}/inscription/verification")
        registrant.fill("#code", "AAAA AAAA")  # a wrong code: said at the field, the page kept
        registrant.get_by_test_id("continue").click()
        assert registrant.locator("#code-error").inner_text().startswith("Code incorrect")
        registrant.fill("#code", _outbox_code(registrant, live_server, email))
        registrant.get_by_test_id("continue").click()
        registrant.wait_for_url(f"{live_server}/inscription/profil")
        assert unlabelled_fields(registrant) == []
        assert registrant.get_by_test_id("proven-email").inner_text() == email
        assert "au plus 12 caractères" in registrant.locator("#password-rules").inner_text()
        registrant.fill("#first_name", "Gilbert")
        registrant.fill("#last_name", "Modele")
        registrant.fill("#password", "court")  # the portal's policy, said at the field before anything is saved
        registrant.fill("#confirm", "court")
        registrant.get_by_test_id("create").click()
        assert "au moins 6 caractères" in registrant.locator("#password-error").inner_text()
        assert registrant.locator("#first_name").input_value() == "Gilbert"
        registrant.fill("#password", TEST_PASSWORD)
        registrant.fill("#confirm", TEST_PASSWORD)
        registrant.get_by_test_id("create").click()  # the terms are not accepted yet
        assert "conditions d'utilisation" in registrant.locator("#terms-error").inner_text()
        registrant.fill("#password", TEST_PASSWORD)
        registrant.fill("#confirm", TEST_PASSWORD)
        registrant.check("#terms")
        registrant.get_by_test_id("create").click()
        registrant.wait_for_url(f"{live_server}/inscription/terminee")
        assert registrant.get_by_test_id("login").inner_text() == account["login"]
        registrant.screenshot(path="test-artifacts/registration-done.png")

        # Signing in: the password just chosen, then the mobile's enrolment with its SMS code.
        registrant.get_by_test_id("sign-in").click()
        registrant.wait_for_url(f"{settings.realm_issuer}/**")
        registrant.fill("#username", account["login"])
        registrant.fill("#password", TEST_PASSWORD)
        registrant.locator("#kc-login").click()
        registrant.locator("#phone").wait_for()
        number = "+336" + "12" + str(uuid.uuid4().int)[:6]
        registrant.fill("#phone", number)
        registrant.locator("#kc-submit").click()
        enter_sms_code(registrant, live_server, number)
        registrant.wait_for_url(re.compile(re.escape(live_server) + r"/comptes.*"))
        assert "Gilbert Modele" in registrant.content()
    finally:
        registrant.context.close()

    seen = api.call("GET", f"/accounts/{account['id']}").json["account"]
    assert seen["status"] == "open" and seen["responsible"]["email"] == email
    user = gateway.find_user(account["login"])
    assert user is not None and user.email == email and user.first_name == "Gilbert"
    assert user.attributes["portail.phone"] == [number]
    people = api.call("GET", f"/accounts/{account['id']}/people").json["items"]
    holder = next(p for p in people if p["kind"] == "holder")
    assert "account-admin" in holder["roles"], holder

    # The code served once: typed again, refused, and the page says what to do.
    page.context.clear_cookies()
    _type_code(page, live_server, code)
    assert "déjà servi" in page.locator("#code-error").inner_text()


def test_a_reissued_letter_kills_the_older_code(
    page: Any, live_server: str, settings: Settings, new_operator: Any, invited_account: Callable[..., dict[str, Any]]
) -> None:
    account = invited_account("Ancienne Lettre SA")
    operator, _ = new_operator()
    sign_in(page, live_server, settings, operator)
    [older] = CODE.findall(_print_letter(page, live_server, account["id"])["text"])
    [newer] = CODE.findall(_print_letter(page, live_server, account["id"])["text"])
    states = [row.get_by_test_id("state").inner_text() for row in page.locator("[data-testid^=invitation-]").all()]
    assert "Imprimée" in states[0] and "Annulée" in states[1], states
    page.context.clear_cookies()
    _type_code(page, live_server, older)
    assert "remplacé par une invitation plus récente" in page.locator("#code-error").inner_text()
    _type_code(page, live_server, newer)
    page.wait_for_url(f"{live_server}/inscription/adresse")


def test_guessing_codes_from_one_address_stops_for_a_while(client: Any, app: Any) -> None:
    """After the portal's attempts per address, the form refuses, even a code that would be right."""
    from provisioner.codes import ALPHABET
    from provisioner.portals import load_portal

    settings = app.extensions["portail.settings"]
    limit = load_portal(settings.keycloak_config_dir, settings.keycloak_realm).registration.max_attempts_per_ip_per_hour
    address = f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    client.get("/inscription")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/inscription").text)
    assert token
    for n in range(limit):
        wrong = client.post(
            "/inscription",
            data={"csrf_token": token.group(1), "code": f"ABCD EFGH J{ALPHABET[n % 31]}{ALPHABET[n // 31]}K"},
            environ_base={"REMOTE_ADDR": address},
        )
        assert wrong.status_code == 400 and "pas reconnu" in wrong.text
    refused = client.post(
        "/inscription",
        data={"csrf_token": token.group(1), "code": "ABCD EFGH JKMN"},
        environ_base={"REMOTE_ADDR": address},
    )
    assert refused.status_code == 400 and "réessayez dans une heure" in refused.text
    elsewhere = client.post(
        "/inscription",
        data={"csrf_token": token.group(1), "code": "ABCD EFGH JKMN"},
        environ_base={"REMOTE_ADDR": "10.8.0.1"},
    )
    assert "pas reconnu" in elsewhere.text, "another address is not held up"


def test_an_invitation_by_e_mail_carries_the_code(
    api: Any, client: Any, invited_account: Callable[..., dict[str, Any]]
) -> None:
    account = invited_account("Par Courriel SA")
    to = f"admin.{uuid.uuid4().hex[:6]}@example.org"
    made = api.call("POST", f"/accounts/{account['id']}/invitations", {"channel": "email", "email": to, "locale": "de"})
    assert made.status_code == 201, made.json
    assert made.json["invitation"]["state"] == "sent", made.json
    messages = client.get(f"/dev/outbox.json?channel=email&to={to}").json["messages"]
    assert CODE.search(messages[0]["body"]) and "Zugangscode" in messages[0]["body"], messages[0]["body"]
    listed = api.call("GET", f"/accounts/{account['id']}/invitations").json["items"]
    assert [i["state"] for i in listed] == ["sent"]


def test_a_firm_registers_itself_and_signs_in_as_its_administrator(
    page: Any,
    live_server: str,
    settings: Settings,
    api: Any,
    gateway: KeycloakGateway,
    client: Any,
    app_headers: dict[str, str],
    login_as: Any,
) -> None:
    """Seed 001: « créer un compte expert-comptable » → the activation e-mail (24 h) → the
    password and the terms → signed in, the SMS enrolment, the firm's own account pages."""
    from stdnum import luhn

    siren = f"8{uuid.uuid4().int % 10**7:07d}"
    siren += luhn.calc_check_digit(siren)
    firm_siret = siren + "0001" + luhn.calc_check_digit(siren + "0001")
    email = f"resp.{uuid.uuid4().hex[:6]}@cabinet.example"
    page.goto(f"{live_server}/")
    page.get_by_test_id("register-firm").click()
    assert unlabelled_fields(page) == []
    page.fill("#siret", "123")  # said at the field, what was typed kept
    page.fill("#company_name", "Cabinet Durand Conseil")
    page.fill("#street", "3 place Bellecour")
    page.fill("#postal_code", "69002")
    page.fill("#city", "Lyon")
    page.fill("#last_name", "Durand")
    page.fill("#first_name", "Claire")
    page.fill("#email", email)
    page.get_by_test_id("apply").click()
    assert "SIRET" in page.locator("#siret-error").inner_text()
    assert page.locator("#company_name").input_value() == "Cabinet Durand Conseil"
    page.fill("#siret", firm_siret)
    page.get_by_test_id("apply").click()
    page.get_by_test_id("sent").wait_for()

    messages = page.request.get(f"{live_server}/dev/outbox.json?channel=email&to={email}").json()["messages"]
    link = re.search(r"(http://\S+/inscription/cabinet/activation/\S+)", messages[0]["body"])
    assert link and "24 heures" in messages[0]["body"], messages[0]["body"]
    page.goto(link.group(1))  # a mail scanner opening the link uses nothing up: the page asks to continue
    page.goto(link.group(1))
    page.get_by_test_id("activate").click()
    page.wait_for_url(f"{live_server}/inscription/profil")
    assert unlabelled_fields(page) == []
    assert page.locator("#first_name").input_value() == "Claire"
    page.fill("#password", TEST_PASSWORD)
    page.fill("#confirm", TEST_PASSWORD)
    page.check("#terms")
    page.get_by_test_id("create").click()
    page.wait_for_url(f"{live_server}/inscription/terminee")
    login = page.get_by_test_id("login").inner_text()
    assert login == f"cabinet{siren}"

    page.get_by_test_id("sign-in").click()
    page.wait_for_url(f"{settings.realm_issuer}/**")
    page.fill("#username", login)
    page.fill("#password", TEST_PASSWORD)
    page.locator("#kc-login").click()
    page.locator("#phone").wait_for()
    number = "+336" + "13" + str(uuid.uuid4().int)[:6]
    page.fill("#phone", number)
    page.locator("#kc-submit").click()
    enter_sms_code(page, live_server, number)
    page.wait_for_url(re.compile(re.escape(live_server) + r"/comptes.*"))
    assert page.get_by_test_id("clients-link").count() == 1, "a firm's « Gestion des mandants »"

    accounts = api.call("GET", f"/accounts?q={login}").json["items"]
    [firm] = [a for a in accounts if a["login"] == login]
    assert firm["status"] == "open" and firm["company_type"] == "expert-comptable"
    user = gateway.find_user(login)
    assert user is not None and user.email == email

    # Nobody checked yet that the applicant is the firm its SIRET names: that SIRET vouches for
    # nothing (no own filings, no token naming it) until an operator confirms it.
    assert page.get_by_test_id("identity-unchecked").count() == 1
    assert firm["identity_checked"] is False
    assert "portail.identifier" not in user.attributes
    chosen = api.call("PUT", f"/accounts/{firm['id']}/teleprocedures", {"teleprocedures": {"DSN": None}})
    assert chosen.status_code == 200, chosen.json
    question = {
        "subject": {"type": "user", "id": user.id},
        "resource": {"type": "establishment", "id": firm_siret},
        "action": {"name": "DSN"},
    }
    answer = client.post("/access/v1/evaluation", json=question, headers=app_headers).json
    assert answer["decision"] is False and answer["context"]["reason"] == "identity_not_checked", answer
    # It may add clients, but no letter carrying a key that names it leaves before the check.
    body = {
        "identifier": "73282932000074",
        "company_name": "CLIENT",
        "address_line1": "2 quai Sud",
        "postcode": "13002",
        "city": "Marseille",
        "teleprocedures": ["DSN"],
    }
    added = api.call("POST", f"/accounts/{firm['id']}/clients", body, login_as(login))
    assert added.status_code == 201, added.json
    letters = api.call("POST", f"/accounts/{firm['id']}/clients/letters", {})
    assert letters.status_code == 422 and letters.json["error"]["code"] == "identity_not_checked", letters.json
    confirmed = api.call("PATCH", f"/accounts/{firm['id']}", {"identity_checked": True})
    assert confirmed.status_code == 200 and confirmed.json["account"]["identity_checked"], confirmed.json
    answer = client.post("/access/v1/evaluation", json=question, headers=app_headers).json
    assert answer["decision"] is True and answer["context"]["reason"] == "own_account", answer
    refreshed = gateway.find_user(login)
    assert refreshed is not None and refreshed.attributes["portail.identifier"] == [firm_siret]
    page.reload()
    assert page.get_by_test_id("identity-unchecked").count() == 0
    # The link served once.
    page.context.clear_cookies()
    page.goto(link.group(1))
    page.get_by_test_id("activate").click()
    assert "déjà servi" in page.get_by_test_id("form-error").inner_text()
