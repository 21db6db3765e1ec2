"""Start and stop a local Keycloak server distribution (dev runner and test session).

The distribution is fetched and unpacked by the Makefile under ``.local/``; the version is the
one pinned in ``.env``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from provisioner.settings import REPO_ROOT


def pinned_version() -> str:
    for line in (REPO_ROOT / ".env").read_text().splitlines():
        if line.startswith("KEYCLOAK_VERSION="):
            return line.split("=", 1)[1].strip()
    raise RuntimeError(".env has no KEYCLOAK_VERSION line")


def keycloak_home() -> Path:
    return Path(os.environ.get("PORTAIL_KEYCLOAK_HOME") or REPO_ROOT / ".local" / f"keycloak-{pinned_version()}")


def java_home() -> str:
    if os.environ.get("KC_JAVA_HOME"):
        return os.environ["KC_JAVA_HOME"]
    found = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "java-home.sh")],
        capture_output=True,
        text=True,
        check=True,
    )
    return found.stdout.strip()


@dataclass
class KeycloakServer:
    port: int = 8080
    management_port: int = 9000
    database: str = "dev-file"  # dev-file keeps data between runs; dev-mem for tests
    admin_username: str = "admin"
    admin_password: str = "admin"
    log_file: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def is_ready(self) -> bool:
        try:
            response = requests.get(f"http://localhost:{self.management_port}/health/ready", timeout=2)
        except requests.RequestException:
            return False
        return response.status_code == 200

    def start(self, timeout: float = 240) -> None:
        home = keycloak_home()
        if not (home / "bin" / "kc.sh").exists():
            raise RuntimeError(f"Keycloak is not installed in {home}: run `make keycloak` first")
        env = {
            **os.environ,
            "JAVA_HOME": java_home(),
            "KC_BOOTSTRAP_ADMIN_USERNAME": self.admin_username,
            "KC_BOOTSTRAP_ADMIN_PASSWORD": self.admin_password,
            # kc.sh of 26.5 lacks this opening; on JDK 24+ shutdown logs IllegalAccessError without it.
            "JAVA_OPTS_APPEND": "--add-opens=java.base/java.lang=ALL-UNNAMED",
            **self.extra_env,
        }
        command = [
            str(home / "bin" / "kc.sh"),
            "start-dev",
            f"--db={self.database}",
            f"--http-port={self.port}",
            f"--http-management-port={self.management_port}",
            "--health-enabled=true",
        ]
        output = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Keycloak exited with {self.process.returncode}; see {self.log_file}")
            if self.is_ready():
                return
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"Keycloak not ready after {timeout:.0f}s; see {self.log_file}")

    def stop(self, timeout: float = 30) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def sms_gateway_env(public_url: str, secret: str) -> dict[str, str]:
    """How the Keycloak SMS extension reaches the provisioner's gateway endpoint."""
    return {"PORTAIL_SMS_GATEWAY_URL": f"{public_url}/internal/sms", "PORTAIL_SMS_GATEWAY_SECRET": secret}
