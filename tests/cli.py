"""Running the `chibo` command as a newcomer does, against a SQLite file in a folder: in this
process through `bot.cli.main` (fast, on a clock the test gives), or as a real process where
only a process will do (the console script itself, `chibo run` stopped by a signal)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

from bot.cli import main
from bot.core.clock import Clock
from bot.core.config import get_settings
from tests.factories import FakeClock

# 10:00 on Sunday 15/11/2026 in Hà Nội: the time every in-process command sees unless a test
# gives another clock (the same as the `clock` fixture's).
NOW = datetime(2026, 11, 15, 3, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Ran:
    """What one `chibo` command did: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def chibo(
    folder: Path,
    *args: str,
    stdin: str = "",
    clock: Clock | None = None,
    env: dict[str, str] | None = None,
) -> Ran:
    """`chibo ARGS` in this process, in `folder` (its database `folder/demo.db` unless `env`
    says otherwise, Vietnamese), `stdin` typed in, on `clock` (standing at NOW by default)."""
    env = {"DATABASE_URL": f"sqlite:///{folder / 'demo.db'}", "LANGUAGE": "vi", **(env or {})}
    out, err = io.StringIO(), io.StringIO()
    logged = logging.StreamHandler(err)  # what `chibo` would log on stderr, tracebacks too
    logging.getLogger().addHandler(logged)
    get_settings.cache_clear()  # read this folder's settings, and leave none behind
    try:
        with (
            mock.patch.dict(os.environ, env),
            contextlib.chdir(folder),
            mock.patch.object(sys, "stdin", io.StringIO(stdin)),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code = main(list(args), clock=clock or FakeClock(NOW))
            except SystemExit as exit:  # argparse: --help, or arguments it refuses
                code = exit.code if isinstance(exit.code, int) else 2
    finally:
        logging.getLogger().removeHandler(logged)
        get_settings.cache_clear()
    return Ran(code, out.getvalue(), err.getvalue())


def chibo_process(
    folder: Path, *args: str, stdin: str = "", **settings: str
) -> subprocess.CompletedProcess[str]:
    """The installed `chibo` console script with ARGS in `folder` (its database
    `folder/demo.db`, Vietnamese, these environment variables), as a newcomer runs it."""
    script = Path(sys.executable).with_name("chibo")
    assert script.exists(), f"{script}: the console script is not installed (uv sync)"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
        "LANGUAGE": "vi",
        **settings,
    }
    return subprocess.run(
        [str(script), *args],
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
    """`chibo run` in `folder` (its database `folder/run.db`, migrated on start unless the
    settings say otherwise, Vietnamese, these settings), once it says it is running."""
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


def demo_rows(folder: Path, sql: str) -> list[tuple[Any, ...]]:
    """What `sql` finds in the demo database a CLI test works in (`folder`/demo.db)."""
    with sqlite3.connect(folder / "demo.db") as db:
        return db.execute(sql).fetchall()
