"""Load from ``wrk`` (C, Debian's package; ``make bench-authz`` installs it), so that the clients
do not take the CPU the server under test needs: a stream of POST bodies sent in turn by each
connection, the calls per second and the answers that were not 2xx."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Each connection sends the bodies of the file (one per line) in turn, from its own place in it;
# done() prints the answers that said whether decisions were kept (Server-Timing ``kept``).
_SCRIPT = r"""
local bodies, threads, counter = {}, {}, 0
for line in io.lines(BODIES) do bodies[#bodies + 1] = line end
wrk.method = "POST"
function setup(thread)
  counter = counter + 1
  thread:set("first", counter)
  table.insert(threads, thread)
end
function init(args)
  n = (first * 7919) % #bodies
  kept, fresh = 0, 0
end
function request()
  n = n % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[n])
end
function response(status, headers, body)
  local timing = headers["Server-Timing"] or ""
  local got, of = timing:match('kept;desc="(%d+)/(%d+)"')
  if got then kept = kept + tonumber(got); fresh = fresh + tonumber(of) - tonumber(got) end
end
function done(summary, latency, requests)
  local k, f = 0, 0
  for _, t in ipairs(threads) do k = k + t:get("kept"); f = f + t:get("fresh") end
  io.write(string.format("KEPT %d FRESH %d\n", k, f))
end
"""


@dataclass(frozen=True)
class Rate:
    per_second: float
    not_ok: int  # answers that were not 2xx, and socket errors
    kept: int  # decisions a worker had kept (for the authorization API)
    fresh: int  # decisions worked out from the database


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def rate(
    url: str, bodies: list[str], headers: dict[str, str], *, connections: int, seconds: float, threads: int = 2
) -> Rate:
    """``wrk`` POSTing ``bodies`` to ``url`` with ``connections`` connections for ``seconds``."""
    with tempfile.TemporaryDirectory() as tmp:
        stream = Path(tmp) / "bodies.txt"
        stream.write_text("\n".join(bodies) + "\n")
        script = Path(tmp) / "stream.lua"
        script.write_text(f"BODIES = {str(stream)!r}\n" + _SCRIPT)
        command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:.0f}s", "-s", str(script)]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        out = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    not_ok = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if errors:
        not_ok += sum(int(n) for n in errors.groups())
    counted = re.search(r"KEPT (\d+) FRESH (\d+)", out)
    kept, fresh = (int(counted.group(1)), int(counted.group(2))) if counted else (0, 0)
    return Rate(per_second, not_ok, kept, fresh)
