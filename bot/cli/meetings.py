"""`chibo meetings ...`: the cell calendar from the command line (the operator's view)."""

from __future__ import annotations

import argparse
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.config import Settings
from bot.core.i18n import N_, Translator
from bot.core.text import capitalised, named
from bot.services.errors import InvalidInputError, NotFoundError
from bot.services.meetings.calendar import (
    ReminderOptions,
    ScheduleRules,
    add_meeting,
    cancel_meeting,
    configure_reminders,
    move_meeting,
    set_agenda,
    set_schedule,
    upcoming,
)
from bot.services.meetings.reminders import announce_change, sync_cell
from bot.services.meetings.rules import parse_local_datetime
from bot.services.meetings.texts import KIND_LABELS, when_text
from models import CellSchedule, Organisation, OrgKind


async def find_cell(session: AsyncSession, name_or_id: str) -> Organisation:
    """A cell by id, or by a unique part of its name (tone marks optional)."""
    return await find_org(session, name_or_id, OrgKind.CELL)


async def find_org(
    session: AsyncSession, name_or_id: str, kind: OrgKind | None = None
) -> Organisation:
    """An organisation by id, or by a unique part of its name (tone marks optional)."""
    query = select(Organisation)
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    cells = list(await session.scalars(query))
    if name_or_id.isdigit():
        matches = [c for c in cells if c.id == int(name_or_id)]
    else:
        matches = named(cells, name_or_id, lambda c: c.name)
    if not matches:
        raise NotFoundError(N_("No organisation matches {name}."), name=name_or_id)
    if len(matches) > 1:
        raise InvalidInputError(
            N_("{name} matches several organisations: {cells}"),
            name=name_or_id,
            cells=", ".join(c.name for c in matches),
        )
    return matches[0]


def _time(text: str) -> time:
    hour, _, minute = text.replace("h", ":").partition(":")
    return time(int(hour), int(minute or 0))


def _yes(value: str | None) -> bool | None:
    return None if value is None else value == "yes"


def _options(args: argparse.Namespace) -> ReminderOptions:
    try:
        nudges = (
            tuple(int(d) for d in args.nudge_days.split(",") if d.strip())
            if args.nudge_days is not None
            else None
        )
    except ValueError as error:
        raise InvalidInputError(N_("Nudge days are 1 to 31, or -1 (last day) to -28.")) from error
    return ReminderOptions(
        notice_days=args.notice_days,
        day_before=_yes(args.day_before),
        morning_of=_yes(args.morning),
        reminder_time=_time(args.reminder_time) if args.reminder_time else None,
        morning_time=_time(args.morning_time) if args.morning_time else None,
        nudge_days=nudges,
        nudge_working_away=_yes(args.nudge_working_away),
        nudge_exempt=_yes(args.nudge_exempt),
    )


async def run(
    args: argparse.Namespace,
    session: AsyncSession,
    settings: Settings,
    t: Translator,
    now: datetime,
) -> str:
    """Carry out one `chibo meetings` action at `now`; returns what to print."""
    tz = settings.tz
    action = args.meetings_command
    if action in ("list", "schedule", "add"):
        cell = await find_cell(session, args.cell)
    if action == "schedule":
        current = await session.get(CellSchedule, cell.id)
        keep = current is not None and args.thematic_month is None and not args.no_thematic
        await set_schedule(
            session,
            cell.id,
            ScheduleRules(
                args.day,
                _time(args.time),
                current.thematic_month if keep and current else args.thematic_month,
                current.thematic_day if keep and current else args.thematic_day,
                current.thematic_time
                if keep and current
                else _time(args.thematic_time)
                if args.thematic_time
                else None,
            ),
            now,
        )
        await configure_reminders(session, cell.id, _options(args), now)
        await sync_cell(session, cell.id, now, tz)
        action = "list"
    if action == "list":
        await sync_cell(session, cell.id, now, tz)
        lines = [f"{cell.name}:"]
        for meeting in await upcoming(session, cell.id, now, include_cancelled=True):
            state = t.gettext("cancelled") if meeting.status.value == "cancelled" else ""
            lines.append(
                f"  #{meeting.id}  {when_text(meeting, tz)}  "
                f"{capitalised(t.gettext(KIND_LABELS[meeting.kind]))}  {state}".rstrip()
            )
        return "\n".join(lines)
    when: datetime | None = None
    if action in ("add", "move"):
        when = parse_local_datetime(
            args.at if action == "add" else args.to, now.astimezone(tz).date(), tz
        )
        if when is None:
            raise InvalidInputError(N_("I could not read that date and time."))
    if action == "add":
        assert when is not None
        meeting = await add_meeting(
            session, actor=None, cell_id=cell.id, starts_at=when, agenda=args.agenda, now=now
        )
        change = "added"
    elif action == "move":
        assert when is not None
        meeting = await move_meeting(session, None, args.id, when, now)
        change = "moved"
    elif action == "cancel":
        meeting = await cancel_meeting(session, None, args.id, now)
        change = "cancelled"
    else:
        meeting = await set_agenda(session, None, args.id, args.text, now)
        return t.gettext("Saved. The notice before {meeting} will carry this content.").format(
            meeting=f"#{meeting.id}"
        )
    await sync_cell(session, meeting.cell_id, now, tz)
    told = await announce_change(
        session, meeting=meeting, change=change, now=now, tz=tz, language=settings.language
    )
    done = {"added": N_("added"), "moved": N_("moved"), "cancelled": N_("cancelled")}[change]
    return t.gettext("#{id} {when}: {change}, {count} members are being told.").format(
        id=meeting.id, when=when_text(meeting, tz), change=t.gettext(done), count=told
    )
