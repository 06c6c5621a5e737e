"""5,000 inputs as careless and hostile people send them — commands with odd arguments, numbers
out of range, words with and without tone marks, taps on forged buttons, photos, texts of
thousands of characters, control characters and lone surrogates — to five people of one
commune: every one is answered, none crashes the bot, none shows a name outside its scope.

Hypothesis draws the inputs (derandomised, so a failure replays); they are then sent to the
real dispatcher, five chats at a time."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher.dispatch import Dispatcher
from handlers.registry import build_registry
from tests.factories import Cell, FakeClock
from tests.probes import Prober, commune_of_five, judge

INPUTS = 5_000
BATCH = 100
NAMES = [name for command in build_registry().commands for name in command.names]
WORDS = [
    "bao cao", "báo cáo", "có", "co", "ok", "đồng ý", "hủy", "huy", "thôi", "không", "gửi",
    "nhà ở", "nha o", "tháng trước", "đã nhận", "da nhan", "sẽ tham dự", "XEN234", "KH-01",
    "0913000002", "+84 913 000 002", "=cmd|' /C calc'!A0",
]  # fmt: skip
TEXT = st.one_of(
    st.sampled_from(WORDS),
    st.integers(-3, 40).map(str),
    st.tuples(st.sampled_from(NAMES), st.text(max_size=40)).map(lambda c: f"/{c[0]} {c[1]}"),
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(["\ud800", "x\udfff y", "\x00", "a\x07b", "\u200b", "\ufeff/viectot"]),
    st.integers(2_000, 4_100).map(lambda n: "dài " * (n // 4)),
)


@dataclass(frozen=True)
class Input:
    """One message: to which prober, its text or the key of a tapped button, photos."""

    who: int
    text: str = ""
    choice: str | None = None
    photo: bool = False


INPUT = st.one_of(
    st.builds(Input, st.integers(0, 4), TEXT),
    st.builds(Input, st.integers(0, 4), choice=st.one_of(st.text(max_size=64), st.just("h:1"))),
    st.builds(Input, st.integers(0, 4), TEXT, photo=st.just(True)),
)


@functools.cache  # drawn once per process (derandomized: the same for both databases)
def _inputs() -> tuple[Input, ...]:
    drawn: list[Input] = []

    @settings(
        max_examples=INPUTS // BATCH,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(INPUT, min_size=BATCH, max_size=BATCH))
    def draw(batch: list[Input]) -> None:
        drawn.extend(batch)

    draw()
    return tuple(drawn[:INPUTS])


async def _send(prober: Prober, sent: Input) -> str | None:
    reply = await prober.chat.send(
        sent.text, choice=sent.choice, photos=("p.jpg",) if sent.photo else ()
    )
    # Numbered choices, names and codes need not hold a Vietnamese letter: the language of a
    # reply is the probes' business.
    problems = judge(prober, repr(sent), reply, language=False)
    return problems[0] if problems else None


async def test_five_thousand_fuzzed_inputs_crash_nothing_and_leak_nothing(
    sessionmaker: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    cell: Cell,
    clock: FakeClock,
) -> None:
    probers = await commune_of_five(sessionmaker, dispatcher, cell, clock)
    inputs = _inputs()
    assert len(inputs) == INPUTS
    problems: list[str] = []
    queues: list[list[Input]] = [[i for i in inputs if i.who == who] for who in range(5)]

    async def run(who: int) -> None:
        for sent in queues[who]:
            problem = await _send(probers[who], sent)
            if problem is not None:
                problems.append(problem)

    await asyncio.gather(*(run(who) for who in range(5)))
    assert problems == []
