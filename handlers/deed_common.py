"""What the good-deed report steps share: the flow's name, choices and small helpers."""

from __future__ import annotations

from bot.core.messages import Choice
from handlers.base import CANCEL, Context

FLOW = "deed"
YES_WORDS = ("co", "ok", "oke", "dong y", "vang", "yes", "u", "gui", "gui di", "duoc")
NO_WORDS = ("khong", "ko", "no", "thoi khong")


def member_id(ctx: Context) -> int:
    """The reporting member (the router lets only members into the flow)."""
    assert ctx.member is not None
    return ctx.member.id


def cancel_choice(ctx: Context) -> Choice:
    """The "Cancel" option offered at every step."""
    return Choice(CANCEL, ctx._("Cancel"))
