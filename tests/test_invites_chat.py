"""/mamoi is the cell secretary's and deputy's: committee members of the cell or above are
refused, and a new code for a member who has linked a chat needs a second tap."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.channel_settings import ZaloSettings
from bot.core.config import Settings
from bot.dispatcher.dispatch import Dispatcher
from models import InviteCode, RoleKind
from tests import factories
from tests.dialog import Chat
from tests.factories import Cell, FakeClock

REFUSED = "Mã mời do bí thư hoặc phó bí thư chi bộ cấp."


async def _role(
    sessionmaker: async_sessionmaker[AsyncSession], member_id: int, org_id: int, kind: RoleKind
) -> None:
    async with sessionmaker() as session, session.begin():
        await factories.role(session, member_id, org_id, kind, since=date(2026, 1, 1))


async def test_only_the_cells_secretary_or_deputy_handles_invite_codes(
    xien: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    xien_id = cell.members["xien"]
    await _role(sessionmaker, xien_id, cell.cell_id, RoleKind.COMMITTEE_MEMBER)
    assert REFUSED in await xien.send("/mamoi")
    await _role(sessionmaker, xien_id, cell.commune_id, RoleKind.COMMITTEE_MEMBER)
    assert REFUSED in await xien.send("/mamoi")
    assert REFUSED in await xien.send("/mamoi 0987654321")
    await _role(sessionmaker, xien_id, cell.cell_id, RoleKind.DEPUTY_SECRETARY)
    assert "Chi bộ bản Test: 2/2 đảng viên đã liên kết." in await xien.send("/mamoi")


async def test_a_new_code_for_a_linked_member_asks_first(
    mai: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    reply = await mai.send("/mamoi 0987 654 321")  # Mai herself, linked as "chat-mai"
    assert (
        "Đồng chí Hà Thị Mai đã kết nối với trợ lý. Mã mới sẽ cho phép thêm một tài khoản "
        "khác kết nối với tên đồng chí Hà Thị Mai. Đồng chí vẫn muốn cấp mã mới?" in reply
    )
    async with sessionmaker() as session:
        before = len(list(await session.scalars(select(InviteCode))))
    reply = await mai.tap("Có, cấp mã mới")
    assert "Mã mời mới của đồng chí Hà Thị Mai:" in reply
    async with sessionmaker() as session:
        assert len(list(await session.scalars(select(InviteCode)))) == before + 1
    await mai.send("/mamoi 0987654321")
    assert "Đã hủy việc đang làm dở" in await mai.tap("Hủy")
    async with sessionmaker() as session:
        assert len(list(await session.scalars(select(InviteCode)))) == before + 1


async def test_the_printable_sheet_without_a_telegram_username(mai: Chat, cell: Cell) -> None:
    """A Zalo-only commune: the sheet has the codes and the Zalo steps, no links or QR codes,
    and says it is handed out in person."""
    await mai.send("/mamoi")
    await mai.tap("Bảng mã mời để in (Excel)")
    [sent] = mai.last
    assert sent.text.startswith(
        "Bảng mã mời của Chi bộ bản Test (1 đồng chí): in ra và phát tận tay"
    )
    assert sent.document is not None and sent.document.content is not None
    assert sent.document.file_name == "ma-moi-chi-bo-ban-test.xlsx"
    sheet = load_workbook(io.BytesIO(sent.document.content)).active
    assert isinstance(sheet, Worksheet)
    assert str(sheet["A2"].value).startswith("PHÁT TẬN TAY")
    assert str(sheet["A3"].value).startswith("Dùng Zalo: mở bot Zalo của chi bộ")
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert [(row[1], row[2]) for row in rows] == [("Lò Văn Xiên", "Chi bộ bản Test")]
    assert sheet._images == []  # type: ignore[attr-defined]


async def test_a_new_code_says_how_to_send_it_on_zalo(
    cell: Cell,
    mai: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: FakeClock,
) -> None:
    zalo = settings.model_copy(update={"zalo": ZaloSettings(bot_name="Chi bộ Tân Lập")})
    chat = Chat(Dispatcher(sessionmaker, zalo, clock), chat_id="chat-mai")
    reply = await chat.send("/mamoi 0912345678")  # Xiên, not linked yet
    assert reply.startswith("Mã mời mới của đồng chí Lò Văn Xiên:")
    assert 'Trên Zalo: mở "Chi bộ Tân Lập" và gửi mã ' in reply
    assert "t.me" not in reply  # no Telegram username: no link
