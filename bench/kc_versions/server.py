"""The Keycloak server of one measured run: ``KeycloakServer`` of the dev runner, set up for
the bench (a given distribution and JDK, in-memory database, free loopback ports, a fresh log,
nothing inherited from the environment's Java tuning)."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

from bench.kc_versions.config import ADMIN_PASSWORD, ADMIN_USER, HOST, ROOT
from provisioner.devtools.keycloak_runtime import KeycloakServer

# don't inherit tuning meant for other servers on this machine (nor the dev runner's
# JAVA_OPTS_APPEND: the bench reports what each version's own kc.sh does)
UNSET_ENV = ("JAVA_OPTS", "JAVA_OPTS_APPEND", "JAVA_OPTS_KC_HEAP", "KC_DB", "KC_HTTP_PORT")
READY_POLL_S = 0.25
STOP_TIMEOUT_S = 60


def bench_server(home: Path, java_home: str, http_port: int, mgmt_port: int, log_path: Path) -> KeycloakServer:
    """``kc.sh start-dev --db=dev-mem`` of ``home`` on JDK ``java_home``; not started yet."""
    return KeycloakServer(
        port=http_port,
        management_port=mgmt_port,
        database="dev-mem",
        admin_username=ADMIN_USER,
        admin_password=ADMIN_PASSWORD,
        log_file=log_path,
        home=home,
        java_home=java_home,
        host=HOST,
        cwd=home,
        unset_env=UNSET_ENV,
        log_append=False,
        close_stdin=True,
    )


def wait_ready(server: KeycloakServer, timeout: float) -> float:
    """Cold start: seconds from launch to ready."""
    return server.wait_ready(timeout, poll_interval=READY_POLL_S)


def stop(server: KeycloakServer) -> dict[str, Any]:
    """SIGTERM to the process group, wait for all of it (the java child too)."""
    return server.stop(STOP_TIMEOUT_S, wait_group=True)


def port_free(port: int) -> bool:
    for host in ("0.0.0.0", "127.0.0.1"):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            # like the server (vert.x) does: TIME_WAIT leftovers of the previous run are fine
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((host, port))
            except OSError:
                return False
    # also make sure nobody answers on it (e.g. something bound on ::)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        if s.connect_ex((HOST, port)) == 0:
            return False
    return True


def pick_ports(http_base: int, mgmt_base: int, tries: int = 50) -> tuple[int, int]:
    for k in range(tries):
        hp, mp = http_base + k, mgmt_base + k
        if port_free(hp) and port_free(mp):
            return hp, mp
    raise RuntimeError(f"no free port pair from {http_base}/{mgmt_base}")


def log_summary(log_path: Path) -> dict[str, Any]:
    """Counts and first lines of the server log's errors, warnings and exceptions."""
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return {}
    lines = text.splitlines()
    errors = [ln for ln in lines if re.search(r"\bERROR\b", ln)]
    warns = [ln for ln in lines if re.search(r"\bWARN\b", ln)]
    exceptions = [
        ln
        for ln in lines
        if re.match(r"^(Exception in thread|Caused by:)", ln)
        or re.search(r"\b\w+(Error|Exception): ", ln)
        and "\tat " not in ln
    ]
    jvm_warnings = [ln for ln in lines if ln.startswith("WARNING:")]
    aug = re.search(r"augmentation completed in (\d+)ms", text)
    started = re.search(r"started in ([\d.]+)s", text)
    return {
        "log": str(log_path.relative_to(ROOT)),
        "augmentation_s": round(int(aug.group(1)) / 1000, 1) if aug else None,
        "quarkus_started_in_s": float(started.group(1)) if started else None,
        "error_lines": len(errors),
        "warn_lines": len(warns),
        "exception_lines": len(exceptions),
        "jvm_warning_lines": len(jvm_warnings),
        "first_errors": [e[:400] for e in errors[:10]],
        "first_warns": [w[:300] for w in warns[:10]],
        "first_exceptions": [e[:400] for e in exceptions[:6]],
        "first_jvm_warnings": sorted(set(w[:200] for w in jvm_warnings))[:6],
    }
