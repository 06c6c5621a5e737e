"""The parser class of the `chibo` command line and the checks of its values (a time of day,
a day of the month, a database URL, a file to write), refusing in the reader's language, as
do argparse's own messages (bot/cli/arguments.py builds the parser). Loads nothing heavy."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from datetime import time
from typing import NoReturn

from bot.core.i18n import N_, Translator

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
