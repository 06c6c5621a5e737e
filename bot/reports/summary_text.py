"""The words of summaries, shared by /tonghop and the weekly digest."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.core.clock import format_date, format_month
from bot.core.i18n import N_, Translator
from bot.reports.aggregates import CellSummary, Figures, Node, TypeRate, Week, rate_text
from bot.reports.snapshots import SNAPSHOT_EVERY
from bot.reports.summary import ScopeSummary
from models import CellType, ProgressFlag

CELL_TYPE_LABELS: dict[CellType | None, str] = {
    CellType.RURAL: N_("rural"),
    CellType.OFFICE: N_("government offices"),
    CellType.PUBLIC_SERVICE: N_("public service units"),
    CellType.ARMED_FORCES: N_("armed forces"),
    CellType.SCHOOL: N_("schools"),
    CellType.ENTERPRISE: N_("enterprises"),
    None: N_("type not given"),
}
PROGRESS_LABELS: dict[ProgressFlag, str] = {
    ProgressFlag.SANITARY_TOILET: N_("hygienic toilet and bathroom"),
    ProgressFlag.WASTE_INCINERATOR: N_("waste incinerator"),
    ProgressFlag.HARDENED_FLOOR: N_("hardened floor"),
}


def percent(t: Translator, part: int, whole: int) -> str:
    """ "96,7%" (one decimal when there is one), or a dash when there is nothing to divide."""
    return rate_text(part, whole, t.language)


def members_line(t: Translator, figures: Figures) -> str:
    """Everyone on the roll, and who is not expected to report and why."""
    people = figures.members
    if not people.exempt and not people.working_away:
        return t.gettext("Members: {total}, all expected to report.").format(total=people.total)
    return t.gettext(
        "Members: {total} ({exempt} exempt from meetings, who do not report; {away} working "
        "away, who do); {expected} expected to report."
    ).format(
        total=people.total,
        exempt=people.exempt,
        away=people.working_away,
        expected=people.expected,
    )


def households_lines(t: Translator, figures: Figures) -> list[str]:
    """Households helped, those nobody helped for 3 months, and their progress flags (none
    for a cell without households, such as an office's)."""
    if not figures.households and not figures.helped:
        return []
    lines = [
        t.gettext(
            "Households helped this month: {helped}/{households}; no deed for 3 months: {quiet}."
        ).format(helped=figures.helped, households=figures.households, quiet=figures.quiet)
    ]
    if figures.households:
        lines.append(
            t.gettext("Household progress: {flags}.").format(
                flags="; ".join(
                    f"{t.gettext(label)} {figures.progress.fraction(flag)}"
                    for flag, label in PROGRESS_LABELS.items()
                )
            )
        )
    return lines


def snapshot_lines(t: Translator, age: timedelta | None) -> list[str]:
    """How old the households' and last meetings' figures are, when read from a snapshot."""
    if age is None:
        return []
    minutes = max(1, round(age.total_seconds() / 60))
    return [
        t.ngettext(
            "(Households and last meetings as counted {minutes} minute ago: a scope this large"
            " is counted every {every} minutes.)",
            "(Households and last meetings as counted {minutes} minutes ago: a scope this large"
            " is counted every {every} minutes.)",
            minutes,
        ).format(minutes=minutes, every=int(SNAPSHOT_EVERY.total_seconds() // 60))
    ]


def speaking_lines(t: Translator, rates: tuple[TypeRate, ...]) -> list[str]:
    """Members who spoke at the last meeting, of those present, per cell type."""
    if not rates:
        return []
    lines = [t.gettext("Members who spoke at each cell's last meeting, by cell type:")]
    for rate in rates:
        lines.append(
            t.ngettext(
                "• {type} ({cells} cell): {rate} ({spoke}/{present})",
                "• {type} ({cells} cells): {rate} ({spoke}/{present})",
                rate.cells,
            ).format(
                type=t.gettext(CELL_TYPE_LABELS[rate.cell_type]),
                cells=rate.cells,
                rate=percent(t, rate.spoke, rate.present),
                spoke=rate.spoke,
                present=rate.present,
            )
        )
    return lines


def _meeting_lines(t: Translator, tz: ZoneInfo, cell: CellSummary) -> list[str]:
    lines = []
    if cell.last_meeting is not None:
        lines.append(
            t.gettext(
                "Last meeting ({date}): {present}/{roll} present, {spoke} spoke "
                "({rate} of those present)."
            ).format(
                date=format_date(cell.last_meeting.astimezone(tz)),
                present=cell.figures.present,
                roll=cell.figures.attendance_rows,
                spoke=cell.figures.spoke,
                rate=percent(t, cell.figures.spoke, cell.figures.present),
            )
        )
    if cell.next_meeting is not None:
        lines.append(
            t.gettext("Next meeting ({date}): {yes} will attend, {no} cannot.").format(
                date=format_date(cell.next_meeting.starts_at.astimezone(tz)),
                yes=cell.next_meeting.attending,
                no=cell.next_meeting.not_attending,
            )
        )
    return lines


def _reported_line(
    t: Translator, figures: Figures, week: Week, past_week: bool, final: bool = False
) -> str:
    if final:  # a closed month: no "this week" in it
        return t.gettext(
            "Reported: {reported}/{expected} members ({rate}); {deeds} good deeds."
        ).format(
            reported=figures.reporters,
            expected=figures.members.expected,
            rate=percent(t, figures.reporters, figures.members.expected),
            deeds=figures.deeds,
        )
    text = (
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
    return text.format(
        reported=figures.reporters,
        expected=figures.members.expected,
        rate=percent(t, figures.reporters, figures.members.expected),
        deeds=figures.deeds,
        week_members=week.reporters,
        week=week.deeds,
    )


def final_line(t: Translator, month: date) -> str:
    """Said of a month that is over: its figures no longer change."""
    return t.gettext("Month {month} is closed: these are its final figures.").format(
        month=format_month(month)
    )


def cell_text(
    t: Translator,
    tz: ZoneInfo,
    cell: CellSummary,
    month: date,
    past_week: bool = False,
    final: bool = False,
) -> str:
    """One cell's summary, with the names of who has not reported (the week being this one,
    or with `past_week` the one just ended, as in the digest; none for a `final` month)."""
    lines = [
        t.gettext("{cell}, month {month}:").format(cell=cell.name, month=format_month(month)),
        *([final_line(t, month)] if final else []),
        _reported_line(t, cell.figures, cell.week, past_week, final),
        members_line(t, cell.figures),
        *households_lines(t, cell.figures),
        *_meeting_lines(t, tz, cell),
    ]
    if cell.missing_names:
        names = ", ".join(cell.missing_names)
        lines.append(
            t.gettext("Did not report: {names}.").format(names=names)
            if final
            else t.gettext("Not reported yet: {names}.").format(names=names)
        )
    return "\n".join(lines)


def child_line(t: Translator, node: Node[Figures]) -> str:
    """One line of a roll-up: reported, attendance at the last meeting, quiet households."""
    figures = node.figures
    name = (
        node.org.name
        if node.org.is_cell
        else t.ngettext("{name} ({cells} cell)", "{name} ({cells} cells)", figures.cells).format(
            name=node.org.name, cells=figures.cells
        )
    )
    parts = [
        f"{figures.reporters}/{figures.members.expected} "
        f"({percent(t, figures.reporters, figures.members.expected)})"
    ]
    if figures.attendance_rows:
        parts.append(
            t.gettext("attendance {rate}").format(
                rate=percent(t, figures.present, figures.attendance_rows)
            )
        )
    if figures.quiet:
        parts.append(
            t.gettext("{quiet} households not helped for 3 months").format(quiet=figures.quiet)
        )
    return f"• {name}: {', '.join(parts)}"


def scope_text(
    t: Translator,
    summary: ScopeSummary,
    node: Node[Figures] | None = None,
    past_week: bool = False,
    final: bool = False,
) -> str:
    """Totals of an organisation (the scope's root by default) then what is under it, lagging
    first: communes under a district, cells under a commune (`final`: of a closed month)."""
    node = node or summary.tree
    week = summary.week_of(node)
    figures = node.figures
    heading = (
        t.gettext("{org}: summary of {cells} cells, month {month}:").format(
            org=node.org.name, cells=figures.cells, month=format_month(summary.month)
        )
        if node.org.id
        else t.gettext("Summary of {cells} cells, month {month}:").format(
            cells=figures.cells, month=format_month(summary.month)
        )
    )
    lines = [
        heading,
        *([final_line(t, summary.month)] if final else []),
        _reported_line(t, figures, week, past_week, final),
        members_line(t, figures),
        *households_lines(t, figures),
        *speaking_lines(t, summary.speaking_of(node)),
        *snapshot_lines(t, summary.snapshot_age),
        t.gettext("Cells, lagging most first:")
        if all(child.org.is_cell for child in node.children)
        else t.gettext("Lagging most first:"),
        *(child_line(t, child) for child in node.children),
    ]
    return "\n".join(lines)
