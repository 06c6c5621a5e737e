"""Five people of one commune for probing every command: a stranger, a member, the cell's
secretary, another cell's secretary and a commune committee member, each with what they must
never be shown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher.dispatch import Dispatcher
from models import Organisation, OrgKind, Role, RoleKind
from tests import factories
from tests.dialog import Chat
from tests.factories import Cell, FakeClock

# Names of people and households of each cell (the `cell` fixture's, and another cell's).
THIS_CELL = ("Lò Văn Xiên", "Hà Thị Mai", "Lò Văn Pành", "Quàng Thị Ún", "Vì Văn Dũng")
OTHER_CELL = ("Lò Văn Khác", "Đinh Văn Bí", "Hộ Bên Kia")
MAI_HOUSEHOLDS = ("Vì Văn Dũng", "Lò Thị Nga")
CRASH = "sự cố"
_VIETNAMESE = re.compile("[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]")


@dataclass
class Prober:
    """A chat and the names it must not be shown."""

    role: str
    chat: Chat
    forbidden: tuple[str, ...]


def vietnamese(text: str) -> bool:
    """Whether `text` is written in Vietnamese (it has Vietnamese letters)."""
    return _VIETNAMESE.search(text.lower()) is not None


async def commune_of_five(
    sessionmaker: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    cell: Cell,
    clock: FakeClock,
) -> list[Prober]:
    """Another cell (with its secretary, a member and a household) and a commune committee
    member beside the `cell` fixture; the five probers."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        assert commune is not None
        other = await factories.org(session, "Chi bộ bản Khác", OrgKind.CELL, commune)
        khac = await factories.member(session, other.id, "Lò Văn Khác", "0913000002", now)
        bi = await factories.member(session, other.id, "Đinh Văn Bí", "0913000003", now)
        uy = await factories.member(session, cell.cell_id, "Hoàng Văn Ủy", "0913000004", now)
        await factories.household(session, cell.commune_id, "KH-01", "Hộ Bên Kia", now, khac.id)
        for member, org, kind in (
            (cell.members["mai"], cell.cell_id, RoleKind.SECRETARY),
            (bi.id, other.id, RoleKind.SECRETARY),
            (uy.id, cell.commune_id, RoleKind.COMMITTEE_MEMBER),
        ):
            session.add(Role(member_id=member, org_id=org, kind=kind, started_on=date(2025, 1, 1)))
        for member_id, chat in ((cell.members["xien"], "chat-1"), (bi.id, "bi"), (uy.id, "uy")):
            await factories.link(session, member_id, chat, now)
    return [
        Prober("stranger", Chat(dispatcher, "stranger"), THIS_CELL + OTHER_CELL),
        Prober("member", Chat(dispatcher, "chat-1"), OTHER_CELL + MAI_HOUSEHOLDS),
        Prober("secretary", Chat(dispatcher, "chat-mai"), OTHER_CELL),
        Prober("other secretary", Chat(dispatcher, "bi"), THIS_CELL),
        Prober("committee", Chat(dispatcher, "uy"), ()),
    ]


def judge(prober: Prober, said: str, reply: str, *, language: bool = True) -> list[str]:
    """What is wrong with `reply` to what `prober` said: no answer, a crash, not Vietnamese
    (when `language`), a name outside their scope. Nothing: an empty list."""
    wrong = []
    if not reply.strip():
        wrong.append("no answer")
    elif CRASH in reply:
        wrong.append("crash")
    elif language and not vietnamese(reply):
        wrong.append("not Vietnamese")
    wrong.extend(f"shows {name}" for name in prober.forbidden if name in reply)
    return [f"{prober.role} {said}: {problem}" for problem in wrong]
