"""One measured run of one version (start, warm-up, timed pass, stop), and the JDK smoke test."""

from __future__ import annotations

import argparse
import os
import time
import uuid
from pathlib import Path
from typing import Any

from bench.kc_versions.client import Admin, Recorder, created_id, safe_json
from bench.kc_versions.config import BENCH_DIR, ROOT, log
from bench.kc_versions.dist import extract, java_version
from bench.kc_versions.scenario import scenario
from bench.kc_versions.server import bench_server, log_summary, pick_ports, stop, wait_ready


def run_version(version: str, rep: int, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"version": version, "rep": rep, "java_home": args.java_home}
    t_all = time.perf_counter()
    home = extract(version, fresh=not args.reuse_dist)
    hp, mp = pick_ports(args.http_port, args.mgmt_port)
    log_path = BENCH_DIR / "logs" / f"kc-{version}-rep{rep}.log"
    srv = bench_server(home, args.java_home, hp, mp, log_path)
    out.update(http_port=hp, mgmt_port=mp)
    log(f"{version} rep{rep}: starting on {hp}/{mp} ({home.relative_to(ROOT)})")
    srv.launch()
    try:
        out["cold_start_s"] = round(wait_ready(srv, args.start_timeout), 2)
        log(f"{version} rep{rep}: ready in {out['cold_start_s']} s")
        rec = Recorder()
        adm = Admin(srv.url, rec)
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
        out["stop"] = stop(srv)
        out["server_log"] = log_summary(log_path)
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
    log_path = BENCH_DIR / "logs" / f"kc-{version}-{tag}.log"
    srv = bench_server(home, java_home, hp, mp, log_path)
    srv.launch()
    try:
        res["cold_start_s"] = round(wait_ready(srv, args.start_timeout), 2)
        rec = Recorder()
        adm = Admin(srv.url, rec)
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
        res["stop"] = stop(srv)
        res["server_log"] = log_summary(log_path)
    log(f"{version} on {tag}: ok={res.get('ok')} start={res.get('cold_start_s')} {res.get('failure', '')}")
    return res
