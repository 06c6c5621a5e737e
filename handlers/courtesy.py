"""Courtesy: "cảm ơn" gets a warm answer, a lone "ok" a friendly one, never an apology."""

from __future__ import annotations

from handlers.base import Context

THANKS = (
    "cảm ơn",
    "cám ơn",
    "cảm ơn nhiều",
    "cảm ơn bạn",
    "cảm ơn bot",
    "cảm ơn trợ lý",
    "xin cảm ơn",
    "cảm ơn đồng chí",
    "thanks",
    "thank you",
    "thank",
    "tks",
    "ok cảm ơn",
)


async def thanks(ctx: Context, args: str) -> None:
    """ "Cảm ơn": you are welcome."""
    ctx.say(
        ctx._(
            "You are welcome! Wishing you good health. Whenever you need something, just "
            'write to me, e.g. "báo cáo".'
        )
    )


def glad(ctx: Context) -> None:
    """A lone "ok" or 👍 with nothing waiting for it."""
    ctx.say(ctx._('All right. Whenever you need something, just write to me, e.g. "báo cáo".'))
