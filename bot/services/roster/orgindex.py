"""Organisations found by name, among the database's and those a roster file adds, and where
a cell stands under them (its commune, the committee at a level above it)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from bot.core.text import fold
from bot.services.roster.records import OrgRow
from bot.services.roster.words import Level
from models import Organisation, OrgKind

Org = Organisation | OrgRow  # an organisation in the database, or one the file adds


def commune_of(cell: Org, orgs: OrgIndex) -> Org:
    """Where a cell's households are numbered: its grassroots committee (a cell directly
    under a district numbers its own)."""
    parent = orgs.parent(cell)
    return (
        parent if parent is not None and kind_of(parent) is OrgKind.GRASSROOTS_COMMITTEE else cell
    )


def kind_of(org: Org) -> OrgKind:
    """An organisation's level, in the database or in the file."""
    return org.kind if isinstance(org, Organisation) else org.level


def _exact(name: str) -> str:
    """A name compared with its tone marks: NFC, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).lower().replace("đ", "d").split())


class OrgIndex:
    """The database's organisations and the file's new ones, found by name.

    A name matches with or without tone marks ("na lung" is "Nà Lụng"), but a name written
    with tone marks must have the right ones: "Nà Lũng" is not "Nà Lụng" (`near` tells them
    apart from no match at all)."""

    def __init__(self, existing: Sequence[Organisation], new: Sequence[OrgRow]) -> None:
        self.existing = list(existing)
        self.by_id = {org.id: org for org in existing}
        self.new = list(new)
        # Names folded once, answers kept: a file names the same few cells thousands of times.
        self._names = [(o, fold(o.name), _exact(o.name)) for o in self.all()]
        self._found: dict[tuple[str, tuple[OrgKind, ...]], tuple[list[Org], list[Org]]] = {}

    def all(self) -> list[Org]:
        """Every organisation known."""
        return [*self.existing, *self.new]

    def find(self, name: str, kinds: tuple[OrgKind, ...]) -> list[Org]:
        """Organisations of those kinds the name designates (several: ambiguous)."""
        return self._lookup(name, kinds)[0]

    def near(self, name: str, kinds: tuple[OrgKind, ...]) -> list[Org]:
        """Organisations the name would designate but for its tone marks."""
        return self._lookup(name, kinds)[1]

    def _lookup(self, name: str, kinds: tuple[OrgKind, ...]) -> tuple[list[Org], list[Org]]:
        key = (name, kinds)
        if key not in self._found:
            folded = fold(name)
            candidates = [(o, f, e) for o, f, e in self._names if kind_of(o) in kinds]
            loose = [c for c in candidates if c[1] == folded] or [
                c for c in candidates if folded and folded in c[1]
            ]
            if folded == _exact(name):  # written without tone marks: any marks will do
                self._found[key] = ([o for o, _, _ in loose], [])
            else:
                written = _exact(name)
                exact = [c for c in loose if c[2] == written] or [
                    c for c in loose if written in c[2]
                ]
                self._found[key] = (
                    [o for o, _, _ in exact],
                    [o for o, _, _ in loose if all(o is not e for e, _, _ in exact)],
                )
        return self._found[key]

    def parent(self, org: Org) -> Org | None:
        """The organisation above `org`."""
        if isinstance(org, Organisation):
            return self.by_id.get(org.parent_id) if org.parent_id is not None else None
        found = self.find(org.parent, tuple(OrgKind)) if org.parent else []
        return found[0] if len(found) == 1 else None


def committee_above(cell: Org, level: Level, orgs: OrgIndex) -> Org | None:
    """The committee at `level` above `cell` (its commune's, its district's, or the first)."""
    org = orgs.parent(cell)
    while org is not None:
        kind = kind_of(org)
        if (
            level is Level.NEAREST
            or (level is Level.COMMUNE and kind is OrgKind.GRASSROOTS_COMMITTEE)
            or (level is Level.DISTRICT and kind is OrgKind.DISTRICT_COMMITTEE)
        ):
            return org
        if level is Level.COMMUNE:
            return None
        org = orgs.parent(org)
    return None
