"""Aggregating the runs, and writing the results: the JSON file, the table on stdout and the
section of docs/benchmarks.md (docs/keycloak-version.md explains the choice and links to it)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
from pathlib import Path
from typing import Any

from bench.docs_section import replace_section
from bench.kc_versions.config import BENCH_DOC, OPS, ROOT, SECTION_TITLE, SUMMARY_OPS
from bench.kc_versions.dist import java_version


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
                "p95_ms": round(percentile(xs, 95) or 0.0, 2) if xs else None,
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


def results(
    started: dt.datetime,
    duration_s: float,
    args: argparse.Namespace,
    versions: list[str],
    order_log: list[list[str]],
    agg: dict[str, Any],
    smoke: list[dict[str, Any]],
    runs: list[dict[str, Any]],
) -> dict[str, Any]:
    """Everything about the bench run, as written to ``--out``."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "generated_at": started.isoformat(timespec="seconds"),
        "duration_s": duration_s,
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


def write_results(result: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")


def print_summary(
    tbl: str,
    agg: dict[str, Any],
    versions: list[str],
    runs: list[dict[str, Any]],
    smoke: list[dict[str, Any]],
    out: Path,
) -> None:
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
    print(f"\nwrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


def update_doc(
    started: dt.datetime, args: argparse.Namespace, result: dict[str, Any], tbl: str, smoke: list[dict[str, Any]]
) -> None:
    """Replace only our section of docs/benchmarks.md."""
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
    replace_section(SECTION_TITLE, body, BENCH_DOC)
    print(f"updated {BENCH_DOC.relative_to(ROOT)} section '{SECTION_TITLE[3:]}'")
