"""The weekly digest for every leader and the hourly planning, at district or province scale:
total time, leaders served, and how long each leader's transaction took (the longest is how
long a member's message could wait behind it on SQLite).

    uv run python -m bench.digest --backend postgresql
    uv run python -m bench.digest --scale province --backend postgresql --schema bench_province
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime

from sqlalchemy import delete, func, select

from bench.dataset import dataset
from bench.summary import p95
from bot.cli.scheduler import planning_tick, snapshots_tick
from bot.core.clock import SystemClock
from bot.core.config import Settings
from bot.core.db import make_sessionmaker
from bot.reports.digest import DigestRun, digest_leaders, digest_parts, queue_digest
from models import Meeting, OutboxMessage, ScheduledReminder


async def run(backend: str, scale: str, schema: str | None, leaders: int | None) -> None:
    now = datetime.now(UTC)
    settings = Settings(_env_file=None)
    clock = SystemClock()
    async with dataset(backend, scale, now, schema) as (engine, district):
        sessionmaker = make_sessionmaker(engine)
        for label in ("first (plans 3 months)", "again (steady state)"):
            started = time.perf_counter()
            cells = await planning_tick(sessionmaker, clock, settings)
            elapsed = time.perf_counter() - started
            async with sessionmaker() as session:
                meetings = await session.scalar(select(func.count()).select_from(Meeting))
                reminders = await session.scalar(
                    select(func.count()).select_from(ScheduledReminder)
                )
            print(
                f"  planning, {label}: {cells} cells in {elapsed:6.2f} s "
                f"({meetings} meetings, {reminders} reminders in the database)"
            )
        async with sessionmaker() as session, session.begin():
            await session.execute(delete(OutboxMessage).where(OutboxMessage.cause.like("digest%")))
        started = time.perf_counter()
        taken = await snapshots_tick(sessionmaker, clock, settings)  # as `chibo run` keeps them
        if taken:
            print(f"  snapshots of {taken} cells taken in {time.perf_counter() - started:.2f} s")
        # digest_tick's loop, each leader's transaction timed.
        durations: list[float] = []
        run = DigestRun(clock.now(), settings.tz, settings.language)
        started = time.perf_counter()
        async with sessionmaker() as session:
            chosen = (await digest_leaders(session, run.week))[:leaders]
        queued = 0
        reading: list[float] = []
        for leader_id in chosen:
            begun = time.perf_counter()
            async with sessionmaker() as session:
                parts = await digest_parts(session, run, leader_id)
            reading.append(time.perf_counter() - begun)
            if parts is None:
                continue
            photo = await run.photo(parts)
            begun = time.perf_counter()
            async with sessionmaker() as session, session.begin():
                await queue_digest(session, run, leader_id, parts, photo)
            durations.append(time.perf_counter() - begun)
            queued += 1
        elapsed = time.perf_counter() - started
        print(
            f"  digest: {queued} leaders in {elapsed:7.1f} s "
            f"({elapsed / max(queued, 1) * 1000:.0f} ms a leader); reading a leader's digest "
            f"p95 {p95(reading) * 1000:.0f} ms, longest {max(reading) * 1000:.0f} ms; the "
            f"transaction that queues it p95 {p95(durations) * 1000:.0f} ms, longest "
            f"{max(durations) * 1000:.0f} ms"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", choices=["district", "province"], default="district")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--schema", help="PostgreSQL: keep the data set in this schema, reuse it")
    parser.add_argument("--leaders", type=int, help="only the first N leaders (a sample)")
    args = parser.parse_args()
    for backend in args.backend or ["sqlite", "postgresql"]:
        print(f"{backend}:")
        await run(backend, args.scale, args.schema, args.leaders)


if __name__ == "__main__":
    asyncio.run(main())
