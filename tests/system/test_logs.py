import json

import pytest

from provisioner.logs import REDACTED, configure_logging, get_logger, redact


def test_redact_masks_secret_keys_at_any_depth() -> None:
    event = {"user": "asp1ent", "password": "Demo2026", "nested": {"client_secret": "x", "ok": 1}}
    assert redact(event) == {
        "user": "asp1ent",
        "password": REDACTED,
        "nested": {"client_secret": REDACTED, "ok": 1},
    }


def test_log_lines_never_carry_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")
    get_logger("t").info("sms.sent", to="+41791112233", code="123456", token="abc.def")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["code"] == REDACTED and line["token"] == REDACTED
    assert "123456" not in json.dumps(line)
