"""A message that goes out as several platform messages (a long text in parts, a picture and
then its text), one after another, each paced on the bot's budget, and what a failure on the
way means.

Shared by every channel, for replies and queued messages alike. While nothing has reached the
person, a failure is the whole message's outcome. Once a part is out, a passing failure (429,
5xx, a timeout) is a `RetryLater` that carries the ids of the parts out, and the next try
resumes after them (`sent_before`): no part is lost, none is sent twice. A failure for good
after some parts went out leaves the message delivered in part (`Delivered.complete` is
False, its `error` says which part and why).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.delivery.outcome import (
    Delivered,
    Outcome,
    Progress,
    RetryLater,
    Undeliverable,
    first_id,
)
from bot.delivery.pacer import Budget

# Sends one part and returns the platform's id for it; raises the platform's error.
Part = Callable[[], Awaitable[str]]


@dataclass(frozen=True)
class PartPolicy:
    """How a channel reads its platform's errors."""

    errors: tuple[type[Exception], ...]  # the platform's errors; anything else propagates
    judge: Callable[[Exception], RetryLater | Undeliverable]  # what one means for the message


@dataclass(frozen=True)
class Pacing:
    """Where a message's parts wait their turn: the bot's `budget`, for `chat_id`; `urgent`
    for a reply to a person (ahead of queued messages)."""

    budget: Budget
    chat_id: str
    urgent: bool = False


async def send_parts(
    parts: Sequence[Part],
    policy: PartPolicy,
    *,
    sent_before: Sequence[str] = (),
    pacing: Pacing | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Send `parts` in order after the `sent_before` ones (their ids) already went out: each
    waits for the budget, a 429 pauses the whole budget, `progress` hears of every part out
    while more are to follow."""
    ids = list(sent_before)
    total = len(ids) + len(parts)
    for number, part in enumerate(parts, start=len(ids) + 1):
        if pacing is not None:
            await pacing.budget.wait_turn(pacing.chat_id, urgent=pacing.urgent)
        if progress is not None:
            await progress.ready()
        try:
            ids.append(await part())
        except policy.errors as error:
            outcome = policy.judge(error)
            if pacing is not None and isinstance(outcome, RetryLater) and outcome.after:
                pacing.budget.pause(outcome.after)  # nobody sends on this bot until then
            return _stopped_at(number, total, ids, outcome)
        if progress is not None and number < total:
            await progress.sent(ids, total)
    return Delivered(first_id(ids), parts_sent=len(ids), parts=total)


def _stopped_at(
    number: int, total: int, ids: list[str], outcome: RetryLater | Undeliverable
) -> Outcome:
    if not ids:
        return outcome  # nothing reached the person: the whole message's outcome
    why = f"part {number} of {total} not sent: {outcome.error}"
    if isinstance(outcome, RetryLater):
        return RetryLater(why, outcome.after, sent=tuple(ids), parts=total)
    return Delivered(first_id(ids), parts_sent=len(ids), parts=total, error=why)
