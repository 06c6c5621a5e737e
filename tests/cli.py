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


def chibo(
    folder: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in `folder`, its database `folder/demo.db` unless `env` says
    otherwise, Vietnamese."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
        "LANGUAGE": "vi",
        **(env or {}),
    }
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


@asynccontextmanager
async def chibo_run(folder: Path, **settings: str) -> AsyncIterator[Running]:
    """`chibo run` in `folder` (its database `folder/run.db`, migrated on start unless the
    settings say otherwise, Vietnamese, these settings), started once it says it is running;
    at the end SIGTERM, and it must stop cleanly."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'run.db'}",
        "LANGUAGE": "vi",
        "MIGRATE_ON_START": "true",
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
    running = Running(process)
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert "chibo đang chạy" in line.decode()
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        running.log = stderr.decode()
    assert process.returncode == 0, running.log
    assert "Traceback" not in running.log, running.log
