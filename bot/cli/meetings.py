"""`chibo meetings ...`: the cell calendar from the command line (the operator's view)."""

from __future__ import annotations

import argparse
from datetime import datetime

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
    check_cancel,
    check_move,
    clean_place,
    configure_reminders,
    managed_meeting,
    move_meeting,
    set_agenda,
    set_place,
    set_schedule,
    typed_when,
    upcoming,
)
from bot.services.meetings.reminders import (
    announce_change,
    meeting_recipients,
    sync_and_tell,
    sync_cell,
)
from bot.services.meetings.texts import KIND_LABELS, place_line, time_text, when_text
from models import CellSchedule, Meeting, Organisation, OrgKind


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


def _yes(value: str | None) -> bool | None:
    return None if value is None else value == "yes"


def _options(args: argparse.Namespace) -> ReminderOptions:
    # The values were checked by the parser (bot/cli/arguments_meetings.py).
    nudges = (
        tuple(int(d) for d in args.nudge_days.split(",") if d.strip())
        if args.nudge_days is not None
        else None
    )
    return ReminderOptions(
        notice_days=args.notice_days,
        day_before=_yes(args.day_before),
        morning_of=_yes(args.morning),
        reminder_time=args.reminder_time,
        morning_time=args.morning_time,
        nudge_days=nudges,
        nudge_working_away=_yes(args.nudge_working_away),
        nudge_exempt=_yes(args.nudge_exempt),
    )


def _title(t: Translator, meeting: Meeting) -> str:
    return f"#{meeting.id} {capitalised(t.gettext(KIND_LABELS[meeting.kind]))}"


async def _schedule(
    args: argparse.Namespace,
    session: AsyncSession,
    settings: Settings,
    t: Translator,
    now: datetime,
    cell: Organisation,
) -> list[str]:
    """Set the cell's rules; the coming meetings they re-date or cancel are announced once
    and listed for the operator."""
    current = await session.get(CellSchedule, cell.id)
    if current is not None:  # the meetings members may have seen, under the old rules
        await sync_cell(session, cell.id, now, settings.tz)
    keep = current is not None and args.thematic_month is None and not args.no_thematic
    await set_schedule(
        session,
        cell.id,
        ScheduleRules(
            args.day,
            args.time,
            current.thematic_month if keep and current else args.thematic_month,
            current.thematic_day if keep and current else args.thematic_day,
            current.thematic_time if keep and current else args.thematic_time,
            place=clean_place(args.place) if args.place is not None else None,
        ),
        now,
    )
    await configure_reminders(session, cell.id, _options(args), now)
    changes = await sync_and_tell(session, cell.id, now, settings.tz, settings.language)
    if not changes:
        return [t.gettext("No planned meeting changed date; nobody was told.")]
    lines = [t.gettext("Changed by the new rules, members told once:")]
    for change in changes:
        new = (
            t.gettext("cancelled")
            if change.change == "cancelled"
            else when_text(change.meeting, settings.tz)
        )
        lines.append(
            f"  {_title(t, change.meeting)}: {time_text(change.was, settings.tz)} → {new}"
        )
    return lines


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
    told_lines: list[str] = []
    if action == "schedule":
        told_lines = await _schedule(args, session, settings, t, now, cell)
        action = "list"
    if action == "list":
        await sync_cell(session, cell.id, now, tz)
        lines = [f"{cell.name}:"]
        for meeting in await upcoming(session, cell.id, now, include_cancelled=True):
            state = t.gettext("cancelled") if meeting.status.value == "cancelled" else ""
            place = f"  ({meeting.place})" if meeting.place else ""
            lines.append(
                f"  #{meeting.id}  {when_text(meeting, tz)}  "
                f"{capitalised(t.gettext(KIND_LABELS[meeting.kind]))}{place}  {state}".rstrip()
            )
        return "\n".join(lines + told_lines)
    if action == "add":
        when = typed_when(args.at, now, tz)
        meeting = await add_meeting(
            session,
            actor=None,
            cell_id=cell.id,
            starts_at=when,
            agenda=args.agenda,
            now=now,
            place=args.place,
        )
        return await _announce(session, settings, t, now, meeting, "added", None)
    if action == "agenda":
        meeting = await set_agenda(session, None, args.id, args.text, now)
        return t.gettext("Saved. The notice before {meeting} will carry this content.").format(
            meeting=f"#{meeting.id}"
        )
    if action == "place":
        meeting = await set_place(session, None, args.id, args.text, now)
        return f"{_title(t, meeting)}, {when_text(meeting, tz)}: {place_line(t, meeting)}"
    meeting = await managed_meeting(session, None, args.id)
    was = meeting.starts_at
    if action == "move":
        when = typed_when(args.to, now, tz)
        check_move(meeting, when, now)
        preview = f"{_title(t, meeting)}: {time_text(was, tz)} → {time_text(when, tz)}"
    else:
        check_cancel(meeting, now)
        preview = f"{_title(t, meeting)}: {time_text(was, tz)} → {t.gettext('cancelled')}"
    if not args.yes:
        count = len(await meeting_recipients(session, meeting.cell_id, "notice"))
        return (
            preview
            + "\n"
            + t.gettext(
                "Nothing changed yet: run it again with --yes to do it and tell {count} members."
            ).format(count=count)
        )
    if action == "move":
        meeting = await move_meeting(session, None, args.id, when, now)
        if args.place:
            meeting.place = clean_place(args.place)
        return await _announce(session, settings, t, now, meeting, "moved", was)
    meeting = await cancel_meeting(session, None, args.id, now)
    return await _announce(session, settings, t, now, meeting, "cancelled", was)


async def _announce(
    session: AsyncSession,
    settings: Settings,
    t: Translator,
    now: datetime,
    meeting: Meeting,
    change: str,
    was: datetime | None,
) -> str:
    tz = settings.tz
    await sync_cell(session, meeting.cell_id, now, tz)
    told = await announce_change(
        session,
        meeting=meeting,
        change=change,
        now=now,
        tz=tz,
        language=settings.language,
        was=was,
    )
    done = {"added": N_("added"), "moved": N_("moved"), "cancelled": N_("cancelled")}[change]
    when = (
        when_text(meeting, tz)
        if was is None
        else f"{time_text(was, tz)} → {when_text(meeting, tz)}"
    )
    if change == "cancelled":
        when = time_text(meeting.starts_at, tz)
    return t.gettext("#{id} {when}: {change}, {count} members are being told.").format(
        id=meeting.id, when=when, change=t.gettext(done), count=told
    )
