"""Committees: roles at every level from the roster file (Chức vụ and the Cấp ủy sheet), the
cells each committee member follows, /capuy for the committee's secretary, and /tonghop and
the digest starting from the followed cells."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import translator
from bot.dispatcher.dispatch import Dispatcher
from bot.reports.digest import DigestRun, digest_parts
from bot.services.committees import followed_cells, grant_role, revoke_role, set_follows
from bot.services.errors import InvalidInputError
from bot.services.roster.importer import check_roster, import_roster
from bot.services.roster.plan import ImportPlan
from bot.services.roster.report import plan_text
from models import AuditEntry, CellType, Follow, Member, Organisation, OrgKind, Role, RoleKind
from tests import factories
from tests.dialog import Chat
from tests.factories import Cell, FakeClock
from tests.roster_files import csv_text
from tests.roster_files import roster as read

VI = translator("vi")
TODAY = date(2026, 11, 15)
MEMBER_HEADINGS = ["Chi bộ", "Họ và tên", "Số điện thoại", "Chức vụ"]
COMMITTEE_HEADINGS = ["Cấp ủy", "Họ và tên", "Số điện thoại", "Chức vụ", "Chi bộ phụ trách"]


@pytest.fixture
async def two_cells(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> Cell:
    """The commune has a second cell (Thôn Hai, with Ủy linked as "chat-uy"); another
    commune of the district has Chi bộ bản Xa."""
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        assert commune is not None and commune.parent_id is not None
        district = await session.get(Organisation, commune.parent_id)
        other = await factories.org(session, "Chi bộ thôn Hai", OrgKind.CELL, commune)
        other.cell_type = CellType.RURAL
        uy = await factories.member(session, other.id, "Trần Văn Ủy", "0900000001", clock.now())
        await factories.link(session, uy.id, "chat-uy", clock.now())
        far = await factories.org(session, "Đảng bộ xã Xa", OrgKind.GRASSROOTS_COMMITTEE, district)
        await factories.org(session, "Chi bộ bản Xa", OrgKind.CELL, far, CellType.RURAL)
        cell.members["uy"] = uy.id
    return cell


async def _import(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    *files: tuple[str, bytes],
) -> ImportPlan:
    async with sessionmaker() as session, session.begin():
        return await import_roster(
            session,
            roster=read(*files),
            actor_member_id=None,
            now=clock.now(),
            today=TODAY,
            note="",
        )


async def _roles(sessionmaker: async_sessionmaker[AsyncSession]) -> set[tuple[str, str, str]]:
    async with sessionmaker() as session:
        return {
            (name, org, kind.value)
            for name, org, kind in await session.execute(
                select(Member.full_name, Organisation.name, Role.kind)
                .join(Member, Member.id == Role.member_id)
                .join(Organisation, Organisation.id == Role.org_id)
                .where(Role.ended_on.is_(None))
            )
        }


async def test_chuc_vu_names_committee_positions_at_every_level(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    members = csv_text(
        MEMBER_HEADINGS,
        [
            ["Test", "Lò Văn Xiên", "0912345678", "Bí thư chi bộ, Đảng uỷ viên"],
            ["Test", "Hà Thị Mai", "0987654321", "Huyen uy vien; Ủy viên BTV"],
        ],
    ).encode()
    plan = await _import(sessionmaker, clock, ("dv.csv", members))
    assert not plan.problems, plan.problems
    assert "Lò Văn Xiên (chức vụ)" in plan_text(VI, plan, applied=True)
    assert await _roles(sessionmaker) == {
        ("Lò Văn Xiên", "Chi bộ bản Test", "secretary"),
        ("Lò Văn Xiên", "Đảng bộ xã Test", "committee_member"),
        ("Hà Thị Mai", "Đảng bộ huyện Test", "committee_member"),
        ("Hà Thị Mai", "Đảng bộ xã Test", "standing_committee_member"),
    }
    again = await _import(sessionmaker, clock, ("dv.csv", members))
    assert plan_text(VI, again, applied=True).startswith("Không có gì thay đổi")
    async with sessionmaker() as session:
        started = list(
            await session.scalars(
                select(AuditEntry.details).where(AuditEntry.action == "role_started")
            )
        )
    assert len(started) == 4


async def test_an_unknown_position_is_refused_with_the_known_ones(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    members = csv_text(
        MEMBER_HEADINGS, [["Test", "Lò Văn Xiên", "0912345678", "Chủ tịch xã"]]
    ).encode()
    plan = await _import(sessionmaker, clock, ("dv.csv", members))
    [problem] = plan.problems
    text = problem.render(VI)
    assert "“Chủ tịch xã” không thuộc các giá trị" in text
    assert "đảng ủy viên" in text and "huyện ủy viên" in text
    assert await _roles(sessionmaker) == set()


async def test_a_cells_list_in_chat_does_not_appoint_committees(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    members = csv_text(
        MEMBER_HEADINGS, [["Test", "Lò Văn Xiên", "0912345678", "bí thư, đảng ủy viên"]]
    ).encode()
    async with sessionmaker() as session:
        plan = await check_roster(session, read(("dv.csv", members), scope={cell.cell_id}))
    assert not plan.problems
    assert any("bí thư cấp ủy (/capuy)" in w.render(VI) for w in plan.warnings)
    [change] = plan.members
    assert change.positions == [] and change.cell_role
    async with sessionmaker() as session, session.begin():
        await factories.role(session, cell.members["xien"], cell.cell_id)
        await factories.role(
            session, cell.members["xien"], cell.commune_id, RoleKind.COMMITTEE_MEMBER
        )
    async with sessionmaker() as session:  # what the list says is so already: no note
        plan = await check_roster(session, read(("dv.csv", members), scope={cell.cell_id}))
    assert not plan.problems and not plan.warnings and not plan.changes


async def test_the_cap_uy_sheet_gives_roles_and_followed_cells(
    two_cells: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    sheet = csv_text(
        COMMITTEE_HEADINGS,
        [
            ["Đảng bộ xã Test", "Lò Văn Xiên", "0912345678", "Bí thư", ""],
            ["Đảng bộ xã Test", "Trần Văn Ủy", "0900000001", "đảng ủy viên", "Test, thôn Hai"],
        ],
    ).encode()
    plan = await _import(sessionmaker, clock, ("capuy.csv", sheet))
    assert not plan.problems, [p.render(VI) for p in plan.problems]
    text = plan_text(VI, plan, applied=True)
    assert "Chức vụ trong cấp ủy (2): Lò Văn Xiên: Bí thư Đảng ủy, Đảng bộ xã Test" in text
    assert "Chi bộ phụ trách (1): Trần Văn Ủy → Chi bộ bản Test, Chi bộ thôn Hai" in text
    async with sessionmaker() as session:
        assert [c.name for c in await followed_cells(session, two_cells.members["uy"])] == [
            "Chi bộ bản Test",
            "Chi bộ thôn Hai",
        ]
    again = await _import(sessionmaker, clock, ("capuy.csv", sheet))
    assert not again.changes


async def test_the_cap_uy_sheet_refuses_cells_and_members_outside_the_committee(
    two_cells: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    sheet = csv_text(
        COMMITTEE_HEADINGS,
        [
            ["Đảng bộ xã Test", "Trần Văn Ủy", "0900000001", "ủy viên", "Chi bộ bản Xa"],
            ["Đảng bộ xã Xa", "Lò Văn Xiên", "0912345678", "ủy viên", ""],
            ["Chi bộ bản Test", "Hà Thị Mai", "0987654321", "ủy viên BTV", ""],
            ["Đảng bộ xã Test", "", "0911111111", "ủy viên", ""],
        ],
    ).encode()
    plan = await _import(sessionmaker, clock, ("capuy.csv", sheet))
    rendered = [p.render(VI) for p in plan.problems]
    assert len(rendered) == 4, rendered
    assert "Chi bộ bản Xa không phải chi bộ trực thuộc Đảng bộ xã Test" in rendered[0]
    assert "Lò Văn Xiên không sinh hoạt ở chi bộ nào trực thuộc Đảng bộ xã Xa" in rendered[1]
    assert "Chi bộ không có ban thường vụ" in rendered[2]
    assert "không có đảng viên nào có số 0911111111" in rendered[3]
    assert await _roles(sessionmaker) == set()


async def test_the_cap_uy_sheet_is_the_operators(
    two_cells: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    sheet = csv_text(
        COMMITTEE_HEADINGS, [["Đảng bộ xã Test", "Trần Văn Ủy", "0900000001", "ủy viên", ""]]
    ).encode()
    async with sessionmaker() as session:
        plan = await check_roster(session, read(("capuy.csv", sheet), scope={two_cells.cell_id}))
    assert any("trang Cấp ủy do người quản trị nhập" in p.render(VI) for p in plan.problems)


async def test_roles_and_follows_are_checked_and_audited(
    two_cells: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, two_cells.commune_id)
        uy = await session.get(Member, two_cells.members["uy"])
        cells = list(
            await session.scalars(
                select(Organisation)
                .where(Organisation.kind == OrgKind.CELL)
                .order_by(Organisation.name)
            )
        )
        assert commune is not None and uy is not None
        far = next(c for c in cells if c.name == "Chi bộ bản Xa")
        near = [c for c in cells if c is not far]
        now = clock.now()
        with pytest.raises(InvalidInputError) as refused:
            await set_follows(
                session,
                org=commune,
                member=uy,
                cells=near,
                actor_member_id=None,
                now=now,
                today=TODAY,
            )
        assert "chưa tham gia cấp ủy" in refused.value.render(VI)
        assert await grant_role(
            session,
            org=commune,
            member=uy,
            kind=RoleKind.COMMITTEE_MEMBER,
            actor_member_id=None,
            now=now,
            today=TODAY,
        )
        with pytest.raises(InvalidInputError) as outside:
            await set_follows(
                session,
                org=commune,
                member=uy,
                cells=[far],
                actor_member_id=None,
                now=now,
                today=TODAY,
            )
        assert "không phải chi bộ trực thuộc" in outside.value.render(VI)
        await set_follows(
            session, org=commune, member=uy, cells=near, actor_member_id=None, now=now, today=TODAY
        )
        assert [c.name for c in await followed_cells(session, uy.id)] == [
            "Chi bộ bản Test",
            "Chi bộ thôn Hai",
        ]
        revoked = await revoke_role(
            session, org=commune, member=uy, actor_member_id=None, now=now, today=TODAY
        )
        assert revoked is RoleKind.COMMITTEE_MEMBER
        assert await followed_cells(session, uy.id) == []
    async with sessionmaker() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        open_follows = await session.scalar(select(Follow.id).where(Follow.ended_on.is_(None)))
    assert actions == ["role_granted", "follows_set", "role_revoked"]
    assert open_follows is None


@pytest.fixture
async def committee_people(
    two_cells: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> Cell:
    """Mai is the commune's Party secretary (chat "chat-mai"); Ủy is a commune committee
    member who follows only Thôn Hai."""
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, two_cells.commune_id)
        assert commune is not None
        await factories.role(session, two_cells.members["mai"], commune.id, RoleKind.SECRETARY)
        await factories.role(
            session, two_cells.members["uy"], commune.id, RoleKind.COMMITTEE_MEMBER
        )
        hai = await session.scalar(
            select(Organisation).where(Organisation.name == "Chi bộ thôn Hai")
        )
        assert hai is not None
        session.add(
            Follow(
                member_id=two_cells.members["uy"],
                org_id=commune.id,
                cell_id=hai.id,
                started_on=date(2026, 1, 1),
            )
        )
    return two_cells


async def test_tonghop_starts_from_the_followed_cells_and_the_whole_is_one_tap_away(
    dispatcher: Dispatcher, committee_people: Cell
) -> None:
    uy = Chat(dispatcher, chat_id="chat-uy")
    first = await uy.send("/tonghop")
    assert first.startswith(
        "Các chi bộ đồng chí phụ trách (và chi bộ của đồng chí):\nChi bộ thôn Hai, tháng 11/2026:"
    )
    assert "Chi bộ bản Test" not in first
    whole = await uy.tap("Toàn bộ Đảng bộ xã Test")
    assert "Đảng bộ xã Test: tổng hợp 2 chi bộ" in whole
    assert "Các chi bộ tôi phụ trách" in whole
    typed = await uy.send("/tonghop toàn bộ")
    assert "Đảng bộ xã Test: tổng hợp 2 chi bộ" in typed
    named = await uy.send("/tonghop bản Test")  # a cell not followed, still under the commune
    assert named.startswith("Chi bộ bản Test, tháng 11/2026:")


async def test_the_digest_of_a_committee_member_is_their_followed_cells(
    committee_people: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    run = DigestRun(clock.now(), ZoneInfo("Asia/Ho_Chi_Minh"), "vi")
    async with sessionmaker() as session:
        followed = await digest_parts(session, run, committee_people.members["uy"])
        secretary = await digest_parts(session, run, committee_people.members["mai"])
    assert followed is not None and secretary is not None
    assert "Chi bộ thôn Hai" in followed.text and "Chi bộ bản Test" not in followed.text
    assert "Toàn bộ Đảng bộ xã Test: /tonghop toàn bộ" in followed.text
    assert "tổng hợp 2 chi bộ" in secretary.text and "/tonghop toàn bộ" not in secretary.text


async def test_capuy_gives_a_role_and_followed_cells_after_confirmation(
    dispatcher: Dispatcher,
    committee_people: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    mai = Chat(dispatcher, chat_id="chat-mai")
    menu = await mai.send("/capuy")
    assert "Cấp ủy Đảng bộ xã Test (2 đồng chí):" in menu
    assert "Trần Văn Ủy (Chi bộ thôn Hai): Đảng ủy viên; phụ trách: Chi bộ thôn Hai" in menu
    await mai.tap("Thêm cấp ủy viên")
    found = await mai.send("Xiên")
    assert "Lò Văn Xiên chưa tham gia cấp ủy Đảng bộ xã Test" in found
    question = await mai.tap("Giao chức vụ Ủy viên Ban Thường vụ Đảng ủy")
    assert "Giao đồng chí Lò Văn Xiên chức vụ Ủy viên Ban Thường vụ Đảng ủy" in question
    assert ("Lò Văn Xiên", "Đảng bộ xã Test", "standing_committee_member") not in await _roles(
        sessionmaker
    )
    done = await mai.tap("Xác nhận")
    assert "Đã lưu: đồng chí Lò Văn Xiên là Ủy viên Ban Thường vụ Đảng ủy" in done
    await mai.tap("Lò Văn Xiên")
    await mai.tap("Chi bộ phụ trách")
    toggled = await mai.tap("Chi bộ bản Test")
    assert "✓ Chi bộ bản Test" in toggled
    assert "✓ Chi bộ thôn Hai" in await mai.send("thon hai")  # typed, as for a district
    assert "✓ Chi bộ thôn Hai" not in await mai.send("thôn Hai")
    await mai.tap("Lưu (1 chi bộ)")
    assert "Lưu?" in mai.transcript[-1][1]
    await mai.tap("Xác nhận")
    async with sessionmaker() as session:
        assert [
            c.name for c in await followed_cells(session, committee_people.members["xien"])
        ] == ["Chi bộ bản Test"]
        actions = list(
            await session.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.actor_member_id == committee_people.members["mai"]
                )
            )
        )
    assert actions == ["role_granted", "follows_set"]
    assert await _roles(sessionmaker) >= {
        ("Lò Văn Xiên", "Đảng bộ xã Test", "standing_committee_member")
    }


async def test_capuy_refuses_anyone_but_the_committees_secretary(
    dispatcher: Dispatcher, committee_people: Cell
) -> None:
    reply = await Chat(dispatcher, chat_id="chat-uy").send("/capuy")
    assert "lệnh /capuy dành cho bí thư, phó bí thư Đảng ủy xã hoặc Huyện ủy" in reply
