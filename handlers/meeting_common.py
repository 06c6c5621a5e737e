"""Helpers shared by the calendar handlers."""

from __future__ import annotations

from bot.services.meetings.calendar import upcoming
from bot.services.meetings.reminders import sync_cell
from bot.services.meetings.texts import KIND_LABELS, when_text
from bot.services.oversight import overseen_cells
from handlers.base import Context
from models import Meeting


async def coming(ctx: Context, limit: int = 3) -> list[Meeting]:
    """The member's cell's coming meetings (planned first, so the calendar is never empty
    just because planning has not run yet)."""
    assert ctx.member is not None
    await sync_cell(ctx.session, ctx.member.cell_id, ctx.now, ctx.tz)
    return (await upcoming(ctx.session, ctx.member.cell_id, ctx.now))[:limit]


def meeting_label(ctx: Context, meeting: Meeting) -> str:
    """ "họp chi bộ thường kỳ, 19:30 24/11/2026"."""
    return f"{ctx._(KIND_LABELS[meeting.kind])}, {when_text(meeting, ctx.tz)}"


async def is_cell_leader(ctx: Context) -> bool:
    """Whether the member leads their own cell (or a committee above it)."""
    assert ctx.member is not None
    return ctx.member.cell_id in {c.id for c in await overseen_cells(ctx.session, ctx.member.id)}
