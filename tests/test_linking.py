"""Linking a chat to a member by invite code; what strangers may learn."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher.dispatch import Dispatcher
from bot.services.identity import issue_invite
from models import ChatAddress, OutboxMessage
from tests.dialog import Chat, verify_dialog
from tests.factories import Cell, FakeClock


async def test_member_links_with_invite_code_and_is_greeted_by_name(
    chat: Chat, cell: Cell
) -> None:
    reply = await chat.send("/start XEN234")
    assert "Chào mừng đồng chí Lò Văn Xiên" in reply
    assert "Chi bộ bản Test" in reply
    assert "/viectot" in reply  # the help that follows tells what to do next
    assert "Việc tốt tháng này của tôi" in reply


async def test_code_typed_in_lower_case_with_spaces_links(chat: Chat, cell: Cell) -> None:
    assert "Lò Văn Xiên" in await chat.send("/start xen 234")


async def test_stranger_can_just_type_the_code(chat: Chat, cell: Cell) -> None:
    assert "Lò Văn Xiên" in await chat.send("xen234")


async def test_code_works_once(dispatcher: Dispatcher, chat: Chat, cell: Cell) -> None:
    await chat.send("/start XEN234")
    other = Chat(dispatcher, chat_id="someone-else")
    reply = await other.send("/start XEN234")
    assert "Mã này không dùng được" in reply
    assert "Xiên" not in reply


async def test_expired_code_is_refused(chat: Chat, cell: Cell, clock: FakeClock) -> None:
    clock.advance(days=31)
    assert "Mã này không dùng được" in await chat.send("/start XEN234")


async def test_wrong_code_is_refused_politely(chat: Chat, cell: Cell) -> None:
    reply = await chat.send("/start ZZZZZZ")
    assert "Mã này không dùng được" in reply


async def test_stranger_learns_only_how_to_link(chat: Chat, cell: Cell) -> None:
    for attempt in ("/ho", "/toi", "/viectot", "/dangky", "bao cao", "xin chào", "/tonghop"):
        reply = await chat.send(attempt)
        assert "/start" in reply, attempt
        for secret in ("Pành", "PK-01", "Xiên", "Mai", "hộ nghèo"):
            assert secret not in reply, (attempt, secret)


async def test_linked_chat_cannot_be_relinked_to_someone_else(
    dispatcher: Dispatcher, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mai = Chat(dispatcher, chat_id="chat-mai")
    await verify_dialog(mai, [("/start XEN234", "đã liên kết với đồng chí Hà Thị Mai")])
    async with sessionmaker() as session:
        addresses = await session.scalar(select(func.count()).select_from(ChatAddress))
    assert addresses == 1  # Mai's chat only; Xiên's code is still unspent


async def test_one_member_may_link_two_chats(
    dispatcher: Dispatcher,
    chat: Chat,
    cell: Cell,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await chat.send("/start XEN234")
    async with sessionmaker() as session, session.begin():
        code = (await issue_invite(session, cell.members["xien"], clock.now())).code
    second = Chat(dispatcher, chat_id="xien-zalo", channel="zalo")
    assert "Lò Văn Xiên" in await second.send(f"/start {code}")
    assert "Đồng chí Lò Văn Xiên đang phụ trách 5 hộ:" in await second.send("/ho")


async def test_the_first_chat_is_told_when_another_chat_links(
    dispatcher: Dispatcher,
    chat: Chat,
    cell: Cell,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await chat.send("/start XEN234")
    async with sessionmaker() as session, session.begin():
        code = (await issue_invite(session, cell.members["xien"], clock.now())).code
    await Chat(dispatcher, chat_id="another-phone").send(f"/start {code}")
    async with sessionmaker() as session:
        [notice] = list(await session.scalars(select(OutboxMessage)))
    assert notice.chat_id == "chat-1"  # the chat he had, not the new one
    assert "vừa được liên kết với một cuộc trò chuyện khác" in notice.text
    assert "báo ngay cho bí thư chi bộ" in notice.text


async def test_linking_spends_every_other_code_of_the_member(
    dispatcher: Dispatcher,
    chat: Chat,
    cell: Cell,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        printed = (await issue_invite(session, cell.members["xien"], clock.now())).code
    await chat.send("/start XEN234")  # he linked with the other code
    guest = Chat(dispatcher, chat_id="guest")
    assert "không dùng được" in await guest.send(f"/start {printed}")
    async with sessionmaker() as session:
        linked = list(
            await session.scalars(
                select(ChatAddress.external_id).where(
                    ChatAddress.member_id == cell.members["xien"]
                )
            )
        )
    assert linked == ["chat-1"]
