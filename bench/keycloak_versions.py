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

This file is the command line; the parts are in ``bench/kc_versions/``: ``dist`` (fetch and
unzip), ``server`` (the server of a run, over ``provisioner/devtools/keycloak_runtime.py``),
``client`` (the timed admin REST client), ``scenario`` with ``queries`` and ``lifecycle``
(what is measured), ``runs`` (one run of one version, the JDK smoke test) and ``report``
(aggregation, JSON, table, docs section).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.kc_versions import report  # noqa: E402
from bench.kc_versions.config import (  # noqa: E402
    DEFAULT_BASELINE,
    DEFAULT_JAVA_HOME,
    DEFAULT_VERSIONS,
    JDK17_HOME,
    RESULTS_JSON,
)
from bench.kc_versions.dist import dist_zip  # noqa: E402
from bench.kc_versions.runs import jdk_smoke, run_version  # noqa: E402


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

    agg = report.aggregate(runs, versions, args.baseline)
    tbl = report.table(agg, versions, args.baseline)
    duration_s = round(time.perf_counter() - t0, 1)
    result = report.results(started, duration_s, args, versions, order_log, agg, smoke, runs)
    report.write_results(result, args.out)
    report.print_summary(tbl, agg, versions, runs, smoke, args.out)
    if not args.no_doc:
        report.update_doc(started, args, result, tbl, smoke)
    bad = any(agg[v]["failures"] for v in versions)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
