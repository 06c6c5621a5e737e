"""Summary latency at district scale: p50/p95 of /tonghop's query work at cell, commune and
district scope, on SQLite and PostgreSQL, and the XLSX export time.

    uv run python -m bench.summary --runs 30
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bench.common import fresh_database
from bench.district import generate
from bot.core.clock import month_start
from bot.core.db import make_sessionmaker
from bot.reports.digest import leader_scope
from bot.reports.export import build_report, parse_period
from bot.reports.summary import summarise, week_start
from models import Organisation

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


async def run(backend: str, runs: int) -> None:
    now = datetime.now(UTC)
    async with fresh_database(backend) as engine:
        started = time.perf_counter()
        district = await generate(engine, now)
        built = time.perf_counter() - started
        async with engine.connect() as conn:  # as autovacuum would have by now in production
            await conn.execute(text("ANALYZE"))
            await conn.commit()
        print(
            f"{backend}: {district.members} members, {district.households} households, "
            f"{district.deeds} deeds generated in {built:.1f}s"
        )
        sessionmaker = make_sessionmaker(engine)
        month = month_start(now.astimezone(HANOI).date())
        for name, leader in (
            ("cell", district.cell_secretary),
            ("commune", district.commune_leader),
            ("district", district.district_leader),
        ):
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                async with sessionmaker() as session:
                    scope = await leader_scope(session, leader)
                    await summarise(
                        session,
                        scope,
                        month,
                        now,
                        week_start=week_start(now, HANOI),
                        with_names=scope.root.is_cell,
                    )
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            print(
                f"  summary {name:8s} ({len(scope.cells):3d} cells): "
                f"p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms"
            )
        for scope, org_id in (
            ("commune", district.commune_id),
            ("district", district.district_id),
        ):
            started = time.perf_counter()
            async with sessionmaker() as session, session.begin():
                org = await session.get(Organisation, org_id)
                assert org is not None
                _, content = await build_report(
                    session, org, parse_period(f"{month:%Y-%m}"), HANOI, None, now
                )
            print(
                f"  XLSX export {scope:8s}, one month: "
                f"{time.perf_counter() - started:6.2f} s, {len(content) // 1024} KB"
            )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    for backend in args.backend or ["sqlite", "postgresql"]:
        await run(backend, args.runs)


if __name__ == "__main__":
    asyncio.run(main())
