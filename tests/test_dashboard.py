"""The web dashboard as its users meet it: a signed Telegram Mini App start or a single-use
link opens it; each of five people (stranger, member, another cell's secretary, secretary,
committee member) sees exactly their scope on every route, and nothing else even by editing
the address; what is shown is audited."""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.config import Settings
from bot.services.web_access import new_sign_in, use_sign_in
from bot.web.dashboard.auth import Sessions, check_init_data, sign_init_data
from bot.web.dashboard.routes import Dashboard
from bot.web.server import build_app
from models import (
    AuditEntry,
    CellType,
    Channel,
    ChatAddress,
    DeedCategory,
    DeedReport,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    MemberStatus,
    OrgKind,
    RoleKind,
)
from tests import factories
from tests.factories import FakeClock

TOKEN = "123456:AAH-real-bot-token"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = 1_790_000_000.0


def _init_data(user_id: int, auth_date: float, token: str = TOKEN) -> str:
    return sign_init_data(
        {
            "auth_date": str(int(auth_date)),
            "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
            "user": json.dumps({"id": user_id, "first_name": "Mai", "language_code": "vi"}),
        },
        token,
    )


def test_a_mini_app_start_signed_with_the_bot_token_names_its_user() -> None:
    user = check_init_data(_init_data(7001, NOW - 30), TOKEN, NOW)
    assert user is not None and user.id == 7001


def test_a_tampered_start_is_refused() -> None:
    signed = _init_data(7001, NOW - 30)
    assert check_init_data(signed.replace("7001", "7002"), TOKEN, NOW) is None
    assert check_init_data(signed.replace("hash=", "hash=0"), TOKEN, NOW) is None
    without_hash = "&".join(p for p in signed.split("&") if not p.startswith("hash="))
    assert check_init_data(without_hash, TOKEN, NOW) is None
    assert check_init_data("%%%not a query", TOKEN, NOW) is None


def test_an_old_start_is_refused() -> None:
    assert check_init_data(_init_data(7001, NOW - 601), TOKEN, NOW) is None
    assert check_init_data(_init_data(7001, NOW + 120), TOKEN, NOW) is None  # from the future


def test_a_start_signed_for_another_bot_is_refused() -> None:
    other = _init_data(7001, NOW - 30, token="654321:another-bots-token")
    assert check_init_data(other, TOKEN, NOW) is None


def test_the_documented_check_matches_an_independent_computation() -> None:
    # Telegram's recipe, written out once more by hand, agrees with check_init_data.
    import hashlib
    import hmac
    from urllib.parse import urlencode

    fields = {"auth_date": str(int(NOW)), "user": '{"id":42}'}
    check = "auth_date=" + fields["auth_date"] + "\nuser=" + fields["user"]
    key = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    user = check_init_data(urlencode(fields), TOKEN, NOW)
    assert user is not None and user.id == 42


def test_a_session_cookie_cannot_be_forged_or_kept() -> None:
    sessions = Sessions(b"k" * 32, seconds=1800)
    value = sessions.issue(5, now=NOW)
    assert sessions.member(value, now=NOW + 60) == 5
    assert sessions.member(value, now=NOW + 1801) is None
    assert sessions.member(value.replace("5.", "6.", 1), now=NOW) is None
    assert Sessions(b"x" * 32).member(value, now=NOW) is None


@dataclass
class Tree:
    """A district with two communes; ids of what the people below may or may not see."""

    district: int = 0
    commune: int = 0
    other_commune: int = 0
    cell: int = 0
    sibling_cell: int = 0
    far_cell: int = 0
    people: dict[str, int] = field(default_factory=dict)


