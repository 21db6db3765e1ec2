#!/usr/bin/env python3
"""Provision N principal accounts two ways in the same run and compare the rates.

* baseline: a naive loop of raw python-keycloak calls per account (create group, create
  user, add the user to the group, look up and grant its realm roles), as a script would;
* provisioner: the product's import (``services.import_principals``: rows saved 200 per
  transaction while ``worker.applying_meanwhile`` applies the outbox, new accounts created 25 per
  Keycloak call by our admin API extension).

Both produce the same Keycloak objects: a group with attributes, a holder user with its
attributes, in the group, with the account-admin and teleprocedure roles.

Starts its own Keycloak (in-memory database, ports 8480/9480) unless --keycloak-url is given.
Writes the section "## Provisioning accounts" of docs/benchmarks.md.

    .venv/bin/python bench/provision.py            # N=1000
    .venv/bin/python bench/provision.py -n 200 --workers 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keycloak import KeycloakAdmin, KeycloakOpenIDConnection  # noqa: E402 - bench compares raw calls

from bench.docs_section import replace_section  # noqa: E402
from provisioner.accounts import services  # noqa: E402
from provisioner.actors import Actor  # noqa: E402
from provisioner.catalogue.realm_files import apply_realm_config  # noqa: E402
from provisioner.db import Database  # noqa: E402
from provisioner.devtools.keycloak_runtime import KeycloakServer, pinned_version  # noqa: E402
from provisioner.keycloak.gateway import KeycloakGateway  # noqa: E402
from provisioner.logs import configure_logging  # noqa: E402
from provisioner.migrate import upgrade  # noqa: E402
from provisioner.portals import load_portal  # noqa: E402
from provisioner.settings import Settings  # noqa: E402
from provisioner.sync.worker import applying_meanwhile  # noqa: E402

SIRET = "07955542100019"
TELEPROCEDURES = ("DSN", "DPAE")


def naive_loop(settings: Settings, prefix: str, n: int) -> float:
    connection = KeycloakOpenIDConnection(
        server_url=settings.keycloak_url,
        realm_name=settings.keycloak_realm,
        client_id=settings.keycloak_client_id,
        client_secret_key=settings.keycloak_client_secret.get_secret_value(),
    )
    admin = KeycloakAdmin(connection=connection)
    started = time.perf_counter()
    for i in range(n):
        login = f"{prefix}{i}"
        group_id = admin.create_group(
            {"name": login, "attributes": {"portail.identifier": [SIRET], "portail.account-login": [login]}}
        )
        user_id = admin.create_user(
            {
                "username": login,
                "email": f"{login}@example.org",
                "firstName": "Pierre",
                "lastName": "DUPONT",
                "enabled": True,
                "emailVerified": True,
                "attributes": {
                    "portail.account-kind": ["principal"],
                    "portail.identifier": [SIRET],
                    "portail.teleprocedures": list(TELEPROCEDURES),
                },
            }
        )
        admin.group_user_add(user_id, group_id)
        roles = [admin.get_realm_role(name) for name in ("account-admin", *(f"tp-{c.lower()}" for c in TELEPROCEDURES))]
        admin.assign_realm_roles(user_id, roles)
    return time.perf_counter() - started


def provisioner_bulk(settings: Settings, prefix: str, n: int, workers: int) -> tuple[float, float]:
    """The product's import (``provisioner accounts import``): rows saved 200 per transaction while
    the outbox is applied meanwhile by ``workers`` connections. Returns the time the saving took
    and the time until everything was in Keycloak."""
    db = Database(settings.database_url)
    portal = load_portal(settings.keycloak_config_dir, settings.keycloak_realm)
    gateway = KeycloakGateway(settings)
    rows = [
        {
            "login": f"{prefix}{i}",
            "identifier": SIRET,
            "company_name": f"BENCH {i}",
            "status": "validated",  # not open: no first-access e-mail (the naive loop sends none)
            "responsible": {"last_name": "DUPONT", "first_name": "Pierre", "email": f"{prefix}{i}@example.org"},
            "teleprocedures": {code: None for code in TELEPROCEDURES},
        }
        for i in range(n)
    ]
    started = time.perf_counter()
    with applying_meanwhile(db, gateway, workers=workers) as report:
        results = services.import_principals(db, portal, Actor.system("bench"), rows)
        saved = time.perf_counter() - started
    total = time.perf_counter() - started
    if report.pending or report.failed or any(r["status"] != "created" for r in results):
        raise SystemExit(f"provisioner left {report.pending} pending, {report.failed} failed")
    return saved, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument(
        "--workers", type=int, default=1, help="parallel reconcilers (PostgreSQL; SQLite serialises writers)"
    )
    parser.add_argument("--keycloak-url", help="use this Keycloak (realm applied) instead of starting one")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    configure_logging("WARNING", "console")
    tmp = Path(tempfile.mkdtemp(prefix="portail-bench-"))
    server = None
    settings = Settings(
        dev_mode=True,
        database_url=f"sqlite:///{tmp / 'bench.sqlite'}",
        keycloak_url=args.keycloak_url or "http://localhost:8480",
        log_format="console",
        log_level="WARNING",
    )
    try:
        if not args.keycloak_url:
            server = KeycloakServer(port=8480, management_port=9480, database="dev-mem", log_file=tmp / "keycloak.log")
            print(f"starting Keycloak {pinned_version()} (in-memory) ...", flush=True)
            server.start()
        upgrade(settings.database_url)
        apply_realm_config(settings)
        run = uuid.uuid4().hex[:5]
        print(f"naive loop: {args.n} accounts ...", flush=True)
        naive = naive_loop(settings, f"naive{run}x", args.n)
        print(f"provisioner bulk path: {args.n} accounts, {args.workers} workers ...", flush=True)
        saved, bulk = provisioner_bulk(settings, f"bulk{run}x", args.n, args.workers)
    finally:
        if server is not None:
            server.stop()
    naive_rate, bulk_rate = args.n / naive, args.n / bulk
    ratio = bulk_rate / naive_rate
    print(f"naive loop       {naive:7.1f}s  {naive_rate:6.1f} accounts/s")
    print(f"provisioner bulk {bulk:7.1f}s  {bulk_rate:6.1f} accounts/s  (saved to the database in {saved:.1f}s)")
    print(f"ratio provisioner / naive: {ratio:.2f}  (target >= 1.00)")
    if not args.no_doc:
        replace_section(
            "## Provisioning accounts",
            f"""`bench/provision.py` ({dt.date.today().isoformat()}, Keycloak {pinned_version()} in-memory, """
            f"""{platform.python_version()}, {args.n} principal accounts each with a holder user, 2 teleprocedures).

| path | seconds | accounts/s |
|---|---|---|
| naive loop of raw python-keycloak calls (baseline) | {naive:.1f} | {naive_rate:.1f} |
| provisioner bulk path ({args.workers} workers) | {bulk:.1f} | {bulk_rate:.1f} |

Ratio provisioner / naive: **{ratio:.2f}** (target: at least 1.00). The provisioner's time includes
validating every account and saving it with its audit row and outbox item, 200 rows per
transaction ({saved:.1f}s), while the outbox is applied meanwhile: new accounts created 25 per
Keycloak call (`portail-accounts/create`, our admin API extension), over {args.workers} worker(s).
Both runs share the same Keycloak and machine in the same process run; the ratio, not the
absolute numbers, is the result to compare across machines. `bench/scale.py` compares the same
paths on a realm of 14,000 accounts (section "Scale").
""",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
