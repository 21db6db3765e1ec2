"""Two clients at once is normal use (finding 7 of the hardening issue): ``bench/load.py``, briefly,
against the test server on SQLite. Every answer is below 500 and every acknowledged write is there
afterwards. (Rates and percentiles are the benchmark's business: docs/benchmarks.md.)"""

from __future__ import annotations

from typing import Any

import pytest

from bench.load import run_load

pytestmark = pytest.mark.keycloak


def test_concurrent_clients_get_no_5xx_and_lose_nothing(live_server: str, operator_headers: dict[str, str]) -> None:
    result = run_load(live_server, operator_headers, clients=2, seconds=5)
    assert result.requests > 10
    assert result.five_xx == 0, result.server_errors[:5]
    assert result.lost == []
    writes: Any = result.writes()
    assert writes, "the mix wrote nothing"
