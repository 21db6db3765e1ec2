"""Dev sinks: a real SMTP server on localhost that stores what it receives, and the SMS sink."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from provisioner.db import Database
from provisioner.devoutbox.models import DevMessage
from provisioner.logs import get_logger

log = get_logger(__name__)


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (
        text.get_content() if text is not None else "",
        html.get_content() if html is not None else "",
    )


class _StoreHandler:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        text, html = _parts(message)
        with self.db.session() as s:
            s.add(
                DevMessage(
                    channel="email",
                    sender=envelope.mail_from or "",
                    recipient=", ".join(envelope.rcpt_tos),
                    subject=str(message.get("Subject", "")),
                    body=text,
                    html=html,
                )
            )
        log.info("dev_smtp.received", to=envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def start_smtp_sink(db: Database, host: str, port: int) -> Controller:
    """Start the SMTP sink in its own thread; call ``.stop()`` on the result to end it."""
    controller = Controller(_StoreHandler(db), hostname=host, port=port)
    controller.start()
    log.info("dev_smtp.started", host=host, port=port)
    return controller


def record_sms(session: Session, recipient: str, text: str) -> DevMessage:
    message = DevMessage(channel="sms", recipient=recipient, body=text)
    session.add(message)
    return message


def list_messages(
    session: Session, *, channel: str | None = None, recipient: str | None = None, limit: int = 200
) -> list[DevMessage]:
    query = select(DevMessage).order_by(DevMessage.id.desc()).limit(limit)
    if channel:
        query = query.where(DevMessage.channel == channel)
    if recipient:
        query = query.where(DevMessage.recipient.contains(recipient))
    return list(session.scalars(query))


def as_dict(message: DevMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "channel": message.channel,
        "from": message.sender,
        "to": message.recipient,
        "subject": message.subject,
        "body": message.body,
        "html": message.html,
        "created_at": message.created_at.isoformat() + "Z",
    }
