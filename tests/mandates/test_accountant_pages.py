"""The accountants' pages in real Chromium (issue 11): « Gestion des mandants » (a client added
by hand with a refusal shown at its field, a spreadsheet with a dry run and a report per row, a
key entered), « Mon portefeuille » (the activated client to complete, completed, filtered),
« Paramètres de délégation » (a profile given to a collaborator), the rights explainer for a
client's SIRET, and « Mandats reçus » where the client's administrator revokes the mandate. What a
relying app is then told follows each step."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from provisioner.settings import Settings
from tests.fixtures.browser import sign_in, unlabelled_fields
from tests.fixtures.mandates import client_row, csv_of, letters_of, siret

pytestmark = [pytest.mark.keycloak, pytest.mark.browser]


def _reason(client: Any, headers: dict[str, str], subject: str, identifier: str, code: str = "DSN") -> str:
    body = {
        "subject": {"type": "user", "id": subject},
        "resource": {"type": "establishment", "id": identifier},
        "action": {"name": code},
    }
    answer = client.post("/access/v1/evaluation", json=body, headers=headers)
    assert answer.status_code == 200, answer.json
    return str(answer.json["context"]["reason"])


def _labelled(page: Any) -> None:
    assert unlabelled_fields(page) == [], page.url


def test_a_firm_adds_clients_activates_a_mandate_and_delegates_it(
    page: Any,
    browser: Any,
    live_server: str,
    settings: Settings,
    api: Any,
    client: Any,
    login_as: Any,
    gateway: Any,
    app_headers: dict[str, str],
    tmp_path: Path,
) -> None:
    firm = api.principal({"DSN": None, "DPAE": None}, company_type="expert-comptable")
    login_as(firm["login"])
    body = {
        "email": f"c{uuid.uuid4().hex[:8]}@example.org",
        "first_name": "Claire",
        "last_name": "Paie",
        "roles": ["declarant:DSN"],
    }
    collaborator = api.call("POST", f"/accounts/{firm['id']}/collaborators", body).json["person"]
    base = int(uuid.uuid4().int % 100_000) * 100
    by_hand, from_file = siret(base), [siret(base + 1), siret(base + 2)]

    sign_in(page, live_server, settings, firm["login"])
    for testid in ("portfolio-link", "clients-link", "delegation-link", "received-link"):
        assert page.get_by_test_id(testid).count() == 1, testid
    page.get_by_test_id("clients-link").click()
    _labelled(page)

    # « Ajouter un client »: a wrong SIRET is said at its field, what was typed stays.
    page.get_by_test_id("client-add").click()
    _labelled(page)
    page.get_by_test_id("siret").fill("12345678901234")
    page.get_by_test_id("company-name").fill("MAIN SARL")
    page.get_by_test_id("address-line1").fill("4 rue du Port")
    page.get_by_test_id("postcode").fill("44000")
    page.get_by_test_id("city").fill("Nantes")
    page.get_by_label("DSN").check()
    page.get_by_test_id("save").click()
    assert page.get_by_test_id("siret").get_attribute("aria-invalid") == "true"
    assert "SIRET invalide" in page.locator(".field.invalid .field-error").inner_text()
    assert page.get_by_test_id("company-name").input_value() == "MAIN SARL"
    page.get_by_test_id("siret").fill(by_hand)
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    row = page.locator(f"tr[data-siret='{by_hand}']")
    assert row.get_by_test_id("mandate-state").get_attribute("data-state") == "created"
    assert "1 courrier(s) en attente" in page.get_by_test_id("to-print").inner_text()

    # A spreadsheet: a dry run first (nothing saved), a report per row, then for real.
    rows = [
        client_row(from_file[0], "FICHIER UN"),
        client_row("99999999999999", "MAUVAIS"),
        client_row(from_file[1], "FICHIER DEUX"),
    ]
    path = tmp_path / "clients.csv"
    path.write_bytes(csv_of(rows))
    page.get_by_test_id("client-import").click()
    _labelled(page)
    page.get_by_test_id("import-file").set_input_files(str(path))
    page.get_by_test_id("dry-run").check()
    page.get_by_test_id("import").click()
    page.get_by_test_id("import-report").wait_for()
    assert "3 ligne(s) : 0 ajoutée(s), 2 valide(s), 1 en erreur" in page.get_by_test_id("import-counts").inner_text()
    assert page.locator("tr[data-row='3']").get_attribute("data-status") == "failed"
    assert api.call("GET", f"/accounts/{firm['id']}/clients").json["total"] == 1
    assert page.get_by_test_id("dry-run").is_checked()  # what was chosen stays
    page.get_by_test_id("dry-run").uncheck()
    page.get_by_test_id("import-file").set_input_files(str(path))
    page.get_by_test_id("import").click()
    page.locator("[data-testid=import-counts]", has_text="2 ajoutée(s)").wait_for()  # the new report

    # The portal prints the letters; the client hands its key to the firm, which enters it once.
    printed = api.call("POST", f"/accounts/{firm['id']}/clients/letters", {})
    key = next(p["keys"][0] for p in letters_of(printed.data) if by_hand in p["text"])
    page.goto(f"{live_server}/comptes/{firm['id']}/mandants")
    page.get_by_test_id("activation-key").fill(key.lower())
    page.get_by_test_id("activate").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "est actif" in page.get_by_test_id("flash").first.inner_text()
    assert (
        page.locator(f"tr[data-siret='{by_hand}']").get_by_test_id("mandate-state").get_attribute("data-state")
        == "active"
    )
    page.get_by_test_id("activation-key").fill("ABCD-EFGH-JKMN-PQRS")
    page.get_by_test_id("activate").click()
    assert page.get_by_test_id("activation-key").get_attribute("aria-invalid") == "true"
    assert "ne correspond à aucun client" in page.locator(".field.invalid .field-error").inner_text()
    assert page.get_by_test_id("activation-key").input_value() == "ABCD-EFGH-JKMN-PQRS"

    # « Mon portefeuille »: the client came in with its mandate, to complete.
    page.goto(f"{live_server}/comptes/{firm['id']}/portefeuille?state=to_complete")
    _labelled(page)
    entry = page.locator(f"tr[data-siret='{by_hand}']")
    assert "À compléter" in entry.get_by_test_id("establishment-state").inner_text()
    entry.get_by_test_id("establishment-link").click()
    _labelled(page)
    page.get_by_test_id("partner-group").fill("AG2R")
    page.get_by_test_id("monthly-deadline").fill("40")
    page.get_by_test_id("save").click()
    assert page.get_by_test_id("monthly-deadline").get_attribute("aria-invalid") == "true"
    page.get_by_test_id("monthly-deadline").fill("15")
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    assert "Complet" in page.locator(f"tr[data-siret='{by_hand}']").get_by_test_id("establishment-state").inner_text()

    # « Paramètres de délégation »: the collaborator acts for that client only through a profile.
    subject = gateway.find_user(collaborator["username"]).id
    assert _reason(client, app_headers, subject, by_hand) == "not_in_profile"
    page.goto(f"{live_server}/comptes/{firm['id']}/delegation")
    page.get_by_test_id("profile-add").click()
    _labelled(page)
    page.get_by_test_id("profile-name").fill("Paie Nantes")
    page.get_by_label("DSN").check()
    page.get_by_test_id("profile-establishments").fill(f"{by_hand}\n{siret(base + 99)}")
    page.get_by_label("Paie, Claire").check()
    page.get_by_test_id("save").click()
    assert "Pas dans le portefeuille" in page.locator(".field.invalid .field-error").inner_text()
    page.get_by_test_id("profile-establishments").fill(by_hand)
    page.get_by_test_id("save").click()
    page.get_by_test_id("flash").first.wait_for()
    assert page.locator("tr[data-profile='Paie Nantes']").count() == 1
    assert _reason(client, app_headers, subject, by_hand) == "mandate"

    # « Échéances à couvrir »: the client's deadline (the 15th) falls within a month; who may file.
    page.goto(f"{live_server}/comptes/{firm['id']}/echeances?teleprocedure=DSN&days=31")
    _labelled(page)
    line = page.locator(f"tr[data-siret='{by_hand}']")
    assert line.get_attribute("data-covered") == "yes" and "Claire Paie" in line.inner_text()

    # The rights explainer answers "why can Claire file DSN for this client?".
    page.goto(f"{live_server}/utilisateurs/{collaborator['id']}?siret={by_hand}")
    _labelled(page)
    assert page.get_by_test_id("right-DSN").get_attribute("data-reason") == "mandate"
    assert page.get_by_test_id("right-DPAE").get_attribute("data-reason") == "not_in_mandate"

    # The client's own administrator sees the mandate and revokes it.
    company = api.principal({"DSN": None}, identifier=by_hand)
    login_as(company["login"])
    other = browser.new_context(locale="fr-FR")
    second = other.new_page()
    try:
        sign_in(second, live_server, settings, company["login"])
        second.get_by_test_id("received-link").click()
        _labelled(second)
        line = second.locator(f"tr[data-firm='{firm['identifier']}']")
        assert line.get_by_test_id("received-state").get_attribute("data-state") == "active"
        second.on("dialog", lambda dialog: dialog.accept())
        line.get_by_test_id("received-revoke").click()
        second.get_by_test_id("flash").first.wait_for()
        assert line.get_by_test_id("received-state").get_attribute("data-state") == "revoked"
        second.screenshot(path=str(Path("test-artifacts") / "mandates-received.png"), full_page=True)
    finally:
        other.close()
    assert _reason(client, app_headers, subject, by_hand) == "mandate_revoked"


def test_the_accountant_pages_speak_german_and_belong_to_firms(
    page: Any, live_server: str, settings: Settings, api: Any, login_as: Any
) -> None:
    firm = api.principal({"DSN": None}, company_type="expert-comptable")
    company = api.principal({"DSN": None})
    login_as(firm["login"])
    sign_in(page, live_server, settings, firm["login"])
    page.goto(f"{live_server}/comptes/{firm['id']}/mandants?lang=de")
    assert page.locator("h1").inner_text().startswith("Mandantenverwaltung")
    page.goto(f"{live_server}/comptes/{firm['id']}/portefeuille")
    assert page.locator("h1").inner_text().startswith("Mein Portfolio")
    for odd in ("?page=²", "?page=" + "9" * 5000, "?state=nope&q=" + "x" * 500):  # whatever a visitor types
        answer = page.goto(f"{live_server}/comptes/{firm['id']}/mandants{odd}")
        assert answer is not None and answer.status == 200, odd
    answer = page.goto(f"{live_server}/comptes/{firm['id']}/echeances?days=²")
    assert answer is not None and answer.status == 200
    for path in (
        f"/comptes/{company['id']}/mandants",
        f"/comptes/{company['id']}/portefeuille",
        f"/comptes/{company['id']}/delegation",
    ):
        answer = page.goto(f"{live_server}{path}")
        assert answer is not None and answer.status in (403, 404), path
