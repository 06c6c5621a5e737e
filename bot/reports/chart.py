"""PNG charts of reporting rates: per commune or cell under an organisation this month, or one
cell's last months. A chart never drops data silently: past MAX_BARS it shows the most
lagging and says how many are left out."""

from __future__ import annotations

import io
from dataclasses import dataclass

from babel.numbers import format_decimal

from bot.reports.aggregates import Figures, Node

MAX_BARS = 40  # beyond this a bar chart stops being readable


@dataclass(frozen=True)
class Bars:
    """What a chart shows: labelled rates (0-1), first on top, and how many were left out."""

    title: str
    bars: tuple[tuple[str, float], ...]
    hidden: int = 0
    note: str = ""  # printed under the chart when bars were left out
    language: str = "vi"  # of the numbers: "96,7%" or "96.7%"


def children_bars(
    node: Node[Figures], title: str, limit: int = MAX_BARS, language: str = "vi"
) -> Bars:
    """One bar per child of `node` (communes under a district, cells under a commune), the
    most lagging first, at most `limit`."""
    shown = node.children[:limit]  # children are sorted lagging first
    return Bars(
        title,
        tuple(
            (child.org.name.replace("Chi bộ ", ""), child.figures.report_rate) for child in shown
        ),
        len(node.children) - len(shown),
        language=language,
    )


def reporting_chart(bars: Bars, axis_label: str) -> bytes:
    """Horizontal bars of the share of members who reported, coloured by how far behind.
    Uses matplotlib's object API (no pyplot state), so it may run in a worker thread;
    Vietnamese labels render with matplotlib's bundled DejaVu font."""
    # Imported here: matplotlib takes a second to load, and most commands never draw.
    from matplotlib.figure import Figure

    labels = [label for label, _ in bars.bars]
    values = [round(100 * rate, 1) for _, rate in bars.bars]
    shown = [f"{format_decimal(v, '0.#', locale=bars.language)}%" for v in values]
    height = max(3.0, 0.32 * len(labels) + 1.2) + (0.4 if bars.note else 0.0)
    figure = Figure(figsize=(7.5, height), dpi=100)
    axes = figure.subplots()
    colours = ["#c0392b" if v < 50 else "#e67e22" if v < 80 else "#27ae60" for v in values]
    drawn = axes.barh(labels, values, color=colours)
    axes.invert_yaxis()  # first (most lagging / oldest) on top
    axes.set_xlim(0, 110)
    axes.set_xlabel(axis_label)
    axes.set_title(bars.title, fontsize=11, y=1.0)  # a fixed place: no layout pass
    axes.bar_label(drawn, labels=shown, padding=3, fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    if bars.note:
        figure.text(0.01, 0.01, bars.note, fontsize=8, style="italic")
    # Margins from the longest label rather than tight_layout, which draws the figure twice
    # (a digest draws thousands of charts).
    longest = max((len(label) for label in labels), default=0)
    left = min(0.45, 0.04 + 0.0115 * longest)
    bottom = (0.55 + (0.35 if bars.note else 0.0)) / height
    figure.subplots_adjust(left=left, right=0.97, top=1 - 0.45 / height, bottom=bottom)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
