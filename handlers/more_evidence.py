"""Photos and voice notes sent after a report: "gửi thêm ảnh cho báo cáo vừa rồi". A photo
that arrives without a caption soon after a report asks whether it belongs to it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from bot.core.choices import YES
from bot.core.i18n import N_
from bot.core.messages import Choice
from bot.core.text import shorten
from bot.services.errors import NotFoundError
from bot.services.evidence import add_evidence, latest_report
from handlers import deed
from handlers.base import CANCEL, PICK_ONE, Context
from handlers.deed_common import ReportDraft
from handlers.flow_state import Draft

FLOW = "evidence"
TITLE = N_("adding photos to a report")
RECENT = timedelta(days=1)  # a photo this soon after a report is asked about


@dataclass(frozen=True)
class EvidenceDraft(Draft):
    """The report the files may go to, and the files received so far."""

    report_id: int = 0
    label: str = ""
    files: tuple[tuple[str, str, str], ...] = ()  # (channel, file reference, kind)


def _received(ctx: Context) -> tuple[tuple[str, str, str], ...]:
    channel = ctx.message.channel
    files = [(channel, p.file_ref, "photo") for p in ctx.message.photos]
    if ctx.message.voice is not None:
        files.append((channel, ctx.message.voice.file_ref, ctx.message.voice.kind or "voice"))
    return tuple(files)


async def photo_after_report(ctx: Context) -> bool:
    """A photo (or voice note) with no caption soon after the member's last report: ask
    whether it belongs to that report. False when there is no such report."""
    assert ctx.member is not None
    report = await latest_report(ctx.session, ctx.member.id, ctx.month, ctx.now - RECENT)
    if report is None:
        return False
    label = f"{ctx.date_text(report.created_at)} – {shorten(report.text or '…', 40)}"
    ctx.begin(FLOW, EvidenceDraft(report.id, label, _received(ctx)))
    ctx.ask(
        FLOW,
        "which",
        ctx._("Is this for the report you just sent ({report})?").format(report=label),
        (
            Choice("add", ctx._("Add it to the report just sent"), YES),
            Choice("new", ctx._("It is a new good deed")),
            Choice(CANCEL, ctx._("Cancel")),
        ),
    )
    return True


async def start(ctx: Context, args: str) -> None:
    """ "Gửi thêm ảnh": photos for the last report of this month, sent one after another."""
    assert ctx.member is not None
    report = await latest_report(ctx.session, ctx.member.id, ctx.month, ctx.now - timedelta(31))
    if report is None:
        ctx.say(ctx._('You have no report this month yet. Send "báo cáo" to make one.'))
        return
    label = f"{ctx.date_text(report.created_at)} – {shorten(report.text or '…', 40)}"
    ctx.begin(FLOW, EvidenceDraft(report.id, label))
    ctx.ask(
        FLOW,
        "wait",
        ctx._("Send the photos or voice messages for the report {report} now.").format(
            report=label
        ),
        (Choice("done", ctx._("Done"), ("xong", "het", "roi")),),
    )


async def _add(ctx: Context, files: tuple[tuple[str, str, str], ...]) -> int:
    assert ctx.member is not None
    draft = ctx.draft(EvidenceDraft)
    return await add_evidence(
        ctx.session, ctx.member.id, draft.report_id, files, ctx.month, ctx.now
    )


async def _on_which(ctx: Context) -> None:
    draft = ctx.draft(EvidenceDraft)
    if _received(ctx):  # more photos of the same album
        ctx.keep(replace(draft, files=draft.files + _received(ctx)))
        if ctx.choice is None:
            # One short line for each picture of an album (every message is answered);
            # the question above still stands.
            files = ctx.draft(EvidenceDraft).files
            pictures = sum(1 for _, _, kind in files if kind == "photo")
            ctx.say(
                ctx._("Received: {photos} photo(s), {voices} voice message(s).").format(
                    photos=pictures, voices=len(files) - pictures
                )
            )
            return
    draft = ctx.draft(EvidenceDraft)
    if ctx.choice == "add":
        try:
            total = await _add(ctx, draft.files)
        except NotFoundError as error:  # withdrawn meanwhile, or a new month
            ctx.finish()
            ctx.say(error.render(ctx.t))
            return
        ctx.finish()
        ctx.say(
            ctx._(
                "Added to the report {report}: it now has {count} photo(s) or recording(s)."
            ).format(report=draft.label, count=total)
        )
    elif ctx.choice == "new":
        photos = tuple((c, ref) for c, ref, kind in draft.files if kind == "photo")
        voices = tuple(f for f in draft.files if f[2] != "photo")
        deed.begin(
            ctx, ReportDraft(month=ctx.month, who_pending=True, photos=photos, voices=voices)
        )
        await deed.ask_next(ctx)
    elif ctx.choice == CANCEL:
        await ctx.registry.require("huy").run(ctx, "")
    else:
        ctx.reprompt(ctx._(PICK_ONE))


async def _on_wait(ctx: Context) -> None:
    files = _received(ctx)
    if ctx.choice == "done" and not files:
        ctx.finish()
        ctx.say(ctx._("Thank you."))
        return
    if not files:
        ctx.reprompt(ctx._('Please send a photo, or choose "Done".'))
        return
    try:
        total = await _add(ctx, files)
    except NotFoundError as error:
        ctx.finish()
        ctx.say(error.render(ctx.t))
        return
    ctx.say(
        ctx._("Added to the report {report}: it now has {count} photo(s) or recording(s).").format(
            report=ctx.draft(EvidenceDraft).label, count=total
        )
    )
    ctx.reprompt()


STEPS = {"which": _on_which, "wait": _on_wait}
