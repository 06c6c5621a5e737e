"""A member chooses their own language; Vietnamese stays the default for everyone else."""

from __future__ import annotations

from bot.dispatcher.dispatch import Dispatcher
from tests.dialog import Chat, verify_dialog
from tests.factories import Cell


async def test_member_switches_to_english_and_back(xien: Chat, dispatcher: Dispatcher) -> None:
    await verify_dialog(
        xien,
        [
            ("/ngonngu", "Chọn ngôn ngữ"),
            ("english", "From now on I will write to you in English."),
            ("/ho", "you look after 5 household(s)"),
            ("/language", "Choose your language"),
            ("tieng viet", "Từ nay tôi sẽ nhắn cho đồng chí bằng tiếng Việt."),
        ],
    )
    # Another member was never asked and still reads Vietnamese.
    assert "đang phụ trách 2 hộ" in await Chat(dispatcher, chat_id="chat-mai").send("/ho")


async def test_english_member_reports_a_deed_in_english(xien: Chat, cell: Cell) -> None:
    await xien.send("/ngonngu")
    await xien.send("2")
    await verify_dialog(
        xien,
        [
            ("/deed", "Who was the good deed for?"),
            ("1", "Please describe"),
            ("Helped carry rice", "What kind of help was it?"),
            ("other", "Please check your good-deed report for 11/2026"),
            ("send", "Thank you, comrade Lò Văn Xiên!"),
        ],
    )
