#!/usr/bin/env python3
"""Benchmark candidate Keycloak versions on the admin REST operations our provisioner uses.

For each version, one at a time (optionally several repetitions, interleaved):
  * make sure the distribution zip is in the local Maven repo (``mvn dependency:get`` if
    missing) and unzip a fresh copy under ``.local/bench/``;
  * start ``bin/kc.sh start-dev --db=dev-mem`` on free ports (8281/9281 and up), wait for
    ``/health/ready`` on the management port and record the cold start time;
  * run a warm-up pass of the whole scenario on a throw-away realm, then the timed pass:
    realm creation, N groups with attributes, N users (email, names, attributes), group
    membership, realm roles + role mappings, search by username and by attribute
    (``q=key:value``), group members, attribute update, sessions/logout, user deletion;
  * every answer is checked (status code *and* content): non-2xx or wrong answers are
    recorded as errors per operation, so a regression shows as a correctness failure and
    not only as latency;
  * stop the server with SIGTERM to its process group and wait.

Writes ``bench/results/keycloak_versions.json``, prints a table and replaces the section
"## Keycloak version (admin API latency)" of ``docs/benchmarks.md`` (other sections are
left alone).

Plain ``requests`` is used on purpose (no client library in the measured path): we want the
server's latency. Only loopback addresses are contacted; every loop is bounded by N.

    .venv/bin/python bench/keycloak_versions.py                 # defaults: N=200, 1 rep
    .venv/bin/python bench/keycloak_versions.py -n 50 --reps 2 --versions 26.5.6,26.7.3
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".local" / "bench"
RESULTS_JSON = ROOT / "bench" / "results" / "keycloak_versions.json"
BENCH_DOC = ROOT / "docs" / "benchmarks.md"
SECTION_TITLE = "## Keycloak version (admin API latency)"

DEFAULT_VERSIONS = ["26.4.7", "26.5.6", "26.7.3"]
DEFAULT_BASELINE = "26.5.6"
DEFAULT_JAVA_HOME = "/usr/lib/jvm/temurin-25-jdk-amd64"
JDK17_HOME = "/usr/lib/jvm/java-17-openjdk-amd64"
M2 = Path.home() / ".m2" / "repository" / "org" / "keycloak" / "keycloak-quarkus-dist"

HOST = "127.0.0.1"
ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin"
USER_PASSWORD = "Bench-Passw0rd!"
# the provisioner marks what it owns with this attribute (provisioner/keycloak/gateway.py)
OWNER_ATTR, OWNER_VALUE = "portail.managed-by", "portail-provisioner"
HTTP_TIMEOUT = 60

# Operation order used for tables (timed pass).
OPS = [
    "realm_create",
    "group_create",
    "group_get",
    "group_update",
    "user_create",
    "user_create_in_group",
    "user_get",
    "group_member_add",
    "user_groups_get",
    "role_create",
    "role_get",
    "roles_list",
    "role_mapping_add",
    "role_mapping_get",
    "role_users_list",
    "role_mapping_remove",
    "users_count",
    "users_list_page",
    "groups_count",
    "group_search",
    "groups_search_attr",
    "search_username",
    "search_email",
    "search_attr_unique",
    "search_attr_multi",
    "group_members_list",
    "user_update_attrs",
    "user_reset_password",
    "user_credentials_get",
    "token_password_grant",
    "user_sessions_get",
    "user_logout",
    "user_delete",
    "realm_delete",
]
# Operations that are part of the "provisioner" workload summarised in the geometric mean.
# (token_password_grant is the end-user login used to create sessions; it is dominated by
# password hashing and is reported but kept out of the admin-API summary.)
SUMMARY_OPS = [op for op in OPS if op not in ("token_password_grant",)]


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def percentile(values: list[float], p: float) -> float | None:
    """Linear-interpolated percentile (same as numpy's default)."""
    if not values:
        return None
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    k = (len(xs) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


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


def java_version(java_home: str) -> str:
    try:
        out = subprocess.run([f"{java_home}/bin/java", "-version"], capture_output=True, text=True, timeout=30)
        return (out.stderr or out.stdout).splitlines()[0].strip()
    except Exception as exc:  # noqa: BLE001
        return f"unavailable ({exc})"


# --------------------------------------------------------------------------------------
# distribution handling
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# server process
# --------------------------------------------------------------------------------------


@dataclass
class Server:
    version: str
    home: Path
    java_home: str
    http_port: int
    mgmt_port: int
    log_path: Path
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    ready_s: float | None = None
    _log_fh: Any = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    def start(self) -> None:
        env = dict(os.environ)
        env.update(
            KC_BOOTSTRAP_ADMIN_USERNAME=ADMIN_USER,
            KC_BOOTSTRAP_ADMIN_PASSWORD=ADMIN_PASSWORD,
            JAVA_HOME=self.java_home,
        )
        # don't inherit tuning meant for other servers on this machine
        for var in ("JAVA_OPTS", "JAVA_OPTS_APPEND", "JAVA_OPTS_KC_HEAP", "KC_DB", "KC_HTTP_PORT"):
            env.pop(var, None)
        cmd = [
            str(self.home / "bin" / "kc.sh"),
            "start-dev",
            "--db=dev-mem",
            f"--http-port={self.http_port}",
            f"--http-management-port={self.mgmt_port}",
            "--health-enabled=true",
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log_fh = open(self.log_path, "w")  # noqa: SIM115
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, so we can signal kc.sh + java
        )

    def wait_ready(self, timeout: float) -> float:
        url = f"http://{HOST}:{self.mgmt_port}/health/ready"
        deadline = self.started_at + timeout
        while time.perf_counter() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode} before ready (see {self.log_path})")
            try:
                r = requests.get(url, timeout=2)
                if r.status_code == 200 and r.json().get("status") == "UP":
                    self.ready_s = time.perf_counter() - self.started_at
                    return self.ready_s
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"not ready after {timeout}s (see {self.log_path})")

    def stop(self, timeout: float = 60) -> dict[str, Any]:
        info: dict[str, Any] = {}
        if self.proc is None:
            return info
        t0 = time.perf_counter()
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                info["forced_kill"] = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        # wait for stragglers of the group (the java child) to go away
        for _ in range(100):
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            info["forced_kill_group"] = True
        info["stop_s"] = round(time.perf_counter() - t0, 2)
        info["exit_code"] = self.proc.returncode
        if self._log_fh:
            self._log_fh.close()
        self.proc = None
        return info

    def log_summary(self) -> dict[str, Any]:
        try:
            text = self.log_path.read_text(errors="replace")
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
            "log": str(self.log_path.relative_to(ROOT)),
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


