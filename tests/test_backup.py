"""`chibo backup` and `chibo restore` as the IT officer uses them: the demo backed up, restored
into a fresh database and compared row by row, on SQLite and PostgreSQL, and across them."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
import zipfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli import rows
from bot.cli.backup import BackupFailed, backup
from bot.cli.demo import seed_demo
from bot.cli.restore import restore
from bot.core.config import Settings, async_database_url
from bot.core.db import alembic_config, make_engine, make_sessionmaker, migrate, schema_status
from bot.core.i18n import translator
from models import AuditEntry
from tests.cli import chibo
from tests.conftest import EmptyDatabase

NOW = datetime(2026, 11, 15, 3, 0, tzinfo=UTC)
T = translator("vi")


def _newest() -> list[str]:
    """The newest schema revision this code knows (what a fresh database is migrated to)."""
    return list(ScriptDirectory.from_config(alembic_config()).get_heads())


async def _demo(engine: AsyncEngine) -> None:
    await migrate(engine)
    async with make_sessionmaker(engine)() as session, session.begin():
        await seed_demo(session, NOW, NOW.date())


async def _content(engine: AsyncEngine) -> list[str]:
    """Every row of every table, as the portable format writes it."""
    async with engine.connect() as conn:
        return [line async for line in rows.dump(conn)]


def _settings(database: EmptyDatabase) -> Settings:
    return Settings(
        _env_file=None, database_url=database.url, database_schema=database.schema, language="vi"
    )


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A whole new PostgreSQL database (as after `createdb`), dropped at the end."""
    url = async_database_url(os.environ["TEST_DATABASE_URL"])
    name = f"chibo_restore_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_the_demo_backed_up_and_restored_into_a_fresh_database_is_the_same(
    empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    source = empty_database.engine()
    try:
        await _demo(source)
        before = await _content(source)
        made = await asyncio.to_thread(
            chibo, tmp_path, "backup", "sao-luu.zip", env=empty_database.env()
        )
        assert made.returncode == 0, made.stderr
        assert "Đã ghi bản sao lưu: sao-luu.zip" in made.stdout
        assert "đảng viên: 118" in made.stdout
    finally:
        await source.dispose()
    with zipfile.ZipFile(tmp_path / "sao-luu.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["counts"]["members"] == 118 and manifest["revision"] == _newest()
    async with AsyncExitStack() as cleanup:
        if empty_database.schema is None:
            assert manifest["kind"] == "sqlite"
            target = EmptyDatabase(f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}")
        else:
            assert manifest["kind"] == "pg_dump"  # pg_dump is installed where PostgreSQL is
            fresh = await cleanup.enter_async_context(fresh_postgres_database())
            target = EmptyDatabase(fresh, empty_database.schema)
        restored = await asyncio.to_thread(
            chibo, tmp_path, "restore", "sao-luu.zip", env=target.env()
        )
        assert restored.returncode == 0, restored.stderr
        assert "mỗi bảng có đúng số dòng như bản sao lưu" in restored.stdout
        engine = target.engine()
        cleanup.push_async_callback(engine.dispose)
        assert await _content(engine) == before
        assert (await schema_status(engine)).up_to_date
        async with make_sessionmaker(engine)() as session, session.begin():
            # New rows get ids after the restored ones (PostgreSQL's sequences were moved).
            entry = AuditEntry(
                at=NOW,
                actor_member_id=None,
                action="t",
                subject_type="t",
                subject_id=None,
                details={},
            )
            session.add(entry)
            await session.flush()
            assert entry.id > manifest["counts"]["audit_log"]


async def test_a_laptop_sqlite_backup_restores_into_postgresql_and_back(
    empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    if empty_database.schema is None:
        pytest.skip("moves between SQLite and PostgreSQL: needs TEST_DATABASE_URL")
    laptop = EmptyDatabase(f"sqlite+aiosqlite:///{tmp_path / 'laptop.db'}")
    engine = laptop.engine()
    try:
        await _demo(engine)
        before = await _content(engine)
    finally:
        await engine.dispose()
    await backup(_settings(laptop), tmp_path / "laptop.zip", False, T)
    said = await restore(_settings(empty_database), tmp_path / "laptop.zip", T)
    assert "đảng viên: 118" in said
    server = empty_database.engine()
    try:
        assert await _content(server) == before
    finally:
        await server.dispose()
    # ... and from PostgreSQL back to a SQLite file, through the portable format.
    await backup(_settings(empty_database), tmp_path / "server.zip", True, T)
    back = EmptyDatabase(f"sqlite+aiosqlite:///{tmp_path / 'back.db'}")
    await restore(_settings(back), tmp_path / "server.zip", T)
    engine = back.engine()
    try:
        assert await _content(engine) == before
    finally:
        await engine.dispose()


async def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(
    empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    engine = empty_database.engine()
    try:
        await _demo(engine)
        await backup(_settings(empty_database), tmp_path / "b.zip", True, T)
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM deed_photos"))
        before = await _content(engine)
        with pytest.raises(BackupFailed, match="đã có dữ liệu"):
            await restore(_settings(empty_database), tmp_path / "b.zip", T)
        assert await _content(engine) == before
    finally:
        await engine.dispose()


async def test_a_restore_that_does_not_match_the_counts_is_reported(tmp_path: Path) -> None:
    source = EmptyDatabase(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
    engine = source.engine()
    await _demo(engine)
    await engine.dispose()
    await backup(_settings(source), tmp_path / "a.zip", True, T)
    with (
        zipfile.ZipFile(tmp_path / "a.zip") as good,
        zipfile.ZipFile(tmp_path / "b.zip", "w") as bad,
    ):
        manifest = json.loads(good.read("manifest.json"))
        manifest["counts"]["members"] += 1  # a member lost on the way
        bad.writestr("manifest.json", json.dumps(manifest))
        bad.writestr("rows.jsonl", good.read("rows.jsonl"))
    target = EmptyDatabase(f"sqlite+aiosqlite:///{tmp_path / 'b.db'}")
    with pytest.raises(BackupFailed, match="members: 119 -> 118"):
        await restore(_settings(target), tmp_path / "b.zip", T)


async def test_a_file_that_is_not_a_backup_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    target = EmptyDatabase(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(BackupFailed) as refused:
        await restore(_settings(target), tmp_path / "x.zip", T)
    assert str(refused.value) == "Tệp này không phải là bản sao lưu của chibo."
    assert not (tmp_path / "x.db").exists()
