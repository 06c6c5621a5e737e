"""The flows (multi-step conversations) of handlers/registry.py, registered in one place.
Kept apart from the commands so each list stays readable."""

from __future__ import annotations

from handlers import (
    account,
    attendance,
    broadcast,
    channels,
    committee,
    committee_common,
    deed,
    deed_common,
    invites,
    meeting_admin,
    meetings,
    minutes,
    more_evidence,
    on_behalf,
    oversight,
    pledge,
    progress,
    reassign,
    roster_upload,
    summary,
    voices,
)
from handlers.base import Flow, Registry


def add_flows(registry: Registry) -> None:
    """The multi-step conversations the commands of handlers/registry.py start, each with its
    typed draft."""
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
