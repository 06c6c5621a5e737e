"""/lich: the cell's coming meetings; members answer and comment, leaders manage.

Member actions: attend / cannot attend (reason), opinion on the agenda (/ykien).
Leader actions: agenda, move, cancel, add, who is coming, opinions, attendance (see
handlers/meeting_admin.py and handlers/attendance.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import capitalised, clean
from bot.services.errors import DomainError
from bot.services.meetings.attendance import (
    add_opinion,
    answer_rsvp,
    for_current_time,
    my_rsvp,
)
from bot.services.meetings.texts import RSVP_PREFIX, place_line, time_text
from handlers import attendance, meeting_admin
from handlers.base import PICK_ONE, Context
from handlers.flow_state import Draft
from handlers.meeting_common import coming, is_cell_leader, meeting_label

FLOW = "meetings"
TITLE = N_("the meeting calendar")
RSVP_FLOW = "rsvp"
RSVP_TITLE = N_("your answer about a meeting")
OPINION_FLOW = "opinion"
OPINION_TITLE = N_("an opinion on the agenda")
LEADER_ACTIONS = (
    ("agenda", N_("Set the expected content")),
    ("place", N_("Set the place")),
    ("move", N_("Move a meeting")),
    ("cancel", N_("Cancel a meeting")),
    ("add", N_("Add a meeting")),
    ("rsvps", N_("Who is coming")),
    ("opinions", N_("Opinions sent in")),
    ("attendance", N_("Record attendance of a past meeting")),
)


@dataclass(frozen=True)
class MeetingDraft(Draft):
    """The meeting a reason for absence or an opinion is about."""

    meeting_id: int = 0


async def show(ctx: Context, args: str) -> None:
    """/lich: the next meetings with my answers, and what I can do about them."""
    assert ctx.member is not None
    meetings = await coming(ctx)
    lines = [ctx._("Coming meetings of your cell:")]
    if not meetings:
        lines.append(ctx._("None planned yet."))
    for number, meeting in enumerate(meetings, start=1):
        moved = " (" + ctx._("moved") + ")" if meeting.moved else ""
        lines.append(f"{number}. {capitalised(meeting_label(ctx, meeting))}{moved}")
        lines.append("   " + place_line(ctx.t, meeting))
        lines.append(
            "   "
            + ctx._("Expected content: {agenda}").format(
                agenda=meeting.agenda or ctx._("the cell committee will announce it")
            )
        )
        answer = await my_rsvp(ctx.session, ctx.member.id, meeting.id)
        state = (
            ctx._("not answered yet")
            if answer is None
            else ctx._("you answered for the old time {when}; please answer again").format(
                when=time_text(answer.for_starts_at or meeting.starts_at, ctx.tz)
            )
            if not for_current_time(answer, meeting)
            else ctx._("you will attend")
            if answer.attending
            else ctx._("you cannot attend")
        )
        lines.append("   " + ctx._("Your answer: {answer}").format(answer=state))
    choices: list[Choice] = []
    if meetings:
        first = meetings[0]
        day = f"{first.starts_at.astimezone(ctx.tz):%d/%m}"
        choices += [
            Choice(f"{RSVP_PREFIX}{first.id}:y", ctx._("I will attend") + f" ({day})"),
            Choice(f"{RSVP_PREFIX}{first.id}:n", ctx._("I cannot attend") + f" ({day})"),
            Choice("opinion", ctx._("Send an opinion on the content")),
        ]
    if await is_cell_leader(ctx):
        choices += [Choice(key, ctx._(label)) for key, label in LEADER_ACTIONS]
    if choices:
        ctx.ask(FLOW, "menu", "\n".join(lines), tuple(choices))
    else:
        ctx.say("\n".join(lines))


async def _on_menu(ctx: Context) -> None:
    choice = ctx.choice or ""
    if choice.startswith(RSVP_PREFIX):
        ctx.finish()
        await rsvp_choice(ctx, choice)
    elif choice == "opinion":
        await opinion_start(ctx, "")
    elif choice == "attendance" and await is_cell_leader(ctx):
        await attendance.start(ctx)
    elif choice in meeting_admin.ACTIONS and await is_cell_leader(ctx):
        await meeting_admin.start(ctx, meeting_admin.ACTIONS[choice])
    else:
        ctx.reprompt(ctx._(PICK_ONE))


async def rsvp_choice(ctx: Context, key: str) -> None:
    """An "I will attend" / "I cannot attend" button, from /lich or from a reminder."""
    assert ctx.member is not None
    parts = key.split(":")
    meeting_id, answer = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
    if not meeting_id.isdigit() or answer not in ("y", "n"):
        ctx.say(ctx._("That button belongs to an earlier question."))
        return
    try:
        meeting = await answer_rsvp(
            ctx.session,
            member=ctx.member,
            meeting_id=int(meeting_id),
            attending=answer == "y",
            reason=None,
            now=ctx.now,
        )
    except DomainError as error:
        ctx.say(error.render(ctx.t))
        return
    if answer == "y":
        ctx.say(
            ctx._("Thank you. You will attend {meeting}.").format(
                meeting=meeting_label(ctx, meeting)
            )
        )
        return
    if ctx.state is not None:  # in the middle of something else: keep it, skip the reason
        ctx.say(
            ctx._("Noted: you cannot attend {meeting}.").format(
                meeting=meeting_label(ctx, meeting)
            )
        )
        return
    ctx.begin(RSVP_FLOW, MeetingDraft(meeting.id))
    ctx.ask(
        RSVP_FLOW,
        "reason",
        ctx._(
            "Noted: you cannot attend {meeting}. Please tell the secretary why, in a few words."
        ).format(meeting=meeting_label(ctx, meeting)),
    )


async def _on_reason(ctx: Context) -> None:
    assert ctx.member is not None
    reason = clean(ctx.message.text)
    if not reason:
        ctx.reprompt(ctx._("Please write the reason in a few words."))
        return
    meeting_id = ctx.draft(MeetingDraft).meeting_id
    await answer_rsvp(
        ctx.session,
        member=ctx.member,
        meeting_id=meeting_id,
        attending=False,
        reason=reason,
        now=ctx.now,
    )
    ctx.finish()
    ctx.say(ctx._("Thank you, the secretary will see your reason."))


async def words_rsvp(ctx: Context, attending: bool) -> bool:
    """Typed "có tham dự" / "không tham dự" (no buttons): answer for the next meeting."""
    meetings = await coming(ctx)
    if not meetings:
        return False
    await rsvp_choice(ctx, f"{RSVP_PREFIX}{meetings[0].id}:{'y' if attending else 'n'}")
    return True


async def opinion_start(ctx: Context, args: str) -> None:
    """/ykien: an opinion on the next meeting's content."""
    meetings = await coming(ctx)
    if not meetings:
        ctx.finish()
        ctx.say(ctx._("No meeting is planned yet, so there is no content to comment on."))
        return
    ctx.begin(OPINION_FLOW, MeetingDraft(meetings[0].id))
    if args:
        await _save_opinion(ctx, args)
        return
    agenda = meetings[0].agenda or ctx._("the cell committee will announce it")
    ctx.ask(
        OPINION_FLOW,
        "text",
        ctx._(
            "{meeting}. {place}. Expected content: {agenda}\nWrite your opinion in one message."
        ).format(
            meeting=capitalised(meeting_label(ctx, meetings[0])),
            place=place_line(ctx.t, meetings[0]),
            agenda=agenda,
        ),
    )


async def _on_opinion(ctx: Context) -> None:
    await _save_opinion(ctx, ctx.message.text)


async def _save_opinion(ctx: Context, raw: str) -> None:
    assert ctx.member is not None
    text = clean(raw)
    if not text:
        ctx.reprompt(ctx._("Please write your opinion as text."))
        return
    await add_opinion(ctx.session, ctx.member, ctx.draft(MeetingDraft).meeting_id, text, ctx.now)
    ctx.finish()
    ctx.say(ctx._("Thank you. Your opinion will be gathered for the secretary."))


STEPS = {"menu": _on_menu}
RSVP_STEPS = {"reason": _on_reason}
OPINION_STEPS = {"text": _on_opinion}
