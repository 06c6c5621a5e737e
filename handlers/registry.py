"""The one place every command and flow is registered. Order matters: it is the order of
/trogiup and of the menu, and earlier commands win when free text could mean several."""

from __future__ import annotations

from bot.core.i18n import N_
from handlers import (
    account,
    answers,
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
    meetings,
    more_evidence,
    on_behalf,
    oversight,
    phrases,
    pledge,
    progress,
    reassign,
    roster_upload,
    summary,
)
from handlers.base import Command, Registry
from handlers.registry_flows import add_flows


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
    add_flows(registry)
    return registry
