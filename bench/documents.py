"""The paperwork at district scale: the committee's monthly summary document (Word) of a
commune and of the district (274 cells), a cell's report and the minutes of a meeting, each
timed whole (queries and rendering, the rendering in a worker thread), on SQLite and
PostgreSQL. Goal: a district's summary document under 10 s.

    uv run python -m bench.documents
    uv run python -m bench.documents --backend postgresql --schema bench_district
    uv run python -m bench.documents --scale province --backend postgresql --schema bench_province
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bench.dataset import dataset
from bot.core.clock import month_start
from bot.core.db import make_sessionmaker
from bot.reports.documents.build import build_minutes, build_report_document
from bot.reports.period import parse_period
from bot.services.meetings.rules import add_months
from models import Meeting, Organisation

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


async def run(backend: str, scale: str, schema: str | None, runs: int) -> None:
    now = datetime.now(UTC)
    month = add_months(month_start(now.astimezone(HANOI).date()), -1)  # last month: complete
    period = parse_period(f"{month:%Y-%m}")
    async with dataset(backend, scale, now, schema) as (engine, district):
        sessionmaker = make_sessionmaker(engine)
        targets = [
            ("cell report", district.cell_id),
            ("commune summary", district.commune_id),
        ]
        if district.sub_district_id:
            targets.append(("district summary", district.sub_district_id))
        targets.append(
            (
                "province summary" if district.sub_district_id else "district summary",
                district.district_id,
            )
        )
        for name, org_id in targets:
            times, size = [], 0
            for _ in range(runs):
                started = time.perf_counter()
                async with sessionmaker() as session, session.begin():
                    org = await session.get(Organisation, org_id)
                    assert org is not None
                    _, content = await build_report_document(
                        session, org, period, HANOI, None, now
                    )
                    await session.rollback()  # no audit rows left in a kept schema
                times.append(time.perf_counter() - started)
                size = len(content)
            print(
                f"  {name:17s}: best {min(times):6.2f} s, worst {max(times):6.2f} s "
                f"({runs} runs), {size // 1024} KB"
            )
        async with sessionmaker() as session:
            meeting_id = await session.scalar(
                select(Meeting.id)
                .where(Meeting.cell_id == district.cell_id, Meeting.starts_at < now)
                .order_by(Meeting.starts_at.desc())
                .limit(1)
            )
        if meeting_id is not None:
            started = time.perf_counter()
            async with sessionmaker() as session, session.begin():
                _, content = await build_minutes(session, meeting_id, None, HANOI, now)
                await session.rollback()
            print(f"  minutes          : {time.perf_counter() - started:6.2f} s")


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", choices=["district", "province"], default="district")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--schema", help="PostgreSQL: keep the data set in this schema, reuse it")
    args = parser.parse_args()
    for backend in args.backend or ["sqlite", "postgresql"]:
        print(f"{backend}:")
        await run(backend, args.scale, args.schema, args.runs)


if __name__ == "__main__":
    asyncio.run(main())
