"""First access for every login (finding 6 of the hardening issue): a holder, or a secondary
account's login, is e-mailed Keycloak's link to choose a password when its account opens, as an
invited collaborator is; the link works in Chromium and the password then signs in."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from provisioner.settings import Settings
from tests.fixtures.tokens import password_token

pytestmark = [pytest.mark.keycloak, pytest.mark.browser]
LINK = re.compile(r"https?://\S+/login-actions/action-token\?key=[\w.-]+")


def _links(app: Any, email: str) -> list[str]:
    mails = app.test_client().get(f"/dev/outbox.json?channel=email&to={email}").json["messages"]
    return [m.group(0).replace("&amp;", "&") for mail in mails if (m := LINK.search(mail["body"]))]


def _choose_password(page: Any, link: str, password: str) -> None:
    page.goto(link)
    page.get_by_text("Cliquez ici pour continuer").click()  # Keycloak names the action first
    page.locator("#password-new").wait_for()
    page.fill("#password-new", password)
    page.fill("#password-confirm", password)
    page.locator("[type=submit]").first.click()
    page.wait_for_load_state()


def test_a_holder_chooses_a_password_when_the_account_opens(
    app: Any, api: Any, page: Any, settings: Settings, wait_for: Any, principal_body: Any
) -> None:
    login = f"f{uuid.uuid4().hex[:8]}"
    created = api.call("POST", "/accounts", principal_body(login, {"DSN": None}, status="validated"))
    assert created.status_code == 201, created.json
    account = created.json["account"]
    email = f"{login}@example.org"
    assert _links(app, email) == []  # not open yet: nobody can sign in
    opened = api.call("PATCH", f"/accounts/{account['id']}", {"status": "open"})
    assert opened.status_code == 200, opened.json
    (link,) = wait_for(lambda: _links(app, email))
    _choose_password(page, link, "Premier26")
    assert password_token(settings, login, "Premier26").status_code == 200


def test_a_secondary_login_gets_its_link_and_a_new_one_on_request(
    app: Any, api: Any, page: Any, settings: Settings, wait_for: Any
) -> None:
    principal = api.principal({"DSN": None}, secondary_quota=1)
    email = f"s{uuid.uuid4().hex[:8]}@example.org"
    created = api.secondary(principal["id"], "agence", {"DSN": None}, email=email)
    assert created.status_code == 201, created.json
    username = created.json["account"]["login"]
    (link,) = wait_for(lambda: _links(app, email))
    people = api.call("GET", f"/accounts/{created.json['account']['id']}/people").json["items"]
    (person,) = [p for p in people if p["username"] == username]
    assert api.call("POST", f"/people/{person['id']}/password-link").status_code in (200, 202)
    wait_for(lambda: len(_links(app, email)) == 2)
    _choose_password(page, _links(app, email)[-1], "Second26")
    assert password_token(settings, username, "Second26").status_code == 200
