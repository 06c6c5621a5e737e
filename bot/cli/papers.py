"""`chibo minutes`, `chibo report` and `chibo yearbook`: the secretary's paperwork written to
a file, the command line's values checked here so that a mistake is answered in Vietnamese."""

from __future__ import annotations

import argparse
import asyncio
import re
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.meetings import find_org
from bot.core.clock import Clock, local_today
from bot.core.config import Settings
from bot.core.i18n import N_, Translator
from bot.services.errors import InvalidInputError

FORMATS = ("docx", "xlsx")


def _meeting_id(text: str) -> int:
    if not re.fullmatch(r"\s*\d{1,9}\s*", text):
        raise InvalidInputError(
            N_("The meeting must be given by its number (see chibo meetings list), not {text}."),
            text=text,
        )
    return int(text)


def _year(text: str) -> int:
    if not re.fullmatch(r"\s*\d{4}\s*", text) or not 2000 <= int(text) <= 2100:
        raise InvalidInputError(N_("The year must look like 2026, not {text}."), text=text)
    return int(text)


def _format(text: str) -> str:
    if text.strip().lower() not in FORMATS:
        raise InvalidInputError(N_("The format must be docx or xlsx, not {text}."), text=text)
    return text.strip().lower()


async def run(
    args: argparse.Namespace,
    session: AsyncSession,
    settings: Settings,
    t: Translator,
    clock: Clock,
) -> str:
    """Write the document the command asks for; what to print (its path and size)."""
    from bot.reports.documents.build import build_minutes, build_report_document, build_yearbook
    from bot.reports.export import build_report
    from bot.reports.period import parse_period

    now, tz = clock.now(), settings.tz
    if args.command == "minutes":
        name, content = await build_minutes(session, _meeting_id(args.meeting), None, tz, now)
    elif args.command == "report":
        kind = _format(args.format)
        period = parse_period(args.period, local_today(clock, settings.tz).replace(day=1))
        org = await find_org(session, args.org)
        build = build_report_document if kind == "docx" else build_report
        name, content = await build(session, org, period, tz, None, now)
    else:
        year = _year(args.year)
        org = await find_org(session, args.org)
        name, content = await build_yearbook(session, org, year, tz, None, now)
    path = Path(args.out or name)
    await asyncio.to_thread(path.write_bytes, content)
    return t.gettext("Written: {path} ({size} KB)").format(path=path, size=len(content) // 1024)
