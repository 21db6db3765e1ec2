"""E-mail the provisioner sends itself (Keycloak sends its own): plain text, through the portal's
SMTP relay (``PORTAIL_SMTP_HOST``/``PORT``, the dev sink in development), from ``PORTAIL_MAIL_FROM``.

Never called with a database transaction open: the dev sink writes to the same database."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from provisioner.settings import Settings


def send_mail(settings: Settings, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.keycloak_timeout) as smtp:
        smtp.send_message(message)
