"""What every handler works with: the per-message Context and the Command/Flow descriptions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import format_date, format_month, month_start
from bot.core.i18n import N_, Translator
from bot.core.messages import Choice, InboundMessage, OutboundMessage
from bot.core.words import Phrasebook
from handlers import paging
from handlers.flow_state import Draft, FlowState, NoDraft
from models import Member

CommandHandler = Callable[["Context", str], Awaitable[None]]
TypedAnswer = Callable[["Context", str, bool], Awaitable[bool]]
CANCEL = paging.CANCEL  # the key of every flow's "Cancel" option
PICK_ONE = N_("Please choose one of the options (you can reply with its number).")
StepHandler = Callable[["Context"], Awaitable[None]]
# Long work of a message (a district workbook, a chart) done after its transaction and its
# batch, so no other chat waits for it: given the sessionmaker, it reads in a short session
# and renders with none open (SQLite's lock is held by any open transaction); its replies.
Later = Callable[[async_sessionmaker[AsyncSession]], Awaitable[list[OutboundMessage]]]
D = TypeVar("D", bound=Draft)


@dataclass
class Context:
    """One inbound message being handled: who sent it, in what state, and the replies so far."""

    session: AsyncSession
    message: InboundMessage
    member: Member | None
    t: Translator
    tz: ZoneInfo
    now: datetime
    max_text_length: int
    registry: Registry
    state: FlowState | None = None
    choice: str | None = None
    default_language: str = "vi"  # for texts to other people who chose no language
    bot_username: str = ""  # the Telegram bot's username, for invite links (may be unknown)
    public_url: str = ""  # PUBLIC_URL (https): the web dashboard is offered only with it
    zalo_bot_name: str = ""  # the name members find the bot by in Zalo (may be unknown)
    replies: list[OutboundMessage] = field(default_factory=list)
    later: list[Later] = field(default_factory=list)

    def _(self, message: str) -> str:
        """Translate `message` into the reader's language."""
        return self.t.gettext(message)

    @property
    def today(self) -> date:
        """Today's date in the configured time zone."""
        return self.now.astimezone(self.tz).date()

    @property
    def month(self) -> date:
        """The first day of the current month: the month reports belong to."""
        return month_start(self.today)

    def date_text(self, moment: datetime | date) -> str:
        """A date as dd/mm/yyyy in local time."""
        if isinstance(moment, datetime):
            moment = moment.astimezone(self.tz)
        return format_date(moment)

    def month_text(self, month: date | None = None) -> str:
        """A month as mm/yyyy."""
        return format_month(month or self.month)

    def say(self, text: str, choices: tuple[Choice, ...] = ()) -> None:
        """Add a reply; more choices than a screen holds are shown a page at a time (the
        chat's current page of them: see handlers/paging.py)."""
        if paging.paged(choices):
            state = self.state
            page = state.page if state is not None and state.choices == choices else 0
            choices, hint = paging.page_of(choices, page, self._)
            text = f"{text}\n{hint}"
        self.replies.append(OutboundMessage(text=text, choices=choices))

    def after_commit(self, work: Later) -> None:
        """Do `work` once this message is committed, outside the batch (other chats are
        answered meanwhile, this chat's next message waits): its replies follow these."""
        self.later.append(work)

    def say_to_stranger(self, text: str) -> None:
        """Add a reply for someone not linked yet, offering to share their phone number."""
        self.replies.append(
            OutboundMessage(
                text=text, request_contact_label=self._("Share my phone number to link")
            )
        )

    def ask(self, flow: str, step: str, prompt: str, choices: tuple[Choice, ...] = ()) -> None:
        """Move to `step` of `flow` (keeping its draft) and ask `prompt`."""
        same = self.state is not None and self.state.flow == flow
        draft = self.state.draft if self.state is not None and same else NoDraft()
        self.state = FlowState(flow=flow, step=step, draft=draft, prompt=prompt, choices=choices)
        self.say(prompt, choices)

    def begin(self, flow: str, draft: Draft | None = None) -> None:
        """Start `flow` with `draft` (or an empty one), before its first question is chosen."""
        self.state = FlowState(flow=flow, step="", draft=draft or NoDraft())

    def draft(self, kind: type[D]) -> D:
        """The current flow's draft as `kind`: a fresh one if the flow has kept none yet."""
        if self.state is not None and isinstance(self.state.draft, kind):
            return self.state.draft
        return kind()

    def keep(self, draft: Draft) -> None:
        """Replace the current flow's draft (the flow must have begun)."""
        assert self.state is not None, "keep() outside a flow"
        self.state.draft = draft

    def reprompt(self, note: str | None = None) -> None:
        """Say `note`, then ask the pending question again with its choices."""
        if note:
            self.say(note)
        if self.state is not None and self.state.prompt:
            self.say(self.state.prompt, self.state.choices)

    def finish(self) -> None:
        """End the current flow."""
        self.state = None

    def confirmed(self, declined: str) -> bool:
        """At a yes/no step: True on "yes"; on "no" end the flow saying `declined` (a msgid);
        on anything else ask the question again."""
        if self.choice == "yes":
            return True
        if self.choice == "no":
            self.finish()
            self.say(self._(declined))
        else:
            self.reprompt(self._(PICK_ONE))
        return False


