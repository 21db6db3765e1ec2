"""The decisions of the authorization API kept in each worker, by question.

A decision holds while the rights generation (``provisioner.db``) it was made at is still the
current one: every committed write to a table holding rights increases it, so the first question
after any change is worked out again from the database. The generation is read before the
decision is made: a change committed meanwhile leaves the decision under the older generation,
never a stale one under the new. A decision also ends when time alone would change it (a
mandate's last day, a key's expiry: ``Decision.changes_at``), at the next UTC midnight, and after
``authz_cache_seconds`` at the latest."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from provisioner.authorization.services import Decision, Question


class Decisions:
    def __init__(self, size: int, seconds: int) -> None:
        self.size = size
        self.lifetime = timedelta(seconds=seconds)
        self._kept: OrderedDict[tuple[str, Question], tuple[int, datetime, Decision]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, realm: str, question: Question, generation: int, now: datetime) -> Decision | None:
        key = (realm, question)
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or kept[0] != generation or now >= kept[1]:
                self.misses += 1
                return None
            self._kept.move_to_end(key)
            self.hits += 1
            return kept[2]

    def put(self, realm: str, question: Question, generation: int, now: datetime, decision: Decision) -> None:
        if not self.size:
            return
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
        until = min(now + self.lifetime, midnight, decision.changes_at or midnight)
        with self._lock:
            self._kept[(realm, question)] = (generation, until, decision)
            self._kept.move_to_end((realm, question))
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
