"""A fake channel that records a transcript, and dialog helpers that read like chats."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.channels.console import render
from bot.core.messages import Attachment, InboundMessage, OutboundMessage
from bot.dispatcher.dispatch import Dispatcher
from handlers.base import Command, Context, Registry
from handlers.registry import build_registry
from models import Pledge

_ids = itertools.count(1)


@dataclass
class Chat:
    """One person's chat with the bot through the real dispatcher."""

    dispatcher: Dispatcher
    chat_id: str
    channel: str = "console"
    transcript: list[tuple[str, str]] = field(default_factory=list)
    last: list[OutboundMessage] = field(default_factory=list)

    async def send(
        self,
        text: str = "",
        *,
        choice: str | None = None,
        photos: tuple[str, ...] = (),
        document: tuple[str, bytes] | None = None,
        message_id: str | None = None,
        voice: str | None = None,
    ) -> str:
        """Send a message; returns every reply rendered as the console shows it."""
        message = InboundMessage(
            channel=self.channel,
            chat_id=self.chat_id,
            user_id=self.chat_id,
            message_id=message_id or str(next(_ids)),
            text=text,
            choice=choice,
            photos=tuple(Attachment(file_ref=p) for p in photos),
            document=Attachment(document[0], document[0], content=document[1])
            if document is not None
            else None,
            voice=Attachment(file_ref=voice, kind="voice") if voice else None,
        )
        said = text or choice or (f"[file {document[0]}]" if document else f"[photos {photos}]")
        said = f"[voice {voice}] {said}" if voice else said
        self.transcript.append(("you", said))
        self.last = await self.dispatcher.handle(message)
        rendered = "\n\n".join(render(reply) for reply in self.last)
        self.transcript.append(("bot", rendered))
        return rendered

    def choice_key(self, label_part: str) -> str:
        """The key of the offered choice whose label contains `label_part` (as a button tap)."""
        for reply in reversed(self.last):
            for choice in reply.choices:
                if label_part in choice.label:
                    return choice.key
        raise AssertionError(f"no choice containing {label_part!r} in {self.last}")

    def labels(self) -> list[str]:
        """The labels of the choices offered by the last reply that offered any."""
        for reply in reversed(self.last):
            if reply.choices:
                return [choice.label for choice in reply.choices]
        return []

    async def tap(self, label_part: str) -> str:
        """Press the button whose label contains `label_part`."""
        return await self.send(choice=self.choice_key(label_part))


async def verify_dialog(chat: Chat, turns: list[tuple[str, str]]) -> None:
    """Send each text and check the reply contains the expected fragment."""
    for said, expected in turns:
        reply = await chat.send(said)
        assert expected in reply, f"after {said!r} expected {expected!r} in:\n{reply}"


def crashing_registry() -> Registry:
    """chibo's commands plus /boom, which writes a pledge and then crashes mid-way."""
    registry = build_registry()

    async def pledge_then_crash(ctx: Context, args: str) -> None:
        assert ctx.member is not None
        ctx.session.add(
            Pledge(
                member_id=ctx.member.id,
                month=ctx.month,
                text="half",
                created_at=ctx.now,
                updated_at=ctx.now,
            )
        )
        await ctx.session.flush()
        raise RuntimeError("disk on fire")

    registry.commands.insert(0, Command(("boom",), pledge_then_crash, ""))
    return registry


async def report_deed(chat: Chat, household: str, text: str, kind: str = "6") -> str:
    """Report a deed the way a member would: /viectot, the household, the words, the kind
    when the words do not tell it, then send; the bot's last answer."""
    await chat.send("/viectot")
    await chat.send(household)
    reply = await chat.send(text)
    if "loại việc gì" in reply or "What kind of help" in reply:
        reply = await chat.send(kind)
    assert "Gửi báo cáo" in reply or "Send the report" in reply, reply
    return await chat.send("1")
