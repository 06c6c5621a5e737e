"""Every command × every role, as an attacker would try them: each is answered, in
Vietnamese, without a crash, and shows nobody a name outside their scope (Zulip's
DefaultTests, STYLE.md). 44 command names, bare and with another cell's phone and household
code, × 5 roles = 440 probes."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher.dispatch import Dispatcher
from tests.factories import Cell, FakeClock
from tests.probes import Prober, commune_of_five, judge

ARGUMENTS = ("", " KH-01 0913000002")


async def _probe(prober: Prober, command: str) -> list[str]:
    """What is wrong with the answer to `command` (nothing: an empty list)."""
    reply = await prober.chat.send(command)
    await prober.chat.send("/huy")  # each probe starts from no conversation
    return judge(prober, repr(command), reply)


async def test_every_command_for_every_role_is_answered_within_scope(
    sessionmaker: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    cell: Cell,
    clock: FakeClock,
) -> None:
    probers = await commune_of_five(sessionmaker, dispatcher, cell, clock)
    names = [name for command in dispatcher.registry.commands for name in command.names]
    problems: list[str] = []
    probes = 0
    for name in names:
        for argument in ARGUMENTS:
            found = await asyncio.gather(*(_probe(p, f"/{name}{argument}") for p in probers))
            problems.extend(problem for each in found for problem in each)
            probes += len(probers)
    assert probes >= 410
    assert problems == []
