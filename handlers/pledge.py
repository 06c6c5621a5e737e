"""/dangky: the good deed a member pledges for this month, or proposes for the next (the
Yên Phú practice: the secretary reads next month's proposals before the meeting). A pledge
already made is replaced only after the member has seen both texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.choices import NO, YES
from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import clean
from bot.services.meetings.rules import add_months
from bot.services.pledges import get_pledge, set_pledge
from handlers.base import CANCEL, PICK_ONE, Context
from handlers.flow_state import Draft

FLOW = "pledge"
TITLE = N_("a monthly pledge")


@dataclass(frozen=True)
class PledgeDraft(Draft):
    """The month pledged for and, while a replacement waits for its yes, the new text."""

    month: date | None = None
    text: str = ""


async def start(ctx: Context, args: str) -> None:
    """/dangky [text]: this month's pledge (saved at once when there is none yet)."""
    await _begin(ctx, ctx.month, args)


async def start_next_month(ctx: Context, args: str) -> None:
    """ "Đăng ký tháng sau [text]": next month's proposal."""
    await _begin(ctx, add_months(ctx.month, 1), args)


async def _begin(ctx: Context, month: date, args: str) -> None:
    ctx.begin(FLOW, PledgeDraft(month))
    if clean(args):
        await _take(ctx, clean(args))
    else:
        await _ask(ctx, month)


async def _ask(ctx: Context, month: date) -> None:
    assert ctx.member is not None
    ctx.keep(PledgeDraft(month))
    current = await get_pledge(ctx.session, ctx.member.id, month)
    lines = [
        ctx._(
            "What good deed do you plan to do in {month}? Please write it in one message."
        ).format(month=ctx.month_text(month))
        if current is None
        else ctx._("Your pledge for {month}: {text}").format(
            month=ctx.month_text(month), text=current.text
        )
        + "\n"
        + ctx._("To change it, write the new pledge; to keep it, send /huy.")
    ]
    other = add_months(ctx.month, 1) if month == ctx.month else ctx.month
    choices = (
        Choice(
            f"m:{other.isoformat()}",
            ctx._("For {month} instead").format(month=ctx.month_text(other)),
        ),
        Choice(CANCEL, ctx._("Cancel")),
    )
    ctx.ask(FLOW, "text", "\n".join(lines), choices)


async def _on_text(ctx: Context) -> None:
    if ctx.choice == CANCEL:
        await ctx.registry.require("huy").run(ctx, "")
    elif ctx.choice is not None and ctx.choice.startswith("m:"):
        await _ask(ctx, date.fromisoformat(ctx.choice.removeprefix("m:")))
    elif clean(ctx.message.text):
        await _take(ctx, clean(ctx.message.text))
    else:
        ctx.reprompt(ctx._("Please write what you plan to do this month."))


async def _take(ctx: Context, text: str) -> None:
    """Save the pledge, or ask first when it would replace one."""
    assert ctx.member is not None
    month = ctx.draft(PledgeDraft).month or ctx.month
    current = await get_pledge(ctx.session, ctx.member.id, month)
    if current is None or current.text == text:
        await _save(ctx, month, text)
        return
    ctx.keep(PledgeDraft(month, text))
    ctx.ask(
        FLOW,
        "replace",
        ctx._("Replace your pledge for {month}\n“{old}”\nwith\n“{new}”?").format(
            month=ctx.month_text(month), old=current.text, new=text
        ),
        (
            Choice("yes", ctx._("Yes, replace it"), YES),
            Choice("no", ctx._("No, keep it as it was"), NO),
        ),
    )


async def _on_replace(ctx: Context) -> None:
    draft = ctx.draft(PledgeDraft)
    if ctx.choice == "yes":
        await _save(ctx, draft.month or ctx.month, draft.text)
    elif ctx.choice == "no":
        ctx.finish()
        ctx.say(ctx._("All right, your pledge stays as it was."))
    else:
        ctx.reprompt(ctx._(PICK_ONE))


async def _save(ctx: Context, month: date, text: str) -> None:
    assert ctx.member is not None
    pledge = await set_pledge(
        ctx.session,
        member_id=ctx.member.id,
        month=month,
        text=clean(text),
        now=ctx.now,
        max_length=ctx.max_text_length,
    )
    ctx.finish()
    ctx.say(
        ctx._("Your pledge for {month} is saved: {text}").format(
            month=ctx.month_text(month), text=pledge.text
        )
    )


STEPS = {"text": _on_text, "replace": _on_replace}
