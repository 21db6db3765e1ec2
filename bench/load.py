#!/usr/bin/env python3
"""Concurrent clients against a running provisioner: rates, p50/p99 per kind, 5xx, lost writes.

Each client owns one principal account (created first, by the operator) and, until the time is up,
does a mix of reads and writes on it through the JSON API, one request at a time:

| kind | share | request |
|---|---|---|
| read account | 30 % | ``GET /accounts/{id}`` |
| read people | 20 % | ``GET /accounts/{id}/people`` |
| write account | 20 % | ``PATCH /accounts/{id}`` (company name) |
| write teleprocedures | 10 % | ``PUT /accounts/{id}/teleprocedures`` (DPAE on and off) |
| write secondary | 10 % | ``POST /accounts/{id}/secondaries`` |
| write person | 10 % | ``POST /accounts/{id}/collaborators`` |

A write is *acknowledged* when it answers 2xx. At the end every acknowledged write is looked for:
the account's last acknowledged name and teleprocedures, every acknowledged secondary account and
collaborator. One that is missing is *lost*. Targets: no 5xx, nothing lost.

Two ways to run it:

    .venv/bin/python bench/load.py --url http://localhost:5000 --token "$OPERATOR_TOKEN"
    .venv/bin/python bench/load.py            # its own stack, SQLite then PostgreSQL

The second starts Keycloak (in memory, ports 8480/9480), the dev SMTP sink and the provisioner
under gunicorn (4 workers, as deployed) once per database, runs 1 client (the baseline), then 8
and 32, and writes the section "## Concurrent clients" of docs/benchmarks.md. ``run_load`` is
what ``tests/system/test_load.py`` runs briefly against the test server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KINDS = (
    ("read account", 30),
    ("read people", 20),
    ("write account", 20),
    ("write teleprocedures", 10),
    ("write secondary", 10),
    ("write person", 10),
)
SIRET, SIRET_2 = "07955542100019", "42872048600011"


@dataclass
class Client:
    """One simulated client: its account, what it was told was saved, what it measured."""

    api: str
    headers: dict[str, str]
    account_id: int
    rng: random.Random
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    name: str | None = None  # last acknowledged company name
    name_unsure: bool = False  # a later name change got no answer: the end state may be either
    dpae: bool | None = None
    dpae_unsure: bool = False
    secondaries: list[int] = field(default_factory=list)
    people: list[str] = field(default_factory=list)

    def call(self, session: requests.Session, kind: str, method: str, path: str, body: Any = None) -> Any:
        started = time.perf_counter()
        try:
            response = session.request(method, f"{self.api}{path}", json=body, headers=self.headers, timeout=60)
        except requests.RequestException as exc:
            self.statuses[0] = self.statuses.get(0, 0) + 1
            self.server_errors.append(f"{kind}: no answer ({type(exc).__name__})")
            return None
        self.latencies.setdefault(kind, []).append(time.perf_counter() - started)
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            self.server_errors.append(f"{kind}: {response.status_code} {response.text[:200]}")
        return response

    def step(self, session: requests.Session, n: int) -> None:
        kind = self.rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        me = f"/accounts/{self.account_id}"
        if kind == "read account":
            self.call(session, kind, "GET", me)
        elif kind == "read people":
            self.call(session, kind, "GET", f"{me}/people")
        elif kind == "write account":
            name = f"CHARGE {self.account_id} N{n}"
            response = self.call(session, kind, "PATCH", me, {"company_name": name})
            if response is not None and response.ok:
                self.name, self.name_unsure = name, False
            elif response is None or response.status_code >= 500:
                self.name_unsure = True
        elif kind == "write teleprocedures":
            dpae = not self.dpae
            selection = {"DSN": None, **({"DPAE": None} if dpae else {})}
            response = self.call(session, kind, "PUT", f"{me}/teleprocedures", {"teleprocedures": selection})
            if response is not None and response.ok:
                self.dpae, self.dpae_unsure = dpae, False
            elif response is None or response.status_code >= 500:
                self.dpae_unsure = True
        elif kind == "write secondary":
            body = {
                "name": f"e{n}",
                "identifier": SIRET_2,
                "company_name": f"ETAB {n}",
                "teleprocedures": {"DSN": None},
            }
            response = self.call(session, kind, "POST", f"{me}/secondaries", body)
            if response is not None and response.ok:
                self.secondaries.append(response.json()["account"]["id"])
        else:
            email = f"c{self.account_id}n{n}.{uuid.uuid4().hex[:4]}@charge.example"
            body = {"email": email, "first_name": "Charge", "last_name": "TEST", "roles": ["declarant:DSN"]}
            response = self.call(session, kind, "POST", f"{me}/collaborators", body)
            if response is not None and response.ok:
                self.people.append(email)

    def lost(self, session: requests.Session) -> list[str]:
        """Acknowledged writes that cannot be found now."""
        me = f"/accounts/{self.account_id}"
        account = session.get(f"{self.api}{me}", headers=self.headers, timeout=60).json()["account"]
        missing = []
        if self.name and not self.name_unsure and account["company_name"] != self.name:
            missing.append(f"account {self.account_id}: name {self.name!r}, found {account['company_name']!r}")
        if self.dpae is not None and not self.dpae_unsure and ("DPAE" in account["teleprocedures"]) != self.dpae:
            missing.append(f"account {self.account_id}: DPAE {'on' if self.dpae else 'off'} not found")
        found = {s["id"] for s in _all(session, f"{self.api}{me}/secondaries", self.headers)}
        missing += [f"secondary {sid}" for sid in self.secondaries if sid not in found]
        people = session.get(f"{self.api}{me}/people", headers=self.headers, timeout=60).json()["items"]
        usernames = {p["username"] for p in people}
        missing += [f"collaborator {email}" for email in self.people if email not in usernames]
        return missing


def _all(session: requests.Session, url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = session.get(url, params={"page": page, "per_page": 100}, headers=headers, timeout=60).json()
        items += body["items"]
        if len(items) >= body.get("total", len(items)) or not body["items"]:
            return items
        page += 1


def _quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[int(q * 100) - 1]


@dataclass
class LoadResult:
    clients: int
    seconds: float
    requests: int
    statuses: dict[int, int]
    latencies: dict[str, list[float]]
    server_errors: list[str]
    lost: list[str]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def quantile(self, kind: str, q: float) -> float:
        return _quantile(self.latencies.get(kind, []), q)

    def writes(self) -> list[float]:
        return [v for k, vs in self.latencies.items() if k.startswith("write") for v in vs]

    def write_quantile(self, q: float) -> float:
        return _quantile(self.writes(), q)

    @property
    def five_xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500 or status == 0)


def run_load(base_url: str, headers: dict[str, str], clients: int, seconds: float, seed: int = 7) -> LoadResult:
    """``clients`` threads for ``seconds`` against the provisioner at ``base_url`` (operator headers)."""
    api = f"{base_url.rstrip('/')}/api/v1"
    run = uuid.uuid4().hex[:6]
    setup = requests.Session()
    team: list[Client] = []
    for k in range(clients):
        login = f"ld{run}{k}"
        body = {
            "login": login,
            "identifier": SIRET,
            "company_name": f"CHARGE {login.upper()}",
            "status": "open",
            "secondary_quota": 0,
            "responsible": {"last_name": "CHARGE", "first_name": "Test", "email": f"{login}@charge.example"},
            "teleprocedures": {"DSN": None},
        }
        created = setup.post(f"{api}/accounts", json=body, headers=headers, timeout=120)
        created.raise_for_status()
        team.append(Client(api, headers, created.json()["account"]["id"], random.Random(seed * 1000 + k)))
    deadline = time.monotonic() + seconds
    started = time.perf_counter()

    def work(client: Client) -> None:
        with requests.Session() as session:
            n = 0
            while time.monotonic() < deadline:
                n += 1
                client.step(session, n)

    threads = [threading.Thread(target=work, args=(c,)) for c in team]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    statuses: dict[int, int] = {}
    latencies: dict[str, list[float]] = {}
    for client in team:
        for status, n in client.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
        for kind, values in client.latencies.items():
            latencies.setdefault(kind, []).extend(values)
    lost = [missing for client in team for missing in client.lost(setup)]
    return LoadResult(
        clients=clients,
        seconds=elapsed,
        requests=sum(statuses.values()),
        statuses=statuses,
        latencies=latencies,
        server_errors=[e for c in team for e in c.server_errors],
        lost=lost,
    )


# -- its own stack ------------------------------------------------------------------------------------
BENCH_KC_PORT, BENCH_KC_MANAGEMENT_PORT, BENCH_APP_PORT, BENCH_SMTP_PORT, BENCH_PG_PORT = 8480, 9480, 5480, 2535, 5490


@contextmanager
def provisioner_under_gunicorn(database_url: str, workdir: Path) -> Iterator[str]:
    """The provisioner as deployed (gunicorn, 4 workers) with the dev SMTP sink, on ``database_url``."""
    from provisioner.db import Database
    from provisioner.devoutbox.services import start_smtp_sink
    from provisioner.migrate import upgrade

    upgrade(database_url)
    sink = start_smtp_sink(Database(database_url), "127.0.0.1", BENCH_SMTP_PORT)
    env = {
        **os.environ,
        **_env(database_url),
    }
    log = (workdir / f"gunicorn-{database_url.split(':')[0]}.log").open("wb")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "--workers", "4", "--bind", f"127.0.0.1:{BENCH_APP_PORT}", "provisioner.wsgi:app"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{BENCH_APP_PORT}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=5).status_code in (200, 503):
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"the provisioner did not start; see {log.name}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        sink.stop()
        log.close()


def _env(database_url: str) -> dict[str, str]:
    return {
        "PORTAIL_DEV_MODE": "true",
        "PORTAIL_DATABASE_URL": database_url,
        "PORTAIL_KEYCLOAK_URL": f"http://localhost:{BENCH_KC_PORT}",
        "PORTAIL_PUBLIC_URL": f"http://localhost:{BENCH_APP_PORT}",
        "PORTAIL_SMTP_PORT": str(BENCH_SMTP_PORT),
        "PORTAIL_LOG_LEVEL": "WARNING",
    }


def operator_headers(settings: Any) -> dict[str, str]:
    """A service-account client with the operator role and the API's audience, as an integrator
    registers one; its client-credentials token."""
    from provisioner.keycloak.gateway import config_admin

    rest = config_admin(settings)
    base = f"admin/realms/{settings.keycloak_realm}"
    client_id, secret = "portail-bench-operator", "bench-operator-secret"
    if not rest.get(f"{base}/clients", clientId=client_id):
        rest.post(
            f"{base}/clients",
            {
                "clientId": client_id,
                "secret": secret,
                "publicClient": False,
                "standardFlowEnabled": False,
                "serviceAccountsEnabled": True,
            },
        )
    (client,) = rest.get(f"{base}/clients", clientId=client_id)
    (scope,) = [s for s in rest.get(f"{base}/client-scopes") if s["name"] == "portail-api"]
    rest.put(f"{base}/clients/{client['id']}/default-client-scopes/{scope['id']}", {})
    user = rest.get(f"{base}/clients/{client['id']}/service-account-user")
    rest.post(f"{base}/users/{user['id']}/role-mappings/realm", [rest.get(f"{base}/roles/portal-operator")])
    token = requests.post(
        f"{settings.realm_issuer}/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        timeout=30,
    )
    token.raise_for_status()
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def _row(database: str, result: LoadResult, baseline: LoadResult) -> str:
    kinds = " | ".join(
        f"{result.quantile(k, 0.5) * 1000:.0f} / {result.quantile(k, 0.99) * 1000:.0f}" for k, _ in KINDS
    )
    return (
        f"| {database} | {result.clients} | {result.rate:.1f} | {result.rate / baseline.rate:.2f} | "
        f"{result.write_quantile(0.5) * 1000:.0f} / {result.write_quantile(0.99) * 1000:.0f} | {kinds} | "
        f"{result.five_xx} | {len(result.lost)} |"
    )


def _verdict(database: str, results: list[LoadResult]) -> str:
    errors = sum(r.five_xx for r in results)
    lost = sum(len(r.lost) for r in results)
    line = f"- {database}: {errors} 5xx, {lost} lost"
    eight = next((r for r in results if r.clients == 8), None)
    if database == "PostgreSQL" and eight is not None:
        p99 = eight.write_quantile(0.99)
        line += f"; writes p99 at 8 clients {p99 * 1000:.0f} ms: target {'met' if p99 < 1 else 'not met'}"
    return line + "."


def _print(database: str, result: LoadResult) -> None:
    print(
        f"{database:10} {result.clients:3} clients  {result.requests:6} requests  {result.rate:7.1f}/s  "
        f"write p50 {result.write_quantile(0.5) * 1000:6.0f} ms  p99 {result.write_quantile(0.99) * 1000:6.0f} ms  "
        f"5xx {result.five_xx}  lost {len(result.lost)}",
        flush=True,
    )
    for error in result.server_errors[:5]:
        print(f"    {error}")
    for missing in result.lost[:5]:
        print(f"    lost: {missing}")


def own_stack(seconds: float, client_counts: list[int], write_doc: bool, databases: list[str]) -> int:
    from provisioner.catalogue.realm_files import apply_realm_config
    from provisioner.devtools.keycloak_runtime import KeycloakServer, pinned_version
    from provisioner.devtools.postgres_runtime import postgres_cluster
    from provisioner.logs import configure_logging
    from provisioner.migrate import upgrade
    from provisioner.settings import Settings

    configure_logging("WARNING", "console")
    workdir = Path(tempfile.mkdtemp(prefix="portail-load-"))
    sqlite_url = f"sqlite:///{workdir / 'load.sqlite'}"
    settings = Settings(**{k.removeprefix("PORTAIL_").lower(): v for k, v in _env(sqlite_url).items()})
    server = KeycloakServer(
        port=BENCH_KC_PORT, management_port=BENCH_KC_MANAGEMENT_PORT, database="dev-mem", log_file=workdir / "kc.log"
    )
    print(f"starting Keycloak {pinned_version()} (in-memory) ...", flush=True)
    server.start()
    rows: list[str] = []
    verdicts: list[str] = []
    failed = False
    try:
        upgrade(sqlite_url)
        apply_realm_config(settings)  # the realm, and the catalogue seeded in the SQLite database
        with postgres_cluster(BENCH_PG_PORT, "provisioner_load") as pg_url:
            upgrade(pg_url)
            apply_realm_config(settings.model_copy(update={"database_url": pg_url}))  # its catalogue
            for database, url in (("SQLite", sqlite_url), ("PostgreSQL", pg_url)):
                if database.lower() not in databases:
                    continue
                with provisioner_under_gunicorn(url, workdir) as base:
                    results = []
                    for clients in [1, *client_counts]:
                        result = run_load(base, operator_headers(settings), clients, seconds)
                        _print(database, result)
                        results.append(result)
                        failed |= bool(result.five_xx or result.lost)
                    rows += [_row(database, r, results[0]) for r in results]
                    verdicts.append(_verdict(database, results))
    finally:
        server.stop()
    if write_doc:
        from bench.docs_section import replace_section

        header = " | ".join(f"{k} p50 / p99 (ms)" for k, _ in KINDS)
        replace_section(
            "## Concurrent clients",
            f"""`bench/load.py` ({dt.date.today().isoformat()}, Keycloak {pinned_version()} in-memory, Python
{platform.python_version()}, the provisioner under gunicorn with 4 workers and the dev SMTP sink, every client on
its own principal account for {seconds:.0f} s; mix: {", ".join(f"{k} {w} %" for k, w in KINDS)}).
Each write is applied to Keycloak before it answers (the inline sync), so its time includes Keycloak's.

