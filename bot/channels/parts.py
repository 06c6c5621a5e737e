"""A message that goes out as several platform messages (a long text in parts, a picture and
then its text), one after another, and what a failure on the way means.

Shared by every channel, for replies and queued messages alike. While nothing has reached the
person, a failure is the whole message's outcome: the delivery queue retries it later, from
the start. Once a part is out, sending the whole message again would repeat it, so each later
part is retried in place while the failure is passing (429, 5xx, timeouts), and if it still
fails the message counts as delivered with the parts that did go out and the reason the rest
did not (`Delivered.complete` is False; nothing is sent twice).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.delivery.worker import Delivered, Outcome, RetryLater, Undeliverable

# Sends one part and returns the platform's id for it; raises the platform's error.
Part = Callable[[], Awaitable[str]]


@dataclass(frozen=True)
class PartPolicy:
    """How a channel reads its platform's errors."""

    errors: tuple[type[Exception], ...]  # the platform's errors; anything else propagates
    judge: Callable[[Exception], RetryLater | Undeliverable]  # what one means for the message
    tries: int = 3  # attempts at a later part before the rest is given up
    pause: float = 1.0  # seconds between them when the platform names no wait


async def send_parts(
    parts: Sequence[Part], policy: PartPolicy, *, sent_before: Sequence[str] = ()
) -> Outcome:
    """Send `parts` in order after the `sent_before` ones (their ids) already went out."""
    ids = list(sent_before)
    total = len(ids) + len(parts)
    for number, part in enumerate(parts, start=len(ids) + 1):
        if not ids:
            try:
                ids.append(await part())
            except policy.errors as error:
                return policy.judge(error)
            continue
        outcome = await _again_while_passing(part, policy)
        if isinstance(outcome, str):
            ids.append(outcome)
            continue
        why = f"part {number} of {total} not sent: {outcome.error}"
        return Delivered(ids[0], parts_sent=len(ids), parts=total, error=why)
    return Delivered(ids[0] if ids else "", parts_sent=len(ids), parts=total)


async def _again_while_passing(part: Part, policy: PartPolicy) -> str | RetryLater | Undeliverable:
    for attempt in range(1, max(1, policy.tries) + 1):
        try:
            return await part()
        except policy.errors as error:
            outcome = policy.judge(error)
            if not isinstance(outcome, RetryLater) or attempt == policy.tries:
                return outcome
            await asyncio.sleep(outcome.after or policy.pause)
    raise AssertionError("unreachable: the last attempt returns")
