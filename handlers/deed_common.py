"""What the good-deed report steps share: the flow's name, choices and small helpers."""

from __future__ import annotations

from bot.i18n import N_
from bot.messages import Choice
from handlers.base import Context

FLOW = "deed"
CANCEL = "cancel"
PICK_ONE = N_("Please choose one of the options (you can reply with its number).")
YES_WORDS = ("co", "ok", "oke", "dong y", "vang", "yes", "u", "gui", "gui di", "duoc")
NO_WORDS = ("khong", "ko", "no", "thoi khong")


def member_id(ctx: Context) -> int:
    """The reporting member (the router lets only members into the flow)."""
    assert ctx.member is not None
    return ctx.member.id


def cancel_choice(ctx: Context) -> Choice:
    """The "Cancel" option offered at every step."""
    return Choice(CANCEL, ctx._("Cancel"))


async def picked(ctx: Context, prefix: str) -> str | None:
    """The value of a choice keyed `prefix` + value; None once "cancel" or an answer that is
    no option has been dealt with."""
    if ctx.choice == CANCEL:
        await ctx.registry.require("huy").run(ctx, "")
        return None
    if ctx.choice is None or not ctx.choice.startswith(prefix):
        ctx.reprompt(ctx._(PICK_ONE))
        return None
    return ctx.choice.removeprefix(prefix)
