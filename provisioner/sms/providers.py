"""SMS providers behind one interface. The dev sink stores messages; the others call real APIs.

Timeouts are short and failures become ``SmsDeliveryFailed`` with a reason that never contains
the message text (it carries the code) nor a credential.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Protocol

import requests

from provisioner.db import Database
from provisioner.errors import DomainError
from provisioner.settings import Settings


class SmsDeliveryFailed(DomainError):
    status = 502
    code = "sms_provider_failed"


class SmsProvider(Protocol):
    name: str

    def send(self, to: str, text: str) -> str:
        """Send ``text`` to the E.164 number ``to``; return the provider's message id."""


class DevSink:
    """Development and tests: the message lands in the dev outbox (/dev/outbox)."""

    name = "dev"

    def __init__(self, db: Database) -> None:
        self.db = db

    def send(self, to: str, text: str) -> str:
        from provisioner.devoutbox.services import record_sms

        with self.db.session() as session:
            message = record_sms(session, to, text)
            session.flush()
            return f"dev-{message.id}"


def _post(url: str, *, timeout: float, provider: str, **kwargs: object) -> requests.Response:
    try:
        response = requests.post(url, timeout=timeout, **kwargs)  # type: ignore[arg-type]
    except requests.Timeout as exc:
        raise SmsDeliveryFailed(f"{provider}: no answer within {timeout:.0f}s", details={"provider": provider}) from exc
    except requests.RequestException as exc:
        raise SmsDeliveryFailed(f"{provider}: {type(exc).__name__}", details={"provider": provider}) from exc
    if response.status_code >= 400:
        raise SmsDeliveryFailed(
            f"{provider} answered {response.status_code}",
            details={"provider": provider, "status": response.status_code},
        )
    return response


class Twilio:
    """Twilio Programmable Messaging: POST /2010-04-01/Accounts/{sid}/Messages.json."""

    name = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sender: str,
        *,
        timeout: float = 5.0,
        base_url: str = "https://api.twilio.com",
    ) -> None:
        self.url = f"{base_url}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = (account_sid, auth_token)
        self.sender = sender
        self.timeout = timeout

    def send(self, to: str, text: str) -> str:
        response = _post(
            self.url,
            timeout=self.timeout,
            provider=self.name,
            auth=self.auth,
            data={"To": to, "From": self.sender, "Body": text},
        )
        return str(response.json().get("sid", ""))


class Ovh:
    """OVHcloud SMS: POST /1.0/sms/{serviceName}/jobs with OVH's signed-request headers."""

    name = "ovh"

    def __init__(
        self,
        application_key: str,
        application_secret: str,
        consumer_key: str,
        service_name: str,
        sender: str,
        *,
        endpoint: str = "https://eu.api.ovh.com/1.0",
        timeout: float = 5.0,
    ) -> None:
        self.url = f"{endpoint}/sms/{service_name}/jobs"
        self.application_key = application_key
        self.application_secret = application_secret
        self.consumer_key = consumer_key
        self.sender = sender
        self.timeout = timeout

    def _signature(self, method: str, body: str, timestamp: str) -> str:
        raw = "+".join([self.application_secret, self.consumer_key, method, self.url, body, timestamp])
        return "$1$" + hashlib.sha1(raw.encode()).hexdigest()  # noqa: S324 - OVH's documented scheme

    def send(self, to: str, text: str) -> str:
        body = json.dumps(
            {
                "message": text,
                "receivers": [to],
                "sender": self.sender,
                "charset": "UTF-8",
                "noStopClause": True,
                "priority": "high",
            }
        )
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Ovh-Application": self.application_key,
            "X-Ovh-Consumer": self.consumer_key,
            "X-Ovh-Timestamp": timestamp,
            "X-Ovh-Signature": self._signature("POST", body, timestamp),
        }
        response = _post(self.url, timeout=self.timeout, provider=self.name, data=body, headers=headers)
        answer = response.json()
        if to not in answer.get("validReceivers", [to]):
            raise SmsDeliveryFailed("ovh refused the number", details={"provider": self.name})
        return ",".join(str(i) for i in answer.get("ids", []))


def provider_from(settings: Settings, db: Database) -> SmsProvider:
    if settings.sms_provider == "twilio":
        return Twilio(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            settings.twilio_from,
            timeout=settings.sms_timeout,
        )
    if settings.sms_provider == "ovh":
        return Ovh(
            settings.ovh_application_key,
            settings.ovh_application_secret.get_secret_value(),
            settings.ovh_consumer_key.get_secret_value(),
            settings.ovh_service_name,
            settings.ovh_sender,
            endpoint=settings.ovh_endpoint,
            timeout=settings.sms_timeout,
        )
    return DevSink(db)