@dataclass(frozen=True)
class Command:
    """A command: names (Vietnamese first, then aliases), what it does, and who may use it."""

    names: tuple[str, ...]
    run: CommandHandler
    summary: str
    phrases: tuple[str, ...] = ()
    for_strangers: bool = False
    starts_flow: bool = False
    in_menu: bool = False
    leaders_only: bool = False  # listed only to secretaries and committee members
    flow: str = ""  # the flow it starts: typed again mid-way, it starts that flow afresh
    takes_text: bool = False  # "bao cao giúp bà Phượng...": the words after it are its text
    never_text: bool = False  # its words typed where a text is expected are never that text


@dataclass(frozen=True)
class Answer:
    """An answer to something the bot sent on its own (a notice, a reminder), taken
    whatever the chat is doing: its buttons' keys start with `prefix`."""

    prefix: str
    run: CommandHandler


@dataclass(frozen=True)
class Flow:
    """A multi-step conversation: its steps by name and what it is called when interrupted."""

    name: str
    title: str
    steps: Mapping[str, StepHandler]
    light: bool = False  # a menu-like flow that any command simply replaces
    draft: type[Draft] = NoDraft  # what it keeps between messages, validated on load
    text_steps: frozenset[str] = frozenset()  # steps asking for a text beside their options
    # What a light flow reads from a typed text besides its options (a period typed under
    # /tonghop): such a text goes to the step, not to the commands or the menu.
    reads: Callable[[Context, str], bool] | None = None


@dataclass
class Registry:
    """Commands and flows in registration order (earlier wins for free-text phrases)."""

    commands: list[Command] = field(default_factory=list)
    flows: dict[str, Flow] = field(default_factory=dict)
    answers: list[Answer] = field(default_factory=list)
    typed_answer: TypedAnswer | None = None  # typed answers to what the bot sent on its own
    _book: tuple[list[Command], Phrasebook[Command]] | None = None

    def add_answer(self, answer: Answer) -> None:
        """Register an answer to messages the bot sends on its own."""
        self.answers.append(answer)

    def answer_for(self, key: str | None) -> Answer | None:
        """The answer a button key belongs to, if any."""
        if not key:
            return None
        return next((a for a in self.answers if key.startswith(a.prefix)), None)

    def add(self, command: Command) -> None:
        """Register a command."""
        self.commands.append(command)

    def add_flow(self, flow: Flow) -> None:
        """Register a flow."""
        self.flows[flow.name] = flow

    def draft_kind(self, flow: str) -> type[Draft] | None:
        """The draft type of `flow`; None for a flow this version does not have."""
        found = self.flows.get(flow)
        return None if found is None else found.draft

    def command(self, name: str) -> Command | None:
        """The command with this name or alias."""
        return next((c for c in self.commands if name in c.names), None)

    def require(self, name: str) -> Command:
        """The command with this name; a KeyError is a registration bug."""
        command = self.command(name)
        if command is None:
            raise KeyError(name)
        return command

    def _phrasebook(self) -> Phrasebook[Command]:
        if self._book is None or self._book[0] != self.commands:
            book = Phrasebook((c, (*c.phrases, *c.names)) for c in self.commands)
            self._book = (list(self.commands), book)
        return self._book[1]

    def by_phrase(self, text: str, fuzzy: bool = True) -> Command | None:
        """The command a whole free-text message asks for ("báo cáo ạ", "dang ki", "baso
        caso"); with `fuzzy`, forgiving a typo in longer phrases."""
        return self._phrasebook().whole(text, fuzzy) if text else None

    def leading(self, text: str, fuzzy: bool = True) -> tuple[Command, str] | None:
        """A command that takes text, named at the start of the message, and that text:
        "bao cao giúp bà Phượng sửa mái nhà" -> (/viectot, "giúp bà Phượng sửa mái nhà")."""
        among = [c for c in self.commands if c.takes_text]
        return self._phrasebook().leading(text, among, fuzzy) if text else None


async def cancelled(ctx: Context) -> bool:
    """True (and the flow cancelled) when the person chose "Cancel"."""
    if ctx.choice == CANCEL:
        await ctx.registry.require("huy").run(ctx, "")
        return True
    return False


async def picked(ctx: Context, prefix: str) -> str | None:
    """The value of a choice keyed `prefix` + value; None once "Cancel" or an answer that is
    no option has been dealt with."""
    if await cancelled(ctx):
        return None
    if ctx.choice is None or not ctx.choice.startswith(prefix):
        ctx.reprompt(ctx._(PICK_ONE))
        return None
    return ctx.choice.removeprefix(prefix)
