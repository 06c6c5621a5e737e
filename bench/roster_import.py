"""Importing a commune's roster: read (worker process), check, apply, and import it again.

uv run python -m bench.roster_import --members 500 --households 2500 --backend sqlite

A commune of 20 cells is created, then one workbook lists every member (with a role for each
cell's first) and every household with its member in charge. The figures are wall time and
this process's CPU time of each step (the worker's CPU is counted apart).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import resource
import time
from datetime import UTC, date, datetime

from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import fresh_database
from bot.core.db import make_sessionmaker
from bot.services.roster.file_worker import read_roster_files
from bot.services.roster.importer import RosterFile, check_roster, import_roster
from models import Organisation, OrgKind

CELLS = 20
NOW = datetime(2026, 11, 15, 3, 0, tzinfo=UTC)


def workbook(members: int, households: int) -> bytes:
    """The commune's roster: members spread over the cells, households over the members."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Đảng viên")
    sheet.append(["Chi bộ", "Họ và tên", "Số điện thoại", "Loại đảng viên", "Chức vụ"])
    for number in range(members):
        cell = f"Chi bộ thôn {number % CELLS + 1:02d}"
        role = "bí thư" if number < CELLS else ""
        sheet.append([cell, f"Đảng Viên Số {number}", f"09{number:08d}", "chính thức", role])
    homes = book.create_sheet("Hộ gia đình")
    homes.append(["Mã hộ", "Chủ hộ", "Chi bộ", "Thôn, bản", "Diện", "SĐT đảng viên phụ trách"])
    for number in range(households):
        member = number % members
        cell = f"Chi bộ thôn {member % CELLS + 1:02d}"
        homes.append(
            [f"H-{number:05d}", f"Chủ Hộ {number}", cell, "Thôn", "hộ nghèo", f"09{member:08d}"]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _commune(engine: AsyncEngine) -> None:
    async with make_sessionmaker(engine)() as session, session.begin():
        commune = Organisation(name="Đảng bộ xã Bench", kind=OrgKind.GRASSROOTS_COMMITTEE)
        session.add(commune)
        await session.flush()
        commune.path = f"/{commune.id}/"
        for number in range(1, CELLS + 1):
            cell = Organisation(
                name=f"Chi bộ thôn {number:02d}", kind=OrgKind.CELL, parent_id=commune.id
            )
            session.add(cell)
            await session.flush()
            cell.path = f"{commune.path}{cell.id}/"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run(backend: str, members: int, households: int) -> None:
    """Print the time of each step."""
    content = workbook(members, households)
    print(f"{backend}: {members} members, {households} households, {len(content) // 1024} KB")
    async with fresh_database(backend) as engine:
        await _commune(engine)
        sessionmaker = make_sessionmaker(engine)
        wall, cpu = time.perf_counter(), _cpu()
        sheets = await read_roster_files([("ds.xlsx", content)])
        _report("read (worker)", wall, cpu)
        roster = RosterFile(tuple(sheets), "ds.xlsx")
        for step in ("check", "apply", "again"):
            wall, cpu = time.perf_counter(), _cpu()
            async with sessionmaker() as session, session.begin():
                if step == "check":
                    plan = await check_roster(session, roster)
                else:
                    plan = await import_roster(
                        session,
                        roster=roster,
                        actor_member_id=None,
                        now=NOW,
                        today=date(2026, 11, 15),
                        note="",
                    )
            assert not plan.problems, plan.problems[:3]
            _report(step, wall, cpu)


def _report(step: str, wall: float, cpu: float) -> None:
    print(f"  {step:14s} {time.perf_counter() - wall:6.2f} s wall {_cpu() - cpu:6.2f} s CPU")


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--households", type=int, default=2500)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    asyncio.run(run(args.backend, args.members, args.households))


if __name__ == "__main__":
    main()