# --------------------------------------------------------------------------------------
# admin API client (timed)
# --------------------------------------------------------------------------------------


@dataclass
class Recorder:
    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    error_details: list[dict[str, Any]] = field(default_factory=list)
    enabled: bool = True

    def add(self, op: str, ms: float) -> None:
        self.calls[op] = self.calls.get(op, 0) + 1
        if self.enabled:
            self.samples.setdefault(op, []).append(ms)

    def error(self, op: str, what: str, status: int | None = None, body: str = "") -> None:
        self.errors[op] = self.errors.get(op, 0) + 1
        if len([d for d in self.error_details if d["op"] == op]) < 5:
            self.error_details.append({"op": op, "status": status, "what": what, "body": (body or "")[:500]})


class Admin:
    def __init__(self, base: str, rec: Recorder):
        self.base = base
        self.rec = rec
        self.s = requests.Session()
        self._token: str | None = None
        self._token_exp = 0.0

    # -- auth (never timed) --
    def token(self) -> str:
        if self._token is None or time.monotonic() > self._token_exp - 20:
            last_exc: Exception | None = None
            for _ in range(30):
                try:
                    r = self.s.post(
                        f"{self.base}/realms/master/protocol/openid-connect/token",
                        data={
                            "grant_type": "password",
                            "client_id": "admin-cli",
                            "username": ADMIN_USER,
                            "password": ADMIN_PASSWORD,
                        },
                        timeout=HTTP_TIMEOUT,
                    )
                    if r.status_code == 200:
                        j = r.json()
                        self._token = j["access_token"]
                        self._token_exp = time.monotonic() + float(j.get("expires_in", 60))
                        return self._token
                    last_exc = RuntimeError(f"token: HTTP {r.status_code} {r.text[:200]}")
                except requests.RequestException as exc:
                    last_exc = exc
                time.sleep(1)
            raise RuntimeError(f"cannot get an admin token: {last_exc}")
        return self._token

    def call(
        self,
        op: str,
        method: str,
        path: str,
        *,
        expect: tuple[int, ...] = (200,),
        admin: bool = True,
        raw: bool = False,
        timed: bool = True,
        **kw: Any,
    ) -> requests.Response | None:
        """One HTTP call; records latency under ``op`` and an error if the status is wrong."""
        headers = kw.pop("headers", {})
        if admin:
            headers["Authorization"] = f"Bearer {self.token()}"
        url = f"{self.base}/admin/realms{path}" if admin and not raw else f"{self.base}{path}"
        t0 = time.perf_counter()
        try:
            r = self.s.request(method, url, headers=headers, timeout=HTTP_TIMEOUT, **kw)
        except requests.RequestException as exc:
            self.rec.error(op, f"request failed: {exc!r}")
            return None
        ms = (time.perf_counter() - t0) * 1000
        if timed:
            self.rec.add(op, ms)
        if r.status_code not in expect:
            self.rec.error(op, f"HTTP {r.status_code} (expected {expect})", r.status_code, r.text)
            return None
        return r

    def check(self, op: str, ok: bool, what: str, body: Any = "") -> bool:
        if not ok:
            dump = json.dumps(body, ensure_ascii=False)[:500] if body else ""
            self.rec.error(op, "wrong answer: " + what, None, dump)
        return ok


def created_id(adm: Admin, op: str, r: requests.Response | None) -> str | None:
    if r is None:
        return None
    loc = r.headers.get("Location", "")
    ident = loc.rstrip("/").rsplit("/", 1)[-1] if loc else ""
    if not ident:
        adm.check(op, False, "201 without Location header")
        return None
    return ident


def safe_json(adm: Admin, op: str, r: requests.Response | None) -> Any:
    if r is None:
        return None
    try:
        return r.json()
    except ValueError:
        adm.check(op, False, "body is not JSON", r.text[:200])
        return None


# --------------------------------------------------------------------------------------
# the scenario
# --------------------------------------------------------------------------------------


