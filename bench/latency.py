"""A member's reply latency while long work runs: p50/p99 of a linked member's message
(`/trogiup`, handled by the dispatcher in its own transaction, as `chibo run` does) alone,
then while the district's weekly digest is queued (every leader: a read, a chart drawn in a
worker thread, a short transaction) and a district committee member exports the year's
workbook in chat (read in a short session, rendered by openpyxl in a worker thread after
the message's batch).

    uv run python -m bench.latency
    uv run python -m bench.latency --backend postgresql --leaders 60
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime

from sqlalchemy import delete

from bench.dataset import dataset
from bot.cli.run import tune_garbage_collector
from bot.cli.scheduler import digest_tick
from bot.core.clock import SystemClock
from bot.core.config import Settings
from bot.core.db import make_sessionmaker, reading
from bot.core.messages import InboundMessage
from bot.dispatcher.dispatch import Dispatcher
from bot.reports.digest import DigestRun, digest_leaders, digest_parts, queue_digest
from models import Channel, ChatAddress, OutboxMessage

PROBE_EVERY = 0.1  # seconds between the member's messages


def percentile(times: list[float], share: float) -> float:
    """The `share` percentile of `times` (nearest rank)."""
    ordered = sorted(times)
    return ordered[max(0, min(len(ordered) - 1, int(len(ordered) * share + 0.5) - 1))]


def figures(label: str, times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (
        f"  {label}: {len(ms)} messages, p50 {statistics.median(ms):7.1f} ms, "
        f"p99 {percentile(ms, 0.99):7.1f} ms, longest {max(ms):7.1f} ms"
    )


class Probe:
    """A member sending a message every PROBE_EVERY seconds and timing each answer."""

    def __init__(self, dispatcher: Dispatcher, chat_id: str) -> None:
        self.dispatcher = dispatcher
        self.chat_id = chat_id
        self.times: list[float] = []
        self._count = 0

    async def run(self, until: asyncio.Event) -> None:
        while not until.is_set():
            self._count += 1
            message = InboundMessage(
                channel="console",
                chat_id=self.chat_id,
                message_id=f"probe-{time.time_ns()}-{self._count}",
                text="/trogiup",
            )
            started = time.perf_counter()
            replies = await self.dispatcher.handle(message)
            self.times.append(time.perf_counter() - started)
            assert replies, "no answer"
            await asyncio.sleep(PROBE_EVERY)


async def run(backend: str, leaders: int | None, idle_seconds: float) -> None:
    now = datetime.now(UTC)
    settings = Settings(_env_file=None)
    clock = SystemClock()
    async with dataset(backend, "district", now) as (engine, district):
        sessionmaker = make_sessionmaker(engine)
        async with sessionmaker() as session, session.begin():
            for member_id, chat in (
                (district.cell_secretary, "probe-member"),
                (district.district_leader, "district-leader"),
            ):
                session.add(
                    ChatAddress(
                        member_id=member_id,
                        channel=Channel.CONSOLE,
                        external_id=chat,
                        linked_at=now,
                    )
                )
            await session.execute(delete(OutboxMessage))
        dispatcher = Dispatcher(sessionmaker, settings, clock)
        probe = Probe(dispatcher, "probe-member")

        stop = asyncio.Event()
        probing = asyncio.create_task(probe.run(stop))
        await asyncio.sleep(idle_seconds)
        stop.set()
        await probing
        print(figures("alone", probe.times))

        async def digest() -> float:
            started = time.perf_counter()
            if leaders is None:
                count = await digest_tick(sessionmaker, clock, settings)
            else:  # digest_tick's loop over a sample of leaders
                run = DigestRun(clock.now(), settings.tz, settings.language)
                async with reading(sessionmaker) as session:
                    chosen = (await digest_leaders(session, run.week))[:leaders]
                count = 0
                for leader_id in chosen:
                    async with reading(sessionmaker) as session:
                        parts = await digest_parts(session, run, leader_id)
                    if parts is None:
                        continue
                    photo = await run.photo(parts)
                    async with sessionmaker() as session, session.begin():
                        await queue_digest(session, run, leader_id, parts, photo)
                    count += 1
            elapsed = time.perf_counter() - started
            print(f"  digest: {count} leaders queued in {elapsed:.1f} s")
            return elapsed

        async def export() -> float:
            started = time.perf_counter()
            for number, text in enumerate(("/tonghop", None)):
                choice = f"export:{now.year}" if text is None else None
                replies = await dispatcher.handle(
                    InboundMessage(
                        channel="console",
                        chat_id="district-leader",
                        message_id=f"export-{number}-{time.time_ns()}",
                        text=text or "",
                        choice=choice,
                    )
                )
            elapsed = time.perf_counter() - started
            document = next((r.document for r in replies if r.document is not None), None)
            size = len(document.content or b"") if document is not None else 0
            print(f"  district workbook of the year: {size} bytes in {elapsed:.1f} s")
            return elapsed

        probe.times = []
        stop = asyncio.Event()
        probing = asyncio.create_task(probe.run(stop))
        await asyncio.sleep(0.5)
        await asyncio.gather(digest(), export())
        stop.set()
        await probing
        print(figures("while the digest and the export run", probe.times))


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--leaders", type=int, help="only the first N leaders' digests")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds measured alone")
    parser.add_argument(
        "--gc",
        choices=["chibo", "python"],
        default="chibo",
        help="the garbage collector as `chibo run` tunes it (default) or Python's defaults",
    )
    args = parser.parse_args()
    if args.gc == "chibo":
        tune_garbage_collector()
    for backend in args.backend or ["sqlite", "postgresql"]:
        print(f"{backend}:")
        await run(backend, args.leaders, args.idle)


if __name__ == "__main__":
    asyncio.run(main())
