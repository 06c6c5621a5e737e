"""Fixtures: a fresh migrated database per test (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), a controllable clock, and a chat against the real dispatcher."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.config import Settings, async_database_url
from bot.core.db import engine_for, make_engine, make_sessionmaker, migrate
from bot.dispatcher.dispatch import Dispatcher
from models import Base, HouseholdCategory
from tests import factories
from tests.cli import chibo
from tests.dialog import Chat
from tests.factories import Cell, FakeClock
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo

BACKENDS = ["sqlite", "postgresql"]
RESTART_SEQUENCES = text(
    "SELECT setval(s.oid::regclass, 1, false) FROM pg_class s "
    "JOIN pg_namespace n ON n.oid = s.relnamespace "
    "WHERE s.relkind = 'S' AND n.nspname = current_schema()"
)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (pyproject.toml): one worker more than the cores. Many tests spend much of
    their time waiting (a `chibo run` process starting, fake servers, the browser): on 2 cores
    3 workers ran the suite in 273 s against 305-318 s with 2 (README, "Development")."""
    return (os.cpu_count() or 1) + 1


def _run_sync(coro: Coroutine[Any, Any, None]) -> None:
    """Run session-wide setup in its own thread: the asking test's loop may be running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


def _postgres_url() -> str | None:
    raw = os.environ.get("TEST_DATABASE_URL")
    return async_database_url(raw) if raw else None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def build() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await migrate(engine)
        await engine.dispose()  # closing the last connection checkpoints the WAL into the file

    _run_sync(build())
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[tuple[str, str]]:
    """A schema of its own in TEST_DATABASE_URL, migrated once, dropped at the end."""
    url = _postgres_url()
    if url is None:
        pytest.skip("TEST_DATABASE_URL is not set")
    schema = f"chibo_test_{uuid.uuid4().hex[:10]}"

    async def run(create: bool) -> None:
        admin = make_engine(url)
        async with admin.begin() as conn:
            if create:
                await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            else:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()
        if create:
            engine = _postgres_engine(url, schema)
            await migrate(engine)
            await engine.dispose()

    _run_sync(run(create=True))
    yield url, schema
    _run_sync(run(create=False))


def _postgres_engine(url: str, schema: str) -> AsyncEngine:
    return make_engine(url, connect_args={"server_settings": {"search_path": schema}})


@pytest.fixture(params=BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A fresh, migrated database for this test."""
    if request.param == "sqlite":
        path = tmp_path / "chibo.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
    else:
        url, schema = request.getfixturevalue("postgres_schema")
        engine = _postgres_engine(url, schema)
        async with engine.begin() as conn:
            # DELETE, children first, then every id sequence back to 1: on these few rows it
            # takes milliseconds where TRUNCATE took 0.7-1 s a test on the busy machine.
            for table in reversed(Base.metadata.sorted_tables):
                await conn.execute(table.delete())
            await conn.execute(RESTART_SEQUENCES)
    yield engine
    await engine.dispose()


@dataclass(frozen=True)
class EmptyDatabase:
    """A database nothing has touched: its URL, and on PostgreSQL the schema to use."""

    url: str
    schema: str | None = None

    def engine(self) -> AsyncEngine:
        """An engine on it (dispose it at the end)."""
        return engine_for(self.url, self.schema)

    def env(self) -> dict[str, str]:
        """The settings a `chibo` process needs to use it."""
        return {"DATABASE_URL": self.url, "DATABASE_SCHEMA": self.schema or ""}


@pytest.fixture(params=BACKENDS)
async def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[EmptyDatabase]:
    """A database without tables (never migrated): SQLite, and PostgreSQL when
    TEST_DATABASE_URL is set (a schema of its own, dropped at the end)."""
    if request.param == "sqlite":
        yield EmptyDatabase(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
        return
    url = _postgres_url()
    if url is None:
        pytest.skip("TEST_DATABASE_URL is not set")
    schema = f"chibo_empty_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield EmptyDatabase(url, schema)
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on the test database."""
    return make_sessionmaker(engine)


@pytest.fixture
def clock() -> FakeClock:
    """A clock standing at 10:00 on 15/11/2026 in Hà Nội, moved only by the test."""
    return FakeClock(datetime(2026, 11, 15, 3, 0, tzinfo=UTC))


@pytest.fixture
def settings() -> Settings:
    """Settings as a fresh install has them (Vietnamese), never read from a developer's .env."""
    return Settings(_env_file=None, database_url="sqlite+aiosqlite://", language="vi")


@pytest.fixture
def dispatcher(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, clock: FakeClock
) -> Dispatcher:
    """The real dispatcher and handlers on the test database."""
    return Dispatcher(sessionmaker, settings, clock)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """A fake Telegram Bot API on a free 127.0.0.1 port."""
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def zalo_fake() -> AsyncIterator[FakeZalo]:
    """A fake Zalo Bot API on a free 127.0.0.1 port."""
    server = FakeZalo()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def chat(dispatcher: Dispatcher) -> Chat:
    """A console-like chat whose id is not linked to anyone yet."""
    return Chat(dispatcher, chat_id="chat-1")


@pytest.fixture
async def cell(sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock) -> Cell:
    """A cell with Xiên (5 households, chat "chat-1" not yet linked) and Mai (2 households,
    linked as "chat-mai"), and an invite code XEN234 for Xiên."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        tree = await factories.commune_with_cell(session)
        xien = await factories.member(session, tree.cell_id, "Lò Văn Xiên", "0912345678", now)
        mai = await factories.member(session, tree.cell_id, "Hà Thị Mai", "0987654321", now)
        tree.members = {"xien": xien.id, "mai": mai.id}
        for number, head in enumerate(
            ("Lò Văn Pành", "Quàng Thị Ún", "Lường Văn Sơn", "Cầm Thị Hoa", "Tòng Văn Khánh"),
            start=1,
        ):
            home = await factories.household(
                session,
                tree.commune_id,
                f"PK-{number:02d}",
                head,
                now,
                member_id=xien.id,
                categories=(HouseholdCategory.POOR,) if number == 1 else (),
            )
            tree.households[head] = home.id
        for number, head in enumerate(("Vì Văn Dũng", "Lò Thị Nga"), start=6):
            home = await factories.household(
                session, tree.commune_id, f"PK-{number:02d}", head, now, member_id=mai.id
            )
            tree.households[head] = home.id
        await factories.invite(session, xien.id, "XEN234", now)
        await factories.link(session, mai.id, "chat-mai", now)
    return tree


@pytest.fixture
async def xien(chat: Chat, cell: Cell) -> Chat:
    """Xiên's chat, linked through his invite code."""
    reply = await chat.send("/start XEN234")
    assert "Lò Văn Xiên" in reply
    return chat


@pytest.fixture
async def mai(
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
) -> Chat:
    """Mai's chat ("chat-mai"), Mai being the secretary of the cell."""
    async with sessionmaker() as session, session.begin():
        await factories.role(session, cell.members["mai"], cell.cell_id)
    return Chat(dispatcher, chat_id="chat-mai")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo commune (`chibo demo`), created once for the module that asks for it."""
    folder = tmp_path_factory.mktemp("demo")
    assert chibo(folder, "demo", "--no-shell").returncode == 0
    return folder / "demo.db"


@pytest.fixture
def demo(demo_db: Path, tmp_path: Path) -> Path:
    """A working directory with a fresh copy of the demo database (the CLI's tests)."""
    shutil.copy(demo_db, tmp_path / "demo.db")
    return tmp_path
