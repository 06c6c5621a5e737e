"""PostgreSQL's own tools for `chibo backup` / `chibo restore`: pg_dump in the custom format on
the snapshot whose rows were counted, pg_restore in one transaction."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url


class ToolFailed(Exception):
    """pg_dump or pg_restore exited with an error; the message is its last lines."""


@dataclass(frozen=True)
class Libpq:
    """How pg_dump and pg_restore reach the database: a URL without the password (argv is
    visible to every user of the machine) and the environment that carries it."""

    url: str
    env: dict[str, str]


def libpq(database_url: str) -> Libpq:
    """The libpq form of chibo's SQLAlchemy URL (postgresql+asyncpg://...)."""
    url = make_url(database_url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
        url = url.set(password=None)
    return Libpq(url.render_as_string(hide_password=False), env)


def available() -> bool:
    """pg_dump and pg_restore are installed."""
    return shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None


async def _run(args: list[str], env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        *args,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    _, stderr = await process.communicate()
    if process.returncode != 0:
        lines = stderr.decode(errors="replace").strip().splitlines()
        raise ToolFailed("\n".join(lines[-5:]) or f"{args[0]} exited with {process.returncode}")


async def dump(target: Libpq, schema: str, snapshot: str, path: Path) -> None:
    """pg_dump one schema, as the exported `snapshot` sees it, to `path` (custom format)."""
    await _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--schema={schema}",
            f"--snapshot={snapshot}",
            f"--file={path}",
            f"--dbname={target.url}",
        ],
        target.env,
    )


async def restore(target: Libpq, path: Path) -> None:
    """pg_restore `path` in one transaction, dropping the (empty) objects it recreates. The
    dump's own CREATE SCHEMA (and its comment) is left out: the schema exists already (chibo
    made sure), and `public` always does."""
    listing = await asyncio.create_subprocess_exec(
        "pg_restore",
        "--list",
        str(path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=target.env,
    )
    out, err = await listing.communicate()
    if listing.returncode != 0:
        raise ToolFailed(err.decode(errors="replace").strip())
    entries = [
        line
        for line in out.decode().splitlines()
        if not any(kind in line for kind in (" SCHEMA - ", " COMMENT - SCHEMA "))
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as listed:
        listed.write("\n".join(entries) + "\n")
    try:
        await _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--clean",
                "--if-exists",
                f"--use-list={listed.name}",
                f"--dbname={target.url}",
                str(path),
            ],
            target.env,
        )
    finally:
        await asyncio.to_thread(os.unlink, listed.name)
