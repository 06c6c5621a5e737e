"""A scope of thousands of cells (a province) reads households, their progress and the last
meetings from snapshots taken every 10 minutes, and says how old they are; everything else,
smaller scopes and cells without a fresh snapshot are counted live. Here the threshold is
lowered to 1 cell so a district of 2 cells behaves as a province would."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.scheduler import digest_tick
from bot.core.config import Settings
from bot.core.i18n import translator
from bot.dispatcher.dispatch import Dispatcher
from bot.reports import snapshots
from bot.reports.scope import load_scope
from bot.reports.snapshots import take_snapshots
from bot.reports.summary import summarise, week_start
from bot.web.dashboard.pages import org_html
from bot.web.dashboard.views import org_page, viewer_scope
from models import (
    Attendance,
    AttendanceStatus,
    CellSnapshot,
    CellType,
    DeedCategory,
    DeedReport,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    Organisation,
    OrgKind,
    OutboxMessage,
    Role,
    RoleKind,
)
from tests import factories
from tests.dialog import Chat
from tests.factories import Cell, FakeClock


@pytest.fixture
async def district(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> Cell:
    """Besides Bản Test (Xiên with 5 households, Mai with 2), commune Hai has a police cell of
    3 looking after one household, whose October meeting had 3 present and 2 speaking. Its
    first member sits on the district committee (chat "chat-huyen")."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        assert commune is not None and commune.parent_id is not None
        top = await session.get(Organisation, commune.parent_id)
        assert top is not None
        hai = await factories.org(session, "Đảng bộ xã Hai", OrgKind.GRASSROOTS_COMMITTEE, top)
        police = await factories.org(
            session, "Chi bộ Công an xã Hai", OrgKind.CELL, hai, CellType.ARMED_FORCES
        )
        people = [
            await factories.member(session, police.id, f"Công an {n}", f"091000000{n}", now)
            for n in range(3)
        ]
        await factories.household(session, hai.id, "HAI-01", "Sùng A Páo", now, people[1].id)
        await factories.link(session, people[0].id, "chat-huyen", now)
        session.add(
            Role(
                member_id=people[0].id,
                org_id=top.id,
                kind=RoleKind.COMMITTEE_MEMBER,
                started_on=date(2025, 1, 1),
            )
        )
        meeting = Meeting(
            cell_id=police.id,
            kind=MeetingKind.MONTHLY,
            period="2026-10",
            starts_at=datetime.combine(date(2026, 10, 24), time(1, 0), UTC),
            status=MeetingStatus.PLANNED,
            created_at=now,
        )
        session.add(meeting)
        await session.flush()
        session.add_all(
            Attendance(
                meeting_id=meeting.id,
                member_id=person.id,
                status=AttendanceStatus.PRESENT,
                spoke=number != 0,
                recorded_at=now,
            )
            for number, person in enumerate(people)
        )
    return cell


