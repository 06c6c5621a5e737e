"""The dashboard's HTML: server-rendered, one small stylesheet inline, no script (but the
Mini App's sign-in page), charts as inline SVG; Vietnamese first with an English switch,
dates dd/mm/yyyy. Every text from the database is escaped."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.core.clock import format_date, format_month
from bot.core.i18n import N_, Translator
from bot.reports.aggregates import CellSummary, Figures, Node
from bot.reports.summary_text import CELL_TYPE_LABELS, PROGRESS_LABELS, percent
from bot.web.dashboard.svg import MAX_LINES, line_chart
from bot.web.dashboard.views import MemberPage, OrgPage
from models import AttendanceStatus, CellType

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#b71c1c;color:#fff;padding:.5em .8em;display:flex;gap:.6em;flex-wrap:wrap;
align-items:center}header a{color:#fff}header nav{flex:1}
main{padding:.6em .8em;max-width:960px;margin:auto}h1{font-size:1.3em;margin:.3em 0}
h2{font-size:1.05em;margin:1.2em 0 .4em}section{background:#fff;border:1px solid #e0e0e0;
border-radius:6px;padding:.5em .7em;margin:.6em 0}
.kpi{display:flex;flex-wrap:wrap;gap:.5em}.kpi div{flex:1 1 140px;background:#fff3e0;
border-radius:6px;padding:.4em .6em}.kpi b{display:block;font-size:1.4em}
table{border-collapse:collapse;width:100%;font-size:.93em}th,td{text-align:left;
padding:.3em .4em;border-bottom:1px solid #eee;vertical-align:top}td.n,th.n{text-align:right}
.low{color:#b71c1c;font-weight:600}.chart{width:100%;height:auto}.legend{list-style:none;
padding:0;display:flex;flex-wrap:wrap;gap:.3em 1em;font-size:.85em}.swatch{display:inline-block;
width:.8em;height:.8em;margin-right:.3em;border-radius:2px}.scroll{overflow-x:auto}
.muted{color:#666;font-size:.9em}.rows{padding-left:1.4em}.rows li{margin:.35em 0}
"""
LOW = 0.5  # a reporting rate under this is shown in red
# Words used inside f-strings below, marked here for extraction (pybabel does not look
# into f-strings); translated where shown.
IN_F_STRINGS = (
    N_("Attendance"),
    N_("Cell type"),
    N_("Cells"),
    N_("Dashboard"),
    N_("Deeds this month"),
    N_("Downloads"),
    N_("Good deeds per month"),
    N_("Households helped"),
    N_("Households in charge"),
    N_("Meetings"),
    N_("Members"),
    N_("Name"),
    N_("Next meetings"),
    N_("No attendance recorded yet."),
    N_("No meeting planned."),
    N_("Not reported yet:"),
    N_("Spoke"),
)


def document(t: Translator, title: str, body: str, crumbs: Iterable[tuple[str, str]] = ()) -> str:
    """A whole page: the header with the way back and the language switch, then `body`."""
    _ = t.gettext
    trail = " › ".join(
        f'<a href="{escape(href)}">{escape(name)}</a>' if href else escape(name)
        for name, href in crumbs
    )
    other, other_name = ("en", "English") if t.language == "vi" else ("vi", "Tiếng Việt")
    return (
        f'<!doctype html><html lang="{t.language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><nav>{trail or escape(_('Dashboard'))}</nav>"
        f'<a href="?lang={other}" hreflang="{other}">{other_name}</a>'
        f'<a href="/web/logout">{escape(_("Sign out"))}</a></header>'
        f"<main>{body}</main></body></html>"
    )


