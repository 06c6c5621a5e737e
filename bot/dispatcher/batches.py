"""Group commit: messages that arrive together from different chats are handled as one batch.

A chat never has two messages in batches at once, and its messages are taken in the order
they arrived, so per-chat ordering holds however many batches run side by side.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")


class ChatBatcher(Generic[Item, Result]):
    """Queues items and hands them to `process` in batches of at most `max_batch`, one item
    per chat (`chat_of`) a batch, with at most `workers` batches under way at once.

    `process` gets the batch and must return one result per item, in order; it should not
    raise (an exception fails every item of its batch).
    """

    def __init__(
        self,
        process: Callable[[Sequence[Item]], Awaitable[list[Result]]],
        chat_of: Callable[[Item], Hashable],
        *,
        max_batch: int = 64,
        workers: int = 1,
    ) -> None:
        self._process = process
        self._chat_of = chat_of
        self.max_batch = max_batch
        self.workers = workers
        self._queue: list[tuple[Item, asyncio.Future[Result]]] = []
        self._busy: set[Hashable] = set()  # chats with an item in a batch under way
        self._active = 0  # workers under way
        self._tasks: set[asyncio.Task[None]] = set()  # kept referenced while they run

    async def submit(self, item: Item) -> Result:
        """Queue `item` and wait for its result."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        self._start_worker()
        return await future

    def _start_worker(self) -> None:
        if self._active < self.workers:
            self._active += 1
            task = asyncio.create_task(self._work())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _take(self) -> list[tuple[Item, asyncio.Future[Result]]]:
        """The next batch: the oldest item of each chat not already under way."""
        batch: list[tuple[Item, asyncio.Future[Result]]] = []
        rest: list[tuple[Item, asyncio.Future[Result]]] = []
        seen = set(self._busy)
        for entry in self._queue:
            chat = self._chat_of(entry[0])
            if entry[1].done():  # its caller gave up (cancelled) before it was taken
                continue
            if chat in seen or len(batch) >= self.max_batch:
                rest.append(entry)
            else:
                batch.append(entry)
            seen.add(chat)
        self._queue = rest
        return batch

    async def _work(self) -> None:
        drained = False
        try:
            while batch := self._take():
                await self._run(batch)
            drained = True
        finally:
            # In the same step as the empty _take: a later submit starts a new worker. A worker
            # that ended otherwise (an error) hands what is still queued to a new one, unless
            # it was cancelled (shutting down).
            self._active -= 1
            task = asyncio.current_task()
            if not drained and self._queue and not (task is not None and task.cancelling()):
                self._start_worker()

    async def _run(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        chats = {self._chat_of(item) for item, _ in batch}
        self._busy |= chats
        try:
            results = await self._process([item for item, _ in batch])
        except Exception as error:
            log.exception("a batch of %d failed", len(batch))
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        except asyncio.CancelledError:
            for _, future in batch:
                future.cancel()
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # this worker is being stopped
            log.error("a batch of %d was cancelled from inside; the next goes on", len(batch))
            return
        except BaseException:
            for _, future in batch:
                future.cancel()
            raise
        finally:
            self._busy -= chats
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
