"""Database engine, sessions and the declarative base. SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Column, Engine, Integer, Table, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    pass


# -- the rights generation ---------------------------------------------------------------------
# A number that every committed write to a table holding rights (who may do what: accounts,
# people, subscriptions, mandates…) increases, in the same transaction as the write: what was
# worked out from those tables at generation N holds as long as the generation is still N (the
# authorization API's decision cache). Every table holds rights unless its model says otherwise
# with ``__table_args__ = HOLDS_NO_RIGHTS`` (logs, outboxes, rate-limit counters): a table
# forgotten there only costs cache hits, never a stale answer. Any write the engine sends counts,
# whatever issued it (the ORM, a bulk statement, raw SQL).
HOLDS_NO_RIGHTS: dict[str, Any] = {"info": {"holds_no_rights": True}}

rights_generation = Table(
    "rights_generation",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("value", BigInteger, nullable=False),
    info={"holds_no_rights": True},
)
_WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_BUMP = "UPDATE rights_generation SET value = value + 1 WHERE id = 1"
_READ_GENERATION = "SELECT value FROM rights_generation WHERE id = 1"
_CHANGED = "portail_rights_changed"


def holds_rights(table: str) -> bool:
    """Whether writes to ``table`` change the rights generation (a table no model maps, such as
    alembic's, holds none)."""
    found = Base.metadata.tables.get(table)
    return found is not None and not found.info.get("holds_no_rights", False)


def _watch_rights(engine: Engine) -> None:
    holds: dict[str, bool] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, _cursor, statement, _parameters, _context, _many):  # type: ignore[no-untyped-def]
        write = _WRITE.match(statement)
        if write is not None:
            table = write.group(1).lower()
            if table not in holds:
                holds[table] = holds_rights(table)
            if holds[table]:
                conn.info[_CHANGED] = True

    @event.listens_for(engine, "commit")
    def _bump(conn):  # type: ignore[no-untyped-def]
        if conn.info.pop(_CHANGED, False):
            conn.exec_driver_sql(_BUMP)

    @event.listens_for(engine, "rollback")
    def _forget(conn):  # type: ignore[no-untyped-def]
        conn.info.pop(_CHANGED, None)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


READ_ONLY = "portail_read_only"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            # Let SQLAlchemy, not the sqlite3 module, open transactions: SAVEPOINTs then work
            # (per-item results of bulk operations). SQLAlchemy's documented pysqlite recipe.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection):  # type: ignore[no-untyped-def]
            # A unit of work that may write begins IMMEDIATE: it takes the write lock first, so
            # concurrent writers (requests, the sync worker, the dev mail sink) wait their turn (the
            # 30 s timeout) instead of failing with "database is locked" when a read turns into a
            # write. Readers (``Database.read_sessions``) take no lock. The rule that goes with it:
            # no unit of work that may write stays open while Keycloak is called (Keycloak's mail
            # reaches the dev sink, which writes here).
            read_only = connection.get_execution_options().get(READ_ONLY, False)
            connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        _watch_rights(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    _watch_rights(engine)
    return engine


class Database:
    """One engine and session factory per application (or CLI run, or test session)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # For work that only reads (GET pages and API calls): on SQLite it holds no write lock.
        self.read_sessions = sessionmaker(self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)
        # The rights generation is read once per authorization request: on PostgreSQL by a small
        # pool of its own in autocommit (one round trip: no BEGIN, no ping; a dropped connection
        # is retried once on a new one).
        self._generations = (
            create_engine(url, isolation_level="AUTOCOMMIT", pool_size=4, max_overflow=16, pool_reset_on_return=None)
            if self.engine.dialect.name == "postgresql"
            else None
        )

    def rights_generation(self) -> int:
        """The current rights generation (see ``HOLDS_NO_RIGHTS``)."""
        if self._generations is None:
            with self.engine.execution_options(**{READ_ONLY: True}).connect() as conn:
                return int(conn.exec_driver_sql(_READ_GENERATION).scalar_one())
        for attempt in (1, 2):
            pooled = self._generations.raw_connection()
            try:  # the driver's own prepared statement: this runs once per authorization request
                row = pooled.driver_connection.execute(_READ_GENERATION, prepare=True).fetchone()  # type: ignore[union-attr]
                return int(row[0])
            except self._generations.dialect.loaded_dbapi.OperationalError:
                pooled.invalidate()  # the server went away: a new connection, once
                if attempt == 2:
                    raise
            finally:
                pooled.close()
        raise AssertionError("unreachable")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def serialize(session: Session, key: str) -> None:
    """Until this transaction ends, another one asking for the same ``key`` waits: for the checks
    that read and then write (the last administrator, the mailbox quota, the SMS caps), so that two
    requests at once cannot both pass. PostgreSQL: a transaction-level advisory lock; SQLite: a
    writer's transaction already holds the database's write lock (BEGIN IMMEDIATE). What the
    session read before the lock is read again (``expire_all``, after a flush of its changes)."""
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
    session.expire_all()


def import_models() -> None:
    """Import every feature's models so metadata (and alembic) sees all tables."""
    from provisioner.features import import_all

    import_all("models")
