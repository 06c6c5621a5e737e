"""Leaders' calendar actions from /lich: agenda, move, cancel, add, who is coming, opinions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal, get_args

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import capitalised, clean
from bot.services.meetings.attendance import opinions, rsvp_list
from bot.services.meetings.calendar import add_meeting, cancel_meeting, move_meeting, set_agenda
from bot.services.meetings.reminders import announce_change, sync_cell
from bot.services.meetings.rules import parse_local_datetime
from handlers.base import PICK_ONE, Context, picked
from handlers.flow_state import Draft
from handlers.meeting_common import coming, meeting_label
from models import Meeting

FLOW = "meeting_admin"
TITLE = N_("a change to the meeting calendar")
WHEN_EXAMPLE = N_("Write the date and time, for example: 26/11 19:30")
Action = Literal["agenda", "move", "cancel", "add", "rsvps", "opinions"]
ACTIONS: dict[str, Action] = {action: action for action in get_args(Action)}


@dataclass(frozen=True)
class CalendarDraft(Draft):
    """A change to the calendar: what, to which meeting, and (adding one) when."""

    action: Action = "agenda"
    meeting_id: int = 0
    when: datetime | None = None


async def start(ctx: Context, action: Action) -> None:
    """Begin `action`: choose the meeting first, unless it is a new one."""
    ctx.begin(FLOW, CalendarDraft(action=action))
    if action == "add":
        ctx.ask(FLOW, "when", ctx._("When is the new meeting?") + "\n" + ctx._(WHEN_EXAMPLE))
        return
    meetings = await coming(ctx)
    if not meetings:
        ctx.finish()
        ctx.say(ctx._("No meeting is planned yet."))
        return
    choices = tuple(Choice(f"m:{m.id}", capitalised(meeting_label(ctx, m))) for m in meetings)
    ctx.ask(FLOW, "pick", ctx._("Which meeting?"), (*choices, Choice("cancel", ctx._("Cancel"))))


async def _on_pick(ctx: Context) -> None:
    chosen = await picked(ctx, "m:")
    if chosen is None:
        return
    assert ctx.member is not None
    meeting_id = int(chosen)
    draft = replace(ctx.draft(CalendarDraft), meeting_id=meeting_id)
    ctx.keep(draft)
    action = draft.action
    if action == "agenda":
        ctx.ask(FLOW, "agenda", ctx._("Write the expected content of the meeting."))
    elif action == "move":
        ctx.ask(FLOW, "when", ctx._("When is it now?") + "\n" + ctx._(WHEN_EXAMPLE))
    elif action == "cancel":
        ctx.ask(
            FLOW,
            "confirm_cancel",
            ctx._("Cancel this meeting and tell the members?"),
            (
                Choice("yes", ctx._("Yes, cancel it"), ("co", "dong y")),
                Choice("no", ctx._("No, keep it"), ("khong",)),
            ),
        )
    elif action == "rsvps":
        ctx.finish()
        meeting, answers = await rsvp_list(ctx.session, ctx.member, meeting_id)
        lines = [capitalised(meeting_label(ctx, meeting))]
        lines.append(
            ctx._("Will attend ({count}): {names}").format(
                count=len(answers.attending), names=", ".join(answers.attending) or "—"
            )
        )
        lines.append(ctx._("Cannot attend ({count}):").format(count=len(answers.absent)))
        lines += [
            "• " + name + ": " + (reason or ctx._("no reason given"))
            for name, reason in answers.absent
        ]
        lines.append(
            ctx._("Not answered ({count}): {names}").format(
                count=len(answers.silent), names=", ".join(answers.silent) or "—"
            )
        )
        ctx.say("\n".join(lines))
    elif action == "opinions":
        ctx.finish()
        meeting, said = await opinions(ctx.session, ctx.member, meeting_id)
        lines = [
            ctx._("Opinions on {meeting} ({count}):").format(
                meeting=meeting_label(ctx, meeting), count=len(said)
            )
        ]
        lines += [f"{n}. {name}: {text}" for n, (name, text) in enumerate(said, start=1)]
        if not said:
            lines.append(ctx._("No opinion has been sent yet."))
        ctx.say("\n".join(lines))


async def _on_agenda(ctx: Context) -> None:
    assert ctx.member is not None
    agenda = clean(ctx.message.text)
    if not agenda:
        ctx.reprompt(ctx._("Please write the content as text."))
        return
    draft = ctx.draft(CalendarDraft)
    if draft.action == "add":
        await _create(ctx, agenda)
        return
    meeting = await set_agenda(ctx.session, ctx.member, draft.meeting_id, agenda, ctx.now)
    ctx.finish()
    ctx.say(
        ctx._("Saved. The notice before {meeting} will carry this content.").format(
            meeting=meeting_label(ctx, meeting)
        )
    )


async def _on_when(ctx: Context) -> None:
    assert ctx.member is not None
    when = parse_local_datetime(ctx.message.text, ctx.today, ctx.tz)
    if when is None:
        ctx.reprompt(ctx._("I could not read that date and time."))
        return
    if when <= ctx.now:
        ctx.reprompt(ctx._("The new time must be in the future."))
        return
    draft = replace(ctx.draft(CalendarDraft), when=when)
    ctx.keep(draft)
    if draft.action == "add":
        ctx.ask(FLOW, "agenda", ctx._("Write the expected content of the meeting."))
        return
    meeting = await move_meeting(ctx.session, ctx.member, draft.meeting_id, when, ctx.now)
    told = await _tell_cell(ctx, meeting, "moved")
    ctx.finish()
    ctx.say(
        ctx._("Moved to {when}. {count} members are being told.").format(
            when=meeting_label(ctx, meeting), count=told
        )
    )


async def _create(ctx: Context, agenda: str) -> None:
    assert ctx.member is not None
    when = ctx.draft(CalendarDraft).when
    if when is None:  # "add" always asks the time first; a damaged draft starts again
        ctx.ask(FLOW, "when", ctx._("When is the new meeting?") + "\n" + ctx._(WHEN_EXAMPLE))
        return
    meeting = await add_meeting(
        ctx.session,
        actor=ctx.member,
        cell_id=ctx.member.cell_id,
        starts_at=when,
        agenda=agenda,
        now=ctx.now,
    )
    told = await _tell_cell(ctx, meeting, "added")
    ctx.finish()
    ctx.say(
        ctx._("Added: {meeting}. {count} members are being told.").format(
            meeting=meeting_label(ctx, meeting), count=told
        )
    )


async def _on_confirm_cancel(ctx: Context) -> None:
    assert ctx.member is not None
    if ctx.choice == "no":
        ctx.finish()
        ctx.say(ctx._("All right, nothing changed."))
        return
    if ctx.choice != "yes":
        ctx.reprompt(ctx._(PICK_ONE))
        return
    meeting = await cancel_meeting(
        ctx.session, ctx.member, ctx.draft(CalendarDraft).meeting_id, ctx.now
    )
    told = await _tell_cell(ctx, meeting, "cancelled")
    ctx.finish()
    ctx.say(ctx._("Cancelled. {count} members are being told.").format(count=told))


async def _tell_cell(ctx: Context, meeting: Meeting, change: str) -> int:
    """Plan the cell's reminders again and tell its members; how many are being told."""
    await sync_cell(ctx.session, meeting.cell_id, ctx.now, ctx.tz)
    return await announce_change(
        ctx.session,
        meeting=meeting,
        change=change,
        now=ctx.now,
        tz=ctx.tz,
        language=ctx.default_language,
    )


STEPS = {
    "pick": _on_pick,
    "agenda": _on_agenda,
    "when": _on_when,
    "confirm_cancel": _on_confirm_cancel,
}
