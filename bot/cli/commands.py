"""The `chibo` command: demo, shell, run, migrate, and the operator's commands."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.console import CHANNEL, ConsoleChannel, render, run_shell
from bot.cli import meetings as cli_meetings
from bot.cli import roster as cli_roster
from bot.cli.demo import MEMBER_PHONE, seed_demo
from bot.cli.scheduler import planning_tick, reminders_tick
from bot.core.clock import SystemClock, local_today
from bot.core.config import Settings, get_settings
from bot.core.db import engine_for, make_sessionmaker, migrate
from bot.core.i18n import Translator, translator
from bot.core.messages import OutboundMessage
from bot.delivery.outbox import recent_messages
from bot.delivery.worker import DeliveryWorker
from bot.dispatcher.dispatch import Dispatcher
from bot.services.errors import DomainError
from bot.services.identity import attach_address, member_by_phone

GUEST_CHAT = "guest"


def build_parser(t: Translator) -> argparse.ArgumentParser:
    """The argument parser, its help in the configured language."""
    _ = t.gettext
    parser = argparse.ArgumentParser(
        prog="chibo",
        description=_(
            "chibo: the chatbot for Party cells. Settings come from .env / environment."
        ),
    )
    parser.add_argument("--database-url", help=_("database URL (default: DATABASE_URL)"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo", help=_("create the demo commune (once) and open the chat shell")
    )
    demo.add_argument(
        "--as",
        dest="phone",
        default=MEMBER_PHONE,
        metavar="PHONE",
        help=_("act as the member with this phone (default: %(default)s)"),
    )
    demo.add_argument(
        "--no-shell",
        action="store_true",
        help=_("only create the demo data, do not open the shell"),
    )
    shell = commands.add_parser("shell", help=_("chat with the bot in this terminal"))
    shell.add_argument(
        "--as",
        dest="phone",
        metavar="PHONE",
        help=_("act as the member with this phone (default: a stranger)"),
    )
    commands.add_parser("migrate", help=_("bring the database schema up to date"))
    commands.add_parser(
        "run",
        help=_(
            "run the bot on the configured messengers (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN) "
            "until Ctrl-C"
        ),
    )
    cli_meetings.add_parser(commands, t)
    export = commands.add_parser(
        "export", help=_("write an organisation's report for a period as an Excel workbook")
    )
    export.add_argument("--org", required=True, help=_("organisation name (or part of it) or id"))
    export.add_argument(
        "--period",
        required=True,
        help=_("2026-11 (a month), 2026-Q4 (a quarter) or 2026 (a year)"),
    )
    export.add_argument("--out", help=_("file to write (default: a name made from both)"))
    cli_roster.add_parsers(commands, t)
    return parser


async def _shell(settings: Settings, phone: str | None, seed: bool, open_shell: bool) -> int:
    t = translator(settings.language)
    engine = engine_for(settings.database_url, settings.database_schema)
    try:
        await migrate(engine)
        sessionmaker = make_sessionmaker(engine)
        clock = SystemClock()
        if seed:
            async with sessionmaker() as session, session.begin():
                people = await seed_demo(session, clock.now(), local_today(clock, settings.tz))
            print(
                _demo_banner(
                    t,
                    people.created,
                    people.member_phone,
                    people.secretary_phone,
                    people.committee_phone,
                )
            )
        if not open_shell:
            return 0
        # What `chibo run` would do on start: plan calendars, send reminders that are due.
        await planning_tick(sessionmaker, clock, settings)
        await reminders_tick(sessionmaker, clock, settings)
        chat_id = GUEST_CHAT
        greeting = t.gettext("You are a stranger here. Type /start CODE to link, :quit to leave.")
        if phone:
            async with sessionmaker() as session, session.begin():
                member = await member_by_phone(session, phone)
                chat_id = f"phone:{member.phone}"
                await attach_address(session, member, CHANNEL, chat_id, clock.now())
                greeting = t.gettext(
                    "You are chatting as {name} ({phone}). Type /trogiup for help, :quit to leave."
                ).format(name=member.full_name, phone=member.phone)
            async with sessionmaker() as session:
                recent = await recent_messages(session, CHANNEL, chat_id)
            confirm_hint = t.gettext('Reply "đã nhận" to confirm you have read it.')
            if recent:
                greeting += "\n\n" + t.gettext("Messages sent to you recently:") + "\n"
                greeting += "\n\n".join(
                    render(OutboundMessage(m.text))
                    + (
                        f"\n({confirm_hint})"
                        if m.choices and m.acked_at is None and m.cause.startswith("broadcast:")
                        else ""
                    )
                    for m in recent
                )
        dispatcher = Dispatcher(sessionmaker, settings, clock)
        console = ConsoleChannel(chat_id)
        worker = DeliveryWorker(
            sessionmaker, {CHANNEL: console}, {CHANNEL: console.capabilities.limits}, clock
        )
        stop = asyncio.Event()
        delivery = asyncio.create_task(worker.run(stop))
        try:
            await run_shell(dispatcher.handle, console, greeting=greeting, after_each=worker.wake)
            await worker.drain()  # a notice just confirmed still goes out before we leave
        finally:
            stop.set()
            await delivery
        return 0
    except DomainError as error:
        print(error.render(t), file=sys.stderr)
        return 2
    finally:
        await engine.dispose()


def _demo_banner(t: Translator, created: bool, member: str, secretary: str, committee: str) -> str:
    head = (
        t.gettext("Demo commune created: 9 cells, 118 members, households and past reports.")
        if created
        else t.gettext("Demo commune already there; nothing changed.")
    )
    return (
        head
        + "\n"
        + t.gettext(
            "Try: chibo shell --as {member} (member), --as {secretary} (cell secretary), "
            "--as {committee} (commune committee)."
        ).format(member=member, secretary=secretary, committee=committee)
    )


async def _with_database(
    settings: Settings, work: Callable[[AsyncSession, Translator], Awaitable[str]]
) -> int:
    """Run one command's `work` in a transaction on the migrated database; print what it
    returns, or its domain error on stderr with exit code 2."""
    t = translator(settings.language)
    engine = engine_for(settings.database_url, settings.database_schema)
    try:
        await migrate(engine)
        async with make_sessionmaker(engine)() as session, session.begin():
            print(await work(session, t))
    except DomainError as error:
        print(error.render(t), file=sys.stderr)
        return 2
    except cli_roster.CommandFailed as failure:
        print(failure, file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    return 0


async def _roster(settings: Settings, args: argparse.Namespace) -> int:
    async def work(session: AsyncSession, t: Translator) -> str:
        return await cli_roster.run(args, session, settings, t)

    return await _with_database(settings, work)


async def _meetings(settings: Settings, args: argparse.Namespace) -> int:
    async def work(session: AsyncSession, t: Translator) -> str:
        return await cli_meetings.run(args, session, settings, t)

    return await _with_database(settings, work)


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.reports.export import build_report, parse_period  # openpyxl only to export

    async def work(session: AsyncSession, t: Translator) -> str:
        org = await cli_meetings.find_org(session, args.org)
        name, content = await build_report(
            session, org, parse_period(args.period), settings.tz, None, SystemClock().now()
        )
        path = Path(args.out or name)
        await asyncio.to_thread(path.write_bytes, content)
        return t.gettext("Written: {path} ({size} KB)").format(
            path=path, size=len(content) // 1024
        )

    return await _with_database(settings, work)


async def _migrate(settings: Settings) -> int:
    engine = engine_for(settings.database_url, settings.database_schema)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()
    print(translator(settings.language).gettext("The database is up to date."))
    return 0


async def _run(settings: Settings) -> int:
    from bot.cli.run import StartupError, run_bot  # the Telegram stack loads only to run it

    try:
        await run_bot(settings)
    except StartupError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def _settings_or_explain() -> Settings | None:
    try:
        return get_settings()
    except ValidationError as error:
        t = translator(os.environ.get("LANGUAGE", "vi"))
        print(t.gettext("The settings (environment or .env) have a problem:"), file=sys.stderr)
        for problem in error.errors():
            # ("telegram", "bot_token") is TELEGRAM_BOT_TOKEN, the name in .env
            where = "_".join(str(part) for part in problem["loc"]).upper() or "-"
            # Our own validators raise ValueError(msgid): show those in the reader's language.
            cause = problem.get("ctx", {}).get("error")
            message = t.gettext(str(cause)) if isinstance(cause, ValueError) else problem["msg"]
            print(f"  {where}: {message}", file=sys.stderr)
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `chibo` console script."""
    settings = _settings_or_explain()
    if settings is None:
        return 2
    args = build_parser(translator(settings.language)).parse_args(argv)
    if args.database_url:
        settings = Settings(**{**settings.model_dump(), "database_url": args.database_url})
    logging.basicConfig(
        level=settings.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs every request's URL at INFO, and Bot API URLs carry the bot's token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "run":
        return asyncio.run(_run(settings))
    if args.command == "meetings":
        return asyncio.run(_meetings(settings, args))
    if args.command == "export":
        return asyncio.run(_export(settings, args))
    if args.command == "template":
        print(cli_roster.write_template(args.out, translator(settings.language)))
        return 0
    if args.command in ("import", "invites", "households"):
        return asyncio.run(_roster(settings, args))
    seed = args.command == "demo"
    return asyncio.run(_shell(settings, args.phone, seed, not getattr(args, "no_shell", False)))
