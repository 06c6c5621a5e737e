"""The `chibo` commands at work: demo, shell, run, migrate, and the operator's commands (the
command line itself is bot/cli/arguments.py)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.console import CHANNEL, KEPT, SHOWN, ConsoleChannel, render, run_shell
from bot.cli import backup as cli_backup
from bot.cli import meetings as cli_meetings
from bot.cli import purge as cli_purge
from bot.cli import roles as cli_roles
from bot.cli import roster as cli_roster
from bot.cli.clock import ClockRefused, command_clock
from bot.cli.demo import seed_demo
from bot.cli.scheduler import planning_tick, reminders_tick
from bot.cli.schema import newer_schema
from bot.core.clock import Clock, local_today
from bot.core.config import Settings
from bot.core.db import engine_for, make_sessionmaker, migrate, schema_status
from bot.core.i18n import Translator, translator
from bot.core.logs import configure_logging, shell_logging
from bot.core.messages import OutboundMessage
from bot.delivery.history import take_unseen
from bot.delivery.worker import DeliveryWorker
from bot.dispatcher.dispatch import Dispatcher
from bot.services.errors import DomainError
from bot.services.identity import attach_address, member_by_phone
from models import OutboxMessage

GUEST_CHAT = "guest"
SHELL_LOG = "chibo-shell.log"  # in the working directory


async def _shell(
    settings: Settings, clock: Clock, phone: str | None, seed: bool, open_shell: bool
) -> int:
    t = translator(settings.language)
    engine = engine_for(settings.database_url, settings.database_schema)
    try:
        await migrate(engine)
        sessionmaker = make_sessionmaker(engine)
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
            async with sessionmaker() as session, session.begin():
                unseen, older = await take_unseen(session, CHANNEL, chat_id, KEPT, SHOWN)
            greeting += _unseen_text(t, unseen, older)
        dispatcher = Dispatcher(sessionmaker, settings, clock)
        console = ConsoleChannel(chat_id, sys.stdout)
        worker = DeliveryWorker(sessionmaker, {CHANNEL: console}, clock)
        stop = asyncio.Event()
        delivery = asyncio.create_task(worker.run(stop))
        try:
            # stdin and stdout read when called: an in-process test swaps them.
            await run_shell(
                dispatcher.handle, console, sys.stdin, greeting=greeting, after_each=worker.wake
            )
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


def _unseen_text(t: Translator, unseen: list[OutboxMessage], older: int) -> str:
    """The notices that reached this member while their shell was closed, shown once."""
    if not unseen:
        return ""
    confirm_hint = t.gettext('Reply "đã nhận" to confirm you have read it.')
    text = "\n\n" + t.gettext("Messages sent to you since you last opened the chat:") + "\n"
    if older:
        text += t.gettext("({count} older ones are not shown.)").format(count=older) + "\n"
    return text + "\n\n".join(
        render(OutboundMessage(m.text))
        + (
            f"\n({confirm_hint})"
            if m.choices and m.acked_at is None and m.cause.startswith("broadcast:")
            else ""
        )
        for m in unseen
    )


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
        + "\n"
        + t.gettext(
            "The committee's web dashboard: chibo dashboard (serves it on this computer and "
            "prints a sign-in link to open in a browser)."
        )
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


async def _roster(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    async def work(session: AsyncSession, t: Translator) -> str:
        return await cli_roster.run(args, session, settings, t, clock.now())

    return await _with_database(settings, work)


async def _purge(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    async def work(session: AsyncSession, t: Translator) -> str:
        return await cli_purge.run(args, session, settings, t, clock)

    return await _with_database(settings, work)


async def _meetings(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    async def work(session: AsyncSession, t: Translator) -> str:
        return await cli_meetings.run(args, session, settings, t, clock.now())

    return await _with_database(settings, work)


async def _roles(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    async def work(session: AsyncSession, t: Translator) -> str:
        return await cli_roles.run(args, session, settings, t, clock.now())

    return await _with_database(settings, work)


async def _export(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    from bot.reports.export import build_report  # openpyxl only to export
    from bot.reports.period import parse_period

    async def work(session: AsyncSession, t: Translator) -> str:
        now = clock.now()
        period = parse_period(args.period, local_today(clock, settings.tz).replace(day=1))
        org = await cli_meetings.find_org(session, args.org)
        name, content = await build_report(session, org, period, settings.tz, None, now)
        path = Path(args.out or name)
        await asyncio.to_thread(path.write_bytes, content)
        return t.gettext("Written: {path} ({size} KB)").format(
            path=path, size=len(content) // 1024
        )

    return await _with_database(settings, work)


async def _migrate(settings: Settings) -> int:
    t = translator(settings.language)
    engine = engine_for(settings.database_url, settings.database_schema)
    try:
        before = await schema_status(engine)
        if not before.known:
            print(newer_schema(t, before), file=sys.stderr)
            return 2
        await migrate(engine)
    finally:
        await engine.dispose()
    if before.up_to_date:
        print(t.gettext("The database is up to date."))
    else:
        print(
            t.gettext("The database was migrated from {old} to {new}.").format(
                old=", ".join(before.current) or "-", new=", ".join(before.heads)
            )
        )
    return 0


async def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.restore import restore  # only when asked

    t = translator(settings.language)
    try:
        if args.command == "backup":
            print(await cli_backup.backup(settings, Path(args.file), args.portable, t))
        else:
            print(await restore(settings, Path(args.file), t))
    except cli_backup.BackupFailed as failure:
        print(failure, file=sys.stderr)
        return 1
    return 0


async def _run(settings: Settings) -> int:
    from bot.cli.run import StartupError, run_bot  # the Telegram stack loads only to run it

    try:
        await run_bot(settings)
    except StartupError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def execute(settings: Settings, args: argparse.Namespace, clock: Clock | None = None) -> int:
    """Run the parsed command `args` with `settings` (see bot.cli.main). `clock` is what the
    commands read as now (tests pass their own); `chibo run` always serves on the system
    clock."""
    t = translator(settings.language)
    if args.database_url:
        settings = Settings(**{**settings.model_dump(), "database_url": args.database_url})
    if clock is None:
        try:
            clock = command_clock(args.command, os.environ, t)
        except ClockRefused as refused:
            print(refused, file=sys.stderr)
            return 2
    if args.command in ("demo", "shell"):
        # The terminal is the chat: log lines go to a file, never between the messages.
        with shell_logging(settings.log_level, settings.secrets(), SHELL_LOG):
            return _open_shell(settings, args, clock)
    configure_logging(settings.log_level, settings.secrets(), log_format=settings.log_format)
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "run":
        return asyncio.run(_run(settings))
    if args.command in ("backup", "restore"):
        return asyncio.run(_backup(settings, args))
    if args.command == "purge":
        return asyncio.run(_purge(settings, args, clock))
    if args.command == "meetings":
        return asyncio.run(_meetings(settings, args, clock))
    if args.command == "export":
        return asyncio.run(_export(settings, args, clock))
    if args.command == "roles":
        return asyncio.run(_roles(settings, args, clock))
    if args.command == "template":
        print(cli_roster.write_template(args.out, t))
        return 0
    if args.command in ("import", "invites", "households"):
        return asyncio.run(_roster(settings, args, clock))
    if args.command == "dashboard":
        from bot.cli.dashboard import serve_dashboard

        return asyncio.run(serve_dashboard(settings, clock, args.phone, args.port))
    raise AssertionError(args.command)  # the parser knows no other command


def _open_shell(settings: Settings, args: argparse.Namespace, clock: Clock) -> int:
    seed = args.command == "demo"
    return asyncio.run(
        _shell(settings, clock, args.phone, seed, not getattr(args, "no_shell", False))
    )
