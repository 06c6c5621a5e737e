"""CPU per Bot API request: python-telegram-bot's default client (HTTPXRequest) against chibo's
(AiohttpRequest, bot/channels/telegram/transport.py), both with a pool of 8 connections, many
sendMessage-like requests at once against a local server in its own process (as Telegram is
elsewhere). Prints each client's CPU time per request and requests/s, several rounds in turn.

    uv run python -m bench.http_client --requests 3000 --concurrency 64 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import time

from aiohttp import web
from telegram.request import BaseRequest, HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.channels.telegram.channel import CONNECTION_POOL_SIZE
from bot.channels.telegram.transport import AiohttpRequest

KEYBOARD = {
    "inline_keyboard": [[{"text": f"Hộ {i}", "callback_data": f"h:{i}"}] for i in range(5)]
}
ANSWER = {"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}


def serve(port: int) -> None:
    """Child process: answer every POST as sendMessage does."""

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response(ANSWER)

    app = web.Application()
    app.router.add_post("/{tail:.*}", answer)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


async def measure(request: BaseRequest, url: str, requests: int, concurrency: int) -> str:
    """CPU ms per request and requests/s for `requests` posts, `concurrency` at once."""
    data = RequestData(
        [
            RequestParameter.from_input("chat_id", 100_001),
            RequestParameter.from_input("text", "Đồng chí chọn một hộ: " + "x" * 60),
            RequestParameter.from_input(
                "reply_markup",
                {
                    "inline_keyboard": [
                        [{"text": f"Hộ {i}", "callback_data": f"h:{i}"}] for i in range(5)
                    ]
                },
            ),
        ]
    )
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            await request.post(url, data)

    await request.initialize()
    try:
        await asyncio.gather(*(one() for _ in range(200)))  # connections open, code warm
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(one() for _ in range(requests)))
        cpu_ms = (time.process_time() - cpu) * 1000 / requests
        rate = requests / (time.perf_counter() - wall)
    finally:
        await request.shutdown()
    return f"{cpu_ms:.3f} ms CPU/request, {rate:6.0f} requests/s"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    port = free_port()
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(port,), daemon=True)
    server.start()
    try:
        for _ in range(100):  # until the server listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        url = f"http://127.0.0.1:{port}/bot123:abc/sendMessage"
        print(f"requests={args.requests} at once={args.concurrency} pool={CONNECTION_POOL_SIZE}")
        for number in range(1, args.rounds + 1):
            for name, client in (
                ("httpx (PTB default)", HTTPXRequest(connection_pool_size=CONNECTION_POOL_SIZE)),
                ("aiohttp (chibo)", AiohttpRequest(connection_pool_size=CONNECTION_POOL_SIZE)),
            ):
                figures = asyncio.run(measure(client, url, args.requests, args.concurrency))
                print(f"round {number}: {name:20s} {figures}", flush=True)
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
