"""Summary latency at district or province scale: p50/p95 of /tonghop's work (the caller's
scope, the grouped queries, the text) at cell, commune, district (and province) scope, on
SQLite and PostgreSQL, and the XLSX export times.

    uv run python -m bench.summary --runs 30
    uv run python -m bench.summary --scale province --backend postgresql --schema bench_province
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bench.dataset import dataset
from bot.core.clock import month_start
from bot.core.db import make_sessionmaker
from bot.core.i18n import translator
from bot.reports.digest import leader_scope
from bot.reports.export import build_report
from bot.reports.period import parse_period
from bot.reports.snapshots import take_snapshots
from bot.reports.summary import summarise, week_start
from bot.reports.summary_text import cell_text, scope_text
from models import Organisation

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
VI = translator("vi")


def p95(times: list[float]) -> float:
    """The 95th percentile of `times` (nearest rank)."""
    ordered = sorted(times)
    return ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)]


async def run(backend: str, scale: str, runs: int, schema: str | None, exports: bool) -> None:
    now = datetime.now(UTC)
    async with dataset(backend, scale, now, schema) as (engine, district):
        sessionmaker = make_sessionmaker(engine)
        month = month_start(now.astimezone(HANOI).date())
        started = time.perf_counter()
        taken = await take_snapshots(sessionmaker, now, HANOI)  # as `chibo run` keeps them
        if taken:
            print(f"  snapshots of {taken} cells taken in {time.perf_counter() - started:.2f} s")
        leaders = [
            ("cell", district.cell_secretary),
            ("commune", district.commune_leader),
        ]
        if district.sub_district_leader:
            leaders.append(("district", district.sub_district_leader))
        leaders.append(
            ("province" if district.sub_district_id else "district", district.district_leader)
        )
        for name, leader in leaders:
            times, length, cells = [], 0, 0
            for _ in range(runs):
                started = time.perf_counter()
                async with sessionmaker() as session:
                    scope = await leader_scope(session, leader)
                    summary = await summarise(
                        session,
                        scope,
                        month,
                        now,
                        week_start=week_start(now, HANOI),
                        with_names=scope.root.is_cell,
                    )
                    text = (
                        cell_text(VI, HANOI, summary.cells[0], month)
                        if scope.root.is_cell
                        else scope_text(VI, summary)
                    )
                times.append((time.perf_counter() - started) * 1000)
                length, cells = len(text), len(scope.cells)
            print(
                f"  /tonghop {name:8s} ({cells:4d} cells): p50 {statistics.median(times):7.1f} ms"
                f"  p95 {p95(times):7.1f} ms  ({length} characters)"
            )
        if not exports:
            return
        targets = [("commune", district.commune_id)]
        if district.sub_district_id:
            targets.append(("district", district.sub_district_id))
        targets.append(
            ("province" if district.sub_district_id else "district", district.district_id)
        )
        for name, org_id in targets:
            started = time.perf_counter()
            async with sessionmaker() as session, session.begin():
                org = await session.get(Organisation, org_id)
                assert org is not None
                _, content = await build_report(
                    session, org, parse_period(f"{month:%Y-%m}"), HANOI, None, now
                )
                await session.rollback()  # leave no audit rows behind in a kept schema
            print(
                f"  XLSX export {name:8s}, one month: "
                f"{time.perf_counter() - started:6.2f} s, {len(content) // 1024} KB"
            )


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--scale", choices=["district", "province"], default="district")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--schema", help="PostgreSQL: keep the data set in this schema, reuse it")
    parser.add_argument("--no-exports", action="store_true", help="summaries only")
    args = parser.parse_args()
    for backend in args.backend or ["sqlite", "postgresql"]:
        print(f"{backend}:")
        await run(backend, args.scale, args.runs, args.schema, not args.no_exports)


if __name__ == "__main__":
    asyncio.run(main())
