"""The house's floors (import-linter contracts in pyproject.toml): kept today, and broken the
moment a ground-floor module imports a feature."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from provisioner.settings import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contracts_are_kept() -> None:
    result = _lint(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_a_ground_floor_module_importing_a_feature_breaks_them(tmp_path: Path) -> None:
    shutil.copytree(REPO_ROOT / "provisioner", tmp_path / "provisioner", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    state = tmp_path / "provisioner" / "web" / "state.py"
    state.write_text(state.read_text() + "\nfrom provisioner.accounts.models import Person  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "provisioner.web is not allowed to import provisioner.accounts" in result.stdout
    assert "0 kept, 3 broken" in result.stdout