@pytest.fixture
def province_sized(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Scopes of more than one cell read the snapshots, as a province's would."""
    monkeypatch.setattr(snapshots, "SNAPSHOT_CELLS", 1)
    return monkeypatch


async def _add_household(
    sessionmaker: async_sessionmaker[AsyncSession], cell: Cell, clock: FakeClock, code: str
) -> None:
    async with sessionmaker() as session, session.begin():
        await factories.household(
            session, cell.commune_id, code, f"Hộ {code}", clock.now(), cell.members["xien"]
        )


async def test_a_province_sized_scope_reads_the_snapshot_and_says_how_old_it_is(
    dispatcher: Dispatcher,
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    huyen = Chat(dispatcher, chat_id="chat-huyen")
    live = await huyen.send("/tonghop")
    assert "Hộ được giúp trong tháng: 0/8" in live
    assert "tính cách đây" not in live  # a district is counted live

    monkeypatch.setattr(snapshots, "SNAPSHOT_CELLS", 1)
    assert await take_snapshots(sessionmaker, clock.now(), settings.tz) == 2
    clock.advance(minutes=7)
    await _add_household(sessionmaker, district, clock, "PK-20")
    read = await huyen.send("/tonghop")
    # The same figures as counted live, the speaking rate included, 7 minutes old: the
    # household added since is not in them yet, and the reader is told why.
    age = (
        "(Số hộ, tiến độ các hộ và buổi sinh hoạt gần nhất tính cách đây 7 phút: phạm vi lớn"
        " được tính lại 10 phút một lần.)"
    )
    assert age in read
    assert read.replace(age + "\n", "") == live
    assert "• lực lượng vũ trang (1 chi bộ): 66,7% (2/3)" in read

    clock.advance(minutes=3)
    await take_snapshots(sessionmaker, clock.now(), settings.tz)
    again = await huyen.send("/tonghop")
    assert "Hộ được giúp trong tháng: 0/9" in again
    assert "tính cách đây 1 phút" in again


async def test_cells_without_a_fresh_snapshot_are_counted_live(
    dispatcher: Dispatcher,
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    settings: Settings,
    province_sized: pytest.MonkeyPatch,
) -> None:
    await take_snapshots(sessionmaker, clock.now(), settings.tz)
    clock.advance(minutes=31)  # the scheduler stopped: the snapshot is too old to show
    await _add_household(sessionmaker, district, clock, "PK-21")
    reply = await Chat(dispatcher, chat_id="chat-huyen").send("/tonghop")
    assert "Hộ được giúp trong tháng: 0/9" in reply
    assert "tính cách đây" not in reply

    # A fresh snapshot, then a cell founded after it: its households are counted live
    # beside the others' snapshot.
    await take_snapshots(sessionmaker, clock.now(), settings.tz)
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, district.commune_id)
        new_cell = await factories.org(
            session, "Chi bộ bản Mới", OrgKind.CELL, commune, CellType.RURAL
        )
        newcomer = await factories.member(
            session, new_cell.id, "Lò Văn Mới", "0900000777", clock.now()
        )
        await factories.household(
            session, district.commune_id, "PK-22", "Hộ mới", clock.now(), newcomer.id
        )
    clock.advance(minutes=2)
    reply = await Chat(dispatcher, chat_id="chat-huyen").send("/tonghop")
    assert "tổng hợp 3 chi bộ" in reply
    assert "Hộ được giúp trong tháng: 0/10" in reply
    assert "tính cách đây 2 phút" in reply


async def test_a_database_of_a_few_cells_takes_no_snapshot(
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    settings: Settings,
) -> None:
    assert await take_snapshots(sessionmaker, clock.now(), settings.tz) == 0
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(CellSnapshot)) == 0


async def test_the_closed_month_is_snapshotted_too(
    dispatcher: Dispatcher,
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    settings: Settings,
    province_sized: pytest.MonkeyPatch,
) -> None:
    await take_snapshots(sessionmaker, clock.now(), settings.tz)
    async with sessionmaker() as session:
        months = set(await session.scalars(select(CellSnapshot.month).distinct()))
    assert months == {date(2026, 10, 1), date(2026, 11, 1)}
    clock.advance(minutes=4)
    reply = await Chat(dispatcher, chat_id="chat-huyen").send("/tonghop tháng trước")
    assert "tháng 10/2026" in reply
    assert "tính cách đây 4 phút" in reply


async def test_the_dashboard_says_how_old_the_snapshot_is(
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    settings: Settings,
    province_sized: pytest.MonkeyPatch,
) -> None:
    await take_snapshots(sessionmaker, clock.now(), settings.tz)
    clock.advance(minutes=5)
    async with sessionmaker() as session:
        huyen = await session.scalar(select(Member.id).where(Member.phone == "0910000000"))
        assert huyen is not None
        scope = await viewer_scope(session, huyen)
        page = await org_page(session, scope, None, date(2026, 11, 1), clock.now(), settings.tz)
    assert page is not None
    html = org_html(translator("vi"), page, [], settings.tz, clock.now())
    assert "tính cách đây 5 phút" in html


