"""`chibo restore FILE`: a backup into an empty database, checked table by table against the
backup's counts, then migrated to this chibo's schema."""

from __future__ import annotations

import asyncio
import io
import sqlite3
import tempfile
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli import pgdump, rows
from bot.cli.backup import PAYLOAD, BackupFailed, Manifest, counts_line, read_manifest
from bot.core.config import Settings
from bot.core.db import engine_for, migrate, revision_known, schema_status
from bot.core.i18n import Translator


async def _lines(archive: zipfile.ZipFile, name: str) -> AsyncIterator[str]:
    with archive.open(name) as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            yield line


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return await rows.row_counts(conn)


async def _load(target: AsyncEngine, lines: AsyncIterator[str], revision: str) -> None:
    """Rows into the target migrated to the backup's own revision, in one transaction."""
    await migrate(target, revision)
    async with target.begin() as conn:
        await rows.load(conn, lines)


async def _from_sqlite_file(target: AsyncEngine, payload: Path, revision: str) -> None:
    if target.dialect.name == "sqlite":
        database = target.url.database
        if not database or database == ":memory:":
            raise BackupFailed("in-memory")
        await target.dispose()

        def copy() -> None:
            src, dst = sqlite3.connect(payload), sqlite3.connect(database)
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()

        await asyncio.to_thread(copy)
        return
    # A laptop's SQLite into PostgreSQL: row by row, through the portable format.
    source = engine_for(f"sqlite+aiosqlite:///{payload}")
    try:
        async with source.connect() as conn:
            await _load(target, rows.dump(conn), revision)
    finally:
        await source.dispose()


async def _pg_restore(
    target: AsyncEngine, settings: Settings, manifest: Manifest, payload: Path, t: Translator
) -> None:
    if target.dialect.name != "postgresql":
        raise BackupFailed(
            t.gettext(
                "This backup was made with pg_dump and restores into PostgreSQL only; for "
                "SQLite make one with chibo backup --portable."
            )
        )
    wanted = manifest.schema or "public"
    if (settings.database_schema or "public") != wanted:
        raise BackupFailed(
            t.gettext(
                "This pg_dump backup holds the schema {wanted}; set DATABASE_SCHEMA={wanted} "
                "(or use a portable backup)."
            ).format(wanted=wanted)
        )
    async with target.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{wanted}"'))
    if not pgdump.available():
        raise BackupFailed(t.gettext("This backup needs pg_restore, which is not installed."))
    await pgdump.restore(pgdump.libpq(settings.database_url), payload)


async def restore(settings: Settings, path: Path, t: Translator) -> str:
    """Restore the backup file; returns what to tell the operator."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupFailed(t.gettext("This is not a chibo backup file.")) from error
    with archive:
        manifest = read_manifest(archive, t)
        target = engine_for(settings.database_url, settings.database_schema)
        try:
            status = await schema_status(target)
            held = sum((await _counts(target)).values()) if status.current else 0
            if held:
                raise BackupFailed(
                    t.gettext(
                        "This database already holds data ({rows} rows): restore into a new, "
                        "empty database (see the README)."
                    ).format(rows=held)
                )
            if not all(revision_known(rev) for rev in manifest.revision):
                raise BackupFailed(
                    t.gettext("This backup was made by a newer chibo ({revision}).").format(
                        revision=", ".join(manifest.revision)
                    )
                )
            revision = manifest.revision[0]
            with tempfile.TemporaryDirectory() as work:
                payload = Path(work) / "payload"
                if manifest.kind != "portable":
                    with archive.open(PAYLOAD[manifest.kind]) as src, payload.open("wb") as dst:
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
                if manifest.kind == "portable":
                    await _load(target, _lines(archive, PAYLOAD["portable"]), revision)
                elif manifest.kind == "sqlite":
                    await _from_sqlite_file(target, payload, revision)
                else:
                    await _pg_restore(target, settings, manifest, payload, t)
            found = await _counts(target)
            wrong = {
                table: (expected, found.get(table, 0))
                for table, expected in manifest.counts.items()
                if found.get(table, 0) != expected
            }
            if wrong:
                raise BackupFailed(
                    t.gettext(
                        "The restored data does not match the backup; do not use this database:"
                    )
                    + "\n"
                    + "\n".join(
                        f"  {table}: {expected} -> {got}"
                        for table, (expected, got) in wrong.items()
                    )
                )
            await migrate(target)
            now = await schema_status(target)
        finally:
            await target.dispose()
    return (
        t.gettext("Restored {file}; every table holds as many rows as the backup.").format(
            file=path
        )
        + "\n"
        + counts_line(t, manifest.counts)
        + "\n"
        + t.gettext("Schema: {old} -> {new}.").format(
            old=", ".join(manifest.revision), new=", ".join(now.current)
        )
    )