def scenario(adm: Admin, realm: str, n: int, n_sessions: int, extra_realms: int) -> None:
    """The provisioner's workload on one realm. Timed by ``adm.rec`` (unless disabled)."""
    R = f"/{realm}"
    n_roles = max(5, n // 10)
    n_depts = 10

    # -- realms ---------------------------------------------------------------------------
    adm.call(
        "realm_create",
        "POST",
        "",
        expect=(201,),
        json={"realm": realm, "enabled": True, "displayName": "Bench"},
    )
    extra = [f"{realm}-x{k}" for k in range(extra_realms)]
    for name in extra:
        adm.call("realm_create", "POST", "", expect=(201,), json={"realm": name, "enabled": True})

    # user profile: let the provisioner's attributes through (unmanaged attributes are
    # dropped by default since Keycloak 24). Setup, not timed.
    r = adm.call("setup", "GET", f"{R}/users/profile", timed=False)
    up = safe_json(adm, "setup", r)
    if isinstance(up, dict):
        up["unmanagedAttributePolicy"] = "ENABLED"
        adm.call("setup", "PUT", f"{R}/users/profile", expect=(200, 204), json=up, timed=False)
    # a public client allowing password grant, to create real user sessions (setup)
    adm.call(
        "setup",
        "POST",
        f"{R}/clients",
        expect=(201,),
        timed=False,
        json={
            "clientId": "bench-cli",
            "publicClient": True,
            "directAccessGrantsEnabled": True,
            "standardFlowEnabled": False,
            "enabled": True,
        },
    )

    # -- groups ---------------------------------------------------------------------------
    groups: list[str | None] = []
    for i in range(n):
        r = adm.call(
            "group_create",
            "POST",
            f"{R}/groups",
            expect=(201,),
            json={
                "name": f"grp-{i:05d}",
                "attributes": {"code": [f"G{i}"], OWNER_ATTR: [OWNER_VALUE]},
            },
        )
        groups.append(created_id(adm, "group_create", r))
    for i, gid in enumerate(groups):  # PUT name + full attributes, as update_group does
        if gid is None:
            continue
        adm.call(
            "group_update",
            "PUT",
            f"{R}/groups/{gid}",
            expect=(204,),
            json={
                "name": f"grp-{i:05d}",
                "attributes": {"code": [f"G{i}"], OWNER_ATTR: [OWNER_VALUE], "siren": [f"{i:09d}"]},
            },
        )
    for i, gid in enumerate(groups):
        if gid is None:
            continue
        g = safe_json(adm, "group_get", adm.call("group_get", "GET", f"{R}/groups/{gid}"))
        if g is not None:
            adm.check(
                "group_get",
                g.get("name") == f"grp-{i:05d}"
                and (g.get("attributes") or {}).get("code") == [f"G{i}"]
                and (g.get("attributes") or {}).get("siren") == [f"{i:09d}"],
                f"group {i} name/attributes after update",
                g,
            )

    # -- users ----------------------------------------------------------------------------
    # 'matricule' is the unpadded index: an exact q=matricule:1 must not return 10, 1xx...
    def user_rep(i: int) -> dict[str, Any]:
        return {
            "username": f"bench.u{i}",
            "email": f"bench.u{i}@example.org",
            "firstName": f"Prénom{i}",
            "lastName": f"Nom-{i}",
            "enabled": True,
            "emailVerified": True,
            "attributes": {
                "matricule": [str(i)],
                "dept": [f"D{i % n_depts}"],
                "siret": [f"{73282932000074 + i:014d}"],
                OWNER_ATTR: [OWNER_VALUE],
            },
        }

    def in_group_at_creation(i: int) -> bool:
        return i % 4 == 0

    users: list[str | None] = []
    for i in range(n):
        if in_group_at_creation(i) and groups and groups[i % len(groups)]:
            body = {**user_rep(i), "groups": [f"/grp-{i % len(groups):05d}"]}
            r = adm.call("user_create_in_group", "POST", f"{R}/users", expect=(201,), json=body)
            users.append(created_id(adm, "user_create_in_group", r))
        else:
            r = adm.call("user_create", "POST", f"{R}/users", expect=(201,), json=user_rep(i))
            users.append(created_id(adm, "user_create", r))
    reps: dict[int, dict[str, Any]] = {}
    for i, uid in enumerate(users):
        if uid is None:
            continue
        u = safe_json(adm, "user_get", adm.call("user_get", "GET", f"{R}/users/{uid}"))
        if u is None:
            continue
        want = user_rep(i)
        attrs = u.get("attributes") or {}
        ok = (
            u.get("username") == want["username"]
            and u.get("email") == want["email"]
            and u.get("firstName") == want["firstName"]
            and u.get("lastName") == want["lastName"]
            and all(attrs.get(k) == v for k, v in want["attributes"].items())
        )
        if adm.check("user_get", ok, f"user {i} fields/attributes", u):
            reps[i] = u

    # -- group membership: user i -> group i % n_groups -----------------------------------
    for i, uid in enumerate(users):
        gid = groups[i % len(groups)] if groups else None
        if uid and gid and not in_group_at_creation(i):
            adm.call("group_member_add", "PUT", f"{R}/users/{uid}/groups/{gid}", expect=(204,))
    for i, uid in enumerate(users):
        gid = groups[i % len(groups)] if groups else None
        if not uid:
            continue
        res = safe_json(
            adm,
            "user_groups_get",
            adm.call(
                "user_groups_get",
                "GET",
                f"{R}/users/{uid}/groups",
                params={"briefRepresentation": "true"},
            ),
        )
        if res is not None:
            adm.check(
                "user_groups_get",
                {g.get("id") for g in res} == {gid} - {None},
                f"user {i} groups",
                [g.get("name") for g in res],
            )

    # -- realm roles and mappings ---------------------------------------------------------
    roles: list[dict[str, Any] | None] = []
    for j in range(n_roles):
        name = f"role-{j:03d}"
        adm.call(
            "role_create",
            "POST",
            f"{R}/roles",
            expect=(201,),
            json={"name": name, "description": f"bench role {j}"},
        )
        rr = safe_json(adm, "role_get", adm.call("role_get", "GET", f"{R}/roles/{name}"))
        if rr is not None and adm.check("role_get", rr.get("name") == name and rr.get("id"), f"role {name}", rr):
            roles.append({"id": rr["id"], "name": name})
        else:
            roles.append(None)
    for _ in range(10):
        res = safe_json(
            adm,
            "roles_list",
            adm.call("roles_list", "GET", f"{R}/roles", params={"briefRepresentation": "false"}),
        )
        if res is not None:
            names = {x.get("name") for x in res}
            adm.check(
                "roles_list",
                {r["name"] for r in roles if r} <= names,
                f"roles list lacks bench roles ({len(res)} roles)",
                sorted(names)[:40],
            )
    for i, uid in enumerate(users):
        role = roles[i % n_roles]
        if uid and role:
            adm.call(
                "role_mapping_add",
                "POST",
                f"{R}/users/{uid}/role-mappings/realm",
                expect=(204,),
                json=[role],
            )
    for i, uid in enumerate(users):
        role = roles[i % n_roles]
        if not (uid and role):
            continue
        rm = safe_json(
            adm,
            "role_mapping_get",
            adm.call("role_mapping_get", "GET", f"{R}/users/{uid}/role-mappings/realm"),
        )
        if rm is not None:
            adm.check(
                "role_mapping_get",
                role["name"] in {x.get("name") for x in rm},
                f"user {i} lacks {role['name']}",
                rm,
            )

    for j, role in enumerate(roles):
        if role is None:
            continue
        expected = {users[i] for i in range(n) if i % n_roles == j} - {None}
        res = safe_json(
            adm,
            "role_users_list",
            adm.call(
                "role_users_list",
                "GET",
                f"{R}/roles/{role['name']}/users",
                params={"first": "0", "max": str(n + 10)},
            ),
        )
        if res is not None:
            adm.check(
                "role_users_list",
                {u.get("id") for u in res} == expected,
                f"{role['name']}: {len(res)} users, expected {len(expected)}",
                [u.get("username") for u in res][:20],
            )

    for i, uid in enumerate(users):  # remove_realm_roles on every other user
        role = roles[i % n_roles]
        if not (uid and role and i % 2 == 0):
            continue
        if adm.call(
            "role_mapping_remove",
            "DELETE",
            f"{R}/users/{uid}/role-mappings/realm",
            expect=(204,),
            json=[role],
        ):
            rm = safe_json(
                adm,
                "role_mapping_remove",
                adm.call("verify", "GET", f"{R}/users/{uid}/role-mappings/realm", timed=False),
            )
            if rm is not None:
                adm.check(
                    "role_mapping_remove",
                    role["name"] not in {x.get("name") for x in rm},
                    f"user {i} still has {role['name']}",
                    rm,
                )

    # -- counts and paginated listings ----------------------------------------------------
    n_users_ok = len([u for u in users if u])
    for _ in range(10):
        cnt = safe_json(adm, "users_count", adm.call("users_count", "GET", f"{R}/users/count"))
        if cnt is not None:
            adm.check("users_count", cnt == n_users_ok, f"users/count={cnt}, expected {n_users_ok}", cnt)
    page, seen = 20, []
    for first in range(0, n + page, page):
        res = safe_json(
            adm,
            "users_list_page",
            adm.call(
                "users_list_page",
                "GET",
                f"{R}/users",
                params={"first": str(first), "max": str(page), "briefRepresentation": "true"},
            ),
        )
        if res is not None:
            want = max(0, min(page, n_users_ok - first))
            adm.check(
                "users_list_page",
                len(res) == want,
                f"page first={first}: {len(res)} users, expected {want}",
                [u.get("username") for u in res],
            )
            seen.extend(u.get("id") for u in res)
    adm.check(
        "users_list_page",
        sorted(seen) == sorted(u for u in users if u),
        f"pagination: {len(seen)} ids seen ({len(set(seen))} distinct), expected {n_users_ok}",
    )
    n_groups_ok = len([g for g in groups if g])
    for _ in range(10):
        cnt = safe_json(adm, "groups_count", adm.call("groups_count", "GET", f"{R}/groups/count"))
        if cnt is not None:
            adm.check(
                "groups_count",
                isinstance(cnt, dict) and cnt.get("count") == n_groups_ok,
                f"groups/count={cnt}, expected {n_groups_ok}",
                cnt,
            )
    for i in range(0, n, 5):
        if groups[i] is None:
            continue
        res = safe_json(
            adm,
            "group_search",
            adm.call(
                "group_search",
                "GET",
                f"{R}/groups",
                params={"search": f"grp-{i:05d}", "exact": "true", "briefRepresentation": "false"},
            ),
        )
        if res is not None:
            adm.check(
                "group_search",
                [g.get("id") for g in res] == [groups[i]] and (res[0].get("attributes") or {}).get("code") == [f"G{i}"],
                f"groups?search=grp-{i:05d}&exact=true: {len(res)} results",
                [(g.get("name"), g.get("attributes")) for g in res][:10],
            )
    for _ in range(10):
        res = safe_json(
            adm,
            "groups_search_attr",
            adm.call(
                "groups_search_attr",
                "GET",
                f"{R}/groups",
                params={
                    "q": f"{OWNER_ATTR}:{OWNER_VALUE}",
                    "briefRepresentation": "false",
                    "max": "100000",
                },
            ),
        )
        if res is not None:
            got = {g.get("id") for g in res}
            adm.check(
                "groups_search_attr",
                got == {g for g in groups if g},
                f"groups?q={OWNER_ATTR}:{OWNER_VALUE}: {len(got)} groups, expected {n_groups_ok}",
                [g.get("name") for g in res][:20],
            )

    # -- searches -------------------------------------------------------------------------
    for i, uid in enumerate(users):
        res = safe_json(
            adm,
            "search_username",
            adm.call(
                "search_username",
                "GET",
                f"{R}/users",
                params={"username": f"bench.u{i}", "exact": "true"},
            ),
        )
        if res is not None:
            adm.check(
                "search_username",
                [u.get("id") for u in res] == [uid],
                f"username bench.u{i}: {len(res)} results",
                [u.get("username") for u in res],
            )
    for i, uid in enumerate(users):
        res = safe_json(
            adm,
            "search_email",
            adm.call(
                "search_email",
                "GET",
                f"{R}/users",
                params={"email": f"bench.u{i}@example.org", "exact": "true"},
            ),
        )
        if res is not None:
            adm.check(
                "search_email",
                [u.get("id") for u in res] == [uid],
                f"email bench.u{i}@example.org: {len(res)} results",
                [u.get("username") for u in res],
            )
    for i, uid in enumerate(users):
        res = safe_json(
            adm,
            "search_attr_unique",
            adm.call("search_attr_unique", "GET", f"{R}/users", params={"q": f"matricule:{i}"}),
        )
        if res is not None:
            adm.check(
                "search_attr_unique",
                [u.get("id") for u in res] == [uid],
                f"q=matricule:{i}: {len(res)} results",
                [u.get("username") for u in res],
            )
    for d in range(n_depts):
        expected = {users[i] for i in range(n) if i % n_depts == d} - {None}
        res = safe_json(
            adm,
            "search_attr_multi",
            adm.call(
                "search_attr_multi",
                "GET",
                f"{R}/users",
                params={"q": f"dept:D{d}", "max": str(n + 10)},
            ),
        )
        if res is not None:
            got = {u.get("id") for u in res}
            adm.check(
                "search_attr_multi",
                got == expected,
                f"q=dept:D{d}: {len(got)} results, expected {len(expected)}",
                sorted(u.get("username") for u in res)[:20],
            )

    # -- group members --------------------------------------------------------------------
    for gi, gid in enumerate(groups):
        if gid is None:
            continue
        expected = {users[i] for i in range(n) if i % len(groups) == gi} - {None}
        res = safe_json(
            adm,
            "group_members_list",
            adm.call("group_members_list", "GET", f"{R}/groups/{gid}/members"),
        )
        if res is not None:
            adm.check(
                "group_members_list",
                {u.get("id") for u in res} == expected,
                f"group {gi}: {len(res)} members, expected {len(expected)}",
                [u.get("username") for u in res],
            )

    # -- update attributes (full representation, as read) ---------------------------------
    for i, uid in enumerate(users):
        rep = reps.get(i)
        if not (uid and rep):
            continue
        body = dict(rep)
        attrs = {k: list(v) for k, v in (rep.get("attributes") or {}).items()}
        attrs["dept"] = [f"U{i % n_depts}"]
        attrs["majLe"] = ["2026-01-01"]
        body["attributes"] = attrs
        if adm.call("user_update_attrs", "PUT", f"{R}/users/{uid}", expect=(204,), json=body):
            u = safe_json(adm, "user_update_attrs", adm.call("verify", "GET", f"{R}/users/{uid}", timed=False))
            if u is not None:
                a = u.get("attributes") or {}
                adm.check(
                    "user_update_attrs",
                    a.get("dept") == [f"U{i % n_depts}"]
                    and a.get("majLe") == ["2026-01-01"]
                    and a.get("matricule") == [str(i)]
                    and u.get("email") == rep.get("email")
                    and u.get("firstName") == rep.get("firstName"),
                    f"user {i} after update",
                    u,
                )

    # -- sessions: log a few users in, then read sessions / logout everybody -------------
    logged = [i for i in range(min(n_sessions, n)) if users[i]]
    for i in logged:
        adm.call(
            "user_reset_password",
            "PUT",
            f"{R}/users/{users[i]}/reset-password",
            expect=(204,),
            json={"type": "password", "value": USER_PASSWORD, "temporary": False},
        )
    logged_set = set(logged)
    for i, uid in enumerate(users):
        if uid is None:
            continue
        res = safe_json(
            adm,
            "user_credentials_get",
            adm.call("user_credentials_get", "GET", f"{R}/users/{uid}/credentials"),
        )
        if res is not None:
            has = any(c.get("type") == "password" for c in res)
            adm.check(
                "user_credentials_get",
                has == (i in logged_set),
                f"user {i}: password credential {has}, expected {i in logged_set}",
                res,
            )
    for i in logged:
        adm.call(
            "token_password_grant",
            "POST",
            f"/realms/{realm}/protocol/openid-connect/token",
            admin=False,
            expect=(200,),
            data={
                "grant_type": "password",
                "client_id": "bench-cli",
                "username": f"bench.u{i}",
                "password": USER_PASSWORD,
            },
        )
    for i, uid in enumerate(users):
        if uid is None:
            continue
        res = safe_json(
            adm,
            "user_sessions_get",
            adm.call("user_sessions_get", "GET", f"{R}/users/{uid}/sessions"),
        )
        if res is not None:
            want = 1 if i in logged_set else 0
            adm.check(
                "user_sessions_get",
                len(res) == want,
                f"user {i}: {len(res)} sessions, expected {want}",
                res,
            )
    for uid in users:
        if uid:
            adm.call("user_logout", "POST", f"{R}/users/{uid}/logout", expect=(204,))
    for i in logged:
        res = safe_json(
            adm,
            "user_logout",
            adm.call("verify", "GET", f"{R}/users/{users[i]}/sessions", timed=False),
        )
        if res is not None:
            adm.check("user_logout", len(res) == 0, f"user {i}: {len(res)} sessions after logout", res)

    # -- delete users ---------------------------------------------------------------------
    for uid in users:
        if uid:
            adm.call("user_delete", "DELETE", f"{R}/users/{uid}", expect=(204,))
    cnt = safe_json(adm, "user_delete", adm.call("verify", "GET", f"{R}/users/count", timed=False))
    if cnt is not None:
        adm.check("user_delete", cnt == 0, f"{cnt} users left after deletion", cnt)
    for uid in users[:5]:
        if uid:
            adm.call("user_delete", "GET", f"{R}/users/{uid}", expect=(404,), timed=False)

    # -- delete realms --------------------------------------------------------------------
    for name in extra + [realm]:
        adm.call("realm_delete", "DELETE", f"/{name}", expect=(204,))


# --------------------------------------------------------------------------------------
# one measured run of one version
# --------------------------------------------------------------------------------------


def run_version(version: str, rep: int, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"version": version, "rep": rep, "java_home": args.java_home}
    t_all = time.perf_counter()
    home = extract(version, fresh=not args.reuse_dist)
    hp, mp = pick_ports(args.http_port, args.mgmt_port)
    srv = Server(version, home, args.java_home, hp, mp, BENCH_DIR / "logs" / f"kc-{version}-rep{rep}.log")
    out.update(http_port=hp, mgmt_port=mp)
    log(f"{version} rep{rep}: starting on {hp}/{mp} ({home.relative_to(ROOT)})")
    srv.start()
    try:
        out["cold_start_s"] = round(srv.wait_ready(args.start_timeout), 2)
        log(f"{version} rep{rep}: ready in {out['cold_start_s']} s")
        rec = Recorder()
        adm = Admin(srv.base, rec)
        adm.token()
        # server facts + longer admin token lifespan (untimed setup)
        info = safe_json(adm, "setup", adm.call("setup", "GET", "/admin/serverinfo", timed=False, raw=True))
        if isinstance(info, dict):
            si = info.get("systemInfo", {})
            out["server_version"] = si.get("version")
            out["server_java"] = f"{si.get('javaVendor', '')} {si.get('javaVersion', '')}".strip()
            if si.get("version") and not str(si.get("version")).startswith(version):
                rec.error("setup", f"server reports version {si.get('version')}")
        adm.call(
            "setup",
            "PUT",
            "/master",
            expect=(204,),
            timed=False,
            json={"accessTokenLifespan": 3600},
        )
        adm._token = None

        # warm-up: the whole scenario, smaller, untimed
        t0 = time.perf_counter()
        warm = Recorder(enabled=False)
        adm.rec = warm
        scenario(adm, f"warmup-{uuid.uuid4().hex[:6]}", args.warmup_n, min(5, args.sessions), 0)
        out["warmup_s"] = round(time.perf_counter() - t0, 1)
        out["warmup_errors"] = warm.errors
        out["warmup_error_details"] = warm.error_details
        log(f"{version} rep{rep}: warm-up done in {out['warmup_s']} s, errors={warm.errors}")

        # timed pass
        out["loadavg_1m_before"] = round(os.getloadavg()[0], 2)
        t0 = time.perf_counter()
        adm.rec = rec
        scenario(adm, f"bench-{uuid.uuid4().hex[:6]}", args.n, args.sessions, args.extra_realms)
        out["measure_s"] = round(time.perf_counter() - t0, 1)
        out["loadavg_1m_after"] = round(os.getloadavg()[0], 2)
        out["samples"] = {op: [round(x, 3) for x in v] for op, v in rec.samples.items()}
        out["errors"] = rec.errors
        out["error_details"] = rec.error_details
        out["calls"] = rec.calls
        log(f"{version} rep{rep}: measured pass {out['measure_s']} s, errors={rec.errors}")
    except Exception as exc:  # noqa: BLE001
        out["failure"] = f"{type(exc).__name__}: {exc}"
        log(f"{version} rep{rep}: FAILED: {out['failure']}")
    finally:
        out["stop"] = srv.stop()
        out["server_log"] = srv.log_summary()
        log(f"{version} rep{rep}: stopped {out['stop']}")
    out["wall_s"] = round(time.perf_counter() - t_all, 1)
    return out


def jdk_smoke(version: str, java_home: str, args: argparse.Namespace) -> dict[str, Any]:
    """Start a version on another JDK: ready + one admin round trip, then stop."""
    res: dict[str, Any] = {
        "version": version,
        "java_home": java_home,
        "java": java_version(java_home),
    }
    home = extract(version, fresh=not args.reuse_dist)
    hp, mp = pick_ports(args.http_port, args.mgmt_port)
    tag = Path(java_home).name
    srv = Server(version, home, java_home, hp, mp, BENCH_DIR / "logs" / f"kc-{version}-{tag}.log")
    srv.start()
    try:
        res["cold_start_s"] = round(srv.wait_ready(args.start_timeout), 2)
        rec = Recorder()
        adm = Admin(srv.base, rec)
        realm = f"smoke-{uuid.uuid4().hex[:6]}"
        adm.call("realm_create", "POST", "", expect=(201,), json={"realm": realm, "enabled": True})
        r = adm.call(
            "user_create",
            "POST",
            f"/{realm}/users",
            expect=(201,),
            json={"username": "smoke", "email": "smoke@example.org", "enabled": True},
        )
        uid = created_id(adm, "user_create", r)
        res_s = safe_json(
            adm,
            "search_username",
            adm.call(
                "search_username",
                "GET",
                f"/{realm}/users",
                params={"username": "smoke", "exact": "true"},
            ),
        )
        adm.check("search_username", bool(res_s) and res_s[0].get("id") == uid, "smoke search")
        adm.call("realm_delete", "DELETE", f"/{realm}", expect=(204,))
        res["ok"] = not rec.errors
        res["errors"] = rec.errors
        res["error_details"] = rec.error_details
    except Exception as exc:  # noqa: BLE001
        res["ok"] = False
        res["failure"] = f"{type(exc).__name__}: {exc}"
    finally:
        res["stop"] = srv.stop()
        res["server_log"] = srv.log_summary()
    log(f"{version} on {tag}: ok={res.get('ok')} start={res.get('cold_start_s')} {res.get('failure', '')}")
    return res


# --------------------------------------------------------------------------------------
# aggregation and reporting
# --------------------------------------------------------------------------------------


def aggregate(runs: list[dict[str, Any]], versions: list[str], baseline: str) -> dict[str, Any]:
    agg: dict[str, Any] = {}
    for v in versions:
        vr = [r for r in runs if r["version"] == v]
        samples: dict[str, list[float]] = {}
        errors: dict[str, int] = {}
        calls: dict[str, int] = {}
        per_rep_median: dict[str, list[float]] = {}
        for r in vr:
            for op, xs in (r.get("samples") or {}).items():
                samples.setdefault(op, []).extend(xs)
                per_rep_median.setdefault(op, []).append(round(statistics.median(xs), 3))
            for op, k in (r.get("errors") or {}).items():
                errors[op] = errors.get(op, 0) + k
            for op, k in (r.get("calls") or {}).items():
                calls[op] = calls.get(op, 0) + k
        ops: dict[str, Any] = {}
        for op in OPS + sorted(set(samples) - set(OPS)):
            xs = samples.get(op, [])
            if not xs and not errors.get(op):
                continue
            ops[op] = {
                "n": len(xs),
                "median_ms": round(statistics.median(xs), 2) if xs else None,
                "p95_ms": round(percentile(xs, 95), 2) if xs else None,
                "mean_ms": round(statistics.fmean(xs), 2) if xs else None,
                "max_ms": round(max(xs), 2) if xs else None,
                "errors": errors.get(op, 0),
                "per_rep_median_ms": per_rep_median.get(op, []),
            }
        for op, k in errors.items():  # errors outside timed ops (setup, verify)
            ops.setdefault(op, {"n": 0, "median_ms": None, "p95_ms": None, "errors": k})
        starts = [r["cold_start_s"] for r in vr if r.get("cold_start_s") is not None]
        agg[v] = {
            "runs": len(vr),
            "failures": [r["failure"] for r in vr if r.get("failure")],
            "cold_start_s": starts,
            "cold_start_median_s": round(statistics.median(starts), 2) if starts else None,
            "server_version": next((r.get("server_version") for r in vr if r.get("server_version")), None),
            "server_java": next((r.get("server_java") for r in vr if r.get("server_java")), None),
            "measure_s": [r.get("measure_s") for r in vr],
            "ops": ops,
            "total_errors": sum(errors.values()),
            "warmup_errors": sum(sum((r.get("warmup_errors") or {}).values()) for r in vr),
            "server_log_error_lines": sum((r.get("server_log") or {}).get("error_lines", 0) for r in vr),
            "server_log_exception_lines": sum((r.get("server_log") or {}).get("exception_lines", 0) for r in vr),
            "augmentation_s": [(r.get("server_log") or {}).get("augmentation_s") for r in vr],
            "quarkus_started_in_s": [(r.get("server_log") or {}).get("quarkus_started_in_s") for r in vr],
        }
    # ratios to the baseline
    base = agg.get(baseline, {}).get("ops", {})
    for v in versions:
        ratios: dict[str, float] = {}
        for op, st in agg[v]["ops"].items():
            b = base.get(op, {}).get("median_ms")
            if st.get("median_ms") is not None and b:
                ratios[op] = round(st["median_ms"] / b, 3)
        agg[v]["ratio_to_baseline"] = ratios
        common = [ratios[op] for op in SUMMARY_OPS if op in ratios]
        agg[v]["geomean_ratio_admin_ops"] = round(statistics.geometric_mean(common), 3) if common else None
    return agg


def fmt(x: Any, nd: int = 1) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{nd}f}"
    return str(x)


