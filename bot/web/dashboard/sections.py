"""The sections of an organisation's dashboard page: the key figures, the communes or cells
under it (lagging first), its members and the households nobody helped (a cell's page), the
last meeting's attendance by cell type, household progress, the next meetings and the
downloads. Every text from the database is escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.core.clock import format_date, format_month
from bot.core.i18n import Translator
from bot.reports.aggregates import CellSummary, Figures, Node
from bot.reports.summary_text import CELL_TYPE_LABELS, PROGRESS_LABELS, percent
from bot.web.dashboard.views import OrgPage
from models import CellType

LOW = 0.5  # a reporting rate under this is shown in red


def _rate(t: Translator, part: int, whole: int) -> str:
    text = escape(percent(t, part, whole))
    return f'<span class="low">{text}</span>' if whole and part / whole < LOW else text


def kpis(t: Translator, figures: Figures) -> str:
    _ = t.gettext
    expected = figures.members.expected
    items = [
        (
            _("Reported this month"),
            _rate(t, figures.reporters, expected),
            _("{done} of {owed} members").format(done=figures.reporters, owed=expected),
        ),
        (_("Good deeds"), str(figures.deeds), ""),
        (
            _("Households helped"),
            f"{figures.helped}/{figures.households}",
            _("in the members' charge"),
        ),
        (_("Not helped for 3 months"), str(figures.quiet), _("households")),
    ]
    return (
        '<div class="kpi">'
        + "".join(
            f"<div>{escape(label)}<b>{value}</b><span class=muted>{escape(note)}</span></div>"
            for label, value, note in items
        )
        + "</div>"
    )


def children_table(t: Translator, node: Node[Figures], page: OrgPage) -> str:
    """The communes or cells under `node`, lagging first, one per line (a phone's width)."""
    _ = t.gettext
    if node.org.is_cell or not node.children:
        return ""
    nexts = {c.cell.id: c for c in page.summary.cells}
    rows = []
    for child in node.children:  # lagging first
        f = child.figures
        facts = _(
            "{done}/{owed} reported · {deeds} deeds · {helped}/{households} households "
            "helped · {quiet} not helped for 3 months"
        ).format(
            done=f.reporters,
            owed=f.members.expected,
            deeds=f.deeds,
            helped=f.helped,
            households=f.households,
            quiet=f.quiet,
        )
        if child.org.is_cell and (cell := nexts.get(child.org.id)) and cell.next_meeting:
            facts += " · " + _("next meeting {date}").format(
                date=format_date(cell.next_meeting.starts_at)
            )
        rows.append(
            f'<li><a href="/web/org/{child.org.id}">{escape(child.org.name)}</a> '
            f"<b>{_rate(t, f.reporters, f.members.expected)}</b><br>"
            f"<span class=muted>{escape(facts)}</span></li>"
        )
    heading = _("Cells and communes, lagging first")
    return f"<section><h2>{escape(heading)}</h2><ol class=rows>{''.join(rows)}</ol></section>"


def by_type(t: Translator, cells: list[CellSummary]) -> str:
    _ = t.gettext
    totals: dict[CellType | None, tuple[int, int, int, int]] = {}
    for cell in cells:
        f = cell.figures
        if not f.attendance_rows:
            continue
        count, rows, present, spoke = totals.get(cell.cell.cell_type, (0, 0, 0, 0))
        totals[cell.cell.cell_type] = (
            count + 1,
            rows + f.attendance_rows,
            present + f.present,
            spoke + f.spoke,
        )
    if not totals:
        body = f"<p class=muted>{escape(_('No attendance recorded yet.'))}</p>"
    else:
        rows_html = "".join(
            f"<tr><td>{escape(_(CELL_TYPE_LABELS[kind]))}</td><td class=n>{count}</td>"
            f"<td class=n>{_rate(t, present, rows)}</td>"
            f"<td class=n>{_rate(t, spoke, present)}</td>"
            "</tr>"
            for kind, (count, rows, present, spoke) in sorted(
                totals.items(), key=lambda item: -item[1][1]
            )
        )
        body = (
            f"<table><tr><th>{escape(_('Cell type'))}</th><th class=n>{escape(_('Cells'))}</th>"
            f"<th class=n>{escape(_('Attendance'))}</th><th class=n>{escape(_('Spoke'))}</th>"
            f"</tr>{rows_html}</table>"
        )
    title = _("Attendance and speaking at the last meeting, by cell type")
    return f"<section><h2>{escape(title)}</h2>{body}</section>"


def progress(t: Translator, figures: Figures) -> str:
    _ = t.gettext
    progress = figures.progress
    items = "".join(
        f"<li>{escape(_(label))}: <b>{progress.fraction(flag)}</b></li>"
        for flag, label in PROGRESS_LABELS.items()
    )
    title = _("Household progress")
    return f"<section><h2>{escape(title)}</h2><ul>{items}</ul></section>"


def meetings(t: Translator, cells: list[CellSummary], tz: ZoneInfo) -> str:
    _ = t.gettext
    coming = sorted(
        (c for c in cells if c.next_meeting is not None),
        key=lambda c: c.next_meeting.starts_at.timestamp() if c.next_meeting else 0.0,
    )[:20]
    if not coming:
        body = f"<p class=muted>{escape(_('No meeting planned.'))}</p>"
    else:
        body = (
            "<ul>"
            + "".join(
                "<li>"
                + escape(
                    _("{date} {time} — {cell}: {yes} attending, {no} not").format(
                        date=format_date(c.next_meeting.starts_at.astimezone(tz)),
                        time=c.next_meeting.starts_at.astimezone(tz).strftime("%H:%M"),
                        cell=c.name,
                        yes=c.next_meeting.attending,
                        no=c.next_meeting.not_attending,
                    )
                )
                + "</li>"
                for c in coming
                if c.next_meeting is not None
            )
            + "</ul>"
        )
    return f"<section><h2>{escape(_('Next meetings'))}</h2>{body}</section>"


def members(t: Translator, page: OrgPage) -> str:
    _ = t.gettext
    if page.detail is None:
        return ""
    rows = "".join(
        f'<tr><td><a href="/web/member/{m.id}">{escape(m.name)}</a></td>'
        f"<td class=n>{len(m.deeds)}</td><td>{escape(', '.join(m.households))}</td></tr>"
        for m in page.detail.members
    )
    missing = page.summary.cells[0].missing_names if page.summary.cells else ()
    note = (
        f"<p>{escape(_('Not reported yet:'))} {escape(', '.join(missing))}</p>" if missing else ""
    )
    return (
        f"<section><h2>{escape(_('Members'))}</h2>{note}<div class=scroll><table><tr>"
        f"<th>{escape(_('Name'))}</th><th class=n>{escape(_('Deeds this month'))}</th>"
        f"<th>{escape(_('Households in charge'))}</th></tr>{rows}</table></div></section>"
    )


def quiet(t: Translator, page: OrgPage, tz: ZoneInfo) -> str:
    _ = t.gettext
    if page.detail is None:
        return ""
    never = sum(1 for house in page.quiet if house.last_deed is None)
    items = "".join(
        "<li>"
        + escape(
            _("{code} {head} — in charge: {member}; {last}").format(
                code=h.code,
                head=h.head_name,
                member=h.in_charge,
                last=_("last deed {date}").format(date=format_date(h.last_deed.astimezone(tz)))
                if h.last_deed
                else _("never helped"),
            )
        )
        + "</li>"
        for h in page.quiet
    )
    title = _("Households not helped for 3 months: {count} ({never} never helped)").format(
        count=len(page.quiet), never=never
    )
    return f"<section><h2>{escape(title)}</h2><ul>{items}</ul></section>"


def downloads(t: Translator, page: OrgPage, now: datetime, tz: ZoneInfo) -> str:
    """Links to the workbooks and the Word documents for the period on screen: a cell's
    report, its members' year records and the minutes of its meetings held this month; a
    committee's summary."""
    _ = t.gettext
    org_id, month = page.node.org.id, page.summary.month
    quarter = (month.month - 1) // 3 + 1
    links = [
        (
            f"/web/export/{org_id}/{month:%Y-%m}",
            _("Excel report of {month}").format(month=format_month(month)),
        ),
        (
            f"/web/export/{org_id}/{month.year}-Q{quarter}",
            _("Excel report of quarter {q}/{y}").format(q=quarter, y=month.year),
        ),
        (
            f"/web/export/{org_id}/{month.year}",
            _("Excel report of {year}").format(year=month.year),
        ),
    ]
    if page.node.org.is_cell:
        links += [
            (
                f"/web/document/{org_id}/{month:%Y-%m}",
                _("Cell report of {month} (Word)").format(month=format_month(month)),
            ),
            (
                f"/web/yearbook/{org_id}/{month.year}",
                _("Members' year records {year} (Word)").format(year=month.year),
            ),
        ]
        held = page.detail.meetings if page.detail else ()
        links += [
            (
                f"/web/minutes/{meeting.id}",
                _("Draft minutes of the meeting of {date} (Word)").format(
                    date=format_date(meeting.starts_at.astimezone(tz))
                ),
            )
            for meeting in held
            if meeting.starts_at <= now
        ]
    else:
        links.append(
            (
                f"/web/document/{org_id}/{month:%Y-%m}",
                _("Committee summary of {month} (Word)").format(month=format_month(month)),
            )
        )
    items = "".join(f'<li><a href="{escape(h)}">{escape(label)}</a></li>' for h, label in links)
    return f"<section><h2>{escape(_('Downloads'))}</h2><ul>{items}</ul></section>"
