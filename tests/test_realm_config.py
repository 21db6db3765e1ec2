"""Realm configuration files: loading, placeholders, and the diff that makes apply idempotent."""

import json
from pathlib import Path

import pytest

from provisioner.errors import InvalidInput
from provisioner.realms.config import load_realm_configs, variables_from
from provisioner.realms.services import changed_fields, differs
from provisioner.settings import REPO_ROOT, Settings


def test_shipped_config_loads_with_settings_placeholders() -> None:
    settings = Settings(dev_mode=True, public_url="https://portail.example", smtp_port=2600)
    (demo,) = [
        c
        for c in load_realm_configs(REPO_ROOT / "keycloak-config", variables_from(settings))
        if c.realm == "portail-demo"
    ]
    assert demo.settings["defaultLocale"] == "fr"
    assert demo.settings["supportedLocales"] == ["fr", "de", "en"]
    assert demo.settings["smtpServer"]["port"] == "2600"
    app = next(c for c in demo.clients if c["clientId"] == "portail-demo-app")
    assert app["redirectUris"] == ["https://portail.example/demo-app/callback"]
    assert app["attributes"]["pkce.code.challenge.method"] == "S256"
    provisioner = next(c for c in demo.clients if c["clientId"] == "portail-provisioner")
    assert "manage-realm" not in provisioner["serviceAccountRoles"]["realm-management"]


def test_unknown_placeholder_is_named(tmp_path: Path) -> None:
    (tmp_path / "realms").mkdir()
    (tmp_path / "realms" / "x.json").write_text(
        json.dumps({"realm": "x", "settings": {"displayName": "${nope}"}})
    )
    with pytest.raises(InvalidInput, match=r"\$\{nope\}"):
        load_realm_configs(tmp_path, {"public_url": "u"})


def test_a_second_portal_is_a_second_file(tmp_path: Path) -> None:
    (tmp_path / "realms").mkdir()
    for name in ("a", "b"):
        (tmp_path / "realms" / f"{name}.json").write_text(
            json.dumps({"realm": name, "settings": {}})
        )
    assert [c.realm for c in load_realm_configs(tmp_path, {})] == ["a", "b"]


@pytest.mark.parametrize(
    ("desired", "actual", "expected"),
    [
        ({"a": 1}, {"a": 1, "b": 2}, False),  # keys we do not manage are left alone
        ({"a": 1}, {"a": 2}, True),
        ({"port": 2525}, {"port": "2525"}, False),  # Keycloak returns some numbers as strings
        (["fr", "de"], ["de", "fr"], False),
        (["fr", "de"], ["fr"], True),
        ({"attrs": {"x": "1"}}, {"attrs": {"x": "1", "y": "2"}}, False),
        (True, "true", True),
        ({"a": None}, {}, False),
    ],
)
def test_differs(desired: object, actual: object, expected: bool) -> None:
    assert differs(desired, actual) is expected


def test_changed_fields_lists_only_differences() -> None:
    assert changed_fields({"a": 1, "b": 2, "c": [1]}, {"a": 1, "b": 3, "c": [1]}) == ("b",)
