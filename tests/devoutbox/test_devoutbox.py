"""Dev outbox: a real SMTP server on localhost; Keycloak's mail lands there."""

import smtplib
import uuid
from email.message import EmailMessage
from typing import Any

import pytest

from provisioner.app import create_app
from provisioner.devoutbox.services import record_sms
from provisioner.settings import Settings


def _messages(client: Any, to: str) -> list[dict[str, Any]]:
    return client.get(f"/dev/outbox.json?to={to}").json["messages"]


def test_smtp_sink_stores_mail_shown_in_outbox(client: Any, settings: Settings, smtp_sink: Any) -> None:
    to = f"{uuid.uuid4().hex[:8]}@example.org"
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", to, "Bonjour é"
    message.set_content("Corps du message")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port) as smtp:
        smtp.send_message(message)
    (stored,) = _messages(client, to)
    assert stored["subject"] == "Bonjour é" and "Corps du message" in stored["body"]
    page = client.get("/dev/outbox")
    assert page.status_code == 200 and "Bonjour é" in page.get_data(as_text=True)


def test_sms_sink_is_listed(client: Any, database: Any) -> None:
    with database.session() as session:
        record_sms(session, "+41791112233", "Votre code : 123456")
    (sms,) = client.get("/dev/outbox.json?channel=sms&to=%2B41791112233").json["messages"]
    assert sms["channel"] == "sms" and "123456" in sms["body"]


def test_outbox_is_absent_outside_dev_mode(settings: Settings, database: Any) -> None:
    production = create_app(settings.model_copy(update={"dev_mode": False}))
    assert production.test_client().get("/dev/outbox.json").status_code == 404
    assert production.test_client().get("/demo-app/").status_code == 404


@pytest.mark.keycloak
def test_keycloak_sends_mail_through_the_sink(gateway: Any, client: Any, wait_for: Any) -> None:
    name = f"mail-{uuid.uuid4().hex[:8]}"
    user_id = gateway.create_user(
        {
            "username": name,
            "email": f"{name}@example.org",
            "firstName": "Marie",
            "lastName": "Curie",
            "enabled": True,
        }
    )
    gateway.rest.put(f"admin/realms/{gateway.realm}/users/{user_id}/execute-actions-email", ["UPDATE_PASSWORD"])
    (mail,) = wait_for(lambda: _messages(client, f"{name}@example.org"))
    assert "Portail Démo" in mail["body"] or "Portail Démo" in mail["subject"]
    assert "/login-actions/action-token?key=" in mail["body"]


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("fr", "Boîte d'envoi de développement"),
        ("de", "Entwicklungs-Postausgang"),
        ("en", "Development outbox"),
    ],
)
def test_pages_are_french_first_with_german_and_english(client: Any, lang: str, title: str) -> None:
    assert title in client.get(f"/dev/outbox?lang={lang}").get_data(as_text=True)
