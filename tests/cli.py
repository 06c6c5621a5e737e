"""Running the `chibo` command as a newcomer does, against a SQLite file in a folder."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path


def chibo(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in `folder`, its database `folder/demo.db`, Vietnamese."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}", "LANGUAGE": "vi"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=120,
        check=False,
    )


@dataclass
class Running:
    """A `chibo run` process; `log` is what it wrote to stderr, once it has stopped."""

    process: asyncio.subprocess.Process
    log: str = ""


async def start_chibo_run(folder: Path, **settings: str) -> asyncio.subprocess.Process:
    """`chibo run` in `folder` (its database `folder/run.db`, Vietnamese, these settings),
    once it says it is running."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'run.db'}",
        "LANGUAGE": "vi",
        **settings,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=folder,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert "chibo đang chạy" in line.decode()
    except BaseException:
        process.kill()
        await process.communicate()
        raise
    return process


@asynccontextmanager
async def chibo_run(folder: Path, **settings: str) -> AsyncIterator[Running]:
    """`chibo run` as `start_chibo_run` starts it; at the end SIGTERM, and it must stop
    cleanly."""
    process = await start_chibo_run(folder, **settings)
    running = Running(process)
    try:
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        running.log = stderr.decode()
    assert process.returncode == 0, running.log
    assert "Traceback" not in running.log, running.log
