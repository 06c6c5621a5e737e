"""The console channel: a terminal chat with the bot, interactive or scripted from stdin.

Choices are shown as a numbered list, answered by number or label (as on Zalo). A line
`:photo FILE [caption]` sends a photo, `:file PATH` sends a file (a roster to import);
`:voice FILE` a voice note; `:quit` (or end of input) leaves.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from bot.core.messages import Attachment, Choice, InboundMessage, OutboundMessage
from bot.delivery.worker import Delivered, Outcome

CHANNEL = "console"
Handle = Callable[[InboundMessage], Awaitable[list[OutboundMessage]]]


def render(reply: OutboundMessage, save_files: bool = False) -> str:
    """A reply as terminal text, with its choices numbered; files the bot made are written to
    ./exports/ when `save_files` (the shell), else only named."""
    lines = [reply.text]
    shown = (
        ("ảnh / photo", reply.photo),
        ("tệp / file", reply.document),
        ("ghi âm / voice", reply.voice),
    )
    for label, attachment in shown:
        if attachment is not None:
            where = _save(attachment) if save_files else attachment.file_name
            lines.append(f"[{label}: {where or attachment.file_ref}]")
    lines.extend(f"  {number}. {choice.label}" for number, choice in enumerate(reply.choices, 1))
    return "\n".join(lines)


def _save(document: Attachment) -> str:
    """A file the bot sends is written to ./exports/ (the console cannot show it)."""
    if document.content is None:
        return document.file_name or document.file_ref
    folder = Path("exports")
    folder.mkdir(exist_ok=True)
    path = folder / (document.file_name or "file.bin")
    path.write_bytes(document.content)
    return str(path)


def parse_line(line: str, chat_id: str, message_id: str) -> InboundMessage | None:
    """The message a typed line stands for; None for `:quit`."""
    text = line.rstrip("\r\n")
    if text.strip() in (":quit", ":q", ":thoat"):
        return None
    photos: tuple[Attachment, ...] = ()
    document = voice = None
    if text.startswith(":voice"):
        voice = Attachment(
            file_ref=text.removeprefix(":voice").strip() or "voice.ogg", kind="voice"
        )
        text = ""
    elif text.startswith(":photo"):
        _, _, rest = text.partition(" ")
        file_ref, _, caption = rest.strip().partition(" ")
        photos = (Attachment(file_ref=file_ref or "photo.jpg"),)
        text = caption
    elif text.startswith(":file "):
        path = Path(text.removeprefix(":file ").strip()).expanduser()
        try:
            content: bytes | None = path.read_bytes()
        except OSError:
            content = None  # the bot answers that it could not read the file
        document = Attachment(file_ref=str(path), file_name=path.name, content=content)
        text = ""
    return InboundMessage(
        channel=CHANNEL,
        chat_id=chat_id,
        user_id=chat_id,
        message_id=message_id,
        text=text,
        photos=photos,
        document=document,
        voice=voice,
    )


class ConsoleSender:
    """Delivers outbox messages to console chats: printed if it is the chat of this shell,
    otherwise kept for when that member opens a shell (see recent_messages)."""

    def __init__(self, active_chat: str, stdout: TextIO = sys.stdout) -> None:
        self.active_chat = active_chat
        self.stdout = stdout

    async def send(
        self, chat_id: str, text: str, choices: tuple[Choice, ...], photo: bytes | None = None
    ) -> Outcome:
        """Deliver one message."""
        if chat_id == self.active_chat:
            picture = (
                Attachment(
                    file_ref="chart", file_name=f"{uuid.uuid4().hex[:8]}.png", content=photo
                )
                if photo is not None
                else None
            )
            print(
                "\n"
                + render(OutboundMessage(text, choices, photo=picture), save_files=True)
                + "\n",
                file=self.stdout,
            )
        return Delivered(f"console-{uuid.uuid4().hex[:12]}")


async def run_shell(
    handle: Handle,
    chat_id: str,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    greeting: str = "",
    after_each: Callable[[], None] | None = None,
) -> int:
    """Chat until `:quit` or end of input; returns the number of messages sent."""
    interactive = stdin.isatty()
    echo = not interactive  # a scripted session prints what was "typed", like a transcript
    if greeting:
        print(greeting, file=stdout)
    sent = 0
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        message = parse_line(line, chat_id, uuid.uuid4().hex)
        if message is None:
            break
        if echo:
            print(f"> {line.rstrip()}", file=stdout)
        for reply in await handle(message):
            print(render(reply, save_files=True), file=stdout)
            print(file=stdout)
        sent += 1
        if after_each is not None:
            after_each()
    return sent