@pytest.fixture
async def tree(sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock) -> Tree:
    now = clock.now()
    found = Tree()
    async with sessionmaker() as session, session.begin():
        district = await factories.org(session, "Huyện Tân Lập", OrgKind.DISTRICT_COMMITTEE)
        commune = await factories.org(
            session, "Xã Phúc Khánh", OrgKind.GRASSROOTS_COMMITTEE, district
        )
        other = await factories.org(
            session, "Xã Bằng Lũng", OrgKind.GRASSROOTS_COMMITTEE, district
        )
        cell = await factories.org(
            session, "Chi bộ bản Nà Lụng", OrgKind.CELL, commune, CellType.RURAL
        )
        sibling = await factories.org(
            session, "Chi bộ bản Chang", OrgKind.CELL, commune, CellType.RURAL
        )
        far = await factories.org(
            session, "Chi bộ thôn Nà Khà", OrgKind.CELL, other, CellType.RURAL
        )
        found.district, found.commune, found.other_commune = district.id, commune.id, other.id
        found.cell, found.sibling_cell, found.far_cell = cell.id, sibling.id, far.id
        people = {
            "secretary": (cell.id, "Hà Thị Mai"),
            "member": (cell.id, "Lò Văn Xiên"),
            "other_secretary": (sibling.id, "Cầm Văn Hùng"),
            "committee": (cell.id, "Vi Văn Thắng"),
            "far_member": (far.id, "Hoàng Thị Lan"),
        }
        for number, (key, (cell_id, name)) in enumerate(people.items()):
            person = await factories.member(session, cell_id, name, f"09120000{number:02d}", now)
            found.people[key] = person.id
        await factories.role(session, found.people["secretary"], cell.id)
        await factories.role(session, found.people["other_secretary"], sibling.id)
        await factories.role(
            session, found.people["committee"], commune.id, RoleKind.COMMITTEE_MEMBER
        )
        home = await factories.household(
            session, commune.id, "NL-01", "Lường Văn Pành", now, member_id=found.people["member"]
        )
        session.add(
            DeedReport(
                member_id=found.people["member"],
                household_id=home.id,
                month=date(2026, 11, 1),
                category=DeedCategory.HOUSING,
                text="Giúp gia đình ông Pành sửa mái nhà",
                source_key="test:1",
                created_at=now,
            )
        )
        session.add(
            ChatAddress(
                member_id=found.people["committee"],
                channel=Channel.TELEGRAM,
                external_id="7001",
                linked_at=now,
            )
        )
    return found


@pytest.fixture
async def site(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, settings: Settings
) -> AsyncIterator[TestServer]:
    dashboard = Dashboard(sessionmaker, clock, settings.tz, "vi", TOKEN)

    async def healthy() -> bool:
        return True

    server = TestServer(build_app([], healthy, dashboard=dashboard), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def _signed_in(
    server: TestServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    member_id: int | None,
    now: datetime,
) -> ClientSession:
    http = ClientSession(cookie_jar=CookieJar(unsafe=True))
    if member_id is not None:
        async with sessionmaker() as session, session.begin():
            token = await new_sign_in(session, member_id, now)
        async with http.get(server.make_url(f"/web/signin/{token}")) as response:
            assert response.history and response.history[0].status == 303
    return http


async def test_each_of_five_people_sees_exactly_their_scope_on_every_route(
    tree: Tree, site: TestServer, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    p = tree.people
    routes = {
        "top": "/web/",
        "district": f"/web/org/{tree.district}",
        "commune": f"/web/org/{tree.commune}",
        "other_commune": f"/web/org/{tree.other_commune}",
        "cell": f"/web/org/{tree.cell}",
        "sibling_cell": f"/web/org/{tree.sibling_cell}",
        "far_cell": f"/web/org/{tree.far_cell}",
        "no_such_org": "/web/org/987654",
        "member": f"/web/member/{p['member']}",
        "far_member": f"/web/member/{p['far_member']}",
        "no_such_member": "/web/member/987654",
        "export_cell": f"/web/export/{tree.cell}/2026-11",
        "export_district": f"/web/export/{tree.district}/2026",
        "docx_cell": f"/web/document/{tree.cell}/2026-11",
        "docx_commune": f"/web/document/{tree.commune}/2026-11",
        "docx_far_cell": f"/web/document/{tree.far_cell}/2026-11",
        "yearbook_cell": f"/web/yearbook/{tree.cell}/2026",
        "yearbook_far_cell": f"/web/yearbook/{tree.far_cell}/2026",
    }
    seen = {"top", "cell", "member", "export_cell", "docx_cell", "yearbook_cell"}
    files = {name for name in routes if name.split("_")[0] in {"export", "docx", "yearbook"}}
    expected: dict[str, dict[str, int]] = {
        "stranger": dict.fromkeys(routes, 403),
        "member": dict.fromkeys(routes, 403),
        "other_secretary": {
            **dict.fromkeys(routes, 404),
            "top": 200,
            "sibling_cell": 200,
        },
        "secretary": {**dict.fromkeys(routes, 404), **dict.fromkeys(seen, 200)},
        "committee": {
            **dict.fromkeys(routes, 404),
            **dict.fromkeys(seen, 200),
            "commune": 200,
            "sibling_cell": 200,
            "docx_commune": 200,
        },
    }
    not_found_pages = set()
    for who, statuses in expected.items():
        member_id = None if who == "stranger" else p[who]
        http = await _signed_in(site, sessionmaker, member_id, clock.now())
        async with http:
            for name, path in routes.items():
                async with http.get(site.make_url(path)) as response:
                    body = await response.read()
                    assert response.status == statuses[name], (who, name, response.status)
                    if response.status == 404:
                        not_found_pages.add(body)
                    if response.status == 200 and name == "member":
                        assert "Lò Văn Xiên" in body.decode()
                    if response.status == 200 and name in files:
                        assert body.startswith(b"PK")  # an .xlsx or a .docx (a zip)
                        assert "attachment" in response.headers["Content-Disposition"]
                    if response.status == 200 and name not in files:
                        assert len(body) < 150_000  # a slow connection's first page
                    assert "Hoàng Thị Lan" not in body.decode(errors="replace"), (who, name)
    # An existing organisation out of scope answers exactly like one that does not exist.
    assert len(not_found_pages) == 1


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


async def _exports(sessionmaker: async_sessionmaker[AsyncSession], member_id: int) -> list[str]:
    async with sessionmaker() as session:
        found = await session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.actor_member_id == member_id, AuditEntry.action.like("exported%")
            )
        )
        return list(found)


