"""Leaders' calendar actions from /lich: agenda, move, cancel, add, who is coming, opinions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal, get_args

from bot.core.choices import NO, YES
from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import capitalised, clean
from bot.services.errors import DomainError
from bot.services.meetings.attendance import opinions, rsvp_list
from bot.services.meetings.calendar import (
    add_meeting,
    cancel_meeting,
    check_cancel,
    check_move,
    clean_place,
    managed_meeting,
    move_meeting,
    set_agenda,
    set_place,
    typed_when,
    usual_place,
)
from bot.services.meetings.reminders import announce_change, meeting_recipients, sync_cell
from bot.services.meetings.texts import KIND_LABELS, place_line, time_text
from handlers.base import Context, picked
from handlers.flow_state import Draft
from handlers.meeting_common import coming, meeting_label
from models import Meeting

FLOW = "meeting_admin"
TITLE = N_("a change to the meeting calendar")
WHEN_EXAMPLE = N_("Write the date and time, for example: 26/11 19:30")
Action = Literal["agenda", "place", "move", "cancel", "add", "rsvps", "opinions"]
ACTIONS: dict[str, Action] = {action: action for action in get_args(Action)}


@dataclass(frozen=True)
class CalendarDraft(Draft):
    """A change to the calendar: what, to which meeting, when (adding or moving one), and
    the new meeting's content."""

    action: Action = "agenda"
    meeting_id: int = 0
    when: datetime | None = None
    agenda: str | None = None


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
    elif action == "place":
        ctx.ask(FLOW, "place", ctx._("Where is it held? Write the place, e.g. the village hall."))
    elif action == "move":
        ctx.ask(FLOW, "when", ctx._("When is it now?") + "\n" + ctx._(WHEN_EXAMPLE))
    elif action == "cancel":
        meeting = await managed_meeting(ctx.session, ctx.member, meeting_id)
        check_cancel(meeting, ctx.now)
        told = len(await meeting_recipients(ctx.session, meeting.cell_id, "notice"))
        ctx.ask(
            FLOW,
            "confirm_cancel",
            ctx._("Cancel {meeting}: {when} → cancelled. Tell the {count} members?").format(
                meeting=capitalised(ctx._(KIND_LABELS[meeting.kind])),
                when=time_text(meeting.starts_at, ctx.tz),
                count=told,
            ),
            (
                Choice("yes", ctx._("Yes, cancel it"), YES),
                Choice("no", ctx._("No, keep it"), NO),
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
        if answers.earlier:
            lines.append(ctx._("Answered for the time before the move:"))
            lines += [
                "• "
                + name
                + ": "
                + (ctx._("will attend") if attending else ctx._("cannot attend"))
                + " ("
                + time_text(at, ctx.tz)
                + ")"
                for name, attending, at in answers.earlier
            ]
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
        ctx.keep(replace(draft, agenda=agenda))
        await _ask_new_place(ctx)
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
    draft = ctx.draft(CalendarDraft)
    try:
        when = typed_when(ctx.message.text, ctx.now, ctx.tz)
        if draft.action == "move":
            meeting = await managed_meeting(ctx.session, ctx.member, draft.meeting_id)
            check_move(meeting, when, ctx.now)
    except DomainError as error:
        ctx.reprompt(error.render(ctx.t))
        return
    draft = replace(draft, when=when)
    ctx.keep(draft)
    if draft.action == "add":
        ctx.ask(FLOW, "agenda", ctx._("Write the expected content of the meeting."))
        return
    told = len(await meeting_recipients(ctx.session, meeting.cell_id, "notice"))
    ctx.ask(
        FLOW,
        "confirm_move",
        ctx._(
            "Move {meeting}: {old} → {new}. Tell the {count} members and ask them again "
            "whether they will attend?"
        ).format(
            meeting=capitalised(ctx._(KIND_LABELS[meeting.kind])),
            old=time_text(meeting.starts_at, ctx.tz),
            new=time_text(when, ctx.tz),
            count=told,
        ),
        (
            Choice("yes", ctx._("Yes, move it"), YES),
            Choice("no", ctx._("No, keep it"), NO),
        ),
    )


async def _on_confirm_move(ctx: Context) -> None:
    assert ctx.member is not None
    if not ctx.confirmed(N_("All right, nothing changed.")):
        return
    draft = ctx.draft(CalendarDraft)
    if draft.when is None:  # a damaged draft: ask the time again
        ctx.ask(FLOW, "when", ctx._("When is it now?") + "\n" + ctx._(WHEN_EXAMPLE))
        return
    meeting = await managed_meeting(ctx.session, ctx.member, draft.meeting_id)
    was = meeting.starts_at
    meeting = await move_meeting(ctx.session, ctx.member, draft.meeting_id, draft.when, ctx.now)
    told = await _tell_cell(ctx, meeting, "moved", was)
    ctx.finish()
    ctx.say(
        ctx._("Moved: {old} → {new}. {count} members are being told.").format(
            old=time_text(was, ctx.tz), new=time_text(meeting.starts_at, ctx.tz), count=told
        )
    )


async def _ask_new_place(ctx: Context) -> None:
    assert ctx.member is not None
    usual = await usual_place(ctx.session, ctx.member.cell_id)
    choices = (Choice("usual", usual),) if usual else ()
    ctx.ask(
        FLOW,
        "new_place",
        ctx._("Where is it held? Write the place, e.g. the village hall."),
        (*choices, Choice("later", ctx._("Not decided yet"))),
    )


async def _on_new_place(ctx: Context) -> None:
    assert ctx.member is not None
    place: str | None = None
    if ctx.choice == "usual":
        place = await usual_place(ctx.session, ctx.member.cell_id)
    elif ctx.choice != "later":
        try:
            place = clean_place(ctx.message.text)
        except DomainError as error:
            ctx.reprompt(error.render(ctx.t))
            return
    await _create(ctx, ctx.draft(CalendarDraft).agenda or "", place)


async def _on_place(ctx: Context) -> None:
    assert ctx.member is not None
    try:
        meeting = await set_place(
            ctx.session, ctx.member, ctx.draft(CalendarDraft).meeting_id, ctx.message.text, ctx.now
        )
    except DomainError as error:
        ctx.reprompt(error.render(ctx.t))
        return
    ctx.finish()
    ctx.say(
        ctx._("Saved. {meeting}. {place}.").format(
            meeting=capitalised(meeting_label(ctx, meeting)), place=place_line(ctx.t, meeting)
        )
    )


async def _create(ctx: Context, agenda: str, place: str | None) -> None:
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
        agenda=agenda or None,
        now=ctx.now,
        place=place,
        usual_place_if_none=False,  # "Not decided yet" was chosen
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
    if not ctx.confirmed(N_("All right, nothing changed.")):
        return
    meeting = await cancel_meeting(
        ctx.session, ctx.member, ctx.draft(CalendarDraft).meeting_id, ctx.now
    )
    told = await _tell_cell(ctx, meeting, "cancelled")
    ctx.finish()
    ctx.say(ctx._("Cancelled. {count} members are being told.").format(count=told))


async def _tell_cell(
    ctx: Context, meeting: Meeting, change: str, was: datetime | None = None
) -> int:
    """Plan the cell's reminders again and tell its members; how many are being told."""
    await sync_cell(ctx.session, meeting.cell_id, ctx.now, ctx.tz)
    return await announce_change(
        ctx.session,
        meeting=meeting,
        change=change,
        now=ctx.now,
        tz=ctx.tz,
        language=ctx.default_language,
        was=was,
    )


STEPS = {
    "pick": _on_pick,
    "agenda": _on_agenda,
    "when": _on_when,
    "confirm_move": _on_confirm_move,
    "place": _on_place,
    "new_place": _on_new_place,
    "confirm_cancel": _on_confirm_cancel,
}
