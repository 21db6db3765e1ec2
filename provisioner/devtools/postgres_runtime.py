"""A throwaway PostgreSQL cluster from Debian's packages, for the tests and the benchmarks.

``postgres_cluster(port)`` starts one in a temporary directory (as the ``postgres`` user when run
as root), yields the URL of a fresh database in it, and stops and removes it at the end.
``PostgresUnavailable`` says why it cannot run here (``make test`` installs the package)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text


class PostgresUnavailable(RuntimeError):
    pass


def _as_postgres(args: list[str]) -> list[str]:
    return args if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *args]


@contextmanager
def postgres_cluster(port: int, database: str = "provisioner_test") -> Iterator[str]:
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        raise PostgresUnavailable("PostgreSQL server not installed (make test installs Debian's postgresql)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        raise PostgresUnavailable("running as root without runuser: cannot start PostgreSQL as the postgres user")
    bindir = os.path.dirname(binaries[-1])
    workdir = tempfile.mkdtemp(prefix="portail-pg-")
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
    data = os.path.join(workdir, "data")
    subprocess.run(
        _as_postgres([f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres"]), check=True, capture_output=True
    )
    options = f"-p {port} -k {workdir} -c listen_addresses=localhost -c max_connections=200"
    subprocess.run(
        _as_postgres(
            [f"{bindir}/pg_ctl", "-D", data, "-l", os.path.join(workdir, "log"), "-o", options, "-w", "start"]
        ),
        check=True,
        capture_output=True,
    )
    try:
        engine = create_engine(f"postgresql+psycopg://postgres@localhost:{port}/postgres", isolation_level="AUTOCOMMIT")
        deadline = time.monotonic() + 30
        while True:
            try:
                with engine.connect() as connection:
                    connection.execute(text(f'CREATE DATABASE "{database}"'))
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        engine.dispose()
        yield f"postgresql+psycopg://postgres@localhost:{port}/{database}"
    finally:
        subprocess.run(
            _as_postgres([f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "stop"]), check=False, capture_output=True
        )
        shutil.rmtree(workdir, ignore_errors=True)
