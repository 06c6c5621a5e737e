"""A roster import in words: its problems, and what it changes (or would change)."""

from __future__ import annotations

from bot.core.i18n import N_, Translator
from bot.services.committees import role_label
from bot.services.roster.plan import ImportPlan
from bot.services.roster.records import Problem
from models import MemberStatus, Organisation, OrgKind

STATUS_LABELS = {
    MemberStatus.ACTIVE: N_("active"),
    MemberStatus.WORKING_AWAY: N_("working away"),
    MemberStatus.EXEMPT: N_("exempt from meetings"),
    MemberStatus.TRANSFERRED_OUT: N_("transferred out"),
}
NAMES_SHOWN = 15


def problems_text(t: Translator, problems: list[Problem], limit: int | None = None) -> str:
    """The file's problems, the first `limit` of them (all when None), one a line."""
    count = len(problems)
    lines = [
        t.ngettext(
            "The file has {count} problem; nothing was written:",
            "The file has {count} problems; nothing was written:",
            count,
        ).format(count=count)
    ]
    shown = problems if limit is None else problems[:limit]
    lines.extend(f"• {problem.render(t)}" for problem in shown)
    if len(shown) < count:
        lines.append(t.gettext("…and {count} more.").format(count=count - len(shown)))
    return "\n".join(lines)


def _names(t: Translator, names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += " " + t.gettext("and {count} more").format(count=len(names) - NAMES_SHOWN)
    return shown


def _fields(t: Translator, fields: list[str]) -> str:
    return ", ".join(t.gettext(field) for field in fields)


def plan_text(t: Translator, plan: ImportPlan, applied: bool) -> str:
    """What the plan changes: done (`applied`) or to be done; then who the file leaves out."""
    if not plan.changes:
        lines = [t.gettext("Nothing to change: the bot already has everything in this file.")]
    elif applied:
        lines = [t.gettext("Done. Changes written:")]
    else:
        lines = [t.gettext("The file has no problem. It would change:")]
    new_members = [c for c in plan.members if c.member is None]
    updated = [c for c in plan.members if c.member is not None and c.fields]
    statuses = [c for c in plan.members if c.member is not None and c.status is not None]
    new_households = [c for c in plan.households if c.household is None]
    changed_households = [c for c in plan.households if c.household is not None and c.fields]
    assigned = [c for c in plan.households if c.assign_to]
    sections: list[tuple[str, int, str]] = [
        (
            N_("New organisations ({count}): {items}"),
            len(plan.orgs),
            _names(t, [o.name for o in plan.orgs]),
        ),
        (
            N_("New members ({count}): {items}"),
            len(new_members),
            _names(t, [c.row.name for c in new_members]),
        ),
        (
            N_("Members updated ({count}): {items}"),
            len(updated),
            _names(t, [f"{c.row.name} ({_fields(t, c.fields)})" for c in updated]),
        ),
        (
            N_("Members moving to another cell ({count}): {items}"),
            len(plan.moves),
            _names(t, [f"{c.row.name}: {c.moved_from} → {c.cell.name}" for c in plan.moves]),
        ),
        (
            N_("Status changes ({count}): {items}"),
            len(statuses),
            _names(
                t,
                [
                    f"{c.row.name} → {t.gettext(STATUS_LABELS[c.status])}"
                    for c in statuses
                    if c.status is not None
                ],
            ),
        ),
        (
            N_("New households ({count}): {items}"),
            len(new_households),
            _names(t, [c.row.code for c in new_households]),
        ),
        (
            N_("Households updated ({count}): {items}"),
            len(changed_households),
            _names(t, [f"{c.row.code} ({_fields(t, c.fields)})" for c in changed_households]),
        ),
        (
            N_("Members in charge ({count}): {items}"),
            len(assigned),
            _names(
                t,
                [
                    f"{c.row.code}: {c.holder_name} → {c.new_holder_name}"
                    if c.holder_name
                    else f"{c.row.code} → {c.new_holder_name}"
                    for c in assigned
                ],
            ),
        ),
        (
            N_("Committee roles ({count}): {items}"),
            len(roles := [c for c in plan.committees if c.role is not None]),
            _names(
                t,
                [
                    f"{c.name}: {t.gettext(role_label(_org_kind(c.org), c.role))}, {c.org.name}"
                    for c in roles
                    if c.role is not None
                ],
            ),
        ),
        (
            N_("Cells followed ({count}): {items}"),
            len(followed := [c for c in plan.committees if c.follows is not None]),
            _names(
                t,
                [
                    f"{c.name} → {', '.join(cell.name for cell in c.follows or []) or '-'}"
                    for c in followed
                ],
            ),
        ),
    ]
    lines.extend(
        "• " + t.gettext(text).format(count=count, items=items)
        for text, count, items in sections
        if count
    )
    if plan.missing_members:
        lines.append(
            t.gettext("Members of these cells who are not in the file ({count}): {items}.").format(
                count=len(plan.missing_members),
                items=_names(t, [m.full_name for m in plan.missing_members]),
            )
        )
        if not any(c.row.row == 0 for c in plan.members):
            lines.append(t.gettext("They are kept as they are."))
    if plan.missing_households:
        lines.append(
            t.gettext(
                "Households of these cells that are not in the file ({count}), kept as they "
                "are: {items}."
            ).format(
                count=len(plan.missing_households),
                items=_names(t, [h.code for h in plan.missing_households]),
            )
        )
    if plan.orphaned:
        lines.append(orphaned_text(t, plan))
    if plan.warnings:
        lines.append(t.gettext("Notes:"))
        lines.extend(f"• {warning.render(t)}" for warning in plan.warnings[:5])
    return "\n".join(lines)


def _org_kind(org: object) -> OrgKind:
    return org.kind if isinstance(org, Organisation) else getattr(org, "level", OrgKind.CELL)


def orphaned_text(t: Translator, plan: ImportPlan) -> str:
    """The households whose member is being marked as transferred out: to reassign."""
    return t.gettext(
        "Households looked after by members marked as transferred out ({count}); give them to "
        "another member (/phancong): {items}."
    ).format(
        count=len(plan.orphaned),
        items=_names(t, [f"{h.code} ({m.full_name})" for h, m in plan.orphaned]),
    )
