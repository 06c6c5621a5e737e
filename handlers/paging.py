"""Choice lists longer than a screen, in pages: every question with more than ONE_SCREEN
options shows one page of them with "Trang sau" / "Trang trước" (buttons on Telegram, numbered
lines on Zalo), and a name typed instead is matched against every option. The one place
pages are made (`Context.say`) and turned (the router), for every command alike."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.i18n import N_
from bot.core.messages import Choice

# Up to ONE_SCREEN options are shown together (a menu of actions); a longer list (a district's
# cells) goes PAGE_SIZE at a time, with the page turns and "Cancel".
ONE_SCREEN = 15
PAGE_SIZE = 10
PREFIX = "page:"
CANCEL = "cancel"
NEXT = N_("Next page ▶")
PREVIOUS = N_("◀ Previous page")
HINT = N_("Page {page} of {pages}. You can also type a name.")
NEXT_WORDS = ("trang sau", "tiep", "xem tiep", "next")
PREVIOUS_WORDS = ("trang truoc", "previous", "back")


def paged(choices: tuple[Choice, ...]) -> bool:
    """Whether `choices` are too many for one screen."""
    return len(_items(choices)) > ONE_SCREEN


def pages(choices: tuple[Choice, ...]) -> int:
    """How many pages `choices` take."""
    return max(1, -(-len(_items(choices)) // PAGE_SIZE))


def page_of(
    choices: tuple[Choice, ...], page: int, gettext: Callable[[str], str]
) -> tuple[tuple[Choice, ...], str]:
    """The options shown on `page` (from 0) with the page turns and "Cancel", and the line
    saying which page it is; `choices` and no line when they fit on one screen."""
    if not paged(choices):
        return choices, ""
    items = _items(choices)
    last = pages(choices) - 1
    page = min(max(page, 0), last)
    shown = list(items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE])
    if page < last:
        shown.append(Choice(f"{PREFIX}{page + 1}", gettext(NEXT), NEXT_WORDS))
    if page > 0:
        shown.append(Choice(f"{PREFIX}{page - 1}", gettext(PREVIOUS), PREVIOUS_WORDS))
    shown.extend(c for c in choices if c.key == CANCEL)
    hint = gettext(HINT).format(page=page + 1, pages=last + 1)
    return tuple(shown), hint


def turned_to(key: str | None) -> int | None:
    """The page a page-turn key leads to, else None."""
    if key is None or not key.startswith(PREFIX):
        return None
    number = key.removeprefix(PREFIX)
    return int(number) if number.isdigit() else None


def _items(choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
    return tuple(c for c in choices if c.key != CANCEL)
