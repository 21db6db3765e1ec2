"""The SMS gateway endpoint and its providers (third-party HTTP faked with `responses` only)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import requests
import responses
from pydantic import SecretStr

from provisioner.app import create_app
from provisioner.settings import Settings
from provisioner.sms.providers import Ovh, SmsDeliveryFailed, Twilio


def _body(**extra: Any) -> dict[str, Any]:
    return {
        "realm": "portail-demo",
        "userId": str(uuid.uuid4()),
        "username": f"u{uuid.uuid4().hex[:6]}",
        "to": "+41 79 111 22 33",
        "purpose": "login",
        "locale": "fr",
        "code": "482913",
        **extra,
    }


def _post(client: Any, settings: Settings, body: dict[str, Any], secret: str | None = None) -> Any:
    token = secret if secret is not None else settings.sms_gateway_secret.get_secret_value()
    return client.post("/internal/sms", json=body, headers={"Authorization": f"Bearer {token}"})


def test_wrong_secret_is_refused(client: Any, settings: Settings) -> None:
    response = _post(client, settings, _body(), secret="wrong")
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_code_goes_to_the_dev_outbox_in_the_users_language(client: Any, settings: Settings) -> None:
    body = _body(to="+41791234567", locale="de")
    response = _post(client, settings, body)
    assert response.status_code == 202, response.json
    (sms,) = client.get("/dev/outbox.json?channel=sms&to=%2B41791234567").json["messages"][:1]
    assert "482913" in sms["body"] and "Ihr Code" in sms["body"] and "Portail Démo" in sms["body"]


def test_limits_per_user_and_per_number(client: Any, settings: Settings, database: Any) -> None:
    number = "+33612" + str(uuid.uuid4().int)[:6]  # a valid French mobile range
    body = _body(to=number)
    for _ in range(5):
        assert _post(client, settings, body).status_code == 202
    limited = _post(client, settings, body)
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "sms_rate_limited" and limited.json["error"]["details"]["scope"] == "user"
    other_user_same_number = _post(client, settings, _body(to=number))
    assert other_user_same_number.status_code == 429
    assert other_user_same_number.json["error"]["details"]["scope"] == "number"


def test_enrolment_sends_are_limited_per_ip(client: Any, settings: Settings) -> None:
    ip = f"203.0.113.{uuid.uuid4().int % 250}"
    for _ in range(10):
        assert (
            _post(
                client, settings, _body(to="+4179" + str(uuid.uuid4().int)[:7], purpose="enrolment", ip=ip)
            ).status_code
            == 202
        )
    limited = _post(client, settings, _body(to="+4179" + str(uuid.uuid4().int)[:7], purpose="enrolment", ip=ip))
    assert limited.status_code == 429 and limited.json["error"]["details"]["scope"] == "ip"


def test_countries_outside_the_portal_are_refused(client: Any, settings: Settings) -> None:
    response = _post(client, settings, _body(to="+1 415 555 2671"))
    assert response.status_code == 422 and response.json["error"]["code"] == "sms_country_not_allowed"


def test_missing_fields_are_named(client: Any, settings: Settings) -> None:
    response = _post(client, settings, {"realm": "portail-demo"})
    assert response.status_code == 400 and "code" in response.json["error"]["details"]["missing"]


@responses.activate
def test_provider_failure_is_a_clear_error_without_code_or_secret_in_logs(
    settings: Settings, database: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from provisioner.logs import configure_logging

    twilio = settings.model_copy(
        update={
            "sms_provider": "twilio",
            "twilio_account_sid": "AC123",
            "twilio_from": "+41790000000",
            "twilio_auth_token": SecretStr("tw-secret-token"),
            "log_format": "json",
            "log_level": "INFO",
        }
    )
    responses.post(
        "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json", status=500, json={"message": "boom"}
    )
    app = create_app(twilio)
    response = _post(app.test_client(), twilio, _body(code="771199"))
    configure_logging("WARNING", "console")
    assert response.status_code == 502 and response.json["error"]["code"] == "sms_provider_failed"
    logs = capsys.readouterr().err
    assert "sms.failed" in logs
    assert (
        "771199" not in logs
        and "tw-secret-token" not in logs
        and twilio.sms_gateway_secret.get_secret_value() not in logs
    )


@responses.activate
def test_twilio_sends_with_basic_auth_and_form_fields() -> None:
    responses.post("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json", status=201, json={"sid": "SM42"})
    assert Twilio("AC1", "tok", "+41790000000").send("+41791112233", "code 1") == "SM42"
    call = responses.calls[0].request
    assert call.headers["Authorization"].startswith("Basic ")
    assert "To=%2B41791112233" in call.body and "From=%2B41790000000" in call.body


@responses.activate
def test_twilio_timeout_is_a_delivery_failure() -> None:
    responses.post("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json", body=requests.Timeout())
    with pytest.raises(SmsDeliveryFailed, match="no answer"):
        Twilio("AC1", "tok", "+41790000000", timeout=1).send("+41791112233", "code 1")


@responses.activate
def test_ovh_signs_requests_as_documented() -> None:
    url = "https://eu.api.ovh.com/1.0/sms/sms-ab123-1/jobs"
    responses.post(url, json={"ids": [99], "validReceivers": ["+33612345678"], "invalidReceivers": []})
    ovh = Ovh("AK", "AS", "CK", "sms-ab123-1", "PORTAIL")
    assert ovh.send("+33612345678", "code 2") == "99"
    request = responses.calls[0].request
    body = request.body.decode() if isinstance(request.body, bytes) else request.body
    assert json.loads(body)["receivers"] == ["+33612345678"]
    assert request.headers["X-Ovh-Signature"] == ovh._signature("POST", body, request.headers["X-Ovh-Timestamp"])
    assert request.headers["X-Ovh-Signature"].startswith("$1$") and request.headers["X-Ovh-Application"] == "AK"


@responses.activate
def test_ovh_refused_number_is_a_delivery_failure() -> None:
    responses.post(
        "https://eu.api.ovh.com/1.0/sms/s/jobs",
        json={"ids": [], "validReceivers": [], "invalidReceivers": ["+33612345678"]},
    )
    with pytest.raises(SmsDeliveryFailed):
        Ovh("AK", "AS", "CK", "s", "PORTAIL").send("+33612345678", "x")
