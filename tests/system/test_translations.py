"""French first, with German and English: every UI text is extracted and translated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from provisioner.settings import REPO_ROOT

TRANSLATIONS = REPO_ROOT / "provisioner" / "translations"


def _ids(path: Path) -> set[object]:
    with path.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_the_template_holds_every_text_of_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    assert len(_ids(fresh)) > 50  # the extraction did find the templates
    missing = _ids(fresh) - _ids(TRANSLATIONS / "messages.pot")
    assert not missing, f"run pybabel extract/update, then translate: {sorted(map(str, missing))}"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_text_is_translated(lang: str) -> None:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert not untranslated, f"{lang}: {untranslated}"
    assert _ids(TRANSLATIONS / "messages.pot") <= {m.id for m in catalog if m.id}
