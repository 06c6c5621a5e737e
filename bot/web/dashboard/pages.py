"""The dashboard's HTML: server-rendered, one small stylesheet inline, no script (but the
Mini App's sign-in page), charts as inline SVG; Vietnamese first with an English switch,
dates dd/mm/yyyy. Every text from the database is escaped."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.core.clock import format_month
from bot.core.i18n import N_, Translator
from bot.reports.summary_text import snapshot_lines
from bot.web.dashboard import sections
from bot.web.dashboard.svg import MAX_LINES, line_chart
from bot.web.dashboard.views import MemberPage, OrgPage
from models import AttendanceStatus

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
# Words used inside f-strings below and in sections.py, marked here for extraction (pybabel
# does not look into f-strings); translated where shown.
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
        + sections.kpis(t, node.figures)
        + f"<section><h2>{escape(chart_title)}</h2>"
        + line_chart(page.lines, labels, chart_title)
        + note
        + "</section>"
        + sections.children_table(t, node, page)
        + sections.members(t, page)
        + sections.quiet(t, page, tz)
        + sections.by_type(t, page.cells)
        + sections.progress(t, node.figures)
        + sections.meetings(t, page.cells, tz)
        + "".join(
            f"<p class=muted>{escape(line)}</p>"
            for line in snapshot_lines(t, page.summary.snapshot_age)
        )
        + (sections.downloads(t, page, now, tz) if node.org.id else "")
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
