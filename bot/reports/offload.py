"""CPU-bound rendering (openpyxl workbooks, matplotlib charts) in a worker process: a thread
would share the interpreter lock with the event loop and slow every member's answer while a
district's workbook is written; a process runs on the other core.

One worker process per chibo process, started on first use ("spawn": a fresh interpreter, no
copy of the event loop's threads), reused afterwards. Arguments and results are pickled
plain data (a report's figures, PNG or XLSX bytes)."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

R = TypeVar("R")
_POOL: list[ProcessPoolExecutor] = []


def _pool() -> ProcessPoolExecutor:
    if not _POOL:
        _POOL.append(
            ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        )
    return _POOL[0]


async def offload(function: Callable[..., R], *args: object) -> R:
    """`function(*args)` in the worker process (a module-level function); a worker that died
    (killed for memory) is replaced once."""
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_pool(), function, *args)
    except BrokenProcessPool:
        _POOL.clear()
        return await loop.run_in_executor(_pool(), function, *args)
