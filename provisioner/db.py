"""Database engine, sessions and the declarative base. SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    pass


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

        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """One engine and session factory per application (or CLI run, or test session)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # For work that only reads (GET pages and API calls): on SQLite it holds no write lock.
        self.read_sessions = sessionmaker(self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)

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