def message_page(t: Translator, title: str, text: str) -> str:
    """A page that only says something (signed out, link expired, nothing to show)."""
    return document(t, title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>")


def _rate(t: Translator, part: int, whole: int) -> str:
    text = escape(percent(t, part, whole))
    return f'<span class="low">{text}</span>' if whole and part / whole < LOW else text


def crumbs_of(
    page_scope_orgs: dict[int, tuple[str, int | None]], org_id: int | None
) -> list[tuple[str, str]]:
    """The way from the scope's top to `org_id`: (name, link) pairs."""
    trail: list[tuple[str, str]] = []
    while org_id is not None and org_id in page_scope_orgs:
        name, parent = page_scope_orgs[org_id]
        trail.append((name, f"/web/org/{org_id}"))
        org_id = parent
    return list(reversed(trail))


def _kpis(t: Translator, figures: Figures) -> str:
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


def _children_table(t: Translator, node: Node[Figures], page: OrgPage) -> str:
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


def _by_type(t: Translator, cells: list[CellSummary]) -> str:
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


def _progress(t: Translator, figures: Figures) -> str:
    _ = t.gettext
    progress = figures.progress
    items = "".join(
        f"<li>{escape(_(label))}: <b>{progress.fraction(flag)}</b></li>"
        for flag, label in PROGRESS_LABELS.items()
    )
    title = _("Household progress")
    return f"<section><h2>{escape(title)}</h2><ul>{items}</ul></section>"


def _meetings(t: Translator, cells: list[CellSummary], tz: ZoneInfo) -> str:
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


def _members(t: Translator, page: OrgPage) -> str:
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


def _quiet(t: Translator, page: OrgPage, tz: ZoneInfo) -> str:
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


def org_html(
    t: Translator, page: OrgPage, crumbs: list[tuple[str, str]], tz: ZoneInfo, now: datetime
) -> str:
    """An organisation's (or the whole scope's) page."""
    _ = t.gettext
    node = page.node
    name = node.org.name or _("Everything you oversee")
    month = page.summary.month
    labels = tuple(m.strftime("%m/%y") for m in page.months)
    chart_title = _("Reporting rate, last 12 months")
    note = ""
    if len(page.lines) > MAX_LINES:
        note = (
            "<p class=muted>"
            + escape(
                _("The {shown} most lagging of {count} are drawn.").format(
                    shown=MAX_LINES, count=len(page.lines)
                )
            )
            + "</p>"
        )
    body = (
        f"<h1>{escape(name)}</h1><p class=muted>"
        + escape(_("Month {month}").format(month=format_month(month)))
        + "</p>"
        + _kpis(t, node.figures)
        + f"<section><h2>{escape(chart_title)}</h2>"
        + line_chart(page.lines, labels, chart_title)
        + note
        + "</section>"
        + _children_table(t, node, page)
        + _members(t, page)
        + _quiet(t, page, tz)
        + _by_type(t, page.cells)
        + _progress(t, node.figures)
        + _meetings(t, page.cells, tz)
        + (downloads(t, page, now, tz) if node.org.id else "")
    )
    return document(t, name, body, crumbs)


def member_html(
    t: Translator, page: MemberPage, crumbs: list[tuple[str, str]], tz: ZoneInfo
) -> str:
    """A member's year: deeds per month, meetings attended, households helped."""
    _ = t.gettext
    member = page.member
    per_month = {m: 0 for m in page.months}
    for deed in member.deeds:
        if deed.month in per_month:
            per_month[deed.month] += 1
    top = max(per_month.values(), default=0) or 1
    bars = "".join(
        f"<tr><td>{format_month(m)}</td><td class=n>{count}</td><td>"
        f'<svg viewBox="0 0 100 8" width="120" height="10"><rect width="{100 * count / top:.0f}"'
        f' height="8" fill="#c62828"/></svg></td></tr>'
        for m, count in per_month.items()
    )
    present = sum(
        1
        for mark in member.attendance
        if mark is not None and mark.status is AttendanceStatus.PRESENT
    )
    spoke = sum(1 for mark in member.attendance if mark is not None and mark.spoke)
    helped = sorted({deed.household_code for deed in member.deeds if deed.household_code})
    year = page.months[0].year if page.months else ""
    body = (
        f"<h1>{escape(member.name)}</h1><p class=muted>"
        + escape(_("Year {year}").format(year=year))
        + "</p>"
        f"<section><h2>{escape(_('Good deeds per month'))}</h2><table>{bars}</table></section>"
        f"<section><h2>{escape(_('Meetings'))}</h2><p>"
        + escape(
            _("Present at {present} of {held} meetings held; spoke at {spoke}.").format(
                present=present, held=page.meetings, spoke=spoke
            )
        )
        + "</p></section>"
        f"<section><h2>{escape(_('Households helped'))}</h2><p>"
        + escape(", ".join(helped) if helped else _("None this year."))
        + "</p><p class=muted>"
        + escape(_("In charge now: {codes}").format(codes=", ".join(member.households) or "—"))
        + "</p></section>"
    )
    return document(t, member.name, body, crumbs)
