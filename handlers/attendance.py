"""Recording attendance after a meeting in a few taps: who was absent (and who of them had a
reason), then who spoke. Several numbers at once ("2 5 7") work where there are no buttons."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import capitalised, fold
from bot.services.meetings.attendance import attendance_roll, record_attendance
from bot.services.meetings.calendar import recent
from handlers import minutes
from handlers.base import PICK_ONE, Context, StepHandler
from handlers.flow_state import Draft
from handlers.meeting_common import meeting_label

FLOW = "attendance"
TITLE = N_("recording attendance")
DONE = "done"
_NUMBERS = re.compile(r"^[\d\s,;.]+$")
Step = Literal["absent", "excused", "spoke"]


@dataclass(frozen=True)
class AttendanceDraft(Draft):
    """The meeting, its roll (member id, name) and who is marked at each step."""

    meeting_id: int = 0
    roll: tuple[tuple[int, str], ...] = ()
    absent: tuple[int, ...] = ()
    excused: tuple[int, ...] = ()
    spoke: tuple[int, ...] = ()

    def marked(self, step: Step) -> tuple[int, ...]:
        """Who is marked at `step`."""
        return {"absent": self.absent, "excused": self.excused, "spoke": self.spoke}[step]

    def marking(self, step: Step, marked: tuple[int, ...]) -> AttendanceDraft:
        """The draft with `marked` as who is marked at `step`."""
        if step == "absent":
            return replace(self, absent=marked)
        if step == "excused":
            return replace(self, excused=marked)
        return replace(self, spoke=marked)


async def start(ctx: Context) -> None:
    """Choose which past meeting to record."""
    assert ctx.member is not None
    past = await recent(ctx.session, ctx.member.cell_id, ctx.now)
    if not past:
        ctx.finish()
        ctx.say(ctx._("No meeting of your cell has taken place yet."))
        return
    ctx.begin(FLOW)
    choices = tuple(Choice(f"m:{m.id}", capitalised(meeting_label(ctx, m))) for m in past)
    ctx.ask(FLOW, "pick", ctx._("Attendance of which meeting?"), choices)


async def _on_pick(ctx: Context) -> None:
    assert ctx.member is not None
    if ctx.choice is None or not ctx.choice.startswith("m:"):
        ctx.reprompt(ctx._(PICK_ONE))
        return
    meeting_id = int(ctx.choice.removeprefix("m:"))
    roll = await attendance_roll(ctx.session, ctx.member, meeting_id)
    ctx.keep(AttendanceDraft(meeting_id, tuple((p.id, p.full_name) for p in roll)))
    _ask(ctx, "absent")


PROMPTS = {
    "absent": N_(
        'Who was absent? Tap each name (tap again to undo), then "Done". '
        "Everyone else is recorded as present."
    ),
    "excused": N_('Which of the absent members had a reason? Tap them, then "Done".'),
    "spoke": N_('Who spoke at the meeting? Tap them, then "Done".'),
}


def _people(ctx: Context, step: Step) -> list[tuple[int, str]]:
    draft = ctx.draft(AttendanceDraft)
    roll = list(draft.roll)
    absent = set(draft.absent)
    if step == "excused":
        return [(i, n) for i, n in roll if i in absent]
    if step == "spoke":
        return [(i, n) for i, n in roll if i not in absent]
    return roll


def _ask(ctx: Context, step: Step) -> None:
    people = _people(ctx, step)
    if step == "excused" and not people:
        _ask(ctx, "spoke")
        return
    marked = set(ctx.draft(AttendanceDraft).marked(step))
    choices = [Choice(f"p:{i}", ("✓ " if i in marked else "") + name) for i, name in people]
    choices.append(Choice(DONE, ctx._("Done"), ("xong", "done", "het")))
    ctx.ask(FLOW, step, ctx._(PROMPTS[step]), tuple(choices))


def _toggle(ctx: Context, step: Step) -> bool:
    """Mark or unmark the tapped (or typed) people; False if the answer named nobody."""
    people = _people(ctx, step)
    picked: list[int] = []
    if ctx.choice is not None and ctx.choice.startswith("p:"):
        picked = [int(ctx.choice.removeprefix("p:"))]
    elif _NUMBERS.match(ctx.message.text.strip() or "x"):
        numbers = [int(n) for n in re.findall(r"\d+", ctx.message.text)]
        picked = [people[n - 1][0] for n in numbers if 0 < n <= len(people)]
    if not picked:
        return False
    draft = ctx.draft(AttendanceDraft)
    marked = list(draft.marked(step))
    for person in picked:
        if person in marked:
            marked.remove(person)
        else:
            marked.append(person)
    ctx.keep(draft.marking(step, tuple(marked)))
    return True


def _step(step: Step, following: Step | None) -> StepHandler:
    async def run(ctx: Context) -> None:
        if ctx.choice == DONE or fold(ctx.message.text) in ("xong", "done"):
            if following is not None:
                _ask(ctx, following)
            else:
                await _save(ctx)
            return
        if not _toggle(ctx, step):
            ctx.reprompt(ctx._('Tap a name, or "Done" when finished.'))
            return
        _ask(ctx, step)

    return run


async def _save(ctx: Context) -> None:
    assert ctx.member is not None
    draft = ctx.draft(AttendanceDraft)
    excused = set(draft.excused)
    absent = {p: p in excused for p in draft.absent}
    present, away, speakers = await record_attendance(
        ctx.session,
        actor=ctx.member,
        meeting_id=draft.meeting_id,
        absent=absent,
        spoke=set(draft.spoke),
        now=ctx.now,
    )
    ctx.finish()
    total = present + away
    minutes.offer(
        ctx,
        draft.meeting_id,
        ctx._(
            "Recorded: {present} of {total} present, {absent} absent ({excused} with a "
            "reason), {spoke} spoke ({rate}% of those present)."
        ).format(
            present=present,
            total=total,
            absent=away,
            excused=len(excused),
            spoke=speakers,
            rate=round(100 * speakers / present) if present else 0,
        ),
    )


STEPS = {
    "pick": _on_pick,
    "absent": _step("absent", "excused"),
    "excused": _step("excused", "spoke"),
    "spoke": _step("spoke", None),
}