def table(agg: dict[str, Any], versions: list[str], baseline: str) -> str:
    head = ["operation", "n"] + [f"{v} med/p95 ms (err) x{baseline}" for v in versions]
    rows = [head, ["---"] * len(head)]
    for op in OPS:
        if not any(op in agg[v]["ops"] for v in versions):
            continue
        n = next((agg[v]["ops"][op]["n"] for v in versions if op in agg[v]["ops"]), 0)
        row = [op, str(n)]
        for v in versions:
            st = agg[v]["ops"].get(op)
            if not st:
                row.append("-")
                continue
            ratio = agg[v]["ratio_to_baseline"].get(op)
            err = st["errors"]
            cell = f"{fmt(st['median_ms'])} / {fmt(st['p95_ms'])}"
            cell += f" ({'**' + str(err) + '**' if err else 0})"
            cell += f" x{ratio:.2f}" if ratio is not None else ""
            row.append(cell)
        rows.append(row)
    extra_ops = sorted({op for v in versions for op in agg[v]["ops"] if op not in OPS})
    for op in extra_ops:
        rows.append([op, "0"] + [f"errors: {agg[v]['ops'].get(op, {}).get('errors', 0)}" for v in versions])
    rows.append(["cold start (s, median)", ""] + [fmt(agg[v]["cold_start_median_s"], 1) for v in versions])
    rows.append(
        ["  of which build (augmentation) / boot (s)", ""]
        + [
            f"{fmt((agg[v]['augmentation_s'] or [None])[0])} / {fmt((agg[v]['quarkus_started_in_s'] or [None])[0])}"
            for v in versions
        ]
    )
    rows.append(["geomean ratio, admin ops", ""] + [fmt(agg[v]["geomean_ratio_admin_ops"], 2) for v in versions])
    rows.append(["total errors (timed pass)", ""] + [str(agg[v]["total_errors"]) for v in versions])
    rows.append(
        ["server log ERROR / exception lines", ""]
        + [f"{agg[v]['server_log_error_lines']} / {agg[v]['server_log_exception_lines']}" for v in versions]
    )
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def update_doc_section(body: str) -> None:
    """Replace only our section of docs/benchmarks.md."""
    sys.path.insert(0, str(ROOT))
    from bench.docs_section import replace_section

    replace_section(SECTION_TITLE, body, BENCH_DOC)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--versions", default=",".join(DEFAULT_VERSIONS))
    ap.add_argument("--baseline", default=DEFAULT_BASELINE)
    ap.add_argument(
        "-n",
        "--n",
        type=int,
        default=int(os.environ.get("KC_BENCH_N", 200)),
        help="groups and users per pass (default 200)",
    )
    ap.add_argument("--reps", type=int, default=1, help="repetitions per version, interleaved (rotating order)")
    ap.add_argument("--warmup-n", type=int, default=30)
    ap.add_argument("--sessions", type=int, default=20, help="users logged in for sessions ops")
    ap.add_argument(
        "--extra-realms",
        type=int,
        default=2,
        help="extra throw-away realms created/deleted (more realm_* samples)",
    )
    ap.add_argument("--http-port", type=int, default=8281)
    ap.add_argument("--mgmt-port", type=int, default=9281)
    ap.add_argument("--java-home", default=os.environ.get("KC_BENCH_JAVA_HOME", DEFAULT_JAVA_HOME))
    ap.add_argument(
        "--jdk17-smoke",
        action="store_true",
        help=f"also start each version on {JDK17_HOME} (ready + admin round trip)",
    )
    ap.add_argument("--start-timeout", type=float, default=300)
    ap.add_argument(
        "--reuse-dist",
        action="store_true",
        help="reuse an existing unzipped distribution instead of a fresh copy",
    )
    ap.add_argument("--out", type=Path, default=RESULTS_JSON)
    ap.add_argument("--no-doc", action="store_true", help="don't touch docs/benchmarks.md")
    args = ap.parse_args(argv)

    versions = [v.strip() for v in args.versions.split(",") if v.strip()]
    if args.baseline not in versions:
        ap.error(f"baseline {args.baseline} is not among --versions")

    # Ctrl-C / SIGTERM: let the finally blocks stop the server
    def _term(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _term)

    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    for v in versions:  # fetch anything missing before the clock matters
        dist_zip(v)
    runs: list[dict[str, Any]] = []
    order_log: list[list[str]] = []
    for rep in range(args.reps):
        k = rep % len(versions)
        order = versions[k:] + versions[:k]
        order_log.append(order)
        for v in order:
            runs.append(run_version(v, rep, args))
    smoke: list[dict[str, Any]] = []
    if args.jdk17_smoke:
        for v in versions:
            smoke.append(jdk_smoke(v, JDK17_HOME, args))

    agg = aggregate(runs, versions, args.baseline)
    tbl = table(agg, versions, args.baseline)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    result = {
        "generated_at": started.isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - t0, 1),
        "params": {
            "versions": versions,
            "baseline": args.baseline,
            "n": args.n,
            "reps": args.reps,
            "warmup_n": args.warmup_n,
            "sessions": args.sessions,
            "extra_realms": args.extra_realms,
            "order": order_log,
            "java_home": args.java_home,
            "java": java_version(args.java_home),
            "command": "kc.sh start-dev --db=dev-mem --http-port=P --http-management-port=M --health-enabled=true",
        },
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "loadavg_at_end": [round(x, 2) for x in load] if load else None,
        },
        "summary": agg,
        "jdk17_smoke": smoke,
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")

    print()
    print(tbl)
    print()
    for v in versions:
        a = agg[v]
        if a["total_errors"] or a["failures"]:
            print(f"{v}: {a['total_errors']} errors {a['failures'] or ''}")
            for r in runs:
                if r["version"] == v:
                    for d in r.get("error_details", [])[:20]:
                        print(f"   {d['op']}: {d['what']} {d['body'][:160]}")
    for s in smoke:
        print(f"JDK 17 smoke {s['version']}: ok={s.get('ok')} start={s.get('cold_start_s')}s {s.get('failure', '')}")
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")

    if not args.no_doc:
        try:
            rel = args.out.relative_to(ROOT)
        except ValueError:
            rel = args.out
        body = (
            f"Measured {started:%Y-%m-%d %H:%M} UTC by `python bench/keycloak_versions.py` "
            f"(`make bench-keycloak`): N={args.n} groups and users, {args.reps} rep(s) per "
            f"version (interleaved), warm-up pass of N={args.warmup_n} first, sequential "
            f"requests with plain `requests` against `kc.sh start-dev --db=dev-mem`, "
            f"{result['params']['java']}, {os.cpu_count()} cores shared with other work. "
            f"Cells: median / p95 in ms, (errors: non-2xx or wrong answer), ratio of the median "
            f"to {args.baseline}. Raw data: `{rel}`. Choice and reasons: "
            f"[keycloak-version.md](keycloak-version.md).\n\n{tbl}\n"
        )
        if smoke:
            body += (
                "\nJDK 17 smoke test (start + admin round trip): "
                + ", ".join(
                    f"{s['version']} {'ok' if s.get('ok') else 'FAILED'}"
                    + (f" ({s.get('cold_start_s')} s)" if s.get("cold_start_s") else "")
                    for s in smoke
                )
                + ".\n"
            )
        update_doc_section(body)
        print(f"updated {BENCH_DOC.relative_to(ROOT)} section '{SECTION_TITLE[3:]}'")
    bad = any(agg[v]["failures"] for v in versions)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
