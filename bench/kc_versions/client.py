"""The timed admin REST client: plain ``requests``, every answer recorded per operation."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from bench.kc_versions.config import ADMIN_PASSWORD, ADMIN_USER, HTTP_TIMEOUT


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
