"""The `chibo` command line: its parser and settings, kept free of the database, the
messengers and the reports, so that `chibo --help` (and a mistyped command) answers at once;
each command's work is imported when it runs (bot/cli/commands.py)."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from datetime import time
from typing import NoReturn

from pydantic import ValidationError

from bot.core.config import Settings, get_settings
from bot.core.i18n import N_, Translator, translator

MEMBER_PHONE = "0912000002"  # the demo's member (bot/cli/demo.py)
COMMITTEE_PHONE = "0912000100"  # the demo's commune committee member
TEMPLATE_NAME = "mau-danh-sach-chi-bo.xlsx"
MARK_CHOICES = ("exempt", "transferred_out", "working_away")  # bot/cli/roster.py MARKS


# argparse's own messages, which it passes through gettext: marked here so they are in the
# catalogs, and translated by `speak_argparse` (Python 3.11-3.13 spell them so).
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("%(prog)s: error: %(message)s\n"),
)


_speaking: list[Translator] = []  # the language argparse and our checks answer in


def speak_argparse(t: Translator) -> None:
    """Make argparse's own words ("usage:", "unrecognized arguments") come out in `t`'s
    language: argparse looks up its module-level `_` and `ngettext` at each message."""
    _speaking[:] = [t]
    setattr(argparse, "_", t.gettext)  # noqa: B010 (a module global argparse reads by name)
    setattr(argparse, "ngettext", t.ngettext)  # noqa: B010


def _say(message: str) -> str:
    return _speaking[0].gettext(message) if _speaking else message


class ChiboParser(argparse.ArgumentParser):
    """argparse, but a refused command line is one line on stderr, in the reader's language,
    with where to read more; exit code 2 (subcommands' parsers are of this class too)."""

    def error(self, message: str) -> NoReturn:
        line = _say("%(prog)s: error: %(message)s\n") % {
            "prog": self.prog,
            "message": f"{message} ({self.prog} --help)",
        }
        self.exit(2, line)


_TIME = re.compile(r"\s*(\d{1,2})\s*(?:[:h]\s*(\d{2})?)?\s*")


def _refuse(message: str, **params: object) -> NoReturn:
    raise argparse.ArgumentTypeError(_say(message).format(**params))


def clock_time(text: str) -> time:
    """ "19:30", "7:00", "19h30", "19h" -> a time of day; refused otherwise (25:30 too)."""
    found = _TIME.fullmatch(text)
    if found is not None:
        hour, minute = int(found.group(1)), int(found.group(2) or 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    _refuse(N_("{value} is not a time of day; write it like 19:30."), value=text)


def whole_number(low: int, high: int, message: str) -> Callable[[str], int]:
    """A whole number from `low` to `high`, else `message` (with {value})."""

    def read(text: str) -> int:
        try:
            number = int(text.strip())
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            _refuse(message, value=text)
        return number

    return read


def notice_days(text: str) -> int:
    """Days between the notice and the meeting: 2 to 30, or 0 for no separate notice."""
    if text.strip() == "0":
        return 0
    return whole_number(2, 30, N_("{value}: the notice goes 2 to 30 days before, or 0 for none."))(
        text
    )


def nudge_days(text: str) -> str:
    """ "20,-3": days of the month 1 to 31, or -1 (last day) to -28."""
    try:
        days = [int(d) for d in text.split(",") if d.strip()]
    except ValueError:
        days = [0]
    if not days or any(d == 0 or not -28 <= d <= 31 for d in days):
        _refuse(N_("Nudge days are 1 to 31, or -1 (last day) to -28."))
    return text


def database_url(text: str) -> str:
    """A SQLite or PostgreSQL URL (the only databases chibo runs on)."""
    if re.fullmatch(r"(sqlite|postgres|postgresql)(\+\w+)?://.*", text.strip()):
        return text.strip()
    _refuse(
        N_("{value} is not a database URL: write sqlite:///FILE or postgresql://USER@HOST/DB."),
        value=text,
    )


def output_file(text: str) -> str:
    """A file to write: its folder must exist and be writable (checked before any work)."""
    folder = os.path.dirname(os.path.abspath(text))
    if not os.path.isdir(folder):
        _refuse(N_("{value}: the folder {folder} does not exist."), value=text, folder=folder)
    if not os.access(folder, os.W_OK):
        _refuse(
            N_("{value}: the folder {folder} cannot be written to."), value=text, folder=folder
        )
    return text


DAY_OF_MONTH = N_("{value} is not a day of the month (1 to 31).")
MEETING_ID = N_("{value} is not a meeting number (see chibo meetings list).")


def build_parser(t: Translator) -> argparse.ArgumentParser:
    """The argument parser, its help and its refusals in the configured language."""
    _ = t.gettext
    speak_argparse(t)
    parser = ChiboParser(
        prog="chibo",
        description=_(
            "chibo: the chatbot for Party cells. Settings come from .env / environment."
        ),
    )
    parser.add_argument(
        "--database-url", type=database_url, help=_("database URL (default: DATABASE_URL)")
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo", help=_("create the demo commune (once) and open the chat shell")
    )
    demo.add_argument(
        "--as",
        dest="phone",
        default=MEMBER_PHONE,
        metavar="PHONE",
        help=_("act as the member with this phone (default: %(default)s)"),
    )
    demo.add_argument(
        "--no-shell",
        action="store_true",
        help=_("only create the demo data, do not open the shell"),
    )
    shell = commands.add_parser("shell", help=_("chat with the bot in this terminal"))
    shell.add_argument(
        "--as",
        dest="phone",
        metavar="PHONE",
        help=_("act as the member with this phone (default: a stranger)"),
    )
    commands.add_parser("migrate", help=_("bring the database schema up to date"))
    commands.add_parser(
        "run",
        help=_(
            "run the bot on the configured messengers (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN) "
            "until Ctrl-C"
        ),
    )
    dashboard = commands.add_parser(
        "dashboard",
        help=_(
            "serve the web dashboard on this computer (http://127.0.0.1) and print a sign-in "
            "link, until Ctrl-C"
        ),
    )
    dashboard.add_argument(
        "--as",
        dest="phone",
        default=COMMITTEE_PHONE,
        metavar="PHONE",
        help=_("sign in as the leader with this phone (default: %(default)s, the demo's)"),
    )
    dashboard.add_argument(
        "--port", type=int, help=_("port to listen on (default: HTTP_PORT; 0: any free port)")
    )
    add_meetings_parser(commands, t)
    export = commands.add_parser(
        "export", help=_("write an organisation's report for a period as an Excel workbook")
    )
    export.add_argument("--org", required=True, help=_("organisation name (or part of it) or id"))
    export.add_argument(
        "--period",
        required=True,
        help=_(
            "a month (11/2026 or 2026-11), a quarter (Q4/2026 or 2026-Q4) or a year (2026); "
            "also 'thang truoc' (last month)"
        ),
    )
    export.add_argument(
        "--out", type=output_file, help=_("file to write (default: a name made from both)")
    )
    add_roster_parsers(commands, t)
    add_roles_parser(commands, t)
    add_backup_parsers(commands, t)
    add_purge_parser(commands, t)
    return parser


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


def add_roster_parsers(commands: argparse._SubParsersAction[ChiboParser], t: Translator) -> None:
    """Register the roster commands."""
    _ = t.gettext
    importing = commands.add_parser(
        "import",
        help=_("import organisations, members, households and assignments from XLSX or CSV"),
    )
    importing.add_argument(
        "files", nargs="+", metavar="FILE", help=_("an .xlsx workbook, or .csv files")
    )
    importing.add_argument(
        "--dry-run", action="store_true", help=_("only check the file and show what would change")
    )
    importing.add_argument(
        "--mark-missing",
        nargs="?",
        const="transferred_out",
        choices=MARK_CHOICES,
        help=_(
            "give members of the file's cells who are not in it this status "
            "(default: transferred_out); without it they are only listed"
        ),
    )
    importing.add_argument(
        "--force",
        action="store_true",
        help=_("with --mark-missing: mark them even when more than a third of a cell is missing"),
    )
    importing.add_argument(
        "--cell", help=_("the cell of rows that name none (name or part of it, or id)")
    )
    importing.add_argument(
        "--move-members",
        action="store_true",
        help=_(
            "move members the file puts in another cell than theirs (see them first with "
            "--dry-run); without it such a file is refused"
        ),
    )
    template = commands.add_parser(
        "template", help=_("write a blank roster workbook with the headings and an example row")
    )
    template.add_argument(
        "--out",
        type=output_file,
        default=TEMPLATE_NAME,
        help=_("file to write (default: %(default)s)"),
    )
    invites = commands.add_parser(
        "invites",
        help=_(
            "write printable sheets of invite codes (one per cell, to hand out in person) for "
            "unlinked members"
        ),
    )
    invites.add_argument("--org", required=True, help=_("organisation name (or part of it) or id"))
    invites.add_argument(
        "--cell", help=_("only this cell under --org (default: one sheet per cell)")
    )
    invites.add_argument(
        "--bot-username",
        help=_(
            "the bot's Telegram username, for links and QR codes (default: "
            "TELEGRAM_BOT_USERNAME; without one the sheets have the codes and the Zalo steps)"
        ),
    )
    invites.add_argument(
        "--out",
        help=_(
            "for one cell, the file to write; for several, the folder of their files "
            "(default: ma-moi-CELL.xlsx here)"
        ),
    )
    households = commands.add_parser("households", help=_("households and who looks after them"))
    actions = households.add_subparsers(dest="households_command", required=True, metavar="ACTION")
    reassign = actions.add_parser(
        "reassign", help=_("give a household to another member from today; both are told")
    )
    reassign.add_argument("code", help=_("household code, e.g. NL-012"))
    reassign.add_argument("--to", required=True, metavar="PHONE", help=_("the new member's phone"))
    reassign.add_argument(
        "--org",
        help=_(
            "the household's commune (or cell), name or id: only checked, as the household is "
            "looked up in the new member's commune"
        ),
    )


def settings_or_explain() -> Settings | None:
    try:
        return get_settings()
    except ValidationError as error:
        t = translator(os.environ.get("LANGUAGE", "vi"))
        print(t.gettext("The settings (environment or .env) have a problem:"), file=sys.stderr)
        for problem in error.errors():
            # ("telegram", "bot_token") is TELEGRAM_BOT_TOKEN, the name in .env
            where = "_".join(str(part) for part in problem["loc"]).upper() or "-"
            # Our own validators raise ValueError(msgid): show those in the reader's language.
            cause = problem.get("ctx", {}).get("error")
            message = t.gettext(str(cause)) if isinstance(cause, ValueError) else problem["msg"]
            print(f"  {where}: {message}", file=sys.stderr)
        return None


def add_roles_parser(commands: argparse._SubParsersAction[ChiboParser], t: Translator) -> None:
    """Register `chibo roles` and its actions."""
    _ = t.gettext
    roles = commands.add_parser(
        "roles",
        help=_("Party committees: who holds which role, and which cells each member follows"),
    )
    actions = roles.add_subparsers(dest="roles_command", required=True, metavar="ACTION")
    org_help = _("the organisation (commune, district or cell), name or id")
    listing = actions.add_parser("list", help=_("an organisation's committee and followed cells"))
    listing.add_argument("--org", required=True, help=org_help)
    grant = actions.add_parser(
        "grant", help=_("give a member a role in an organisation from today (audited)")
    )
    grant.add_argument("--org", required=True, help=org_help)
    grant.add_argument("--phone", required=True, help=_("the member's phone"))
    grant.add_argument(
        "--role",
        required=True,
        help=_(
            "secretary, deputy, standing (ủy viên ban thường vụ) or member (cấp ủy viên); "
            "Vietnamese words are accepted"
        ),
    )
    revoke = actions.add_parser(
        "revoke", help=_("end a member's role in an organisation today (audited)")
    )
    revoke.add_argument("--org", required=True, help=org_help)
    revoke.add_argument("--phone", required=True, help=_("the member's phone"))
    follow = actions.add_parser(
        "follow",
        help=_("set the cells a committee member follows (cấp ủy viên phụ trách chi bộ)"),
    )
    follow.add_argument("--org", required=True, help=_("the committee's organisation"))
    follow.add_argument("--phone", required=True, help=_("the committee member's phone"))
    follow.add_argument(
        "--cells",
        required=True,
        help=_('cells under the organisation, comma-separated; "" to follow none'),
    )


def add_backup_parsers(commands: argparse._SubParsersAction[ChiboParser], t: Translator) -> None:
    """Register `chibo backup` and `chibo restore`."""
    _ = t.gettext
    backup = commands.add_parser(
        "backup", help=_("copy the whole database into FILE (safe while chibo run is running)")
    )
    backup.add_argument(
        "file", metavar="FILE", type=output_file, help=_("the backup file to write (.zip)")
    )
    backup.add_argument(
        "--portable",
        action="store_true",
        help=_("a dump of every row that restores into SQLite or PostgreSQL (not pg_dump's)"),
    )
    restore = commands.add_parser(
        "restore", help=_("restore a backup FILE into an empty database and check its counts")
    )
    restore.add_argument("file", metavar="FILE", help=_("a file written by chibo backup"))


def add_purge_parser(commands: argparse._SubParsersAction[ChiboParser], t: Translator) -> None:
    """Register `chibo purge`."""
    _ = t.gettext
    purge = commands.add_parser(
        "purge",
        help=_(
            "erase the personal data of members transferred out more than N years ago "
            "(audited); without --yes only count them"
        ),
    )
    purge.add_argument(
        "--years",
        type=whole_number(1, 200, N_("{value}: --years must be a whole number, at least 1.")),
        required=True,
        metavar="N",
        help=_("how many years ago, at least 1"),
    )
    purge.add_argument("--yes", action="store_true", help=_("erase them (otherwise only count)"))
