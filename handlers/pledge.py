"""/dangky: the good deed a member pledges for this month."""

from __future__ import annotations

from bot.core.i18n import N_
from bot.core.text import clean
from bot.services.deeds import get_pledge, set_pledge
from handlers.base import Context

FLOW = "pledge"
TITLE = N_("a monthly pledge")


async def start(ctx: Context, args: str) -> None:
    """/dangky [text]: save the pledge at once, or show the current one and ask for it."""
    assert ctx.member is not None
    if args:
        await _save(ctx, args)
        return
    current = await get_pledge(ctx.session, ctx.member.id, ctx.month)
    prompt = ctx._(
        "What good deed do you plan to do in {month}? Please write it in one message."
    ).format(month=ctx.month_text())
    if current is not None:
        prompt = (
            ctx._("Your pledge for {month}: {text}").format(
                month=ctx.month_text(), text=current.text
            )
            + "\n"
            + ctx._("To change it, write the new pledge; to keep it, send /huy.")
        )
    ctx.ask(FLOW, "text", prompt)


async def start_next_month(ctx: Context, args: str) -> None:
    """ "Đăng ký tháng sau": a proposal for next month (rebuilt with the pledge flow)."""
    await start(ctx, args)


async def _on_text(ctx: Context) -> None:
    await _save(ctx, ctx.message.text)


async def _save(ctx: Context, text: str) -> None:
    assert ctx.member is not None
    pledge = await set_pledge(
        ctx.session, ctx.member.id, ctx.month, clean(text), ctx.now, ctx.max_text_length
    )
    ctx.finish()
    ctx.say(
        ctx._("Your pledge for {month} is saved: {text}").format(
            month=ctx.month_text(), text=pledge.text
        )
    )


STEPS = {"text": _on_text}
