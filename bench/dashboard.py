"""The web dashboard at district scale: the time from request to the last byte of a leader's
overview page over HTTP (sign-in cookie, scope, the summary, 12 months of history, the HTML)
at cell, commune and district scope: the first view (the year's counts queried), then p50/p95
of the next ones (the 11 past months kept by the dashboard), and each page's size.

    uv run python -m bench.dashboard --runs 30 --backend postgresql
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from bench.dataset import dataset
from bench.summary import p95
from bot.core.clock import SystemClock, month_start
from bot.core.db import make_sessionmaker
from bot.reports.digest import leader_scope
from bot.reports.summary import summarise, week_start
from bot.services.web_access import new_sign_in
from bot.web.dashboard.routes import Dashboard
from bot.web.server import build_app

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


async def _healthy() -> bool:
    return True


async def run(backend: str, scale: str, runs: int, schema: str | None) -> None:
    now = datetime.now(UTC)
    async with dataset(backend, scale, now, schema) as (engine, district):
        sessionmaker = make_sessionmaker(engine)
        month = month_start(now.astimezone(HANOI).date())
        dashboard = Dashboard(sessionmaker, SystemClock(), HANOI)
        server = TestServer(build_app([], _healthy, dashboard=dashboard), host="127.0.0.1")
        await server.start_server()
        try:
            leaders = [
                ("cell", district.cell_secretary),
                ("commune", district.commune_leader),
                ("district", district.district_leader),
            ]
            for name, leader in leaders:
                async with sessionmaker() as session, session.begin():
                    token = await new_sign_in(session, leader, now)
                async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:
                    async with http.get(server.make_url(f"/web/signin/{token}")) as response:
                        assert response.status == 200, response.status
                    times, size, summaries = [], 0, []
                    for _ in range(runs + 1):  # the first: past months not kept yet
                        started = time.perf_counter()
                        async with http.get(server.make_url("/web/")) as response:
                            body = await response.read()
                            assert response.status == 200
                        times.append((time.perf_counter() - started) * 1000)
                        size = len(body)
                        # /tonghop's own work at the same moment, for a figure that a busy
                        # machine does not move: the page's cost relative to the summary's.
                        started = time.perf_counter()
                        async with sessionmaker() as session:
                            scope = await leader_scope(session, leader)
                            await summarise(
                                session, scope, month, now, week_start=week_start(now, HANOI)
                            )
                        summaries.append((time.perf_counter() - started) * 1000)
                first, times = times[0], times[1:]
                print(
                    f"  overview {name:8s}: first {first:7.1f} ms, then p50 "
                    f"{statistics.median(times):7.1f} ms  p95 {p95(times):7.1f} ms  "
                    f"({size / 1024:.1f} KB); /tonghop's summary p50 "
                    f"{statistics.median(summaries[1:]):7.1f} ms"
                )
        finally:
            await server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--scale", choices=("district", "province"), default="district")
    parser.add_argument("--schema", help="PostgreSQL: keep the data set in this schema")
    args = parser.parse_args()
    print(f"{args.backend}:")
    asyncio.run(run(args.backend, args.scale, args.runs, args.schema))


if __name__ == "__main__":
    main()
