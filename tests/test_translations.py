"""Every language a person can choose (French first, German, Italian, English) is complete
wherever the product speaks: the administration pages, the Keycloak login and e-mail themes, the
SMS codes, the teleprocedure gates and the notices the provisioner sends itself."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from provisioner.accounts.domain import LOCALES
from provisioner.accounts.outbox import _EMAIL_CHANGED
from provisioner.portals import read_realm_file
from provisioner.realms.teleprocedures import DENIED_TEXTS
from provisioner.settings import REPO_ROOT
from provisioner.sms.services import DEFAULT_TEXTS
from provisioner.web.fields import LANGUAGES
from provisioner.web.i18n import LOCALES as UI_LOCALES

TRANSLATIONS = REPO_ROOT / "provisioner" / "translations"
THEMES = REPO_ROOT / "themes" / "portail"
TRANSLATED = [code for code in LOCALES if code != "fr"]  # French is the source language


def test_every_language_a_person_chooses_is_offered_everywhere() -> None:
    assert LOCALES == ("fr", "de", "it", "en")
    assert UI_LOCALES == LOCALES
    assert [choice.value for choice in LANGUAGES] == list(LOCALES)
    for kind in ("login", "email"):
        properties = (THEMES / kind / "theme.properties").read_text(encoding="utf-8")
        assert re.search(rf"^locales={','.join(LOCALES)}$", properties, re.M), kind
    for path in sorted((REPO_ROOT / "keycloak-config" / "realms").glob("*.json")):
        data = read_realm_file(path)  # with the base it extends
        assert set(data["settings"]["supportedLocales"]) >= set(LOCALES), path.name


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_pages_are_translated(locale: str) -> None:
    template = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    catalog = read_po((TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb"))
    assert not catalog.fuzzy, f"{locale}: the catalogue is marked fuzzy (pybabel compile would skip it)"
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        assert translated is not None, f"{locale}: missing {message.id!r}"
        strings = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        assert all(strings) and not translated.fuzzy, f"{locale}: untranslated {message.id!r}"
        source = message.id if isinstance(message.id, str) else message.id[-1]
        for string in strings:
            assert _python_placeholders(string) == _python_placeholders(source), f"{locale}: {string!r}"
    errors = [(message.id, error) for message, problems in catalog.check() for error in problems]
    assert not errors, errors


def _python_placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sd]", text))


def _properties(path: Path) -> dict[str, str]:
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            entries[key.strip()] = value
    return entries


@pytest.mark.parametrize("kind", ["login", "email"])
def test_the_keycloak_themes_are_translated(kind: str) -> None:
    source = _properties(THEMES / kind / "messages" / "messages_fr.properties")
    for locale in LOCALES:
        messages = _properties(THEMES / kind / "messages" / f"messages_{locale}.properties")
        assert set(messages) == set(source), f"{kind}/{locale}: keys differ: {set(messages) ^ set(source)}"
        for key, value in messages.items():
            assert value.strip() or not source[key].strip(), f"{kind}/{locale}: {key} is empty"
            # Keycloak formats these with Java's MessageFormat: the same arguments, and a lone
            # single quote would swallow the text after it.
            assert set(re.findall(r"\{\d\}", value)) == set(re.findall(r"\{\d\}", source[key])), f"{locale}: {key}"
            assert not re.search(r"(?<!')'(?!')", value), f"{kind}/{locale}: {key}: write '' or ’, not '"


def _braces(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


@pytest.mark.parametrize(
    "name, texts",
    [
        ("SMS code", DEFAULT_TEXTS),
        ("teleprocedure gate", DENIED_TEXTS),
        ("old address notice", {k: " ".join(v) for k, v in _EMAIL_CHANGED.items()}),
    ],
)
def test_the_messages_of_the_provisioner_are_translated(name: str, texts: dict[str, Any]) -> None:
    assert set(texts) == set(LOCALES), name
    for locale in TRANSLATED:
        assert _braces(texts[locale]) == _braces(texts["fr"]), f"{name}/{locale}"


def test_the_portals_sms_texts_are_translated() -> None:
    for path in sorted((REPO_ROOT / "keycloak-config" / "realms").glob("*.json")):
        texts = read_realm_file(path).get("portal", {}).get("sms", {}).get("texts", {})
        assert texts, path.name  # every portal has them (from the base)
        if texts:
            assert set(texts) == set(LOCALES), path.name
            assert all(_braces(texts[code]) == _braces(texts["fr"]) for code in LOCALES), path.name


def test_a_page_speaks_italian(client: Any) -> None:
    page = client.get("/?lang=it").get_data(as_text=True)
    assert 'lang="it"' in page and "Amministrazione dei conti" in page and "Accedere" in page
    assert 'hreflang="it"' in page  # offered in the language menu
