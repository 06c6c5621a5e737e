"""The words of summaries, shared by /tonghop and the weekly digest."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.core.clock import format_date, format_month
from bot.core.i18n import Translator
from bot.reports.summary import CellSummary


def percent(part: int, whole: int) -> str:
    """ "50%", or a dash when there is nothing to divide by."""
    return f"{round(100 * part / whole)}%" if whole else "—"


def _meeting_lines(t: Translator, tz: ZoneInfo, cell: CellSummary) -> list[str]:
    lines = []
    if cell.last_meeting is not None:
        lines.append(
            t.gettext(
                "Last meeting ({date}): {present}/{roll} present, {spoke} spoke "
                "({rate} of those present)."
            ).format(
                date=format_date(cell.last_meeting.astimezone(tz)),
                present=cell.present,
                roll=cell.on_roll,
                spoke=cell.spoke,
                rate=percent(cell.spoke, cell.present),
            )
        )
    if cell.next_meeting is not None:
        lines.append(
            t.gettext("Next meeting ({date}): {yes} will attend, {no} cannot.").format(
                date=format_date(cell.next_meeting.astimezone(tz)),
                yes=cell.rsvp_yes,
                no=cell.rsvp_no,
            )
        )
    return lines


def cell_text(
    t: Translator, tz: ZoneInfo, cell: CellSummary, month: date, past_week: bool = False
) -> str:
    """One cell's summary, with the names of who has not reported (the week being this one,
    or with `past_week` the one just ended, as in the digest)."""
    figures = (
        t.gettext(
            "Reported: {reported}/{expected} members ({rate}); {deeds} good deeds. Last "
            "week: {week_members} members, {week} deeds."
        )
        if past_week
        else t.gettext(
            "Reported: {reported}/{expected} members ({rate}); {deeds} good deeds. This "
            "week: {week_members} members, {week} deeds."
        )
    )
    lines = [
        t.gettext("{cell}, month {month}:").format(cell=cell.name, month=format_month(month)),
        figures.format(
            reported=cell.reported_month,
            expected=cell.expected,
            rate=percent(cell.reported_month, cell.expected),
            deeds=cell.deeds_month,
            week_members=cell.reported_week,
            week=cell.deeds_week,
        ),
        t.gettext(
            "Households helped this month: {helped}/{households}; no deed for 3 months: {quiet}."
        ).format(
            helped=cell.helped_month, households=cell.households, quiet=cell.quiet_households
        ),
        *_meeting_lines(t, tz, cell),
    ]
    if cell.missing_names:
        lines.append(
            t.gettext("Not reported yet: {names}.").format(names=", ".join(cell.missing_names))
        )
    return "\n".join(lines)


def scope_text(
    t: Translator, figures: list[CellSummary], month: date, past_week: bool = False
) -> str:
    """Totals of several cells, then each cell, lagging ones first."""
    total = CellSummary(0, "")
    for cell in figures:
        for name in (
            "expected",
            "reported_month",
            "reported_week",
            "deeds_month",
            "deeds_week",
            "households",
            "helped_month",
            "quiet_households",
        ):
            setattr(total, name, getattr(total, name) + getattr(cell, name))
    lines = [
        t.gettext("Summary of {cells} cells, month {month}:").format(
            cells=len(figures), month=format_month(month)
        ),
        (
            t.gettext(
                "Reported: {reported}/{expected} members ({rate}); {deeds} good deeds; "
                "last week {week} deeds."
            )
            if past_week
            else t.gettext(
                "Reported: {reported}/{expected} members ({rate}); {deeds} good deeds; "
                "this week {week} deeds."
            )
        ).format(
            reported=total.reported_month,
            expected=total.expected,
            rate=percent(total.reported_month, total.expected),
            deeds=total.deeds_month,
            week=total.deeds_week,
        ),
        t.gettext(
            "Households helped this month: {helped}/{households}; no deed for 3 months: {quiet}."
        ).format(
            helped=total.helped_month, households=total.households, quiet=total.quiet_households
        ),
        t.gettext("Cells, lagging most first:"),
    ]
    attendance_word = t.gettext("attendance")
    for cell in sorted(figures, key=lambda c: (c.report_rate, c.name)):
        attendance = (
            f", {attendance_word} {percent(cell.present, cell.on_roll)}" if cell.on_roll else ""
        )
        lines.append(
            f"• {cell.name}: {cell.reported_month}/{cell.expected} "
            f"({percent(cell.reported_month, cell.expected)}){attendance}"
        )
    return "\n".join(lines)
