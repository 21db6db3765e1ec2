"""The Keycloak distributions to compare: fetched into the local Maven repo, unzipped fresh."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

from bench.kc_versions.config import BENCH_DIR, M2, log


def dist_zip(version: str) -> Path:
    z = M2 / version / f"keycloak-quarkus-dist-{version}.zip"
    if not z.is_file():
        log(f"{version}: not in the local Maven repo, fetching with mvn dependency:get")
        subprocess.run(
            [
                "mvn",
                "-q",
                "dependency:get",
                f"-Dartifact=org.keycloak:keycloak-quarkus-dist:{version}:zip",
                "-Dtransitive=false",
            ],
            check=True,
        )
        if not z.is_file():
            raise RuntimeError(f"mvn dependency:get did not produce {z}")
    return z


def extract(version: str, fresh: bool) -> Path:
    """Unzip the distribution under .local/bench/keycloak-<v>/ (fresh copy by default)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    home = BENCH_DIR / f"keycloak-{version}"
    if home.exists() and not fresh and (home / "bin" / "kc.sh").is_file():
        return home
    if home.exists():
        shutil.rmtree(home)
    z = dist_zip(version)
    tmp = BENCH_DIR / f".extract-{version}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    with zipfile.ZipFile(z) as zf:
        zf.extractall(tmp)
    top = tmp / f"keycloak-{version}"
    if not top.is_dir():  # unexpected layout: take the single top-level folder
        (top,) = list(tmp.iterdir())
    top.rename(home)
    shutil.rmtree(tmp)
    for script in (home / "bin").glob("*.sh"):  # zipfile drops the exec bits
        script.chmod(0o755)
    return home


def java_version(java_home: str) -> str:
    try:
        out = subprocess.run([f"{java_home}/bin/java", "-version"], capture_output=True, text=True, timeout=30)
        return (out.stderr or out.stdout).splitlines()[0].strip()
    except Exception as exc:  # noqa: BLE001
        return f"unavailable ({exc})"