| database | clients | requests/s | ratio to 1 client | writes p50 / p99 (ms) | {header} | 5xx | lost |
|---|---|---|---|---|{"---|" * len(KINDS)}---|---|
{chr(10).join(rows)}

Targets: no 5xx and nothing lost on both databases; writes p99 under 1 s on PostgreSQL at 8 clients.
{chr(10).join(verdicts)}
*Lost* counts acknowledged (2xx) writes not found afterwards. The 1-client run of the same database
in the same run is the baseline of the ratio; compare ratios across machines, not absolute numbers
(2 cores here, shared by Keycloak, gunicorn, the database and the clients).

A write's time is mostly Keycloak's (each admin call costs it 7 to 13 ms of CPU here), and on 2
cores shared by everything the latency at 8 clients and more is mostly queueing for the CPU. A
write applies only what it touched (issue 13): one person's user for a person, the principal's
group and own people for its new name, the whole account only for what reaches the secondaries
(teleprocedures); changes that touch no right read no roles. Keycloak calls per write at the
start of a run: rename 2 + 2 per person of the principal, teleprocedures 2 + 1 to 3 per person
of the account, new secondary 5, new collaborator 3.
""",
        )
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running provisioner (else: its own stack, SQLite then PostgreSQL)")
    parser.add_argument("--token", help="an operator's access token for --url (audience portail-api)")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--no-doc", action="store_true")
    parser.add_argument(
        "--databases",
        nargs="+",
        choices=["sqlite", "postgresql"],
        default=["sqlite", "postgresql"],
        help="with its own stack: which databases to run (the document is written only for both)",
    )
    args = parser.parse_args()
    if args.url:
        if not args.token:
            parser.error("--url needs --token")
        failed = False
        for clients in args.clients:
            result = run_load(args.url, {"Authorization": f"Bearer {args.token}"}, clients, args.seconds)
            _print("given", result)
            failed |= bool(result.five_xx or result.lost)
        return 1 if failed else 0
    both = len(args.databases) == 2
    return own_stack(args.seconds, args.clients, not args.no_doc and both, args.databases)


if __name__ == "__main__":
    sys.exit(main())
