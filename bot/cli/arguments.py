"""The `chibo` command line: its parser and settings, kept free of the database, the
messengers and the reports, so that `chibo --help` (and a mistyped command) answers at once;
each command's work is imported when it runs (bot/cli/commands.py). The checks of values are
in arguments_checks.py, the meetings' and paperwork's subcommands in arguments_meetings.py,
the roster's and roles' in arguments_roster.py."""

from __future__ import annotations

import argparse
import os
import sys

from pydantic import ValidationError

from bot.cli.arguments_checks import (
    ChiboParser,
    database_url,
    output_file,
    speak_argparse,
    whole_number,
)
from bot.cli.arguments_meetings import add_meetings_parser, add_paperwork_parsers
from bot.cli.arguments_roster import add_roles_parser, add_roster_parsers
from bot.core.config import Settings, get_settings
from bot.core.i18n import N_, Translator, translator

MEMBER_PHONE = "0912000002"  # the demo's member (bot/cli/demo.py)
COMMITTEE_PHONE = "0912000100"  # the demo's commune committee member


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
    add_paperwork_parsers(commands, t)
    add_roster_parsers(commands, t)
    add_roles_parser(commands, t)
    add_backup_parsers(commands, t)
    add_purge_parser(commands, t)
    return parser


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
