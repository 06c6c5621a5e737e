"""The console channel: a terminal chat with the bot, interactive or scripted from stdin.

Choices are shown as a numbered list, answered by number or label (as on Zalo). A line
`:photo FILE [caption]` sends a photo, `:file PATH` sends a file (a roster to import);
`:voice FILE` a voice note; `:quit` (or end of input) leaves.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from bot.channels.base import Capabilities, Handle
from bot.core.messages import Attachment, InboundMessage, OutboundMessage
from bot.delivery.outcome import Delivered, Outcome, Progress
from bot.delivery.pacer import ChannelLimits
from bot.web.server import WebhookRoute

CHANNEL = "console"
CAPABILITIES = Capabilities(
    text_length=sys.maxsize,  # a terminal shows any length
    caption_length=sys.maxsize,
    buttons=False,  # numbered choices, as on Zalo
    uploads=True,  # files the bot sends are written to ./exports/
    limits=ChannelLimits(per_second=1000, chat_interval=0),
)


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


KEPT = "console-kept-"  # delivered while that member's shell was closed: not seen yet
SHOWN = "console-"  # printed in that member's shell


class ConsoleChannel:
    """The chats of this terminal: what is sent to the chat of this shell is printed, what is
    sent to other console chats is kept for when that member opens a shell: its platform id
    starts with `KEPT`, and becomes `SHOWN` once printed at an opening (see `unseen`). Its
    inbound feed is `run_shell`, not `start`."""

    name = CHANNEL
    capabilities = CAPABILITIES
    routes: Sequence[WebhookRoute] = ()

    def __init__(self, active_chat: str, stdout: TextIO = sys.stdout) -> None:
        self.active_chat = active_chat
        self.stdout = stdout
        self.waiting_for_input = False  # a message now starts below the prompt

    async def start(self) -> None:
        """Nothing to connect to."""

    async def stop(self) -> None:
        """Nothing to close."""

    async def deliver(
        self,
        chat_id: str,
        message: OutboundMessage,
        *,
        sent_before: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> Outcome:
        """Print `message` if it is for this shell's chat (in one piece: a terminal has no
        length limit, so there is nothing to resume)."""
        if chat_id == self.active_chat:
            photo = message.photo
            if photo is not None and photo.content is not None and not photo.file_ref:
                # A queued chart (the digest's, one a week): a file name of its own in
                # ./exports/, so it does not replace last week's.
                name = f"{uuid.uuid4().hex[:8]}.png"
                photo = Attachment("chart", name, photo.mime_type, photo.content)
                message = OutboundMessage(message.text, message.choices, photo=photo)
            gap = "\n" if self.waiting_for_input else ""
            print(gap + render(message, save_files=True) + "\n", file=self.stdout)
            return Delivered(f"{SHOWN}{uuid.uuid4().hex[:12]}")
        return Delivered(f"{KEPT}{uuid.uuid4().hex[:12]}")


async def run_shell(
    handle: Handle,
    console: ConsoleChannel,
    stdin: TextIO = sys.stdin,
    greeting: str = "",
    after_each: Callable[[], None] | None = None,
) -> int:
    """Chat as `console.active_chat` until `:quit` or end of input, the replies out through
    `console.deliver`; returns the number of messages sent."""
    chat_id, stdout = console.active_chat, console.stdout
    interactive = stdin.isatty()
    echo = not interactive  # a scripted session prints what was "typed", like a transcript
    if greeting:
        print(greeting, file=stdout)
    sent = 0
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        console.waiting_for_input = True
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        message = parse_line(line, chat_id, uuid.uuid4().hex)
        if message is None:
            break
        console.waiting_for_input = False
        if echo:
            print(f"> {line.rstrip()}", file=stdout)
        for reply in await handle(message):
            await console.deliver(chat_id, reply)
        sent += 1
        if after_each is not None:
            after_each()
    return sent
