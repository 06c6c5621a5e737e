"""Roster files are read in a child process: its memory and time are capped, it runs on
another core, and whatever a hostile file does to a parser stays there. The bot keeps
answering everyone else meanwhile. Results come back as JSON (never pickled objects).

`python -m bot.services.roster.file_worker` is the child: the files as JSON on stdin, the
sheets (or the refusal) as JSON on stdout."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import sys
import weakref
from collections.abc import Sequence
from typing import Any

from bot.core.messages import Sheet
from bot.services.errors import InvalidInputError
from bot.services.roster.limits import (
    LIMITS,
    NOT_A_WORKBOOK,
    TOO_HEAVY,
    TOO_SLOW,
    FileLimits,
    megabytes,
    refuse,
)

log = logging.getLogger(__name__)
# One file at a time per event loop: the other core stays with the bot, and a flood of files
# queues here.
_READING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)
KILLED_FOR_MEMORY = (3, -6, -9)  # MemoryError in the child; abort (Rust); SIGKILL (the kernel)


async def read_roster_files(
    files: Sequence[tuple[str, bytes]], limits: FileLimits = LIMITS
) -> list[Sheet]:
    """The sheets of every file, read in a worker process; an InvalidInputError (one line,
    naming the limit) when a file is refused or cannot be read."""
    names = ", ".join(name for name, _ in files)
    payload = json.dumps(
        {
            "limits": limits.to_json(),
            "files": [[name, base64.b64encode(data).decode("ascii")] for name, data in files],
        }
    ).encode()
    reading = _READING.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(1))
    async with reading:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            __name__,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, _ = await asyncio.wait_for(process.communicate(payload), limits.seconds)
        except TimeoutError as error:
            process.kill()
            await process.wait()
            log.warning("roster file worker: stopped after %s s", limits.seconds)
            raise refuse(TOO_SLOW, name=names, limit=int(limits.seconds)) from error
        except BaseException:
            if process.returncode is None:
                process.kill()
                await process.wait()
            raise
    return _result(names, process.returncode, out, limits)


def _result(names: str, code: int | None, out: bytes, limits: FileLimits) -> list[Sheet]:
    try:
        answer = json.loads(out)
    except ValueError:
        answer = None
    if code != 0 or not isinstance(answer, dict):
        # Killed for memory (or a parser crashed): its output is not looked at, nor logged.
        log.warning("roster file worker: ended with code %s", code)
        if code in KILLED_FOR_MEMORY:
            raise refuse(TOO_HEAVY, name=names, limit=megabytes(limits.memory))
        raise refuse(NOT_A_WORKBOOK, name=names)
    if "failed" in answer:  # a parser raised what it should not: the file is unreadable
        log.warning("roster file worker: %s while reading", answer["failed"])
        raise refuse(NOT_A_WORKBOOK, name=names)
    if "refused" in answer:
        message, params = answer["refused"]
        raise InvalidInputError(str(message), **{str(k): v for k, v in params.items()})
    return [
        Sheet(str(name), tuple(tuple(str(cell) for cell in row) for row in rows))
        for name, rows in answer["sheets"]
    ]


def _child(request: dict[str, Any]) -> dict[str, Any]:
    from bot.services.roster.reader import read_roster_file

    limits = FileLimits(**request["limits"])
    sheets = []
    try:
        for name, data in request["files"]:
            for sheet in read_roster_file(name, base64.b64decode(data), limits):
                sheets.append([sheet.name, [list(row) for row in sheet.rows]])
    except InvalidInputError as error:
        return {"refused": [error.message, error.params]}
    return {"sheets": sheets}


def main() -> int:
    """The child: cap memory, read stdin, answer on stdout."""
    import resource

    request = json.loads(sys.stdin.buffer.read())
    memory = int(request["limits"]["memory"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        answer = _child(request)
    except MemoryError:
        return 3
    except Exception as error:  # noqa: BLE001 - reported by kind only, never by content
        answer = {"failed": type(error).__name__}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
