"""What the good-deed report steps share: the flow's name, choices and small helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.core.messages import Choice
from bot.core.text import shorten
from handlers.base import CANCEL, Context
from handlers.flow_state import Draft
from models import DeedCategory

FLOW = "deed"


@dataclass(frozen=True)
class ReportDraft(Draft):
    """A good-deed report being written, or the report being changed or withdrawn.

    The field names are those stored by earlier versions, so a report under way when a new
    version is deployed goes on where it was.
    """

    month: date | None = None  # the month it counts for (set when the report begins)
    household_id: int | None = None
    household_label: str = ""
    category: DeedCategory | None = None
    text: str = ""
    photos: tuple[tuple[str, str], ...] = ()  # (channel, file reference)
    photo_asked: bool = False
    month_confirmed: bool = False
    mode: Literal["", "edit", "withdraw"] = ""
    report_id: int = 0
    voices: tuple[tuple[str, str, str], ...] = ()  # (channel, file reference, kind)
    who_pending: bool = False  # the household (or the community) is not decided yet
    kind_guessed: bool = False  # the kind was read from the words, not chosen
    for_member_id: int = 0  # reporting on behalf of this member (0: the sender's own)
    for_member_name: str = ""
    new_text: str = ""  # an edit of a saved report, waiting for its confirmation


def told(ctx: Context, text: str, limit: int = 80) -> str:
    """A report's description as listed; a report told by voice message says so."""
    return shorten(text, limit) if text else ctx._("(told in a voice message)")


def member_id(ctx: Context) -> int:
    """The member the report is for: the sender, or the member a secretary reports for."""
    assert ctx.member is not None
    return ctx.draft(ReportDraft).for_member_id or ctx.member.id


def cancel_choice(ctx: Context) -> Choice:
    """The "Cancel" option offered at every step."""
    return Choice(CANCEL, ctx._("Cancel"))