async def test_runs_at_the_same_time_replace_the_snapshot_and_both_succeed(
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    settings: Settings,
    province_sized: pytest.MonkeyPatch,
) -> None:
    await take_snapshots(sessionmaker, clock.now(), settings.tz)
    clock.advance(minutes=10)
    taken = await asyncio.gather(
        take_snapshots(sessionmaker, clock.now(), settings.tz),
        take_snapshots(sessionmaker, clock.now(), settings.tz),
    )
    assert list(taken) == [2, 2]  # neither failed on the other's rows (an upsert)
    async with sessionmaker() as session:
        rows = (await session.execute(select(CellSnapshot.taken_at))).scalars().all()
    assert len(rows) == 4 and set(rows) == {clock.now()}  # 2 cells x 2 months, all new


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 11, 15, 3, 0, tzinfo=UTC),
        datetime(2026, 11, 30, 16, 59, 30, tzinfo=UTC),  # 23:59:30 on 30/11 in Hà Nội
    ],
)
async def test_the_snapshot_gives_the_live_figures_of_either_month(
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    settings: Settings,
    province_sized: pytest.MonkeyPatch,
    at: datetime,
) -> None:
    """Pành's household was helped in August: nobody helped it in September-November (quiet
    in November's window) but it was helped in October's (August-October), so the two months
    differ, and each month's snapshot must match what is counted live."""
    clock.current = at
    async with sessionmaker() as session, session.begin():
        session.add(
            DeedReport(
                member_id=district.members["xien"],
                month=date(2026, 8, 1),
                household_id=district.households["Lò Văn Pành"],
                category=DeedCategory.OTHER,
                text="Giúp",
                source_key="t:august",
                created_at=datetime(2026, 8, 20, tzinfo=UTC),
            )
        )
    await take_snapshots(sessionmaker, clock.now(), settings.tz)
    clock.advance(seconds=20)
    quiet = {}
    async with sessionmaker() as session:
        scope = await load_scope(session, [district_org := await _top(session, district)])
        assert district_org.kind is OrgKind.DISTRICT_COMMITTEE
        for month in (date(2026, 10, 1), date(2026, 11, 1)):
            read = await summarise(session, scope, month, clock.now(), week_start=week(at))
            province_sized.setattr(snapshots, "SNAPSHOT_CELLS", 1_000_000)
            live = await summarise(session, scope, month, clock.now(), week_start=week(at))
            province_sized.setattr(snapshots, "SNAPSHOT_CELLS", 1)
            assert read.snapshot_age is not None and live.snapshot_age is None
            assert read.cells == live.cells and read.tree == live.tree
            quiet[month] = read.tree.figures.quiet
    assert quiet == {date(2026, 10, 1): 7, date(2026, 11, 1): 8}  # of 8 households


async def _top(session: AsyncSession, cell: Cell) -> Organisation:
    commune = await session.get(Organisation, cell.commune_id)
    assert commune is not None and commune.parent_id is not None
    top = await session.get(Organisation, commune.parent_id)
    assert top is not None
    return top


def week(at: datetime) -> datetime:
    return week_start(at, ZoneInfo("Asia/Ho_Chi_Minh"))


async def test_a_slower_run_never_replaces_newer_figures_and_old_months_go(
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    settings: Settings,
    province_sized: pytest.MonkeyPatch,
) -> None:
    counted_first = clock.now()
    clock.advance(minutes=1)
    await take_snapshots(sessionmaker, clock.now(), settings.tz)
    # A run that counted earlier but writes later (another process) keeps the newer figures.
    await take_snapshots(sessionmaker, counted_first, settings.tz)
    async with sessionmaker() as session:
        kept = set(await session.scalars(select(CellSnapshot.taken_at)))
    assert kept == {clock.now()}
    clock.current = datetime(2027, 1, 5, 3, 0, tzinfo=UTC)
    await take_snapshots(sessionmaker, clock.now(), settings.tz)
    async with sessionmaker() as session:
        months = set(await session.scalars(select(CellSnapshot.month)))
    assert months == {date(2026, 12, 1), date(2027, 1, 1)}  # October and November gone


async def test_the_first_digest_of_a_month_says_once_how_old_the_snapshot_is(
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    settings: Settings,
    province_sized: pytest.MonkeyPatch,
) -> None:
    clock.current = datetime(2026, 11, 30, 23, 50, tzinfo=UTC)  # 06:50 on 01/12 in Hà Nội
    await take_snapshots(sessionmaker, clock.now(), settings.tz)
    clock.current = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # Tuesday 07:00: digest time
    await digest_tick(sessionmaker, clock, settings)
    async with sessionmaker() as session:
        huyen = await session.scalar(select(Member.id).where(Member.phone == "0910000000"))
        text = await session.scalar(
            select(OutboxMessage.text).where(
                OutboxMessage.member_id == huyen, OutboxMessage.cause.like("digest:%")
            )
        )
    assert text is not None
    assert "tháng 11/2026" in text and "tháng 12/2026" in text  # the closed month, then this
    assert text.count("tính cách đây 10 phút") == 1
