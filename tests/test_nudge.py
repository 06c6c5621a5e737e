"""/chuabaocao at district scale and its one-tap reminder, as a district committee member
reads them: communes first, then a commune's cells, then names; the reminder says whom it
reaches and who it cannot, a second tap within the hour sends nothing and says so, and
/dagui reports the reminder like any notice."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher.dispatch import Dispatcher
from bot.services.nudges import NudgeOutcome, send_nudge
from models import ChatAddress, Member, Organisation, OrgKind, OutboxMessage, RoleKind
from tests import factories
from tests.dialog import Chat
from tests.factories import Cell, FakeClock


@pytest.fixture
async def district(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> Cell:
    """Huyện Test: xã Test (bản Test: Xiên, Mai linked; thôn Hai: Ba linked, Bốn never
    linked, Năm blocked the bot) and xã Hai (bản Ba: Sáu linked). Vân sits on the district
    committee."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        assert commune is not None and commune.parent_id is not None
        top = await session.get(Organisation, commune.parent_id)
        assert top is not None
        hai = await factories.org(session, "Chi bộ thôn Hai", OrgKind.CELL, commune)
        other = await factories.org(session, "Đảng bộ xã Hai", OrgKind.GRASSROOTS_COMMITTEE, top)
        ba = await factories.org(session, "Chi bộ bản Ba", OrgKind.CELL, other)
        people = {}
        for cell_id, name, phone in (
            (hai.id, "Nông Thị Ba", "0900000002"),
            (hai.id, "Ma Văn Bốn", "0900000003"),
            (hai.id, "Lý Thị Năm", "0900000004"),
            (ba.id, "Hoàng Văn Sáu", "0900000005"),
            (ba.id, "Đinh Thị Vân", "0900000006"),
        ):
            people[name] = await factories.member(session, cell_id, name, phone, now)
        for name, chat in (
            ("Nông Thị Ba", "chat-ba"),
            ("Lý Thị Năm", "chat-nam"),
            ("Hoàng Văn Sáu", "chat-sau"),
            ("Đinh Thị Vân", "chat-van"),
        ):
            await factories.link(session, people[name].id, chat, now)
        await factories.link(session, cell.members["xien"], "chat-xien", now)
        await session.execute(
            update(ChatAddress).where(ChatAddress.external_id == "chat-nam").values(blocked_at=now)
        )
        await factories.role(session, people["Đinh Thị Vân"].id, top.id, RoleKind.COMMITTEE_MEMBER)
    return cell


async def _queued(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[str, str]]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Member.full_name, OutboxMessage.status)
            .join(Member, Member.id == OutboxMessage.member_id)
            .order_by(Member.full_name)
        )
        return [(name, str(status)) for name, status in rows]


async def test_district_drills_down_from_communes_to_names(
    dispatcher: Dispatcher, district: Cell
) -> None:
    van = Chat(dispatcher, chat_id="chat-van")
    reply = await van.send("/chuabaocao")
    assert reply.startswith(
        "Đảng bộ huyện Test: 3 chi bộ, 7/7 đảng viên chưa báo cáo tháng 11/2026. "
        "Chậm nhất trước:\n"
        "• Đảng bộ xã Hai (1 chi bộ): 2/2\n"
        "• Đảng bộ xã Test (2 chi bộ): 5/5\n"
    )
    assert "Hà Thị Mai" not in reply  # no names above a cell
    reply = await van.tap("Đảng bộ xã Test")
    assert reply.startswith(
        "Đảng bộ xã Test: 2 chi bộ, 5/5 đảng viên chưa báo cáo tháng 11/2026. "
        "Chi bộ chậm nhất xếp trước:\n"
        "• Chi bộ bản Test: 2/2\n"
        "• Chi bộ thôn Hai: 3/3\n"
    )
    reply = await van.tap("Chi bộ thôn Hai")
    assert reply.startswith(
        "Chi bộ thôn Hai: 3/3 đảng viên chưa báo cáo tháng 11/2026:\n"
        "1. Lý Thị Năm (đã chặn trợ lý)\n2. Ma Văn Bốn (chưa liên kết)\n3. Nông Thị Ba\n"
        "Lời nhắc không tới được: 1 người chưa liên kết với trợ lý; 1 người đã chặn trợ lý."
    )
    assert "Quay lại Đảng bộ xã Test" in van.labels()
    assert (await van.tap("Quay lại")).startswith("Đảng bộ xã Test: 2 chi bộ")
    # Typed with a name, the list opens there: no flat list of the whole district.
    reply = await van.send("/chuabaocao thon hai")
    assert reply.startswith("Chi bộ thôn Hai: 3/3 đảng viên chưa báo cáo")


