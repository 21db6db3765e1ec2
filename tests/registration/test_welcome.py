"""The welcome e-mail of an invited collaborator (issue 12, item 4; seed 002, step 15): in the
portal's words instead of Keycloak's generic "actions required", sent by the real Keycloak with
our e-mail theme: who invited them, the link, its 24 hours, the portal's support contact, in the
person's language. A password link sent later is the plain one."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

pytestmark = pytest.mark.keycloak


def _mail_to(client: Any, email: str, wait_for: Any) -> list[dict[str, Any]]:
    def found() -> list[dict[str, Any]] | None:
        messages = client.get(f"/dev/outbox.json?channel=email&to={email}").json["messages"]
        return messages or None

    return wait_for(found)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("fr", ["vous a ouvert un accès", "24 heures", "support@portail-demo.example"]),
        ("de", ["hat Ihnen einen Zugang", "24 Stunden", "Support des Portals"]),
        ("it", ["Le ha aperto un accesso", "24 ore", "supporto del portale"]),
        ("en", ["has opened an access", "24 hours", "portal's support"]),
    ],
)
def test_an_invited_collaborator_gets_the_portals_welcome(
    api: Any, client: Any, login_as: Any, wait_for: Any, locale: str, words: list[str]
) -> None:
    account = api.principal({"DSN": None})
    admin = login_as(account["login"])
    email = f"welcome.{uuid.uuid4().hex[:6]}@example.org"
    body = {"email": email, "first_name": "Léa", "last_name": "Martin", "locale": locale, "roles": []}
    made = api.call("POST", f"/accounts/{account['id']}/collaborators", body, headers=admin)
    assert made.status_code == 201, made.json
    [mail] = _mail_to(client, email, wait_for)
    text = mail["body"]
    assert "Pierre DUPONT" in text and account["company_name"] in text, text  # who invited, for which company
    assert made.json["person"]["username"] in text
    for word in words:
        assert word in text, (word, text)
    assert "/login-actions/action-token" in text

    # A password link an administrator sends later is Keycloak's plain one (no welcome).
    again = api.call("POST", f"/people/{made.json['person']['id']}/password-link", headers=admin)
    assert again.status_code in (200, 202), again.json
    newest = wait_for(
        lambda: (m := client.get(f"/dev/outbox.json?channel=email&to={email}").json["messages"]) and len(m) > 1 and m[0]
    )
    assert words[0] not in newest["body"] and "/login-actions/action-token" in newest["body"], newest["body"]


def test_what_an_administrator_typed_cannot_put_a_link_in_the_welcome(
    api: Any, client: Any, login_as: Any, wait_for: Any
) -> None:
    """The company name and the inviter's names are the administrators' words: escaped in the
    HTML welcome, never markup (a phishing link in the portal's own e-mail)."""
    account = api.principal({"DSN": None})
    trap = '<a href="https://evil.example/">Choisir mon mot de passe</a>'
    renamed = api.call("PATCH", f"/accounts/{account['id']}", {"company_name": f"ACME {trap}"})
    assert renamed.status_code == 200, renamed.json
    email = f"trap.{uuid.uuid4().hex[:6]}@example.org"
    body = {"email": email, "first_name": "Léa", "last_name": "Martin", "locale": "fr", "roles": []}
    made = api.call("POST", f"/accounts/{account['id']}/collaborators", body, headers=login_as(account["login"]))
    assert made.status_code == 201, made.json
    [mail] = _mail_to(client, email, wait_for)
    hrefs = [part.split('"')[1] for part in mail["html"].split('href="')[1:]]
    assert hrefs and all("evil.example" not in href for href in hrefs), hrefs
    assert "&lt;a" in mail["html"] or "&amp;lt;a" in mail["html"], mail["html"]
