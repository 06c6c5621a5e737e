"""`chibo dashboard`: the web dashboard on this computer, for the demo or a look at real data
without a public address: serves it on 127.0.0.1 and prints a single-use sign-in link for a
leader (the demo's commune committee member by default) until Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
import sys

from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.db import engine_for, make_sessionmaker, migrate
from bot.core.i18n import translator
from bot.services.errors import DomainError
from bot.services.identity import member_by_phone
from bot.services.oversight import is_leader
from bot.services.web_access import LINK_MINUTES, new_sign_in, sign_in_url
from bot.web.dashboard.routes import Dashboard
from bot.web.server import WebServer, build_app

HOST = "127.0.0.1"


async def _healthy() -> bool:
    return True


async def serve_dashboard(
    settings: Settings,
    clock: Clock,
    phone: str,
    port: int | None = None,
    stop: asyncio.Event | None = None,
) -> int:
    """Serve the dashboard on HOST:`port` (HTTP_PORT if None, any free port if 0) and print a
    sign-in link for the leader with `phone`; until `stop` is set or Ctrl-C."""
    t = translator(settings.language)
    engine = engine_for(settings.database_url, settings.database_schema)
    try:
        await migrate(engine)
        sessionmaker = make_sessionmaker(engine)
        async with sessionmaker() as session, session.begin():
            member = await member_by_phone(session, phone)
            if not await is_leader(session, member.id):
                print(
                    t.gettext(
                        "{phone} is no secretary or committee member: the dashboard shows "
                        "them nothing. Try --as with a leader's phone."
                    ).format(phone=phone),
                    file=sys.stderr,
                )
                return 2
            token = await new_sign_in(session, member.id, clock.now())
        dashboard = Dashboard(sessionmaker, clock, settings.tz, settings.language)
        server = WebServer(
            build_app([], _healthy, dashboard=dashboard),
            HOST,
            settings.http_port if port is None else port,
        )
        await server.start()
        try:
            bound = server.port_bound()
            url = sign_in_url(f"http://{HOST}:{bound}", token)
            print(
                t.gettext(
                    "The dashboard is served on this computer. Open this link in a browser "
                    "(it works once, within {minutes} minutes):\n{url}\nCtrl-C to stop."
                ).format(minutes=LINK_MINUTES, url=url),
                flush=True,
            )
            stop = stop or asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            try:
                await stop.wait()
            finally:
                for signum in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(signum)
        finally:
            await server.stop()
        return 0
    except DomainError as error:
        print(error.render(t), file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
