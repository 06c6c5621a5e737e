"""Pure date rules of the cell calendar: when meetings fall and when reminders go out."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def clamp_day(year: int, month: int, day: int) -> date:
    """Day `day` of the month, or its last day when the month is shorter (31 -> 30/28/29).
    A negative day counts from the end: -1 is the last day, -3 the third-to-last."""
    last = calendar.monthrange(year, month)[1]
    if day < 0:
        return date(year, month, max(1, last + 1 + day))
    return date(year, month, min(max(day, 1), last))


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after `month`."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def is_thematic_month(month: date, month_of_quarter: int) -> bool:
    """Whether `month` is the quarter's `month_of_quarter`-th month (1, 2 or 3)."""
    return (month.month - 1) % 3 == month_of_quarter - 1


@dataclass(frozen=True)
class ReminderPlan:
    """When reminders of a meeting go out, in local time (None = not sent)."""

    notice_days: int = 3
    day_before: bool = True
    morning_of: bool = True
    reminder_time: time = time(8, 0)
    morning_time: time = time(7, 0)


def meeting_reminders(starts_local: datetime, plan: ReminderPlan) -> dict[str, datetime]:
    """Reminder kind -> local send time, for a meeting starting at `starts_local`.

    The notice (with the agenda) goes `notice_days` before at `reminder_time`; the day-before
    reminder at `reminder_time` the day before; the morning one at `morning_time` on the day,
    but only if that is at least an hour before the meeting.
    """
    day = starts_local.date()
    tz = starts_local.tzinfo
    times: dict[str, datetime] = {}
    if plan.notice_days > 1:
        times["notice"] = datetime.combine(
            day - timedelta(days=plan.notice_days), plan.reminder_time, tz
        )
    if plan.day_before:
        times["day_before"] = datetime.combine(day - timedelta(days=1), plan.reminder_time, tz)
    morning = datetime.combine(day, plan.morning_time, tz)
    if plan.morning_of and morning <= starts_local - timedelta(hours=1):
        times["morning"] = morning
    return times


def nudge_times(month: date, days: list[int], at: time, tz: ZoneInfo) -> dict[int, datetime]:
    """Configured nudge day (20, -3 ...) -> local send time within `month`."""
    return {day: datetime.combine(clamp_day(month.year, month.month, day), at, tz) for day in days}


_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?")
_TIME = re.compile(r"(\d{1,2})\s*(?:giờ|gio|g|[:h])\s*(\d{2})?")


# A date typed without a year is the next such date only if it falls this soon; otherwise
# the year is asked for, so "26/11" typed on 27/11 never lands silently in next November.
WITHOUT_YEAR_AHEAD = timedelta(weeks=8)


@dataclass(frozen=True)
class TypedWhen:
    """A typed date and time: `at` when understood; `year_needed` when the date has no year
    and its next occurrence is not within `WITHOUT_YEAR_AHEAD` (`at` is then that one)."""

    at: datetime | None
    year_needed: bool = False


def read_local_datetime(text: str, today: date, tz: ZoneInfo) -> TypedWhen:
    """A date and time as people type them ("26/11 19:30", "19h30 26/11/2026", "26-11 19h"),
    in `tz`. A date without a year is the next one from `today` within a few weeks."""
    date_match = _DATE.search(text)
    if date_match is None:
        return TypedWhen(None)
    rest = text[: date_match.start()] + " " + text[date_match.end() :]
    time_match = _TIME.search(rest)
    if time_match is None:
        return TypedWhen(None)
    day, month = int(date_match.group(1)), int(date_match.group(2))
    year_text = date_match.group(3)
    hour, minute = int(time_match.group(1)), int(time_match.group(2) or 0)
    if year_text:
        try:
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
            return TypedWhen(datetime(year, month, day, hour, minute, tzinfo=tz))
        except ValueError:
            return TypedWhen(None)
    for year in range(today.year, today.year + 5):  # 29/2 waits for a leap year
        try:
            candidate = datetime(year, month, day, hour, minute, tzinfo=tz)
        except ValueError:
            if not (month == 2 and day == 29 and 0 <= hour < 24 and 0 <= minute < 60):
                return TypedWhen(None)
            continue
        if candidate.date() >= today:
            return TypedWhen(candidate, candidate.date() - today > WITHOUT_YEAR_AHEAD)
    return TypedWhen(None)


def parse_local_datetime(text: str, today: date, tz: ZoneInfo) -> datetime | None:
    """`read_local_datetime`'s time, if understood without asking for the year."""
    typed = read_local_datetime(text, today, tz)
    return None if typed.year_needed else typed.at
