"""The meeting's paperwork from the chat: once attendance is recorded, "Biên bản" sends the
draft minutes as a Word document (an upload on Telegram, a link on Zalo)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import N_
from bot.core.messages import Attachment, Choice, OutboundMessage
from handlers.base import Context
from handlers.flow_state import Draft

FLOW = "minutes"
TITLE = N_("the minutes")
MINUTES = "minutes"


@dataclass(frozen=True)
class MinutesDraft(Draft):
    """The meeting whose minutes are offered."""

    meeting_id: int = 0


def offer(ctx: Context, meeting_id: int, text: str) -> None:
    """Say `text` with the choice of the meeting's draft minutes."""
    ctx.begin(FLOW, MinutesDraft(meeting_id))
    ctx.ask(FLOW, "offer", text, (Choice(MINUTES, ctx._("Minutes (Word)"), ("bien ban",)),))


async def send_minutes(ctx: Context, meeting_id: int) -> None:
    """The draft minutes of a meeting the caller leads, as a document."""
    from bot.reports.documents.build import DOCX, build_minutes  # python-docx: when asked

    assert ctx.member is not None
    name, content = await build_minutes(ctx.session, meeting_id, ctx.member, ctx.tz, ctx.now)
    ctx.finish()
    ctx.replies.append(
        OutboundMessage(
            ctx._("Draft minutes of the meeting: fill in the dotted places, then print."),
            document=Attachment(file_ref=name, file_name=name, content=content, mime_type=DOCX),
        )
    )


async def _on_offer(ctx: Context) -> None:
    if ctx.choice != MINUTES:
        ctx.reprompt()
        return
    await send_minutes(ctx, ctx.draft(MinutesDraft).meeting_id)


STEPS = {"offer": _on_offer}