async def test_the_reminder_tells_whom_it_reaches_and_a_second_tap_sends_nothing(
    dispatcher: Dispatcher,
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    van = Chat(dispatcher, chat_id="chat-van")
    await van.send("/chuabaocao xã Test")
    assert "Nhắc những người này ngay (3 người nhận được)" in van.labels()
    reply = await van.tap("Nhắc những người này")
    assert reply == (
        "Đang gửi lời nhắc tới 3 trong số 5 đảng viên chưa báo cáo.\n"
        "Lời nhắc không tới được: 1 người chưa liên kết với trợ lý; 1 người đã chặn trợ lý.\n"
        "Gửi /dagui để xem ai đã nhận."
    )
    assert await _queued(sessionmaker) == [
        ("Hà Thị Mai", "queued"),
        ("Lò Văn Xiên", "queued"),
        ("Lý Thị Năm", "failed"),  # blocked the bot
        ("Ma Văn Bốn", "failed"),  # never linked a chat
        ("Nông Thị Ba", "queued"),
    ]
    clock.advance(minutes=20)
    reply = await van.send("/chuabaocao xã Test")
    assert (
        "3 người đã được nhắc trong một giờ qua, không nhắc lại.\n"
        "Lời nhắc không tới được: 1 người chưa liên kết với trợ lý; 1 người đã chặn trợ lý.\n"
    ) in reply
    assert not any("Nhắc" in label for label in van.labels())  # nothing left to tap
    clock.advance(minutes=45)  # past the hour: they can be reminded again
    await van.send("/chuabaocao xã Test")
    assert "Nhắc những người này ngay (3 người nhận được)" in van.labels()


async def test_a_tap_within_the_hour_of_anothers_says_when_and_sends_nothing(
    dispatcher: Dispatcher,
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    async with sessionmaker() as session, session.begin():
        await factories.role(
            session, district.members["mai"], district.commune_id, RoleKind.COMMITTEE_MEMBER
        )
    van, mai = Chat(dispatcher, chat_id="chat-van"), Chat(dispatcher, chat_id="chat-mai")
    await mai.send("/chuabaocao")  # the commune's list, open before Vân taps
    await van.send("/chuabaocao xã Test")
    clock.advance(minutes=5)
    await van.tap("Nhắc những người này")
    clock.advance(minutes=10)
    reply = await mai.tap("Nhắc những người này")
    assert reply == (
        "Lời nhắc đã được gửi lúc 10:05 (đồng chí Đinh Thị Vân gửi), tới được 3 người. "
        "Trong vòng một giờ không ai bị nhắc hai lần, nên lần này không gửi gì; từ 11:05 có "
        "thể nhắc lại. Gửi /dagui để xem ai đã nhận."
    )
    assert len(await _queued(sessionmaker)) == 5  # nothing more


async def test_dagui_reports_the_reminder(
    dispatcher: Dispatcher, district: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    van = Chat(dispatcher, chat_id="chat-van")
    await van.send("/chuabaocao xã Test")
    await van.tap("Nhắc những người này")
    reply = await van.send("/dagui")
    assert reply.startswith(
        "Lời nhắc báo cáo gửi lúc 10:00 ngày 15/11/2026 tới Đảng bộ xã Test.\n"
        "Đã gửi tới: 0/5. Đang gửi: 3.\n"
        "Không liên lạc được:\n"
        "• Lý Thị Năm: đã chặn trợ lý\n"
        "• Ma Văn Bốn: chưa liên kết tài khoản với trợ lý"
    )


async def test_two_taps_at_the_same_moment_remind_each_member_once(
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    """Vân and Mai tap at the same moment (two processes, or two batches on PostgreSQL):
    the second tap waits for the first to commit, then sees its reminders and sends none."""
    async with sessionmaker() as session, session.begin():
        await factories.role(
            session, district.members["mai"], district.commune_id, RoleKind.COMMITTEE_MEMBER
        )

    async def tap(name: str, holding: asyncio.Event | None = None) -> NudgeOutcome:
        async with sessionmaker() as session, session.begin():
            sender = await session.scalar(select(Member).where(Member.full_name == name))
            assert sender is not None
            outcome = await send_nudge(
                session,
                sender=sender,
                org_ids=[district.commune_id],
                month=date(2026, 11, 1),
                month_text="11/2026",
                now=clock.now(),
                default_language="vi",
            )
            if holding is not None:
                holding.set()
                await asyncio.sleep(0.5)  # the other tap starts before this one commits
            return outcome

    first_done = asyncio.Event()
    first = asyncio.create_task(tap("Đinh Thị Vân", first_done))
    await first_done.wait()
    second = await tap("Hà Thị Mai")
    assert (await first).reached == 3
    assert second.broadcast_ids == () and second.reached == 0
    assert second.earlier is not None and second.earlier.sender == "Đinh Thị Vân"
    assert len(await _queued(sessionmaker)) == 5  # one row per member, none twice


async def test_taps_on_two_communes_in_opposite_orders_both_go_through(
    district: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    """Two batches each carry two taps, xã Test then xã Hai and the other way round (two
    committee members at once): neither batch fails (no deadlock on PostgreSQL), and each
    member is reminded once."""
    async with sessionmaker() as session:
        hai = await session.scalar(
            select(Organisation.id).where(Organisation.name == "Đảng bộ xã Hai")
        )
    assert hai is not None
    tapped = [asyncio.Event(), asyncio.Event()]

    async def batch(number: int, org_ids: list[int]) -> list[int]:
        reached = []
        async with sessionmaker() as session, session.begin():
            sender = await session.scalar(select(Member).where(Member.full_name == "Đinh Thị Vân"))
            assert sender is not None
            for org_id in org_ids:
                outcome = await send_nudge(
                    session,
                    sender=sender,
                    org_ids=[org_id],
                    month=date(2026, 11, 1),
                    month_text="11/2026",
                    now=clock.now(),
                    default_language="vi",
                )
                reached.append(outcome.reached)
                tapped[number].set()
                with contextlib.suppress(TimeoutError):  # the other may be waiting its turn
                    await asyncio.wait_for(tapped[1 - number].wait(), 0.5)
        return reached

    first, second = await asyncio.gather(
        batch(0, [district.commune_id, hai]), batch(1, [hai, district.commune_id])
    )
    # xã Test's 3 reachable, xã Hai's Sáu and Vân (who owes her own report too), once each
    assert sum(first) + sum(second) == 5
    names = [name for name, _ in await _queued(sessionmaker)]
    assert len(names) == len(set(names)) == 7  # with xã Test's 2 who cannot be reached
