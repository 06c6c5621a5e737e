"""Migrating is the deploy step: `chibo migrate` brings the schema up, `chibo run` refuses an
old one in one line (or migrates under a lock when asked), and processes never race."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.core import db
from bot.core.db import _switch_to_wal, migrate, schema_status
from tests.cli import Ran, chibo, chibo_process
from tests.conftest import EmptyDatabase
from tests.fake_telegram import TOKEN

RUN = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "http://127.0.0.1:9/bot"}


def _chibo(folder: Path, command: str, env: dict[str, str]) -> Ran:
    """`chibo COMMAND`: `run` as its own process (it serves until a signal), the rest in this
    process."""
    if command == "run":
        done = chibo_process(folder, command, **env)
        return Ran(done.returncode, done.stdout, done.stderr)
    return chibo(folder, command, env=env)


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


async def test_chibo_run_refuses_a_database_never_migrated(
    empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    refused = await asyncio.to_thread(_chibo, tmp_path, "run", {**empty_database.env(), **RUN})
    assert refused.returncode == 2
    assert "chibo migrate" in _one_line(refused.stderr)
    engine = empty_database.engine()
    try:
        assert (await schema_status(engine)).current == ()  # nothing was created
    finally:
        await engine.dispose()


async def test_chibo_run_refuses_an_old_schema_until_chibo_migrate(
    empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    engine = empty_database.engine()
    try:
        await migrate(engine, "0005")
        refused = await asyncio.to_thread(_chibo, tmp_path, "run", {**empty_database.env(), **RUN})
        line = _one_line(refused.stderr)
        assert refused.returncode == 2
        assert "cũ hơn" in line and "0005" in line and "chibo migrate" in line
        assert (await schema_status(engine)).current == ("0005",)  # left alone
        migrated = await asyncio.to_thread(_chibo, tmp_path, "migrate", empty_database.env())
        assert migrated.returncode == 0, migrated.stderr
        newest = (await schema_status(engine)).heads[0]
        assert "0005" in migrated.stdout and newest in migrated.stdout  # from, to
        again = await asyncio.to_thread(_chibo, tmp_path, "migrate", empty_database.env())
        assert again.returncode == 0 and "đã ở phiên bản mới nhất" in again.stdout
        assert (await schema_status(engine)).up_to_date
    finally:
        await engine.dispose()


async def test_chibo_run_refuses_a_schema_from_a_newer_chibo(
    empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    engine = empty_database.engine()
    try:
        await migrate(engine)
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
        for command, settings in (
            ("run", {}),
            ("run", {"MIGRATE_ON_START": "true"}),
            ("migrate", {}),
        ):
            refused = await asyncio.to_thread(
                _chibo, tmp_path, command, {**empty_database.env(), **RUN, **settings}
            )
            line = _one_line(refused.stderr)
            assert refused.returncode == 2 and "0099_future" in line and "mới hơn" in line
    finally:
        await engine.dispose()


async def test_processes_migrating_at_once_do_not_race(empty_database: EmptyDatabase) -> None:
    # What MIGRATE_ON_START does when replicas start together: each migrates; on PostgreSQL
    # the advisory lock makes them take turns (without it, both would create the tables).
    engines = [empty_database.engine() for _ in range(3)]
    try:
        await asyncio.gather(*(migrate(engine) for engine in engines))
        status = await schema_status(engines[0])
        assert status.up_to_date and status.current == status.heads
        async with engines[0].connect() as conn:
            versions = (await conn.execute(text("SELECT count(*) FROM alembic_version"))).one()
        assert versions[0] == 1
    finally:
        for engine in engines:
            await engine.dispose()


def test_a_database_another_process_is_switching_is_waited_for(tmp_path: Path) -> None:
    # The other process holds the file (as while it switches it to WAL): this one is refused
    # at first, and opens the database once the other lets go, instead of failing to start.
    path = tmp_path / "chibo.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")

    def let_go() -> None:  # (a plain sleep: threading.Timer never fires under faketime)
        time.sleep(0.3)
        holder.execute("COMMIT")

    letting_go = threading.Thread(target=let_go)
    letting_go.start()
    opener = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        _switch_to_wal(opener.cursor())
        assert opener.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        letting_go.join()
        opener.close()
        holder.close()


def test_a_database_held_for_good_fails_in_seconds_not_minutes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "WAL_PATIENCE", 0.5)
    path = tmp_path / "chibo.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")  # and never lets go
    opener = sqlite3.connect(path, isolation_level=None, timeout=0)
    started = time.monotonic()
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            db._switch_to_wal(opener.cursor())
        assert time.monotonic() - started < 3  # the patience, and 100 ms tries within it
    finally:
        opener.close()
        holder.close()
