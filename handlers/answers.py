"""Answers to what the bot sent on its own: a notice's "Received" and a reminder's "I will
attend", by button or typed ("ok", "nhận rồi", "rõ", 👍, "sẽ tham dự"), whatever the chat is
doing. On Zalo, with no buttons, this is how such messages are answered."""

from __future__ import annotations

from datetime import timedelta

from bot.core.choices import resolve_choice
from bot.core.i18n import N_
from bot.core.text import fold
from bot.core.words import Phrasebook, number_in
from bot.delivery.history import latest_offer
from bot.services.broadcasts import ACK_PREFIX, acknowledge_broadcast, acknowledge_latest
from bot.services.meetings.texts import RSVP_PREFIX
from handlers import courtesy, meetings
from handlers.base import Answer, Context

OFFER_LASTS = timedelta(days=3)  # how long a typed number may answer a delivered message
ACK, ATTEND, ABSENT, THANKS = "ack", "attend", "absent", "thanks"
WORDS: Phrasebook[str] = Phrasebook(
    [
        (
            ACK,
            (
                "đã nhận",
                "nhận được",
                "đã nhận được",
                "nhận rồi",
                "đã nhận rồi",
                "nhận",
                "received",
                "ok",
                "oke",
                "okie",
                "okay",
                "rõ",
                "đã rõ",
                "rõ rồi",
                "đã biết",
                "biết rồi",
                "đã xem",
                "xem rồi",
                "đã đọc",
                "đọc rồi",
                "vâng",
                "da vang",
                "ok đã nhận",
                "ok nhận rồi",
            ),
        ),
        (
            ATTEND,
            ("có tham dự", "sẽ tham dự", "tham dự", "tôi sẽ đến", "có đi", "sẽ đi", "đi họp"),
        ),
        (
            ABSENT,
            ("không tham dự", "vắng mặt", "không đi được", "không đến được", "không đi họp"),
        ),
        (THANKS, ("cảm ơn", "cám ơn", "cảm ơn nhiều", "thanks", "thank you", "tks", "camon")),
    ]
)
RECORDED = N_("Thank you, your confirmation was recorded.")


async def acknowledge(ctx: Context, key: str) -> None:
    """A "Received" button under a notice: recorded whatever the chat is doing."""
    assert ctx.member is not None
    broadcast_id = key.removeprefix(ACK_PREFIX)
    found = broadcast_id.isdigit() and await acknowledge_broadcast(
        ctx.session, int(broadcast_id), ctx.member.id, ctx.now
    )
    if found:
        ctx.say(ctx._(RECORDED))
    else:
        ctx.say(ctx._("That button belongs to an earlier question."))


async def rsvp(ctx: Context, key: str) -> None:
    """A reminder's "I will attend" / "I cannot attend" button. An open menu (/lich itself)
    is no task to come back to afterwards."""
    flow = ctx.registry.flows.get(ctx.state.flow) if ctx.state is not None else None
    if ctx.state is not None and (flow is None or flow.light):
        ctx.finish()
    await meetings.rsvp_choice(ctx, key)


def acknowledging(text: str) -> bool:
    """Whether the text confirms a notice: "ok", "đã nhận ạ", "rõ", 👍, "nhận rồi, cảm ơn"."""
    if WORDS.whole(text, fuzzy=False) == ACK:
        return True
    leading = WORDS.leading(text, (ACK,))
    return leading is not None and (not leading[1] or WORDS.whole(leading[1]) == THANKS)


async def typed(ctx: Context, text: str, by_number: bool) -> bool:
    """A typed answer to a notice or reminder the bot sent — one of its choices by label (or
    by number, when `by_number`), or words that confirm or answer — recorded. False if the
    text is none of these."""
    assert ctx.member is not None
    if not fold(text).strip(" .!") or ctx.message.choice is not None:
        return False
    offered = await latest_offer(ctx.session, ctx.member.id, ctx.now - OFFER_LASTS)
    typed_number = number_in(text) is not None
    picked = resolve_choice(text, offered) if offered and (by_number or not typed_number) else None
    answer = ctx.registry.answer_for(picked)
    if picked is not None and answer is not None:
        await answer.run(ctx, picked)
        return True
    if acknowledging(text):
        if await acknowledge_latest(ctx.session, ctx.member.id, ctx.now):
            ctx.say(ctx._(RECORDED))
        elif ctx.state is None:
            courtesy.glad(ctx)  # nothing waits for an "ok": a friendly word, no apology
        else:
            return False
        return True
    meaning = WORDS.whole(text, fuzzy=False)
    return meaning in (ATTEND, ABSENT) and await meetings.words_rsvp(ctx, meaning == ATTEND)


ANSWERS = (Answer(ACK_PREFIX, acknowledge), Answer(RSVP_PREFIX, rsvp))
