"""Webhook throughput with a bounded queue: a real `chibo run` in webhook mode, N updates
posted as Telegram posts them (up to --connections at once, each retried after a 503 as
Telegram retries), replies sent to a fake Bot API in this process. Prints updates/s, how many
503s were answered, and the bot process's RSS every --every updates: it must stay flat
(updates are handled before they are acknowledged, never piled up in memory).

    uv run python -m bench.webhook --updates 10000 --connections 40
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path

from aiohttp import ClientError, ClientSession, TCPConnector
from aiohttp.test_utils import unused_port

from bench.common import QueueingTelegram
from bot.channels.telegram.channel import SECRET_HEADER as TELEGRAM_SECRET_HEADER
from tests.cli import start_chibo_run
from tests.fake_telegram import TOKEN

SECRET = "bench-webhook-secret-0123456789"
FIRST_USER = 800_000


def rss_mb(pid: int) -> float:
    """The resident memory of process `pid`, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(updates: int, connections: int, every: int, users: int) -> None:
    """Start chibo, post the updates, print the figures, stop chibo."""
    fake = QueueingTelegram()
    await fake.start()
    port = unused_port()
    statuses: Counter[int | str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        process = await start_chibo_run(
            Path(folder),
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=fake.base_url,
            TELEGRAM_WEBHOOK_URL="https://bench.example.vn/telegram",
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            HTTP_PORT=str(port),
            LOG_LEVEL="WARNING",
        )
        url = f"http://127.0.0.1:{port}/telegram"
        samples: list[tuple[int, float]] = [(0, rss_mb(process.pid))]
        done = 0
        queue: asyncio.Queue[int] = asyncio.Queue()
        for number in range(updates):
            queue.put_nowait(number)
        started = time.perf_counter()
        async with ClientSession(connector=TCPConnector(limit=connections)) as http:

            async def deliver_all() -> None:
                nonlocal done
                while not queue.empty():
                    number = queue.get_nowait()
                    user = FIRST_USER + number % users
                    update = {"update_id": number, **fake.message(user, text="xin chào")}
                    while True:  # Telegram sends again what was not answered 200
                        try:
                            async with http.post(
                                url, json=update, headers={TELEGRAM_SECRET_HEADER: SECRET}
                            ) as response:
                                statuses[response.status] += 1
                                if response.status == 200:
                                    break
                        except (ClientError, OSError) as error:
                            statuses[type(error).__name__] += 1
                        await asyncio.sleep(0.05)
                    done += 1
                    if done % every == 0:
                        samples.append((done, rss_mb(process.pid)))

            await asyncio.gather(*(deliver_all() for _ in range(connections)))
        elapsed = time.perf_counter() - started
        process.terminate()
        await process.wait()
    await fake.stop()
    print(
        f"{updates} updates from {users} chats, {connections} connections: "
        f"{updates / elapsed:.1f} updates/s, answers {dict(statuses)}"
    )
    print(
        "RSS of chibo run (MB) after n updates: "
        + ", ".join(f"{n}: {mb:.0f}" for n, mb in samples)
    )


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=40)
    parser.add_argument("--users", type=int, default=500, help="distinct chats")
    parser.add_argument("--every", type=int, default=1_000, help="RSS sample interval")
    args = parser.parse_args()
    asyncio.run(run(args.updates, args.connections, args.every, args.users))


if __name__ == "__main__":
    main()
