"""What the good-deed report steps share: the flow's name, choices and small helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.core.messages import Choice
from handlers.base import CANCEL, Context
from handlers.flow_state import Draft
from models import DeedCategory

FLOW = "deed"
YES_WORDS = ("co", "ok", "oke", "dong y", "vang", "yes", "u", "gui", "gui di", "duoc")
NO_WORDS = ("khong", "ko", "no", "thoi khong")


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


def member_id(ctx: Context) -> int:
    """The reporting member (the router lets only members into the flow)."""
    assert ctx.member is not None
    return ctx.member.id


def cancel_choice(ctx: Context) -> Choice:
    """The "Cancel" option offered at every step."""
    return Choice(CANCEL, ctx._("Cancel"))
