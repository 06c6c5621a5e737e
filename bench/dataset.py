"""A generated district or province to measure on: fresh each time, or (PostgreSQL,
`--schema NAME`) kept in a schema of its own and reused by the next run, since generating a
province takes minutes."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import fresh_database, postgres_url
from bench.district import District, generate
from bot.core.db import make_engine, migrate


async def _prepare(engine: AsyncEngine, now: datetime, scale: str) -> District:
    started = time.perf_counter()
    district = await generate(engine, now, scale=scale)
    await settle(engine)
    print(
        f"{scale}: {district.cells} cells, {district.members} members, {district.households} "
        f"households, {district.deeds} deeds, {district.leaders} leaders, generated in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return district


def _saved(path: Path) -> District | None:
    return District(**json.loads(path.read_text())) if path.exists() else None


def _save(path: Path, district: District) -> None:
    path.write_text(json.dumps(dataclasses.asdict(district)))


async def settle(engine: AsyncEngine) -> None:
    """VACUUM ANALYZE, as autovacuum would have done by now in production: statistics for
    the planner, and the visibility map that lets index-only scans skip the table."""
    async with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
        else:
            await conn.execute(text("ANALYZE"))
            await conn.commit()


@asynccontextmanager
async def dataset(
    backend: str, scale: str, now: datetime, schema: str | None = None
) -> AsyncIterator[tuple[AsyncEngine, District]]:
    """The engine and ids of a generated data set (kept in `schema` when given)."""
    if schema is None or backend != "postgresql":
        async with fresh_database(backend) as engine:
            yield engine, await _prepare(engine, now, scale)
        return
    saved = Path(f"/tmp/chibo-bench-{schema}.json")
    admin = make_engine(postgres_url())
    async with admin.begin() as conn:
        exists = await conn.scalar(
            text("SELECT count(*) FROM information_schema.schemata WHERE schema_name = :s"),
            {"s": schema},
        )
        kept = _saved(saved) if exists else None
        if kept is None:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()
    engine = make_engine(
        postgres_url(),
        connect_args={"server_settings": {"search_path": schema}},
        pool_size=20,
        max_overflow=20,
    )
    try:
        await migrate(engine)
        if kept is not None:
            district = kept
            await settle(engine)  # a migration may have added columns and indexes
            print(f"{scale}: reusing schema {schema} ({district.cells} cells)")
        else:
            district = await _prepare(engine, now, scale)
            _save(saved, district)
        yield engine, district
    finally:
        await engine.dispose()
