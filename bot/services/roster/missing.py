"""Members of the file's cells whom the file leaves out: listed, and marked only when asked —
never the importer, and not when so many are missing that the file is likely incomplete."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import N_
from bot.core.text import fold
from bot.services.roster.orgindex import OrgIndex
from bot.services.roster.plan import CellGap, ImportPlan, missing_change
from bot.services.roster.records import ParsedFile, Problem
from models import Member, MemberStatus, Organisation

MISSING_SHARE = 3  # more than 1/3 of a cell missing: the file is probably incomplete


@dataclass(frozen=True)
class Marking:
    """Whether and how to mark members the file leaves out."""

    status: MemberStatus | None  # None: only list them
    importer_id: int | None = None  # never marked (they are sending the file)
    force: bool = False  # mark even when more than a third of a cell is missing


def plan_missing(
    plan: ImportPlan,
    *,
    parsed: ParsedFile,
    known: list[Member],
    covered: set[int],
    listed: set[str],
    orgs: OrgIndex,
    marking: Marking,
) -> None:
    """List the members of `covered` cells who are not in the file (`listed` phones), and
    add marking them to `plan` when asked and not refused."""
    present = [m for m in known if m.cell_id in covered]
    plan.missing_members = sorted(
        (
            m
            for m in present
            if m.phone not in listed and m.status is not MemberStatus.TRANSFERRED_OUT
        ),
        key=lambda m: m.full_name,
    )
    _phone_changes(plan)
    markable = [m for m in plan.missing_members if m.id != marking.importer_id]
    for cell_id in sorted(covered):
        total = sum(
            1
            for m in present
            if m.cell_id == cell_id and m.status is not MemberStatus.TRANSFERRED_OUT
        )
        missing = sum(1 for m in markable if m.cell_id == cell_id)
        if missing * MISSING_SHARE > total:
            plan.gaps.append(CellGap(orgs.by_id[cell_id].name, missing, total))
    if marking.status is None:
        return
    if plan.gaps and not marking.force:
        sheet = parsed.members[0].sheet if parsed.members else "-"
        plan.problems.extend(
            Problem(
                sheet,
                0,
                "",
                N_(
                    "{missing} of the {total} members of {cell} are not in the file, more "
                    "than a third: is the file complete? Nobody was marked."
                ),
                {"missing": gap.missing, "total": gap.total, "cell": gap.cell},
            )
            for gap in plan.gaps
        )
        return
    plan.members.extend(
        missing_change(m, orgs, marking.status) for m in markable if m.status is not marking.status
    )


def _phone_changes(plan: ImportPlan) -> None:
    """Warn of a new member named like a member of the same cell missing from the file: most
    likely one person whose phone changed, whom the import would add a second time."""
    missing = {(m.cell_id, fold(m.full_name)): m for m in plan.missing_members}
    for change in plan.members:
        cell = change.cell
        if change.member is not None or not isinstance(cell, Organisation):
            continue
        same = missing.get((cell.id, fold(change.row.name)))
        if same is not None:
            plan.warnings.append(
                change.row.problem(
                    "phone",
                    N_(
                        "{name} ({phone}) would be a new member, but {name} ({old}) of the same "
                        "cell is not in the file: probably a changed phone number. Importing "
                        "would list this comrade twice."
                    ),
                    name=change.row.name,
                    phone=change.row.phone,
                    old=same.phone or "-",
                )
            )
