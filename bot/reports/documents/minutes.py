"""The draft minutes of a cell meeting (biên bản sinh hoạt chi bộ), in the order of Hướng dẫn
12-HD/BTCTW (2018): opening (time, place, chair and secretary, who is present and absent and
why, the agenda), the month's results, opinions, next month's tasks, the chair's conclusion
(left to write), closing. Filled from what chibo holds; everything else is dots to fill."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from docx.document import Document
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports.aggregates import Figures
from bot.reports.documents import layout as page
from bot.reports.documents.layout import BLANK, Signer
from bot.reports.documents.sources import Issuer, absence_reasons, issuer_of, pledged_months
from bot.reports.export_data import period_report
from bot.reports.export_detail import DeedLine
from bot.reports.scope import load_scope
from bot.services.meetings.rules import add_months
from bot.services.pledges import Proposal, cell_pledges
from models import (
    AgendaOpinion,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    Member,
    MemberStatus,
    Organisation,
)

KIND_VI = {
    MeetingKind.MONTHLY: "thường kỳ",
    MeetingKind.THEMATIC: "chuyên đề",
    MeetingKind.EXTRA: "bất thường",
}


@dataclass(frozen=True)
class Minutes:
    """What the minutes of one meeting are filled from."""

    issuer: Issuer
    starts_at: datetime
    kind: MeetingKind
    place: str | None
    agenda: str | None
    month: date  # the month whose results the meeting reviews
    exempt: tuple[str, ...]
    working_away: tuple[str, ...]
    on_roll: int
    present: tuple[str, ...]
    excused: tuple[tuple[str, str | None], ...]  # name, reason given
    unexcused: tuple[str, ...]
    unrecorded: tuple[str, ...]  # active members with no attendance record
    speakers: tuple[str, ...]
    opinions: tuple[tuple[str, str], ...]  # name, opinion sent before the meeting
    figures: Figures  # the month's
    deeds: tuple[tuple[str, DeedLine], ...]  # member, deed
    pledged: int  # members who pledged a deed for the month
    kept: int  # of them, who reported one
    proposals: tuple[Proposal, ...]  # next month's


async def load_minutes(
    session: AsyncSession, meeting: Meeting, tz: ZoneInfo, now: datetime
) -> Minutes:
    """The minutes' contents for `meeting` (access checked by the caller)."""
    cell = await session.get(Organisation, meeting.cell_id)
    assert cell is not None
    month = meeting.starts_at.astimezone(tz).date().replace(day=1)
    report = await period_report(session, cell, month, month, "", tz, now)
    members = list(
        await session.execute(
            select(Member.id, Member.full_name, Member.status)
            .where(Member.cell_id == cell.id, Member.status != MemberStatus.TRANSFERRED_OUT)
            .order_by(Member.full_name, Member.id)
        )
    )
    names = {member_id: name for member_id, name, _ in members}
    marks = {
        member_id: (status, spoke)
        for member_id, status, spoke in await session.execute(
            select(Attendance.member_id, Attendance.status, Attendance.spoke).where(
                Attendance.meeting_id == meeting.id
            )
        )
    }
    reasons = await absence_reasons(session, [meeting.id])

    def having(status: AttendanceStatus) -> list[int]:
        return [m for m, _, _ in members if m in marks and marks[m][0] is status]

    opinions = await session.execute(
        select(Member.full_name, AgendaOpinion.text)
        .join(Member, Member.id == AgendaOpinion.member_id)
        .where(AgendaOpinion.meeting_id == meeting.id)
        .order_by(AgendaOpinion.created_at, AgendaOpinion.id)
    )
    pledges = await pledged_months(session, await load_scope(session, [cell]), month, month)
    detail = report.cells[0] if report.cells else None
    deeds = tuple(
        (line.name, deed) for line in (detail.members if detail else ()) for deed in line.deeds
    )
    reporters = {line.id for line in (detail.members if detail else ()) if line.deeds}
    return Minutes(
        issuer=await issuer_of(session, cell),
        starts_at=meeting.starts_at,
        kind=meeting.kind,
        place=getattr(meeting, "place", None),  # a column another change adds
        agenda=meeting.agenda,
        month=month,
        exempt=tuple(n for _, n, s in members if s is MemberStatus.EXEMPT),
        working_away=tuple(n for _, n, s in members if s is MemberStatus.WORKING_AWAY),
        on_roll=len(members),
        present=tuple(names[m] for m in having(AttendanceStatus.PRESENT)),
        excused=tuple(
            (names[m], reasons.get((meeting.id, m))) for m in having(AttendanceStatus.EXCUSED)
        ),
        unexcused=tuple(names[m] for m in having(AttendanceStatus.UNEXCUSED)),
        unrecorded=tuple(n for m, n, s in members if s is MemberStatus.ACTIVE and m not in marks),
        speakers=tuple(names[m] for m, _, _ in members if m in marks and marks[m][1]),
        opinions=tuple((name, text) for name, text in opinions),
        figures=report.tree.figures,
        deeds=deeds,
        pledged=len(pledges),
        kept=len([m for m in pledges if m in reporters]),
        proposals=tuple(await cell_pledges(session, cell.id, add_months(month, 1))),
    )


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(f"đ/c {name}" for name in names)