async def test_a_secretary_downloads_the_word_papers_of_the_month_on_screen(
    tree: Tree, site: TestServer, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        held = Meeting(
            cell_id=tree.cell,
            kind=MeetingKind.MONTHLY,
            period="2026-11",
            starts_at=datetime(2026, 11, 10, 12, 30, tzinfo=UTC),
            status=MeetingStatus.PLANNED,
            agenda="Vận động làm nhà tiêu hợp vệ sinh",
            created_at=clock.now(),
        )
        session.add(held)
    secretary = tree.people["secretary"]
    async with await _signed_in(site, sessionmaker, secretary, clock.now()) as http:
        async with http.get(site.make_url(f"/web/org/{tree.cell}")) as response:
            page = await response.text()
        report = f"/web/document/{tree.cell}/2026-11"
        minutes = f"/web/minutes/{held.id}"
        assert f'href="{report}"' in page and f'href="{minutes}"' in page
        assert f'href="/web/yearbook/{tree.cell}/2026"' in page
        async with http.get(site.make_url(report)) as response:
            assert response.status == 200
            assert response.headers["Content-Disposition"].endswith('.docx"')
            text = _docx_text(await response.read())
        assert "Nà Lụng" in text.title() and "tháng 11" in text
        async with http.get(site.make_url(minutes)) as response:
            assert response.status == 200
            text = _docx_text(await response.read())
        assert "BIÊN BẢN" in text and "19 giờ 30" in text
    assert sorted(await _exports(sessionmaker, secretary)) == ["exported", "exported_minutes"]
    # Another cell's secretary: the same addresses do not exist for them.
    other = tree.people["other_secretary"]
    async with await _signed_in(site, sessionmaker, other, clock.now()) as http:
        for path in (report, minutes, f"/web/yearbook/{tree.cell}/2026"):
            async with http.get(site.make_url(path)) as response:
                assert response.status == 404, path
    assert await _exports(sessionmaker, other) == []


async def test_a_committee_member_downloads_the_committee_summary(
    tree: Tree, site: TestServer, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    committee = tree.people["committee"]
    async with await _signed_in(site, sessionmaker, committee, clock.now()) as http:
        async with http.get(site.make_url(f"/web/org/{tree.commune}")) as response:
            page = await response.text()
        summary = f"/web/document/{tree.commune}/2026-11"
        assert f'href="{summary}"' in page
        assert "/web/yearbook/" not in page  # the year records are a cell's
        async with http.get(site.make_url(summary)) as response:
            assert response.status == 200
            text = _docx_text(await response.read())
    assert "Chi bộ bản Nà Lụng" in text and "Chi bộ bản Chang" in text
    assert "Nà Khà" not in text and "tháng 11" in text
    assert await _exports(sessionmaker, committee) == ["exported"]


async def test_a_committee_member_opens_it_from_telegram_and_the_view_is_audited(
    tree: Tree, site: TestServer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:
        data = _init_data(7001, time.time() - 5)
        async with http.post(site.make_url("/web/telegram"), data={"init_data": data}) as resp:
            page = await resp.text()
            assert resp.status == 200
            assert "Xã Phúc Khánh" in page and "Chi bộ bản Chang" in page
            assert "Xã Bằng Lũng" not in page
        async with http.get(site.make_url("/web/?lang=en")) as resp:
            assert "Reported this month" in await resp.text()
        # Another bot's signature gets nothing.
        async with ClientSession() as other:
            forged = _init_data(7001, time.time() - 5, token="999:other")
            async with other.post(
                site.make_url("/web/telegram"), data={"init_data": forged}
            ) as resp:
                assert resp.status == 403
    async with sessionmaker() as session:
        views = await session.scalar(
            select(func.count()).where(
                AuditEntry.action == "viewed_dashboard",
                AuditEntry.actor_member_id == tree.people["committee"],
            )
        )
    assert views == 2


async def test_a_sign_in_link_works_once_and_only_for_minutes(
    tree: Tree, site: TestServer, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        token = await new_sign_in(session, tree.people["secretary"], clock.now())
        late = await new_sign_in(session, tree.people["secretary"], clock.now())
    async with (
        ClientSession(cookie_jar=CookieJar(unsafe=True)) as http,
        http.get(site.make_url(f"/web/signin/{token}")) as resp,
    ):
        assert resp.status == 200
        assert "Chi bộ bản Nà Lụng" in await resp.text()
        cookie = resp.history[0].headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    async with ClientSession() as http:
        async with http.get(site.make_url(f"/web/signin/{token}")) as resp:
            assert resp.status == 403  # spent
        clock.advance(minutes=11)
        async with http.get(site.make_url(f"/web/signin/{late}")) as resp:
            assert resp.status == 403  # expired
    async with sessionmaker() as session:
        stored = [row async for row in await session.stream_scalars(select(AuditEntry.details))]
        assert token not in str(stored)
        assert await use_sign_in(session, token, clock.now()) is None


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)",
)
async def test_in_a_real_browser_a_committee_member_signs_in_and_drills_down_to_a_member(
    tree: Tree,
    site: TestServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    request: pytest.FixtureRequest,
) -> None:
    from playwright.async_api import async_playwright

    async with sessionmaker() as session, session.begin():
        token = await new_sign_in(session, tree.people["committee"], clock.now())
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            # A cheap phone's screen.
            page = await browser.new_page(viewport={"width": 360, "height": 740})
            response = await page.goto(str(site.make_url(f"/web/signin/{token}")))
            assert response is not None and response.status == 200
            assert await page.locator("h1").inner_text() == "Xã Phúc Khánh"
            assert await page.locator("svg.chart polyline").count() == 2  # one line per cell
            await page.get_by_role("link", name="Chi bộ bản Nà Lụng").click()
            await page.wait_for_url(f"**/web/org/{tree.cell}")
            assert await page.locator("h1").inner_text() == "Chi bộ bản Nà Lụng"
            await page.get_by_role("link", name="Lò Văn Xiên").click()
            await page.wait_for_url(f"**/web/member/{tree.people['member']}")
            assert await page.locator("h1").inner_text() == "Lò Văn Xiên"
            assert "NL-01" in await page.locator("main").inner_text()
            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / f"dashboard-{request.node.callspec.id}.png"
            await page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 1000
            # Editing the address to another commune's cell shows nothing of it.
            response = await page.goto(str(site.make_url(f"/web/org/{tree.far_cell}")))
            assert response is not None and response.status == 404
            assert "Nà Khà" not in await page.content()
        finally:
            await browser.close()


async def test_the_year_line_of_each_cell_counts_who_reported_each_month(
    tree: Tree, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    from bot.web.dashboard.views import PastCounts, org_page, viewer_scope

    past = PastCounts()
    async with sessionmaker() as session:
        scope = await viewer_scope(session, tree.people["committee"])
        page = await org_page(session, scope, None, date(2026, 11, 1), clock.now(), HANOI, past)
        assert page is not None
        lines = {line.name: line.rates for line in page.lines}
        assert page.months[0] == date(2025, 12, 1) and page.months[-1] == date(2026, 11, 1)
        # Nà Lụng: 1 of its 3 members reported in November, nobody before; Chang: nobody.
        assert lines["Chi bộ bản Nà Lụng"] == (0.0,) * 11 + (1 / 3,)
        assert lines["Chi bộ bản Chang"] == (0.0,) * 12
        # The past months are kept; this month is read again: a late report shows at once.
        session.add(
            DeedReport(
                member_id=tree.people["secretary"],
                month=date(2026, 11, 1),
                category=DeedCategory.OTHER,
                text="Dọn đường làng",
                source_key="test:2",
                created_at=clock.now(),
            )
        )
        await session.flush()
        again = await org_page(session, scope, None, date(2026, 11, 1), clock.now(), HANOI, past)
        assert again is not None
        assert {line.name: line.rates for line in again.lines}["Chi bộ bản Nà Lụng"][-1] == 2 / 3


async def test_a_session_ends_when_its_member_leaves(
    tree: Tree, site: TestServer, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    http = await _signed_in(site, sessionmaker, tree.people["secretary"], clock.now())
    async with http:
        async with http.get(site.make_url("/web/")) as response:
            assert response.status == 200
        async with sessionmaker() as session, session.begin():
            member = await session.get(Member, tree.people["secretary"])
            assert member is not None
            member.status = MemberStatus.TRANSFERRED_OUT
        async with http.get(site.make_url("/web/")) as response:
            assert response.status == 403
            assert "Chi bộ bản Nà Lụng" not in await response.text()


async def test_the_demo_dashboard_opens_from_the_link_chibo_dashboard_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio
    import re

    from bot.cli.dashboard import serve_dashboard
    from tests.cli import NOW, chibo

    banner = await asyncio.to_thread(chibo, tmp_path, "demo", "--no-shell")
    assert "chibo dashboard" in banner.stdout
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'demo.db'}")
    stop = asyncio.Event()
    serving = asyncio.create_task(serve_dashboard(settings, FakeClock(NOW), "0912000100", 0, stop))
    try:
        link = None
        for _ in range(200):
            found = re.search(r"http://127\.0\.0\.1:\d+/web/signin/\S+", capsys.readouterr().out)
            if found:
                link = found[0]
                break
            await asyncio.sleep(0.05)
        assert link is not None
        async with (
            ClientSession(cookie_jar=CookieJar(unsafe=True)) as http,
            http.get(link) as response,
        ):
            page = await response.text()
            assert response.status == 200
            assert "Đảng bộ xã Tân Lập" in page and "Chi bộ bản Nà Lụng" in page
    finally:
        stop.set()
        assert await serving == 0


async def test_the_dashboard_speaks_the_language_the_member_chose(
    tree: Tree, site: TestServer, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        member = await session.get(Member, tree.people["secretary"])
        assert member is not None
        member.language = "en"
    http = await _signed_in(site, sessionmaker, tree.people["secretary"], clock.now())
    async with http:
        async with http.get(site.make_url("/web/")) as response:
            page = await response.text()
            assert "Reported this month" in page and "Đã báo cáo tháng này" not in page
        async with http.get(site.make_url("/web/?lang=vi")) as response:
            assert "Đã báo cáo tháng này" in await response.text()
