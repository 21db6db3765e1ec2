"""The administration UI in real Chromium, signed in through the real Keycloak (OIDC + PKCE)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.settings import Settings
from tests.fixtures import TEST_PASSWORD
from tests.fixtures.browser import sign_in, sms_code

pytestmark = [pytest.mark.keycloak, pytest.mark.browser]


@pytest.fixture()
def principal(api: Any, login_as: Any) -> dict[str, Any]:
    account = api.principal({"DSN": None, "DPAE": None}, secondary_quota=2)
    for name, mailbox in (("etab1", True), ("etab2", False), ("etab3", False)):
        response = api.secondary(account["id"], name, {"DSN": None}, has_mailbox=mailbox)
        assert response.status_code == 201, response.json
    login_as(account["login"])  # a known password
    return account


def test_an_administrator_manages_its_secondary_accounts(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], gateway: KeycloakGateway
) -> None:
    sign_in(page, live_server, settings, principal["login"])
    assert page.url.endswith(f"/comptes/{principal['id']}")
    assert page.get_by_test_id("login").inner_text() == principal["login"]
    assert page.locator("[data-testid=teleprocedures] tr[data-code]").count() == 2
    assert page.get_by_test_id("quota").inner_text() == "Comptes secondaires avec BAL : 1 sur 2 autorisés"
    assert page.get_by_test_id("count").inner_text() == "3 comptes secondaires trouvés"

    etab2 = f"etab2.{principal['login']}"
    row = page.locator(f"tr[data-login='{etab2}']")
    assert row.get_by_test_id("status").get_attribute("data-status") == "open"
    page.on("dialog", lambda dialog: dialog.accept())  # "Désactiver le compte … ?"
    row.get_by_test_id("deactivate").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "désactivé" in page.get_by_test_id("flash").first.inner_text()
    assert row.get_by_test_id("status").get_attribute("data-status") == "closed"
    assert "Fermé" in row.get_by_test_id("status").inner_text()
    user = gateway.find_user(etab2)
    assert user is not None and not user.enabled  # deactivation reached Keycloak

    page.get_by_test_id("filter-status").select_option("closed")
    page.get_by_test_id("search").click()
    page.wait_for_url("**status=closed**")
    assert page.get_by_test_id("count").inner_text() == "1 compte secondaire trouvé"
    assert page.locator("tr[data-login]").count() == 1
    page.locator(f"tr[data-login='{etab2}']").get_by_test_id("reactivate").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "réactivé" in page.get_by_test_id("flash").first.inner_text()
    user = gateway.find_user(etab2)
    assert user is not None and user.enabled

    page.get_by_test_id("filter-q").fill("ETAB3")
    page.get_by_test_id("filter-status").select_option("")
    page.get_by_test_id("search").click()
    page.wait_for_url("**q=ETAB3**")
    assert [r.get_attribute("data-login") for r in page.locator("tr[data-login]").all()] == [
        f"etab3.{principal['login']}"
    ]


def test_an_administrator_sees_nothing_of_another_account(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], api: Any
) -> None:
    other = api.principal({"DSN": None})
    sign_in(page, live_server, settings, principal["login"])
    response = page.goto(f"{live_server}/comptes/{other['id']}")
    assert response.status == 404
    assert "introuvable" in page.content() and other["login"] not in page.content()
    page.goto(f"{live_server}/comptes")  # the operators' list: an administrator lands on its own
    assert page.url.endswith(f"/comptes/{principal['id']}")
    # A form posted without its CSRF token changes nothing.
    refused = page.request.post(f"{live_server}/comptes/{principal['id']}/desactiver", fail_on_status_code=False)
    assert refused.status == 400
    assert api.call("GET", f"/accounts/{principal['id']}").json["account"]["status"] == "open"


def test_signed_out_visitors_are_sent_to_sign_in_and_the_ui_speaks_german(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any]
) -> None:
    page.goto(f"{live_server}/comptes/{principal['id']}")
    assert page.url.startswith(f"{live_server}/?next=")
    sign_in(page, live_server, settings, principal["login"], start=page.url.removeprefix(live_server))
    assert page.url.endswith(f"/comptes/{principal['id']}")  # back where they were going
    page.goto(f"{live_server}/comptes/{principal['id']}?q=etab&status=open")
    page.locator("a[hreflang=de]").click()  # the language changes, the filters stay
    page.wait_for_url("**lang=de**")
    assert "q=etab" in page.url and "status=open" in page.url
    assert page.locator("html").get_attribute("lang") == "de"
    assert "Verwaltung Ihrer Nebenkonten" in page.content()
    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/comptes")
    assert page.url.startswith(f"{live_server}/?next=")


def test_an_operator_finds_any_account(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], new_operator: Any
) -> None:
    username, _ = new_operator()
    sign_in(page, live_server, settings, username)
    assert page.url.endswith("/comptes")
    page.fill("input[name=q]", principal["login"])
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**q=**")
    logins = [r.get_attribute("data-login") for r in page.locator("tr[data-login]").all()]
    assert principal["login"] in logins and f"etab1.{principal['login']}" in logins
    page.locator(f"tr[data-login='{principal['login']}'] a").click()
    assert page.get_by_test_id("login").inner_text() == principal["login"]


def test_user_list_filters_exports_and_disables_collaborators(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], gateway: KeycloakGateway
) -> None:
    sign_in(page, live_server, settings, principal["login"])
    page.get_by_test_id("people-link").click()
    page.get_by_test_id("invite").click()
    email = f"c{uuid.uuid4().hex[:6]}@example.org"
    page.get_by_test_id("email").fill("pas-une-adresse")
    page.get_by_test_id("first-name").fill("Zoé")
    page.get_by_test_id("last-name").fill("Martin")
    page.get_by_test_id("save").click()
    assert "Adresse e-mail invalide" in page.locator(".field-error").inner_text()  # kept, explained
    assert page.get_by_test_id("first-name").input_value() == "Zoé"
    page.get_by_test_id("email").fill(email)
    page.get_by_label("Déclarant DSN").check()  # rule 12: one permission per teleprocedure of the account
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    assert f"Invitation envoyée à {email}" in page.get_by_test_id("flash").first.inner_text()
    row = page.locator(f"tr[data-username='{email}']")
    assert "Déclarant DSN" in row.inner_text()
    invited = gateway.find_user(email)
    assert invited is not None and "tp-dsn" in gateway.user_realm_roles(invited.id)

    page.on("dialog", lambda dialog: dialog.accept())
    row.get_by_test_id("person-disable").click()
    page.get_by_test_id("flash").first.wait_for()
    assert page.locator(f"tr[data-username='{email}']").count() == 0  # disabled users are hidden by default
    user = gateway.find_user(email)
    assert user is not None and not user.enabled
    page.get_by_test_id("incl-disabled").check()
    page.get_by_test_id("people-search").click()
    page.wait_for_url("**incl_disabled=1**")
    assert page.locator(f"tr[data-username='{email}']").get_by_test_id("disabled").inner_text() == "Oui"

    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename == f"utilisateurs-{principal['login']}.xlsx"
    from openpyxl import load_workbook

    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(handle).active
    assert email in [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)]
    pdf = page.request.get(live_server + (page.get_by_test_id("export-pdf").get_attribute("href") or ""))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


def test_creating_a_secondary_account_and_giving_it_a_mailbox(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], api: Any
) -> None:
    sign_in(page, live_server, settings, principal["login"])
    page.get_by_test_id("new-secondary").click()
    page.get_by_test_id("name").fill("lyon")
    page.get_by_test_id("identifier").fill("732 829 320 00075")  # wrong check digit
    page.get_by_test_id("company-name").fill("ETAB LYON")
    page.get_by_test_id("tp-DSN").check()
    page.get_by_test_id("save").click()
    assert "SIRET invalide" in page.get_by_test_id("form-error").inner_text()
    assert page.get_by_test_id("company-name").input_value() == "ETAB LYON"  # nothing typed is lost
    page.get_by_test_id("identifier").fill("732 829 320 00074")
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    login = f"lyon.{principal['login']}"
    assert login in page.get_by_test_id("flash").first.inner_text()
    created = next(
        a for a in api.call("GET", f"/accounts/{principal['id']}/secondaries").json["items"] if a["login"] == login
    )
    assert list(created["teleprocedures"]) == ["DSN"] and created["has_mailbox"] is False

    # Rule 9: the quota (2) has one BAL left; switching warns first, then forces a password reset.
    page.locator(f"tr[data-login='{login}'] a").click()
    messages: list[str] = []

    def accept(dialog: Any) -> None:
        messages.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_test_id("mailbox-on").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "réinitialiser son mot de passe" in messages[0]
    assert "devra réinitialiser son mot de passe" in page.content()
    assert api.call("GET", f"/accounts/{created['id']}").json["account"]["has_mailbox"] is True

    # The quota is now used up: a third BAL is refused with the rule's message.
    page.goto(f"{live_server}/comptes/{principal['id']}")
    page.locator(f"tr[data-login='etab2.{principal['login']}'] a").click()
    page.get_by_test_id("mailbox-on").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "quota" in page.get_by_test_id("flash").first.inner_text()


def test_teleprocedure_options_cascade_to_secondaries_and_show_in_the_journal(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], api: Any
) -> None:
    etab1 = next(
        a
        for a in api.call("GET", f"/accounts/{principal['id']}/secondaries").json["items"]
        if a["login"].startswith("etab1.")
    )
    assert (
        api.call(
            "PUT", f"/accounts/{etab1['id']}/teleprocedures", {"teleprocedures": {"DSN": None, "DPAE": None}}
        ).status_code
        == 200
    )
    sign_in(page, live_server, settings, principal["login"])
    page.get_by_test_id("options-link").click()
    assert page.get_by_test_id("tp-DPAE").is_checked() and page.get_by_test_id("tp-DSN").is_checked()
    page.get_by_test_id("tp-DPAE").uncheck()
    page.locator("tr[data-code=DSN] summary").click()
    page.get_by_test_id("type-DSN-mensuelle").check()
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    flashes = " ".join(page.get_by_test_id("flash").all_inner_texts())
    assert (
        "sont enregistrées" in flashes and "Retirées aussi de 3 comptes secondaires" in flashes
    )  # DPAE from etab1; DSN types from all three
    assert api.call("GET", f"/accounts/{principal['id']}").json["account"]["teleprocedures"] == {"DSN": ["mensuelle"]}
    assert api.call("GET", f"/accounts/{etab1['id']}").json["account"]["teleprocedures"] == {"DSN": ["mensuelle"]}

    # A secondary is offered only what its principal has.
    page.goto(f"{live_server}/comptes/{etab1['id']}/options")
    assert [r.get_attribute("data-code") for r in page.locator("tr[data-code]").all()] == ["DSN"]
    page.goto(f"{live_server}/comptes/{etab1['id']}")
    page.get_by_test_id("journal-link").click()
    actions = [r.get_attribute("data-action") for r in page.locator("tr[data-action]").all()]
    assert actions[0] == "account.teleprocedures.cascade"
    assert "Téléprocédures retirées avec le compte principal" in page.get_by_test_id("journal").inner_text()


def test_editing_the_identity_copies_the_responsible_into_a_contact(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], api: Any
) -> None:
    sign_in(page, live_server, settings, principal["login"])
    page.get_by_test_id("identity-link").click()
    assert page.get_by_test_id("resp-last-name").input_value() == "DUPONT"
    page.get_by_test_id("company-name").fill("SOCIETE RENOMMEE")
    page.get_by_test_id("resp-email").fill("pas-une-adresse")
    page.get_by_test_id("save").click()
    assert "Adresse e-mail invalide" in page.locator(".field-error").inner_text()
    assert api.call("GET", f"/accounts/{principal['id']}").json["account"]["company_name"] != "SOCIETE RENOMMEE"

    email = f"direction-{uuid.uuid4().hex[:6]}@example.org"
    page.get_by_test_id("resp-email").fill(email)
    page.get_by_test_id("copy-technical").click()
    assert page.get_by_test_id("technical-name").input_value() == "Pierre DUPONT"
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    account = api.call("GET", f"/accounts/{principal['id']}").json["account"]
    assert account["company_name"] == "SOCIETE RENOMMEE"
    assert account["responsible"]["email"] == email
    assert account["technical_contact"] == {"name": "Pierre DUPONT", "email": email, "phone": "+33149098737"}


def test_options_quota_and_billing_address(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], api: Any
) -> None:
    sign_in(page, live_server, settings, principal["login"])
    page.get_by_test_id("services-link").click()
    assert page.get_by_test_id("quota").input_value() == "2"
    page.get_by_test_id("quota").fill("0")  # etab1 has a BAL
    page.get_by_test_id("save").click()
    assert "ne peut pas être inférieur au 1 compte secondaire" in page.get_by_test_id("form-error").inner_text()
    page.get_by_test_id("quota").fill("5")
    page.get_by_test_id("statement-collection").check()
    page.get_by_test_id("statement-inbox").fill("releves@example.org")
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    account = api.call("GET", f"/accounts/{principal['id']}").json["account"]
    assert account["secondary_quota"] == 5
    assert account["services"]["statement_collection"] is True
    assert account["services"]["statement_inbox"] == "releves@example.org"

    page.get_by_test_id("billing-link").click()
    page.get_by_test_id("use-responsible").uncheck()
    page.get_by_test_id("save").click()
    assert "Indiquez l'adresse de facturation" in page.locator(".field-error").inner_text()
    page.get_by_test_id("street").fill("rue de la Paix")
    page.get_by_test_id("postal-code").fill("75002")
    page.get_by_test_id("city").fill("Paris")
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    billing = api.call("GET", f"/accounts/{principal['id']}").json["account"]["billing"]
    assert billing["use_responsible_address"] is False
    assert billing["address"]["city"] == "Paris" and billing["address"]["postal_code"] == "75002"


def test_the_last_administrator_cannot_be_disabled_and_a_closed_account_gives_no_rights(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], api: Any, login_as: Any
) -> None:
    sign_in(page, live_server, settings, principal["login"])
    page.goto(f"{live_server}/comptes/{principal['id']}/utilisateurs")
    page.locator(f"tr[data-username='{principal['login']}']").get_by_test_id("person-disable").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "au moins un administrateur actif" in page.get_by_test_id("flash").first.inner_text()
    people = api.call("GET", f"/accounts/{principal['id']}/people").json["items"]
    assert all(p["enabled"] for p in people)  # the refused change was not kept

    admin = login_as(principal["login"])
    assert api.call("POST", f"/accounts/{principal['id']}/deactivate").status_code == 200  # the portal closes it
    assert api.call("GET", f"/accounts/{principal['id']}", headers=admin).status_code == 404
    page.goto(f"{live_server}/comptes/{principal['id']}")
    # Closing it disabled its users in Keycloak and ended their sessions: signed out at once.
    assert page.get_by_test_id("login").is_visible()


def test_the_demo_operator_signs_in_to_the_accounts_search(
    page: Any, live_server: str, settings: Settings, demo_data: Any
) -> None:
    sign_in(page, live_server, settings, "operateur", password="Demo2026")
    page.fill("input[name=q]", "asp1ent")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**q=asp1ent**")
    assert "asp1ent" in [r.get_attribute("data-login") for r in page.locator("tr[data-login]").all()]


def test_a_new_operator_enrols_its_mobile_at_the_first_sign_in(
    page: Any, live_server: str, settings: Settings, new_operator: Any
) -> None:
    """The administration asks everyone the SMS code: an operator without a number enrols one
    (verified by SMS) at its first sign-in before it gets in."""
    username, _ = new_operator()
    page.goto(f"{live_server}/")
    page.get_by_test_id("login").click()
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    page.locator("#kc-login").click()
    page.locator("#phone").wait_for()
    page.screenshot(path="test-artifacts/admin-enrolment.png")
    number = "+33612" + str(uuid.uuid4().int)[:6]
    page.fill("#phone", number)
    page.locator("#kc-submit").click()
    page.locator("#code").wait_for()
    page.fill("#code", sms_code(page, live_server, number))
    page.locator("#kc-submit").click()
    page.wait_for_url(f"{live_server}/comptes")


def test_a_locked_out_user_shows_until_when_and_is_unlocked(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], api: Any, login_as: Any
) -> None:
    from tests.fixtures.tokens import password_token

    collaborator = api.call(
        "POST",
        f"/accounts/{principal['id']}/collaborators",
        {"email": f"b{uuid.uuid4().hex[:6]}@example.org", "first_name": "Bruno", "last_name": "Bloqué"},
    ).json["person"]
    username = collaborator["username"]
    login_as(username)
    for _ in range(6):  # wrong passwords: Keycloak's brute-force detection locks the user out
        password_token(settings, username, "Mauvais2026")
    # Locked out: even the right password is refused (invalid_grant is HTTP 400 since Keycloak 26.6).
    locked = password_token(settings, username)
    assert locked.status_code == 400 and locked.json()["error"] == "invalid_grant", locked.text
    lock = api.call("GET", f"/people/{collaborator['id']}/lockout").json
    assert lock["locked"] is True and lock["until"]

    sign_in(page, live_server, settings, principal["login"])
    page.goto(f"{live_server}/comptes/{principal['id']}/utilisateurs")
    row = page.locator(f"tr[data-username='{username}']")
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d UTC", row.get_by_test_id("locked").inner_text())
    assert page.locator(f"tr[data-username='{principal['login']}']").get_by_test_id("locked").inner_text() == ""
    row.get_by_test_id("unlock").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "débloqué" in page.get_by_test_id("flash").first.inner_text()
    assert password_token(settings, username).status_code == 200
    assert api.call("GET", f"/people/{collaborator['id']}/lockout").json == {"locked": False, "until": None}
    journal = api.call("GET", f"/accounts/{principal['id']}/audit").json["items"]
    assert journal[0]["action"] == "person.unlocked"


def test_an_operator_validates_then_opens_a_requested_account(
    page: Any,
    live_server: str,
    settings: Settings,
    demo_data: Any,
    api: Any,
    gateway: KeycloakGateway,
    principal_body: Any,
    new_login: Any,
) -> None:
    requested = api.call("POST", "/accounts", principal_body(new_login(), {"DSN": None}, status="requested")).json[
        "account"
    ]
    holder = gateway.find_user(requested["login"])
    assert holder is not None and not holder.enabled  # not open yet: no login
    sign_in(page, live_server, settings, "operateur", password="Demo2026")
    page.goto(f"{live_server}/comptes?status=requested&q={requested['login']}")
    page.locator(f"tr[data-login='{requested['login']}'] a").click()
    assert page.get_by_test_id("status").first.get_attribute("data-status") == "requested"
    page.get_by_test_id("status-validated").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "Demande validée" in page.get_by_test_id("flash").first.inner_text()
    page.get_by_test_id("status-open").click()
    page.get_by_test_id("flash").first.wait_for()
    assert page.get_by_test_id("status").first.get_attribute("data-status") == "open"
    holder = gateway.find_user(requested["login"])
    assert holder is not None and holder.enabled
    assert [b.get_attribute("data-testid") for b in page.get_by_test_id("lifecycle").locator("button").all()] == [
        "status-closed"
    ]


def test_an_administrator_enrols_a_collaborator_mobile_on_the_spot(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], api: Any, gateway: KeycloakGateway
) -> None:
    email = f"m{uuid.uuid4().hex[:6]}@example.org"
    api.call(
        "POST",
        f"/accounts/{principal['id']}/collaborators",
        {"email": email, "first_name": "Mia", "last_name": "Mobile"},
    )
    digits = str(uuid.uuid4().int)[:6]
    sign_in(page, live_server, settings, principal["login"])
    page.goto(f"{live_server}/comptes/{principal['id']}/utilisateurs")
    page.locator(f"tr[data-username='{email}']").get_by_test_id("phone-link").click()
    page.get_by_test_id("phone").fill("01 49 09 87 37")  # a landline gets no SMS
    page.get_by_test_id("send-code").click()
    assert page.get_by_test_id("form-error").is_visible()
    page.get_by_test_id("phone").fill(f"06 12 {digits[:2]} {digits[2:4]} {digits[4:]}")
    page.get_by_test_id("send-code").click()
    page.get_by_test_id("flash").first.wait_for()
    number = f"+33612{digits}"
    sms = page.request.get(f"{live_server}/dev/outbox.json?channel=sms&to={number.replace('+', '%2B')}").json()
    code = re.search(r"\b(\d{6})\b", sms["messages"][0]["body"]).group(1)  # type: ignore[union-attr]
    page.get_by_test_id("code").fill("000000" if code != "000000" else "111111")
    page.get_by_test_id("confirm-code").click()
    assert "2 essai(s) restant(s)" in page.get_by_test_id("form-error").inner_text()
    page.get_by_test_id("code").fill(code)
    page.get_by_test_id("confirm-code").click()
    page.get_by_test_id("flash").first.wait_for()
    row = page.locator(f"tr[data-username='{email}']")
    assert f"SMS +33 61 *** ** {digits[-2:]}" in row.inner_text()  # masked on screen
    user = gateway.find_user(email)
    assert user is not None and user.attributes.get("portail.phone") == [number]


def test_an_operator_creates_a_principal_account(
    page: Any, live_server: str, settings: Settings, demo_data: Any, gateway: KeycloakGateway, api: Any, new_login: Any
) -> None:
    login = new_login()
    sign_in(page, live_server, settings, "operateur", password="Demo2026")
    page.get_by_test_id("new-principal").click()
    page.get_by_test_id("login").fill(login)
    page.get_by_test_id("identifier").fill("732 829 320 00075")  # wrong check digit
    page.get_by_test_id("company-name").fill("NOUVELLE SOCIETE")
    page.get_by_test_id("resp-last-name").fill("NOUVEAU")
    page.get_by_test_id("resp-first-name").fill("Nina")
    page.get_by_test_id("resp-email").fill(f"{login}@example.org")
    page.get_by_test_id("tp-DSN").check()
    page.get_by_test_id("save").click()
    assert "SIRET invalide" in page.get_by_test_id("form-error").inner_text()
    assert page.get_by_test_id("tp-DSN").is_checked()  # nothing typed is lost
    page.get_by_test_id("identifier").fill("732 829 320 00074")
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    assert page.get_by_test_id("login").inner_text() == login
    group = gateway.find_group(login)
    assert group is not None and group.attributes["portail.identifier"] == ["73282932000074"]
    holder = gateway.find_user(login)
    assert holder is not None and holder.enabled and "tp-dsn" in gateway.user_realm_roles(holder.id)


def test_an_administrator_edits_a_collaborator_but_never_removes_the_last_administrator(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], api: Any, gateway: KeycloakGateway
) -> None:
    email = f"r{uuid.uuid4().hex[:6]}@example.org"
    person = api.call(
        "POST",
        f"/accounts/{principal['id']}/collaborators",
        {"email": email, "first_name": "Rémi", "last_name": "Rôle"},
    ).json["person"]
    sign_in(page, live_server, settings, principal["login"])
    page.goto(f"{live_server}/comptes/{principal['id']}/utilisateurs")
    page.locator(f"tr[data-username='{email}']").get_by_test_id("person-link").click()
    page.get_by_label("Comptabilité").check()
    page.get_by_test_id("locale").select_option("de")
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    saved = api.call("GET", f"/people/{person['id']}").json["person"]
    assert saved["locale"] == "de" and set(saved["roles"]) == {"accounting"}
    user = gateway.find_user(email)
    assert user is not None and user.attributes.get("locale") == ["de"]

    page.locator(f"tr[data-username='{principal['login']}']").get_by_test_id("person-link").click()
    page.get_by_label("Administrateur").uncheck()
    page.get_by_test_id("save").click()
    assert "au moins un administrateur actif" in page.get_by_test_id("form-error").inner_text()
    holder = next(
        p
        for p in api.call("GET", f"/accounts/{principal['id']}/people").json["items"]
        if p["username"] == principal["login"]
    )
    assert "account-admin" in holder["roles"]


def test_permissions_belong_to_the_principal_and_the_holder_follows_the_responsible(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], api: Any
) -> None:
    secondaries = api.call("GET", f"/accounts/{principal['id']}/secondaries").json["items"]
    etab2 = next(a for a in secondaries if a["login"].startswith("etab2."))
    (login,) = api.call("GET", f"/accounts/{etab2['id']}/people").json["items"]
    refused = api.call("PATCH", f"/people/{login['id']}", {"roles": ["account-admin"]})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "not_for_secondary"
    holder = next(
        p for p in api.call("GET", f"/accounts/{principal['id']}/people").json["items"] if p["kind"] == "holder"
    )
    renamed = api.call("PATCH", f"/people/{holder['id']}", {"email": "autre@example.org"})
    assert renamed.status_code == 422 and renamed.json["error"]["code"] == "holder_follows_responsible"

    sign_in(page, live_server, settings, principal["login"])
    page.goto(f"{live_server}/utilisateurs/{login['id']}")
    assert page.get_by_label("Administrateur").count() == 0  # no permissions on a secondary's login
    page.goto(f"{live_server}/utilisateurs/{holder['id']}")
    assert page.get_by_test_id("holder-hint").is_visible()
    page.get_by_test_id("locale").select_option("en")
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    assert api.call("GET", f"/people/{holder['id']}").json["person"]["locale"] == "en"

    # A secondary's options saved unchanged stay within its principal's rights.
    page.goto(f"{live_server}/comptes/{etab2['id']}/options")
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "sont enregistrées" in page.get_by_test_id("flash").first.inner_text()


def test_an_invited_collaborator_chooses_a_password_from_the_e_mail(
    page: Any, live_server: str, settings: Settings, principal: dict[str, Any], api: Any, wait_for: Any
) -> None:
    from tests.fixtures.tokens import password_token

    email = f"i{uuid.uuid4().hex[:6]}@example.org"
    invited = api.call(
        "POST",
        f"/accounts/{principal['id']}/collaborators",
        {"email": email, "first_name": "Inès", "last_name": "Invitée"},
    )
    assert invited.status_code == 201 and invited.json["sync"]["status"] == "applied"

    def invitation() -> Any:
        mails = page.request.get(f"{live_server}/dev/outbox.json?channel=email&to={email}").json()["messages"]
        return mails[0] if mails else None

    mail = wait_for(invitation)
    link = re.search(r"https?://\S+/login-actions/action-token\?key=[\w.-]+", mail["body"])
    assert link, mail["body"]
    page.goto(link.group(0).replace("&amp;", "&"))
    page.get_by_text("Cliquez ici pour continuer").click()  # Keycloak names the action first
    page.locator("#password-new").wait_for()
    page.fill("#password-new", "Nouveau26")
    page.fill("#password-confirm", "Nouveau26")
    page.locator("[type=submit]").first.click()
    page.wait_for_load_state()
    assert password_token(settings, email, "Nouveau26").status_code == 200

    # The administrator can send another link (a lost invitation, a forgotten password).
    sign_in(page, live_server, settings, principal["login"])
    person_id = next(
        p["id"] for p in api.call("GET", f"/accounts/{principal['id']}/people").json["items"] if p["username"] == email
    )
    page.goto(f"{live_server}/utilisateurs/{person_id}")
    page.get_by_test_id("password-link").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "valable 24 heures" in page.get_by_test_id("flash").first.inner_text()
    wait_for(
        lambda: len(page.request.get(f"{live_server}/dev/outbox.json?channel=email&to={email}").json()["messages"]) >= 2
    )
