"""The cell calendar's date rules."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.meetings.rules import (
    ReminderPlan,
    add_months,
    clamp_day,
    is_thematic_month,
    meeting_reminders,
    nudge_times,
    parse_local_datetime,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("year", "month", "day", "expected"),
    [
        (2026, 1, 31, date(2026, 1, 31)),
        (2026, 4, 31, date(2026, 4, 30)),
        (2026, 2, 31, date(2026, 2, 28)),
        (2028, 2, 30, date(2028, 2, 29)),  # leap year
        (2026, 11, 24, date(2026, 11, 24)),
        (2026, 11, -3, date(2026, 11, 28)),  # third-to-last day of a 30-day month
        (2026, 2, -3, date(2026, 2, 26)),
        (2026, 12, -1, date(2026, 12, 31)),
    ],
)
def test_day_of_month_falls_on_the_last_day_when_short(
    year: int, month: int, day: int, expected: date
) -> None:
    assert clamp_day(year, month, day) == expected


@given(st.integers(2000, 2100), st.integers(1, 12), st.integers(-28, 31).filter(bool))
def test_clamped_day_is_always_in_the_month(year: int, month: int, day: int) -> None:
    result = clamp_day(year, month, day)
    assert (result.year, result.month) == (year, month)


def test_month_arithmetic_crosses_years() -> None:
    assert add_months(date(2026, 11, 1), 2) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)


def test_thematic_meeting_is_in_the_chosen_month_of_each_quarter() -> None:
    second = [m for m in range(1, 13) if is_thematic_month(date(2026, m, 1), 2)]
    assert second == [2, 5, 8, 11]
    assert [m for m in range(1, 13) if is_thematic_month(date(2026, m, 1), 1)] == [1, 4, 7, 10]


def test_reminders_of_a_24th_evening_meeting() -> None:
    starts = datetime(2026, 11, 24, 19, 30, tzinfo=HANOI)
    times = meeting_reminders(starts, ReminderPlan())
    assert times == {
        "notice": datetime(2026, 11, 21, 8, 0, tzinfo=HANOI),
        "day_before": datetime(2026, 11, 23, 8, 0, tzinfo=HANOI),
        "morning": datetime(2026, 11, 24, 7, 0, tzinfo=HANOI),
    }


def test_no_morning_reminder_for_an_early_meeting() -> None:
    starts = datetime(2026, 11, 24, 7, 30, tzinfo=HANOI)
    assert "morning" not in meeting_reminders(starts, ReminderPlan())


def test_nudges_on_the_20th_and_the_third_to_last_day() -> None:
    times = nudge_times(date(2027, 2, 1), [20, -3], time(8, 0), HANOI)
    assert times == {
        20: datetime(2027, 2, 20, 8, 0, tzinfo=HANOI),
        -3: datetime(2027, 2, 26, 8, 0, tzinfo=HANOI),
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("26/11 19:30", datetime(2026, 11, 26, 19, 30, tzinfo=HANOI)),
        ("19h30 26/11/2026", datetime(2026, 11, 26, 19, 30, tzinfo=HANOI)),
        ("ngày 26-11 lúc 19h", datetime(2026, 11, 26, 19, 0, tzinfo=HANOI)),
        ("5/1 8:00", datetime(2027, 1, 5, 8, 0, tzinfo=HANOI)),  # January is next year
        ("26/11/26 7 giờ 30", datetime(2026, 11, 26, 7, 30, tzinfo=HANOI)),
        ("31/11 19:30", None),
        ("mai họp", None),
        ("26/11", None),
    ],
)
def test_typed_dates_and_times(typed: str, expected: datetime | None) -> None:
    assert parse_local_datetime(typed, date(2026, 11, 22), HANOI) == expected
