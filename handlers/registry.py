"""The one place every command and flow is registered. Order matters: it is the order of
/trogiup and of the menu, and earlier commands win when free text could mean several."""

from __future__ import annotations

from bot.core.i18n import N_
from handlers import (
    account,
    answers,
    attendance,
    broadcast,
    channels,
    courtesy,
    deed,
    deed_common,
    households,
    invites,
    me,
    meeting_admin,
    meetings,
    more_evidence,
    on_behalf,
    oversight,
    pledge,
    reassign,
    roster_upload,
    summary,
    voices,
)
from handlers.base import Command, Flow, Registry


def build_registry() -> Registry:
    """All of chibo's commands and flows."""
    registry = Registry()
    registry.add(
        Command(
            ("viectot", "deed", "baocao", "report"),
            deed.start,
            N_("Report a good deed"),
            phrases=(
                "báo cáo",
                "báo cáo việc tốt",
                "việc tốt",
                "làm việc tốt",
                "báo cáo việc tốt tháng này",
                "báo cáo tháng này",
                "nộp báo cáo",
                "gửi báo cáo",
                "viết báo cáo",
                "báo cáo việc",
                "kể việc tốt",
                "báo việc tốt",
            ),
            starts_flow=True,
            in_menu=True,
            flow=deed_common.FLOW,
            takes_text=True,
        )
    )
    registry.add(
        Command(
            ("dangky", "pledge"),
            pledge.start,
            N_("Pledge this month's good deed"),
            phrases=(
                "đăng ký",
                "đăng ký việc tốt",
                "đăng ký việc",
                "đăng ký tháng này",
                "đăng ký việc tốt tháng này",
                "kế hoạch",
                "kế hoạch tháng",
            ),
            starts_flow=True,
            in_menu=True,
            flow=pledge.FLOW,
            takes_text=True,
        )
    )
    registry.add(
        Command(
            ("themanh", "morephotos"),
            more_evidence.start,
            "",
            phrases=(
                "gửi thêm ảnh",
                "gửi thêm ảnh cho báo cáo vừa rồi",
                "thêm ảnh",
                "bổ sung ảnh",
                "gửi ảnh",
                "gửi thêm ảnh báo cáo",
                "thêm ảnh cho báo cáo",
            ),
            starts_flow=True,
        )
    )
    registry.add(
        Command(
            ("dangkythangsau", "nextmonth"),
            pledge.start_next_month,
            "",
            phrases=(
                "đăng ký tháng sau",
                "đăng ký việc tháng sau",
                "đề xuất việc tháng sau",
                "đề xuất tháng sau",
                "việc tháng sau",
                "kế hoạch tháng sau",
            ),
            starts_flow=True,
            flow=pledge.FLOW,
            takes_text=True,
        )
    )
    registry.add(
        Command(
            ("lich", "meetings", "lichhop"),
            meetings.show,
            N_("Meeting calendar: attend or not, content"),
            phrases=(
                "lịch họp",
                "lịch",
                "họp",
                "họp chi bộ",
                "lịch sinh hoạt",
                "sinh hoạt chi bộ",
                "lịch họp chi bộ",
                "khi nào họp",
                "bao giờ họp",
                "ngày họp",
                "họp ngày nào",
                "họp khi nào",
            ),
            starts_flow=True,
            in_menu=True,
        )
    )
    registry.add(
        Command(
            ("ykien", "opinion"),
            meetings.opinion_start,
            N_("Send an opinion on the next meeting's content"),
            phrases=("ý kiến", "góp ý", "đóng góp ý kiến", "gửi ý kiến", "góp ý kiến"),
            starts_flow=True,
            flow=meetings.OPINION_FLOW,
            takes_text=True,
        )
    )
    registry.add(
        Command(
            ("baocaothay", "onbehalf"),
            on_behalf.start,
            N_("Report a good deed for a member who cannot (secretaries)"),
            phrases=(
                "báo cáo thay",
                "báo cáo thay đồng chí",
                "nhập thay",
                "nhập báo cáo thay",
                "báo cáo thay đảng viên",
                "báo cáo cho đảng viên",
            ),
            starts_flow=True,
            leaders_only=True,
            flow=deed_common.FLOW,
            takes_text=True,
        )
    )
    registry.add(
        Command(
            ("ho", "households"),
            households.show,
            N_("My households"),
            phrases=(
                "hộ của tôi",
                "hộ phụ trách",
                "các hộ",
                "hộ gia đình",
                "hộ tôi phụ trách",
                "các hộ của tôi",
                "hộ được giao",
            ),
            in_menu=True,
        )
    )
    registry.add(
        Command(
            ("toi", "me"),
            me.show,
            N_("My month so far"),
            phrases=("của tôi", "tháng này", "tháng này của tôi", "kết quả của tôi", "tôi"),
            in_menu=True,
        )
    )
    registry.add(
        Command(
            ("tonghop", "summary"),
            summary.show,
            N_("Summary of this week and month (secretaries, committees)"),
            phrases=("tổng hợp", "báo cáo tổng hợp", "xem tổng hợp"),
            starts_flow=True,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("chuabaocao", "missing"),
            oversight.missing,
            N_("Who has not reported this month (secretaries, committees)"),
            phrases=("chưa báo cáo", "ai chưa báo cáo", "những ai chưa báo cáo"),
            starts_flow=True,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("thongbao", "broadcast"),
            broadcast.start,
            N_("Send a notice to members (secretaries, committees)"),
            phrases=("thông báo", "gửi thông báo", "viết thông báo"),
            starts_flow=True,
            flow=broadcast.FLOW,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("dagui", "sent"),
            broadcast.report,
            N_("Who has received my notices"),
            phrases=("da gui",),
            starts_flow=True,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("phancong", "reassign"),
            reassign.start,
            N_("Give a household to another member (secretaries)"),
            phrases=("phân công", "phân công lại", "giao hộ"),
            starts_flow=True,
            flow=reassign.FLOW,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("danhsach", "import", "nhapdanhsach"),
            roster_upload.start,
            N_("Import the cell's members and households from Excel (secretaries)"),
            phrases=("danh sách", "nhập danh sách", "nhập file"),
            starts_flow=True,
            flow=roster_upload.FLOW,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("mamoi", "invites"),
            invites.show,
            N_("Who has linked a chat; invite codes (secretaries)"),
            phrases=("ma moi", "lien ket", "ai chua lien ket", "ma lien ket"),
            starts_flow=True,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("kenh", "channel", "messenger"),
            channels.show,
            N_("Where you receive notices: Telegram or Zalo"),
            phrases=("kenh", "kenh nhan tin", "nhan tin qua", "zalo", "telegram"),
            starts_flow=True,
        )
    )
    registry.add(
        Command(
            ("ngonngu", "language", "lang"),
            account.language,
            N_("Change language (Tiếng Việt / English)"),
            phrases=("ngon ngu",),
            starts_flow=True,
        )
    )
    registry.add(
        Command(
            ("trogiup", "help", "huongdan"),
            account.help_,
            N_("Help: what I can do"),
            phrases=(
                "trợ giúp",
                "hướng dẫn",
                "giúp tôi",
                "giúp tôi với",
                "làm sao",
                "làm thế nào",
            ),
            for_strangers=True,
            in_menu=True,
        )
    )
    registry.add(
        Command(
            ("huy", "cancel"),
            account.cancel,
            N_("Cancel what you are doing"),
            phrases=("hủy", "thôi", "thoát", "dừng lại", "hủy bỏ", "bỏ qua", "không làm nữa"),
            never_text=True,
        )
    )
    registry.add(Command(("start", "batdau"), account.start, "", for_strangers=True))
    registry.add(
        Command(
            ("menu",),
            account.menu,
            "",
            phrases=("chào", "xin chào", "hi", "hello", "alo", "chào bạn", "chào bot"),
            starts_flow=True,
        )
    )
    registry.add(Command(("camon", "thanks"), courtesy.thanks, "", phrases=courtesy.THANKS))
    for answer in answers.ANSWERS:
        registry.add_answer(answer)
    registry.typed_answer = answers.typed

    registry.add_flow(
        Flow(
            deed_common.FLOW,
            deed.TITLE,
            {**deed.STEPS, **on_behalf.STEPS},
            draft=deed_common.ReportDraft,
        )
    )
    registry.add_flow(
        Flow(
            more_evidence.FLOW,
            more_evidence.TITLE,
            more_evidence.STEPS,
            light=True,
            draft=more_evidence.EvidenceDraft,
        )
    )
    registry.add_flow(
        Flow(
            pledge.FLOW,
            pledge.TITLE,
            pledge.STEPS,
            draft=pledge.PledgeDraft,
            text_steps=frozenset({"text"}),
        )
    )
    registry.add_flow(
        Flow(reassign.FLOW, reassign.TITLE, reassign.STEPS, draft=reassign.ReassignDraft)
    )
    registry.add_flow(
        Flow(
            roster_upload.FLOW,
            roster_upload.TITLE,
            roster_upload.STEPS,
            draft=roster_upload.RosterDraft,
        )
    )
    registry.add_flow(
        Flow(invites.FLOW, invites.TITLE, invites.STEPS, light=True, draft=invites.InviteDraft)
    )
    registry.add_flow(Flow(summary.FLOW, summary.TITLE, summary.STEPS, light=True))
    registry.add_flow(Flow(voices.FLOW, voices.TITLE, voices.STEPS, light=True))
    registry.add_flow(Flow(oversight.FLOW, oversight.TITLE, oversight.STEPS, light=True))
    registry.add_flow(Flow(meetings.FLOW, meetings.TITLE, meetings.STEPS, light=True))
    registry.add_flow(
        Flow(
            meetings.RSVP_FLOW,
            meetings.RSVP_TITLE,
            meetings.RSVP_STEPS,
            draft=meetings.MeetingDraft,
        )
    )
    registry.add_flow(
        Flow(
            meetings.OPINION_FLOW,
            meetings.OPINION_TITLE,
            meetings.OPINION_STEPS,
            draft=meetings.MeetingDraft,
        )
    )
    registry.add_flow(
        Flow(
            meeting_admin.FLOW,
            meeting_admin.TITLE,
            meeting_admin.STEPS,
            draft=meeting_admin.CalendarDraft,
        )
    )
    registry.add_flow(
        Flow(
            attendance.FLOW,
            attendance.TITLE,
            attendance.STEPS,
            draft=attendance.AttendanceDraft,
        )
    )
    registry.add_flow(
        Flow(broadcast.FLOW, broadcast.TITLE, broadcast.STEPS, draft=broadcast.NoticeDraft)
    )
    registry.add_flow(Flow("delivery", broadcast.REPORT_TITLE, broadcast.REPORT_STEPS, light=True))
    registry.add_flow(Flow(channels.FLOW, channels.TITLE, channels.STEPS, light=True))
    registry.add_flow(Flow("menu", account.MENU_TITLE, account.MENU_STEPS, light=True))
    registry.add_flow(Flow("language", account.LANGUAGE_TITLE, account.LANGUAGE_STEPS, light=True))
    return registry
