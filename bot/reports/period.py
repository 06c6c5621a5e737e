"""A report period — a month, a quarter or a year — read from what people type on the command
line or in chat, and the months it covers. One parser for `chibo export`, `/tonghop` and its
exports: "11/2026", "2026-11", "tháng 11", "tháng trước", "Q4/2026", "quý 4/2026", "quý IV",
"2026", "năm nay"... A month, quarter or year without its year is the latest one that has
begun; a period that has not begun yet is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.core.i18n import N_
from bot.core.text import fold
from bot.services.errors import InvalidInputError

BAD_PERIOD = N_(
    "A period is a month (11/2026), a quarter (Q4/2026 or quý 4/2026) or a year (2026)."
)
FUTURE_PERIOD = N_("{period} has not begun yet: there is nothing to report.")
ROMAN = ("I", "II", "III", "IV")
FIRST_YEAR, LAST_YEAR = 2000, 2099


class PeriodKind(StrEnum):
    """How long a period is."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


def shift_month(month: date, count: int) -> date:
    """The first day of the month `count` months after `month`'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Months [first, last] the report covers (first days of months), and how to name it."""

    kind: PeriodKind
    first: date
    last: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        return cls(PeriodKind.MONTH, first, first)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = date(year, 3 * quarter - 2, 1)
        return cls(PeriodKind.QUARTER, first, shift_month(first, 2))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 1))

    @classmethod
    def of_month(cls, month: date, kind: PeriodKind) -> Period:
        """The month, quarter or year `month` falls in."""
        if kind is PeriodKind.MONTH:
            return cls.month(month.year, month.month)
        if kind is PeriodKind.QUARTER:
            return cls.quarter(month.year, (month.month - 1) // 3 + 1)
        return cls.year(month.year)

    @property
    def label(self) -> str:
        """The Vietnamese name, as on a report: "tháng 11/2026", "quý IV/2026", "năm 2026"."""
        if self.kind is PeriodKind.MONTH:
            return f"tháng {self.first:%m/%Y}"
        if self.kind is PeriodKind.QUARTER:
            return f"quý {ROMAN[(self.first.month - 1) // 3]}/{self.first.year}"
        return f"năm {self.first.year}"

    @property
    def slug(self) -> str:
        """The period in file names and audit records: "2026-11", "2026-Q4", "2026"."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.first:%Y-%m}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return str(self.first.year)

    def ended_before(self, month: date) -> bool:
        """Whether the period is over by `month` (its figures are final)."""
        return self.last < month


_SEP = r"\s*[/\-.]\s*"
_YEAR = r"(\d{4})"
_QUARTER = r"(?:q|quy)\s*([1-4]|i{1,3}|iv)"
_MONTH_WORD = r"(?:t|th|thang)"


def _quarter_number(text: str) -> int:
    return int(text) if text.isdigit() else ROMAN.index(text.upper()) + 1


def _relative(text: str, this_month: date) -> Period | None:
    """ "tháng này", "tháng trước", "quý này", "quý trước", "năm nay", "năm trước" (and the
    English words)."""
    words: dict[tuple[str, ...], tuple[PeriodKind, int]] = {
        ("thang", "nay"): (PeriodKind.MONTH, 0),
        ("thang", "truoc"): (PeriodKind.MONTH, -1),
        ("quy", "nay"): (PeriodKind.QUARTER, 0),
        ("quy", "truoc"): (PeriodKind.QUARTER, -3),
        ("nam", "nay"): (PeriodKind.YEAR, 0),
        ("nam", "truoc"): (PeriodKind.YEAR, -12),
        ("this", "month"): (PeriodKind.MONTH, 0),
        ("last", "month"): (PeriodKind.MONTH, -1),
        ("this", "quarter"): (PeriodKind.QUARTER, 0),
        ("last", "quarter"): (PeriodKind.QUARTER, -3),
        ("this", "year"): (PeriodKind.YEAR, 0),
        ("last", "year"): (PeriodKind.YEAR, -12),
    }
    found = words.get(tuple(text.split()))
    if found is None:
        return None
    kind, shift = found
    return Period.of_month(shift_month(this_month, shift), kind)


def _latest_begun(candidates: list[Period], this_month: date) -> Period:
    """Of a period named without its year, this year's if it has begun, else last year's."""
    this_year, last_year = candidates
    return this_year if this_year.first <= this_month else last_year


def _read(text: str, this_month: date | None) -> Period | None:
    if this_month is not None and (relative := _relative(text, this_month)):
        return relative
    text = re.sub(r"^(?:ky|bao cao|report)\s+", "", text)
    if match := re.fullmatch(rf"(?:{_MONTH_WORD}\s*)?(\d{{1,2}}){_SEP}{_YEAR}", text):
        month, year = int(match[1]), int(match[2])
        return Period.month(year, month) if 1 <= month <= 12 else None
    if match := re.fullmatch(rf"{_YEAR}{_SEP}(\d{{1,2}})", text):
        year, month = int(match[1]), int(match[2])
        return Period.month(year, month) if 1 <= month <= 12 else None
    if match := re.fullmatch(rf"{_QUARTER}(?:{_SEP}|\s+(?:nam\s+)?){_YEAR}", text):
        return Period.quarter(int(match[2]), _quarter_number(match[1]))
    if match := re.fullmatch(rf"{_YEAR}{_SEP}{_QUARTER}", text):
        return Period.quarter(int(match[1]), _quarter_number(match[2]))
    if match := re.fullmatch(rf"(?:nam\s*)?{_YEAR}", text):
        return Period.year(int(match[1]))
    if this_month is None:
        return None
    year = this_month.year
    if match := re.fullmatch(rf"{_MONTH_WORD}\s*(\d{{1,2}})", text):
        month = int(match[1])
        if not 1 <= month <= 12:
            return None
        return _latest_begun(
            [Period.month(year, month), Period.month(year - 1, month)], this_month
        )
    if match := re.fullmatch(_QUARTER, text):
        quarter = _quarter_number(match[1])
        return _latest_begun(
            [Period.quarter(year, quarter), Period.quarter(year - 1, quarter)], this_month
        )
    return None


def read_period(text: str, this_month: date | None = None) -> Period | None:
    """The period `text` names, or None if it names none. With `this_month` (the first day
    of the current month), relative words ("tháng trước") and a month or quarter without its
    year are understood too."""
    folded = fold(text).strip().rstrip(".")
    period = _read(folded, this_month)
    if period is None or not FIRST_YEAR <= period.first.year <= LAST_YEAR:
        return None
    return period


def parse_period(text: str, this_month: date | None = None) -> Period:
    """Like `read_period`, but a text that names no period, or one that has not begun by
    `this_month`, raises InvalidInputError with a one-line answer."""
    period = read_period(text, this_month)
    if period is None:
        raise InvalidInputError(BAD_PERIOD)
    if this_month is not None and period.first > this_month:
        raise InvalidInputError(FUTURE_PERIOD, period=period.label)
    return period
