"""`chibo backup FILE` and `chibo restore FILE`: one zip file holding a manifest (what kind of
copy, the schema revision, the rows of every table) and the copy itself:

- SQLite: the online backup API (a consistent copy while `chibo run` keeps writing);
- PostgreSQL: pg_dump's custom format when pg_dump is installed, else (or with --portable,
  or if pg_dump fails) a portable dump of every row as JSON lines, which also restores into
  the other database (a laptop's SQLite into the province's PostgreSQL, and back).

A restore goes into an empty database only, and is verified: every table must hold as many
rows as the manifest says, before the schema is brought up to this chibo's revision.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli import pgdump, rows
from bot.core.config import Settings
from bot.core.db import engine_for, schema_status
from bot.core.i18n import N_, Translator

FORMAT = "chibo-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PAYLOAD = {"sqlite": "chibo.sqlite3", "pg_dump": "chibo.pgdump", "portable": "rows.jsonl"}
KIND_NAMES = {
    "sqlite": N_("SQLite online backup"),
    "pg_dump": N_("pg_dump, custom format"),
    "portable": N_("portable dump"),
}


class BackupFailed(Exception):
    """The backup or restore could not be made; the message is in the reader's language."""


@dataclass(frozen=True)
class Manifest:
    """What a backup file holds."""

    kind: str
    revision: list[str]
    counts: dict[str, int]
    schema: str | None
    created_at: str
    chibo: str
    format: str = FORMAT
    format_version: int = FORMAT_VERSION


def _sqlite_path(engine: AsyncEngine) -> str | None:
    database = engine.url.database
    return None if not database or database == ":memory:" else database


def _sqlite_copy(source: str, copy: Path) -> None:
    """SQLite's online backup: one step, so a consistent copy however busy the source is."""
    src, dst = sqlite3.connect(source), sqlite3.connect(copy)
    try:
        src.backup(dst)
        if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupFailed("integrity_check")
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        src.close()
        dst.close()


async def _portable(engine: AsyncEngine, out: zipfile.ZipFile) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = await conn.execution_options(isolation_level="REPEATABLE READ")
        async with conn.begin():
            table = ""
            with out.open(PAYLOAD["portable"], "w", force_zip64=True) as payload:
                async for line in rows.dump(conn):
                    if line.startswith("{"):
                        table = json.loads(line)["table"]
                        counts[table] = 0
                    else:
                        counts[table] += 1
                    payload.write(line.encode() + b"\n")
    return counts


async def _pg_dump(engine: AsyncEngine, url: str, into: Path) -> tuple[dict[str, int], str]:
    """pg_dump on the very snapshot whose rows are counted."""
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="REPEATABLE READ")
        async with conn.begin():
            snapshot = (await conn.execute(text("SELECT pg_export_snapshot()"))).scalar_one()
            schema = (await conn.execute(text("SELECT current_schema()"))).scalar_one()
            counts = await rows.row_counts(conn)
            await pgdump.dump(pgdump.libpq(url), schema, snapshot, into)
    return counts, schema


async def _current_schema(engine: AsyncEngine) -> str | None:
    if engine.dialect.name != "postgresql":
        return None
    async with engine.connect() as conn:
        return str((await conn.execute(text("SELECT current_schema()"))).scalar_one())


async def backup(settings: Settings, path: Path, portable: bool, t: Translator) -> str:
    """Write the backup file; returns what to tell the operator."""
    engine = engine_for(settings.database_url, settings.database_schema)
    try:
        status = await schema_status(engine)
        if not status.current:
            raise BackupFailed(t.gettext("The database has no chibo tables: nothing to back up."))
        schema = await _current_schema(engine)
        partial = path.with_name(path.name + ".partial")
        with tempfile.TemporaryDirectory() as work:
            copy = Path(work) / "copy"
            source, kind, counts = engine, "portable", {}
            if engine.dialect.name == "sqlite":
                database = _sqlite_path(engine)
                if database is None:
                    raise BackupFailed(t.gettext("An in-memory database cannot be backed up."))
                # Even a portable dump is read from the copy: a long read on the live file
                # would hold chibo run's writers back.
                await asyncio.to_thread(_sqlite_copy, database, copy)
                source = engine_for(f"sqlite+aiosqlite:///{copy}")
                if not portable:
                    kind, counts = "sqlite", await _counts(source)
            elif not portable and pgdump.available():
                try:
                    counts, schema = await _pg_dump(engine, settings.database_url, copy)
                    kind = "pg_dump"
                except pgdump.ToolFailed as error:
                    print(
                        t.gettext("pg_dump failed ({error}); writing a portable dump.").format(
                            error=str(error).replace("\n", " ")
                        ),
                        file=sys.stderr,
                    )
            try:
                with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as out:
                    if kind == "portable":
                        counts = await _portable(source, out)
                    else:
                        out.write(copy, PAYLOAD[kind], compress_type=_compression(kind))
                    manifest = Manifest(
                        kind=kind,
                        revision=list(status.current),
                        counts=counts,
                        schema=schema,
                        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                        chibo=version("chibo"),
                    )
                    out.writestr(MANIFEST, json.dumps(asdict(manifest), indent=1))
            finally:
                if source is not engine:
                    await source.dispose()
        os.replace(partial, path)
        size = (await asyncio.to_thread(path.stat)).st_size
    finally:
        await engine.dispose()
    return (
        t.gettext("Backup written: {file} ({kind}, {size} KB, schema {revision}).").format(
            file=path,
            kind=t.gettext(KIND_NAMES[kind]),
            size=max(1, size // 1024),
            revision=", ".join(status.current),
        )
        + "\n"
        + counts_line(t, counts)
    )


def _compression(kind: str) -> int:
    # pg_dump's custom format is compressed already.
    return zipfile.ZIP_STORED if kind == "pg_dump" else zipfile.ZIP_DEFLATED


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return await rows.row_counts(conn)


def counts_line(t: Translator, counts: dict[str, int]) -> str:
    """The counts an operator checks at a glance."""
    return t.gettext(
        "{rows} rows in {tables} tables (members: {members}, households: {households}, "
        "good-deed reports: {deeds}, meetings: {meetings})."
    ).format(
        rows=sum(counts.values()),
        tables=len(counts),
        members=counts.get("members", 0),
        households=counts.get("households", 0),
        deeds=counts.get("deed_reports", 0),
        meetings=counts.get("meetings", 0),
    )


def read_manifest(archive: zipfile.ZipFile, t: Translator) -> Manifest:
    """The manifest of a backup file, or a clear refusal."""
    try:
        data = json.loads(archive.read(MANIFEST))
        manifest = Manifest(**data)
    except (KeyError, ValueError, TypeError) as error:
        raise BackupFailed(t.gettext("This is not a chibo backup file.")) from error
    if manifest.format != FORMAT or manifest.format_version > FORMAT_VERSION:
        raise BackupFailed(t.gettext("This backup file was written by a newer chibo."))
    return manifest


__all__ = ["PAYLOAD", "BackupFailed", "Manifest", "backup", "read_manifest"]