def render_minutes(minutes: Minutes, tz: ZoneInfo) -> bytes:
    """The minutes as .docx bytes (pure: runs in a worker thread)."""
    doc = page.document()
    local = minutes.starts_at.astimezone(tz)
    page.heading(doc, minutes.issuer.heading("BB", local.date()))
    page.title(
        doc,
        "Biên bản",
        f"Sinh hoạt chi bộ {KIND_VI[minutes.kind]} {page.month_words(minutes.month)}",
    )
    page.line(doc, "I. PHẦN MỞ ĐẦU", bold=True)
    page.labelled(
        doc,
        "Thời gian: ",
        f"bắt đầu lúc {local.hour} giờ {local.minute:02d} phút, ngày {local.day:02d} tháng "
        f"{local.month:02d} năm {local.year}.",
    )
    page.labelled(doc, "Địa điểm: ", minutes.place or BLANK)
    page.labelled(doc, "Chủ trì: ", f"đồng chí {BLANK}, chức vụ {BLANK}.")
    page.labelled(doc, "Thư ký: ", f"đồng chí {BLANK}.")
    page.labelled(doc, "Đại biểu cấp trên dự: ", BLANK)
    _attendance(doc, minutes)
    page.labelled(doc, "Nội dung sinh hoạt: ", minutes.agenda or BLANK)
    page.line(doc, "II. NỘI DUNG SINH HOẠT", bold=True)
    _results(doc, minutes)
    page.line(doc, "2. Ý kiến đảng viên gửi trước cuộc họp", bold=True)
    if minutes.opinions:
        for name, text in minutes.opinions:
            page.line(doc, f"- Đ/c {name}: {text}", indent=True)
    else:
        page.line(doc, "Không có ý kiến gửi trước.", indent=True)
    present = len(minutes.present)
    page.line(doc, "3. Thảo luận tại cuộc họp", bold=True)
    page.line(
        doc,
        f"Số đồng chí phát biểu: {page.ratio(len(minutes.speakers), present)} số có mặt"
        + (f" ({_names(minutes.speakers)})." if minutes.speakers else "."),
        indent=True,
    )
    page.to_fill(doc, "Nội dung các ý kiến phát biểu")
    page.line(doc, f"4. Phương hướng, nhiệm vụ {_next(minutes.month)}", bold=True)
    if minutes.proposals:
        page.line(doc, "Đảng viên đăng ký việc tốt tháng tới:", indent=True)
        for proposal in minutes.proposals:
            page.line(doc, f"- Đ/c {proposal.name}: {proposal.text}", indent=True)
    page.to_fill(doc, "Nhiệm vụ chi bộ đề ra")
    page.line(doc, "III. KẾT LUẬN CỦA ĐỒNG CHÍ CHỦ TRÌ", bold=True)
    page.to_fill(doc, "Chủ trì kết luận")
    page.line(
        doc,
        f"Biểu quyết: {BLANK}/{present} đồng chí có mặt tán thành, {BLANK} không tán thành.",
        indent=True,
    )
    page.line(
        doc,
        f"Buổi sinh hoạt kết thúc lúc {BLANK} giờ {BLANK} phút cùng ngày. Biên bản đã được "
        "thông qua trước chi bộ, các đồng chí dự họp nhất trí.",
        indent=True,
    )
    page.line(doc)
    page.signatures(doc, (), (Signer("", "CHỦ TRÌ", ""), Signer("", "THƯ KÝ", "")))
    return page.to_bytes(doc)


def _next(month: date) -> str:
    return page.month_words(add_months(month, 1))


def _attendance(doc: Document, minutes: Minutes) -> None:
    away = len(minutes.excused) + len(minutes.unexcused)
    roll = f"Tổng số đảng viên của chi bộ: {minutes.on_roll} đồng chí"
    extras = []
    if minutes.exempt:
        extras.append(f"miễn sinh hoạt {len(minutes.exempt)}: {_names(minutes.exempt)}")
    if minutes.working_away:
        extras.append(f"đi làm ăn xa {len(minutes.working_away)}: {_names(minutes.working_away)}")
    page.line(doc, roll + (f" ({'; '.join(extras)})." if extras else "."), indent=True)
    page.line(doc, f"Có mặt: {len(minutes.present)} đồng chí.", indent=True)
    page.line(
        doc,
        f"Vắng mặt: {away} đồng chí; có lý do: {len(minutes.excused)}, "
        f"không có lý do: {len(minutes.unexcused)}.",
        indent=True,
    )
    for name, reason in minutes.excused:
        page.line(
            doc, f"- Vắng có lý do: đ/c {name} ({reason or 'lý do: ' + BLANK}).", indent=True
        )
    for name in minutes.unexcused:
        page.line(doc, f"- Vắng không lý do: đ/c {name}.", indent=True)
    if minutes.unrecorded:
        page.line(
            doc,
            f"Chưa ghi điểm danh: {_names(minutes.unrecorded)} — bí thư bổ sung.",
            italic=True,
            indent=True,
        )


def _results(doc: Document, minutes: Minutes) -> None:
    figures = minutes.figures
    page.line(doc, f"1. Kết quả thực hiện nhiệm vụ {page.month_words(minutes.month)}", bold=True)
    page.line(
        doc,
        'Thực hiện "Mỗi tháng một việc tốt": đảng viên có báo cáo '
        f"{page.ratio(figures.reporters, figures.members.expected)}; {figures.deeds} việc tốt; "
        f"hộ được giúp {page.ratio(figures.helped, figures.households)} hộ được phân công"
        + (
            f"; đăng ký việc tốt và đã thực hiện {page.ratio(minutes.kept, minutes.pledged)}."
            if minutes.pledged
            else "; chưa có đảng viên đăng ký việc tốt cho tháng này."
        ),
        indent=True,
    )
    if minutes.deeds:
        page.grid(
            doc,
            ["STT", "Đảng viên", "Việc tốt", "Hộ"],
            [
                (n, name, deed.text or "(ghi âm)", deed.household_code or "cộng đồng")
                for n, (name, deed) in enumerate(minutes.deeds, start=1)
            ],
            (12, 45, 85, 23),
        )
    page.to_fill(doc, "Ưu điểm, hạn chế trong tháng")
