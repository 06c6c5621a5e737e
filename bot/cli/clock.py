"""The clock the `chibo` commands read: the system's, or, in tests of the real entry point
only, one that starts at CHIBO_TEST_NOW. `chibo run` refuses that variable and every other
command says on stderr that it is set, so a stray one never misleads an operator silently."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import datetime

from bot.core.clock import Clock, RunningClock, SystemClock
from bot.core.i18n import Translator

TEST_NOW = "CHIBO_TEST_NOW"


class ClockRefused(Exception):
    """CHIBO_TEST_NOW is set where it must not be, or cannot be read; the text says which."""


def command_clock(command: str, environ: Mapping[str, str], t: Translator) -> Clock:
    """The system clock, unless a test set CHIBO_TEST_NOW (an ISO date and time with its
    offset): then a clock that starts there and runs on, announced on stderr."""
    raw = environ.get(TEST_NOW, "")
    if not raw:
        return SystemClock()
    if command == "run":
        raise ClockRefused(
            t.gettext(
                "CHIBO_TEST_NOW is set: it is for tests only, and chibo run serves on the "
                "real clock. Remove it from the environment."
            )
        )
    try:
        start: datetime | None = datetime.fromisoformat(raw)
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise ClockRefused(
            t.gettext(
                "CHIBO_TEST_NOW (for tests only) must be a date and time with its offset, "
                "e.g. 2026-11-15T10:00:00+07:00."
            )
        )
    print(
        t.gettext("Warning: CHIBO_TEST_NOW is set; this command's clock starts at {when}.").format(
            when=start.isoformat()
        ),
        file=sys.stderr,
    )
    return RunningClock(start)
