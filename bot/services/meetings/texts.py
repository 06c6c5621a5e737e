"""The words of reminders, in the reader's language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.i18n import N_, Translator, translator
from bot.core.messages import Choice
from models import Meeting, MeetingKind

KIND_LABELS = {
    MeetingKind.MONTHLY: N_("the regular cell meeting"),
    MeetingKind.THEMATIC: N_("the thematic cell meeting"),
    MeetingKind.EXTRA: N_("an extra cell meeting"),
}
RSVP_PREFIX = "rsvp:"


def rsvp_choices(language: str, meeting_id: int) -> tuple[Choice, ...]:
    """The two answers to "will you attend?"."""
    t = translator(language)
    return (
        Choice(f"{RSVP_PREFIX}{meeting_id}:y", t.gettext("I will attend")),
        Choice(f"{RSVP_PREFIX}{meeting_id}:n", t.gettext("I cannot attend")),
    )


def when_text(meeting: Meeting, tz: ZoneInfo) -> str:
    """ "19:30 on 24/11/2026" style, local time."""
    return time_text(meeting.starts_at, tz)


def time_text(at: datetime, tz: ZoneInfo) -> str:
    """ "19:30 24/11/2026": a meeting time as every message shows it."""
    local = at.astimezone(tz)
    return f"{local:%H:%M} {local:%d/%m/%Y}"


def place_line(t: Translator, meeting: Meeting) -> str:
    """ "Place: the village hall", or that the committee will say."""
    return t.gettext("Place: {place}").format(
        place=meeting.place or t.gettext("the cell committee will announce it")
    )


def at_place(t: Translator, meeting: Meeting) -> str:
    """ ", at the village hall" when the place is known, else nothing."""
    return t.gettext(", at {place}").format(place=meeting.place) if meeting.place else ""


def meeting_message(
    language: str, kind: str, meeting: Meeting, tz: ZoneInfo, ask_rsvp: bool
) -> tuple[str, tuple[Choice, ...]]:
    """A reminder of `meeting` ("notice", "day_before" or "morning")."""
    t = translator(language)
    what = t.gettext(KIND_LABELS[meeting.kind])
    when = when_text(meeting, tz)
    if kind == "notice":
        text = t.gettext("Notice: {what} will be held at {when}.").format(what=what, when=when)
        text += "\n" + place_line(t, meeting)
        agenda = meeting.agenda or t.gettext("the cell committee will announce it")
        text += "\n" + t.gettext("Expected content: {agenda}").format(agenda=agenda)
        text += "\n" + t.gettext("To send your opinion on it before the meeting: /ykien")
    elif kind == "day_before":
        text = t.gettext("Reminder: tomorrow, {when}, {what}.").format(what=what, when=when)
        text += "\n" + place_line(t, meeting)
    else:
        text = t.gettext("Today at {time}: {what}.").format(
            what=what, time=meeting.starts_at.astimezone(tz).strftime("%H:%M")
        )
        text += "\n" + place_line(t, meeting)
    if ask_rsvp:
        text += "\n" + t.gettext("Will you attend?")
    return text, rsvp_choices(language, meeting.id) if ask_rsvp else ()


def nudge_message(language: str, name: str, month: str) -> str:
    """The good-deed nudge."""
    return (
        translator(language)
        .gettext(
            "Comrade {name}, you have not reported a good deed for {month} yet. Send /viectot to "
            "report it; it takes a minute."
        )
        .format(name=name, month=month)
    )


def change_message(
    language: str,
    change: str,
    meeting: Meeting,
    tz: ZoneInfo,
    was: datetime | None = None,
    ask_rsvp: bool = False,
) -> tuple[str, tuple[Choice, ...]]:
    """ "Moved: ... from 19:30 24/11 to 19:30 26/11" and the like; `was` is the time before
    a move. A moved meeting asks again who will attend (`ask_rsvp`)."""
    t = translator(language)
    what = t.gettext(KIND_LABELS[meeting.kind])
    when = when_text(meeting, tz)
    if change == "cancelled":
        text = t.gettext("Cancelled: {what} of {when} will not take place.").format(
            what=what, when=when
        )
        return text, ()
    if change == "added":
        text = t.gettext("New meeting: {what} at {when}. Expected content: {agenda}").format(
            what=what,
            when=when,
            agenda=meeting.agenda or t.gettext("the cell committee will announce it"),
        )
        text += "\n" + place_line(t, meeting)
    else:
        text = t.gettext("Moved: {what} of {old} will now be held at {when}.").format(
            what=what, old=time_text(was or meeting.starts_at, tz), when=when
        )
        text += "\n" + place_line(t, meeting)
        if ask_rsvp:
            text += "\n" + t.gettext(
                "Answers given for the old time no longer count. Will you attend at the new time?"
            )
            return text, rsvp_choices(language, meeting.id)
    if ask_rsvp:
        text += "\n" + t.gettext("Will you attend?")
        return text, rsvp_choices(language, meeting.id)
    return text, ()
