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
    committee,
    committee_common,
    courtesy,
    dashboard,
    deed,
    deed_common,
    households,
    invites,
    me,
    meeting_admin,
    meetings,
    minutes,
    more_evidence,
    on_behalf,
    oversight,
    phrases,
    pledge,
    progress,
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
            phrases=phrases.VIECTOT,
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
            phrases=phrases.DANGKY,
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
            phrases=phrases.THEMANH,
            starts_flow=True,
        )
    )
    registry.add(
        Command(
            ("dangkythangsau", "nextmonth"),
            pledge.start_next_month,
            "",
            phrases=phrases.DANGKYTHANGSAU,
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
            phrases=phrases.LICH,
            starts_flow=True,
            in_menu=True,
        )
    )
    registry.add(
        Command(
            ("ykien", "opinion"),
            meetings.opinion_start,
            N_("Send an opinion on the next meeting's content"),
            phrases=phrases.YKIEN,
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
            phrases=phrases.BAOCAOTHAY,
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
            phrases=phrases.HO,
            in_menu=True,
        )
    )
    registry.add(
        Command(
            ("toi", "me"),
            me.show,
            N_("My month so far"),
            phrases=phrases.TOI,
            in_menu=True,
        )
    )
    registry.add(
        Command(
            ("tonghop", "summary"),
            summary.show,
            N_("Summary of this week and month (secretaries, committees)"),
            phrases=phrases.TONGHOP,
            starts_flow=True,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("bangtheodoi", "dashboard"),
            dashboard.show,
            N_("Open the web dashboard (secretaries, committees)"),
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("chuabaocao", "missing"),
            oversight.missing,
            N_("Who has not reported this month (secretaries, committees)"),
            phrases=phrases.CHUABAOCAO,
            starts_flow=True,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("thongbao", "broadcast"),
            broadcast.start,
            N_("Send a notice to members (secretaries, committees)"),
            phrases=phrases.THONGBAO,
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
            phrases=phrases.DAGUI,
            starts_flow=True,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("phancong", "reassign"),
            reassign.start,
            N_("Give a household to another member (secretaries)"),
            phrases=phrases.PHANCONG,
            starts_flow=True,
            flow=reassign.FLOW,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("tiendo", "progress"),
            progress.start,
            N_("Record a household's progress: toilet, incinerator, floor (secretaries)"),
            phrases=("tien do", "tien do ho", "ghi tien do"),
            starts_flow=True,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("danhsach", "import", "nhapdanhsach"),
            roster_upload.start,
            N_("Import the cell's members and households from Excel (secretaries)"),
            phrases=phrases.DANHSACH,
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
            phrases=phrases.MAMOI,
            starts_flow=True,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("capuy", "committee"),
            committee.start,
            N_("The Party committee: roles and the cells each member follows (its secretary)"),
            phrases=("cấp ủy", "ban chấp hành", "phân công cấp ủy", "cấp ủy phụ trách"),
            starts_flow=True,
            flow=committee_common.FLOW,
            leaders_only=True,
        )
    )
    registry.add(
        Command(
            ("kenh", "channel", "messenger"),
            channels.show,
            N_("Where you receive notices: Telegram or Zalo"),
            phrases=phrases.KENH,
            starts_flow=True,
        )
    )
    registry.add(
        Command(
            ("ngonngu", "language", "lang"),
            account.language,
            N_("Change language (Tiếng Việt / English)"),
            phrases=phrases.NGONNGU,
            starts_flow=True,
        )
    )
    registry.add(
        Command(
            ("trogiup", "help", "huongdan"),
            account.help_,
            N_("Help: what I can do"),
            phrases=phrases.TROGIUP,
            for_strangers=True,
            in_menu=True,
        )
    )
    registry.add(
        Command(
            ("huy", "cancel"),
            account.cancel,
            N_("Cancel what you are doing"),
            phrases=phrases.HUY,
            never_text=True,
        )
    )
    registry.add(Command(("start", "batdau"), account.start, "", for_strangers=True))
    registry.add(
        Command(
            ("menu",),
            account.menu,
            "",
            phrases=phrases.MENU,
            starts_flow=True,
        )
    )
    registry.add(Command(("camon", "thanks"), courtesy.thanks, "", phrases=courtesy.THANKS))
    for answer in (*answers.ANSWERS, dashboard.ANSWER):
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
        Flow(progress.FLOW, progress.TITLE, progress.STEPS, draft=progress.ProgressDraft)
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
        Flow(
            committee_common.FLOW,
            committee_common.TITLE,
            committee.STEPS,
            draft=committee_common.CommitteeDraft,
        )
    )
    registry.add_flow(
        Flow(invites.FLOW, invites.TITLE, invites.STEPS, light=True, draft=invites.InviteDraft)
    )
    registry.add_flow(
        Flow(
            summary.FLOW,
            summary.TITLE,
            summary.STEPS,
            light=True,
            draft=summary.SummaryDraft,
            reads=summary.reads,
        )
    )
    registry.add_flow(Flow(voices.FLOW, voices.TITLE, voices.STEPS, light=True))
    registry.add_flow(
        Flow(
            oversight.FLOW,
            oversight.TITLE,
            oversight.STEPS,
            light=True,
            draft=oversight.MissingDraft,
        )
    )
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
        Flow(minutes.FLOW, minutes.TITLE, minutes.STEPS, light=True, draft=minutes.MinutesDraft)
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
