"""An injectable clock, so tests control time without waiting."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """Tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class RunningClock:
    """A clock that starts at `start` and then runs at the real pace: for a whole process
    under test (`CHIBO_TEST_NOW`), where leases and retries still need time to pass."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("RunningClock needs an aware datetime")
        self.start = start.astimezone(UTC)
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._origin)


def local_today(clock: Clock, tz: ZoneInfo) -> date:
    """Today's date where people live."""
    return clock.now().astimezone(tz).date()


def month_start(day: date) -> date:
    """The first day of `day`'s month: how a report's month is stored."""
    return day.replace(day=1)


def previous_month(month: date) -> date:
    """The first day of the month before `month`."""
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def format_date(day: date | datetime) -> str:
    """dd/mm/yyyy, as Vietnamese readers expect."""
    return day.strftime("%d/%m/%Y")


def format_month(month: date) -> str:
    """mm/yyyy."""
    return month.strftime("%m/%Y")
