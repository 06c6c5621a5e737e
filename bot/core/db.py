"""Engine, session factory and schema migration (Alembic) for SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVarTuple

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Result, event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql.selectable import TypedReturnsRows

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def engine_for(url: str, schema: str | None = None, **kwargs: Any) -> AsyncEngine:
    """The engine for the settings' URL; on PostgreSQL `schema` becomes the search path."""
    if schema and url.startswith("postgresql"):
        kwargs.setdefault("connect_args", {}).setdefault("server_settings", {})["search_path"] = (
            schema
        )
    return make_engine(url, **kwargs)


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine. SQLite gets foreign keys, WAL, a busy timeout, and transactions that
    take the write lock when they begin (BEGIN IMMEDIATE): two messages handled at once then
    queue one behind the other instead of failing on a stale read snapshot."""
    # An error's text must not carry the values of its statement (phones, names, deeds): logs
    # keep ids only.
    kwargs.setdefault("hide_parameters", True)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event below open transactions, not the driver.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            # The busy timeout first: every statement after it waits for a lock instead of failing.
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            _switch_to_wal(cursor)
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin_immediate(conn: Connection) -> None:
            # A session that only reads (`reading`) takes no write lock: in WAL mode it reads
            # its snapshot while writers go on.
            reads = conn.get_execution_options().get(READING, False)
            conn.exec_driver_sql("BEGIN" if reads else "BEGIN IMMEDIATE")

    return engine


BUSY_TIMEOUT_MS = 10_000  # a statement waits this long for another's lock
WAL_PATIENCE = 5.0  # seconds for another process to finish switching a new file to WAL


def _switch_to_wal(cursor: Any) -> None:
    """Put the database file in WAL mode. Processes opening a new database at once (replicas
    migrating together): the first switches the file for good while the others are refused
    ("database is locked", even within the busy timeout), and find it switched once it is."""
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        return
    except sqlite3.OperationalError:
        pass
    deadline = time.monotonic() + WAL_PATIENCE
    cursor.execute("PRAGMA busy_timeout=100")  # short tries, bounded by the deadline
    try:
        while True:
            try:
                # (the adapted cursor's execute returns nothing to chain on: fetch apart)
                cursor.execute("PRAGMA journal_mode")
                mode = cursor.fetchone()
                if mode and str(mode[0]).lower() == "wal":
                    return
                cursor.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError:
                if time.monotonic() >= deadline:
                    raise
            time.sleep(0.1)  # a connection's first moments only, and only in this race
    finally:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


READING = "chibo_reading"


Row = TypeVarTuple("Row")


async def execute_core(
    session: AsyncSession, statement: TypedReturnsRows[*Row], params: dict[str, Any]
) -> Result[*Row]:
    """A prebuilt Core statement run on the session's connection, past the ORM's execution
    layer (0.05-0.1 ms less CPU a statement). While ORM changes wait to be flushed it runs
    through `session.execute`, so the statement sees them as autoflush would have it."""
    if session.new or session.dirty or session.deleted:
        return await session.execute(statement, params)
    return await (await session.connection()).execute(statement, params)


@asynccontextmanager
async def reading(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for long reads only (a district's workbook, a digest): on SQLite it holds no
    write lock, so members' messages are not held up behind it. Writing in it is a mistake
    (on SQLite it may fail with "database is locked"): write in a transaction of its own."""
    async with sessionmaker() as session:
        await session.connection(execution_options={READING: True})
        yield session


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (we pass ids, not objects, onwards)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    """Alembic configuration pointing at the project's migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


# pg_advisory_xact_lock(MIGRATION_LOCK, hashtext(schema)): one migration per schema at a time.
MIGRATION_LOCK = 0x0C4B0


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest migration). On PostgreSQL under an
    advisory lock held until the commit: processes started together migrate one after the
    other, and the later ones find nothing left to do. (SQLite serialises writers itself.)"""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            if (await conn.execute(text("SELECT current_schema()"))).scalar() is None:
                # DATABASE_SCHEMA names a schema this database does not have yet: make it.
                schema = (await conn.execute(text("SHOW search_path"))).scalar_one()
                name = schema.split(",")[0].strip().strip('"')
                await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{name}"'))
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"),
                {"key": MIGRATION_LOCK},
            )
        await conn.run_sync(_upgrade, revision)


@dataclass(frozen=True)
class SchemaStatus:
    """Where the database's schema stands against this code's migrations."""

    current: tuple[str, ...]  # the revisions recorded in the database; () = never migrated
    heads: tuple[str, ...]  # the newest revisions this code knows
    known: bool  # every current revision is one of this code's migrations

    @property
    def up_to_date(self) -> bool:
        """The database is exactly at this code's newest revision."""
        return set(self.current) == set(self.heads)


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except CommandError:  # a revision this code has never heard of: a newer chibo's
        return False


def revision_known(revision: str) -> bool:
    """`revision` is one of this code's migrations."""
    return _known(ScriptDirectory.from_config(alembic_config()), revision)


def _status(connection: Connection) -> SchemaStatus:
    scripts = ScriptDirectory.from_config(alembic_config())
    current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    known = all(_known(scripts, rev) for rev in current)
    return SchemaStatus(current, tuple(sorted(scripts.get_heads())), known)


async def schema_status(engine: AsyncEngine) -> SchemaStatus:
    """Read (never change) the schema revision of the database."""
    async with engine.connect() as conn:
        return await conn.run_sync(_status)
