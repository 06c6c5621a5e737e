"""The `chibo meetings` subcommands (the cells' calendar) and the paperwork ones, `chibo
minutes`, `chibo report` and `chibo yearbook` (bot/cli/arguments.py builds the parser).
Loads nothing heavy."""

from __future__ import annotations

import argparse

from bot.cli.arguments_checks import (
    ChiboParser,
    clock_time,
    notice_days,
    nudge_days,
    whole_number,
)
from bot.core.i18n import N_, Translator

DAY_OF_MONTH = N_("{value} is not a day of the month (1 to 31).")
MEETING_ID = N_("{value} is not a meeting number (see chibo meetings list).")


def add_meetings_parser(commands: argparse._SubParsersAction[ChiboParser], t: Translator) -> None:
    """Register `chibo meetings` and its subcommands."""
    _ = t.gettext
    meetings = commands.add_parser("meetings", help=_("the cells' meeting calendar"))
    sub = meetings.add_subparsers(dest="meetings_command", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help=_("coming meetings of a cell"))
    listing.add_argument("--cell", required=True, help=_("cell name (or part of it) or id"))
    schedule = sub.add_parser("schedule", help=_("set a cell's regular meetings"))
    schedule.add_argument("--cell", required=True, help=_("cell name (or part of it) or id"))
    day = whole_number(1, 31, DAY_OF_MONTH)
    meeting_id = whole_number(1, 2**31 - 1, MEETING_ID)
    schedule.add_argument(
        "--day", type=day, required=True, help=_("day of the month (31 = the last day)")
    )
    schedule.add_argument("--time", type=clock_time, required=True, help=_("time, e.g. 19:30"))
    schedule.add_argument(
        "--place", help=_("where the regular meetings are held, e.g. the village hall")
    )
    schedule.add_argument(
        "--thematic-month",
        type=whole_number(1, 3, N_("{value}: the month of the quarter is 1, 2 or 3.")),
        metavar="{1,2,3}",
        help=_("month of each quarter for the thematic meeting"),
    )
    schedule.add_argument("--thematic-day", type=day, help=_("its day of the month"))
    schedule.add_argument("--thematic-time", type=clock_time, help=_("its time"))
    schedule.add_argument(
        "--no-thematic",
        action="store_true",
        help=_("no thematic meetings (kept as they are unless given)"),
    )
    schedule.add_argument(
        "--notice-days",
        type=notice_days,
        help=_("days before the meeting for the notice with the agenda: 2 to 30, 0 = none (3)"),
    )
    schedule.add_argument(
        "--day-before", choices=("yes", "no"), help=_("remind the day before (yes)")
    )
    schedule.add_argument(
        "--morning", choices=("yes", "no"), help=_("remind on the morning of the meeting (yes)")
    )
    schedule.add_argument(
        "--reminder-time", type=clock_time, help=_("time of notices and nudges (08:00)")
    )
    schedule.add_argument(
        "--morning-time", type=clock_time, help=_("time of the morning reminder (07:00)")
    )
    schedule.add_argument(
        "--nudge-days",
        type=nudge_days,
        help=_('days of the good-deed nudge, e.g. "20,-3" (-3 = third-to-last)'),
    )
    schedule.add_argument(
        "--nudge-working-away", choices=("yes", "no"), help=_("nudge members working away (yes)")
    )
    schedule.add_argument(
        "--nudge-exempt", choices=("yes", "no"), help=_("nudge members exempt from meetings (no)")
    )
    add = sub.add_parser("add", help=_("add a one-off meeting"))
    add.add_argument("--cell", required=True, help=_("cell name (or part of it) or id"))
    add.add_argument("--at", required=True, help=_('date and time, e.g. "28/11 19:30"'))
    add.add_argument("--agenda", help=_("expected content"))
    add.add_argument("--place", help=_("where it is held (default: the cell's usual place)"))
    move = sub.add_parser(
        "move", help=_("move one meeting: shows old → new; with --yes moves it and tells members")
    )
    move.add_argument("id", type=meeting_id, help=_("meeting id (see list)"))
    move.add_argument(
        "--to",
        required=True,
        help=_('date and time, e.g. "26/11 19:30" (without a year: within the next weeks)'),
    )
    move.add_argument("--place", help=_("a new place as well"))
    move.add_argument("--yes", action="store_true", help=_("move it (otherwise only show)"))
    cancel = sub.add_parser(
        "cancel", help=_("cancel one meeting: shows it; with --yes cancels it and tells members")
    )
    cancel.add_argument("id", type=meeting_id, help=_("meeting id (see list)"))
    cancel.add_argument("--yes", action="store_true", help=_("cancel it (otherwise only show)"))
    agenda = sub.add_parser("agenda", help=_("set the expected content of one meeting"))
    agenda.add_argument("id", type=meeting_id, help=_("meeting id (see list)"))
    agenda.add_argument("text", help=_("expected content"))
    place = sub.add_parser("place", help=_("set where one meeting is held"))
    place.add_argument("id", type=meeting_id, help=_("meeting id (see list)"))
    place.add_argument("text", help=_("the place, e.g. the village hall"))


def add_paperwork_parsers(
    commands: argparse._SubParsersAction[ChiboParser], t: Translator
) -> None:
    """Register `chibo minutes`, `chibo report` and `chibo yearbook` (Word documents). Values
    are checked by the commands, which answer in the reader's language (bot/cli/papers.py)."""
    _ = t.gettext
    minutes = commands.add_parser(
        "minutes", help=_("write the draft minutes of a meeting as a Word document")
    )
    minutes.add_argument(
        "--meeting", required=True, metavar="ID", help=_("meeting id (see meetings list)")
    )
    minutes.add_argument("--out", help=_("file to write (default: a name made from the cell)"))
    report = commands.add_parser(
        "report",
        help=_(
            "write a cell's report, or a committee's summary, for a period (Word, or the "
            "Excel workbook)"
        ),
    )
    report.add_argument("--org", required=True, help=_("organisation name (or part of it) or id"))
    report.add_argument(
        "--period",
        required=True,
        help=_(
            "a month (11/2026 or 2026-11), a quarter (Q4/2026 or 2026-Q4) or a year (2026); "
            "also 'thang truoc' (last month)"
        ),
    )
    report.add_argument(
        "--format", default="docx", metavar="docx|xlsx", help=_("docx (default) or xlsx")
    )
    report.add_argument("--out", help=_("file to write (default: a name made from both)"))
    yearbook = commands.add_parser(
        "yearbook",
        help=_("write each member's year record for the year-end rating (Word, one page each)"),
    )
    yearbook.add_argument(
        "--org", required=True, help=_("organisation name (or part of it) or id")
    )
    yearbook.add_argument("--year", required=True, help=_("the year, e.g. 2026"))
    yearbook.add_argument("--out", help=_("file to write (default: a name made from both)"))
