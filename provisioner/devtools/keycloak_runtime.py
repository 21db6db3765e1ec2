"""Start and stop a local Keycloak server distribution (dev runner and test session).

The distribution is fetched and unpacked by the Makefile under ``.local/``; the version is the
one pinned in ``.env``. ``bench/keycloak_versions.py`` also starts other versions with it, from
their own directory and JDK (the ``home`` and ``java_home`` options).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

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


class NotReadyError(RuntimeError):
    """The server was still not ready when the wait ran out (it is left running)."""


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
    # Options for other distributions than the pinned one (the Keycloak versions bench):
    home: Path | None = None  # Keycloak directory; default keycloak_home()
    java_home: str | None = None  # default the module's java_home()
    host: str = "localhost"  # where url and is_ready() reach the server
    cwd: Path | None = None  # working directory of kc.sh; default inherited
    unset_env: tuple[str, ...] = ()  # removed from the server's environment, even the ones set here
    log_append: bool = True  # False: truncate log_file at start
    close_stdin: bool = False  # True: stdin from /dev/null instead of inherited
    started_at: float = field(default=0.0, init=False)  # time.perf_counter() at launch
    ready_s: float | None = field(default=None, init=False)  # seconds from launch to ready
    _log: IO[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def is_ready(self) -> bool:
        try:
            response = requests.get(f"http://{self.host}:{self.management_port}/health/ready", timeout=2)
        except requests.RequestException:
            return False
        return response.status_code == 200

    def start(self, timeout: float = 240) -> None:
        """Launch the server and wait until it is ready; stopped again if it is not in time."""
        self.launch()
        try:
            self.wait_ready(timeout)
        except NotReadyError:
            self.stop()
            raise

    def launch(self) -> None:
        """Start ``kc.sh start-dev`` in its own process group, without waiting."""
        home = self.home or keycloak_home()
        if not (home / "bin" / "kc.sh").exists():
            raise RuntimeError(f"Keycloak is not installed in {home}: run `make keycloak` first")
        env = {
            **os.environ,
            "JAVA_HOME": self.java_home or java_home(),
            "KC_BOOTSTRAP_ADMIN_USERNAME": self.admin_username,
            "KC_BOOTSTRAP_ADMIN_PASSWORD": self.admin_password,
            # kc.sh of 26.5 lacks this opening; on JDK 24+ shutdown logs IllegalAccessError without it.
            "JAVA_OPTS_APPEND": "--add-opens=java.base/java.lang=ALL-UNNAMED",
            **self.extra_env,
        }
        for name in self.unset_env:
            env.pop(name, None)
        command = [
            str(home / "bin" / "kc.sh"),
            "start-dev",
            f"--db={self.database}",
            f"--http-port={self.port}",
            f"--http-management-port={self.management_port}",
            "--health-enabled=true",
        ]
        self._log = None
        if self.log_file:
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_file, "ab" if self.log_append else "wb")  # noqa: SIM115
        self.started_at = time.perf_counter()
        self.ready_s = None
        self.process = subprocess.Popen(
            command,
            cwd=self.cwd,
            env=env,
            stdin=subprocess.DEVNULL if self.close_stdin else None,
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stop() signals kc.sh and its java
        )

    def wait_ready(self, timeout: float = 240, poll_interval: float = 1.0) -> float:
        """Seconds from launch to ``/health/ready``. Raises RuntimeError if the server exits
        first, NotReadyError (leaving it running) if it is not ready within ``timeout``."""
        if self.process is None:
            raise RuntimeError("Keycloak was not launched")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Keycloak exited with {self.process.returncode}; see {self.log_file}")
            if self.is_ready():
                self.ready_s = time.perf_counter() - self.started_at
                return self.ready_s
            time.sleep(poll_interval)
        raise NotReadyError(f"Keycloak not ready after {timeout:.0f}s; see {self.log_file}")

    def stop(self, timeout: float = 30, *, wait_group: bool = False) -> dict[str, Any]:
        """SIGTERM to the process group, SIGKILL after ``timeout``. With ``wait_group``, also
        wait (up to 10 s, then SIGKILL) until no process of the group is left, e.g. the java
        child of kc.sh. Returns what happened: stop_s, exit_code, forced_kill(_group)."""
        info: dict[str, Any] = {}
        if self.process is None:
            return info
        started = time.perf_counter()
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                info["forced_kill"] = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if wait_group and not _group_gone(self.process.pid, wait=10):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            info["forced_kill_group"] = True
        info["stop_s"] = round(time.perf_counter() - started, 2)
        info["exit_code"] = self.process.returncode
        if self._log is not None:
            self._log.close()
            self._log = None
        return info


def _group_gone(pgid: int, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def sms_gateway_env(public_url: str, secret: str) -> dict[str, str]:
    """How the Keycloak SMS extension reaches the provisioner's gateway endpoint."""
    return {"PORTAIL_SMS_GATEWAY_URL": f"{public_url}/internal/sms", "PORTAIL_SMS_GATEWAY_SECRET": secret}
