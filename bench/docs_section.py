"""Replace one ``## `` section of docs/benchmarks.md, leaving the others alone."""

from __future__ import annotations

import os
from pathlib import Path

BENCH_DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def replace_section(title: str, body: str, doc: Path = BENCH_DOC) -> None:
    doc.parent.mkdir(parents=True, exist_ok=True)
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    section = f"{title}\n\n{body.rstrip()}\n"
    lines = text.splitlines(keepends=True)
    start = next((k for k, line in enumerate(lines) if line.rstrip() == title), None)
    if start is None:
        new = text.rstrip("\n") + "\n\n" + section
    else:
        end = next((k for k in range(start + 1, len(lines)) if lines[k].startswith(("## ", "# "))), len(lines))
        tail = "".join(lines[end:])
        new = "".join(lines[:start]) + section + ("\n" + tail if tail else "")
    tmp = doc.with_suffix(".md.tmp")
    tmp.write_text(new)
    os.replace(tmp, doc)
