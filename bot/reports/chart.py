"""PNG charts of reporting rates: per cell this month, or one cell's last months."""

from __future__ import annotations

import io
from datetime import date

from bot.reports.summary import CellSummary

MAX_CELLS = 40  # beyond this a bar chart stops being readable: the lagging ones are shown


def reporting_chart(
    title: str,
    cells: list[CellSummary] | None = None,
    months: list[tuple[date, float]] | None = None,
) -> bytes:
    """Bars of the share of members who reported: one per cell (lagging first), or one per
    month for a single cell. Vietnamese labels render with matplotlib's bundled DejaVu font."""
    if cells is not None:
        shown = sorted(cells, key=lambda c: (c.report_rate, c.name))[:MAX_CELLS]
        labels = [c.name.replace("Chi bộ ", "") for c in shown]
        values = [round(100 * c.report_rate) for c in shown]
        height = max(3.0, 0.32 * len(shown) + 1.2)
    else:
        assert months is not None
        labels = [f"{m:%m/%Y}" for m, _ in months]
        values = [round(100 * rate) for _, rate in months]
        height = 3.6
    # Imported here: matplotlib takes a second to load, and most commands never draw.
    import matplotlib

    matplotlib.use("Agg")  # no screen on a server
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7.5, height), dpi=100)
    try:
        colours = ["#c0392b" if v < 50 else "#e67e22" if v < 80 else "#27ae60" for v in values]
        bars = axes.barh(labels, values, color=colours)
        axes.invert_yaxis()  # first (most lagging / oldest) on top
        axes.set_xlim(0, 105)
        axes.set_xlabel("% đảng viên đã báo cáo việc tốt")
        axes.set_title(title, fontsize=11)
        axes.bar_label(bars, labels=[f"{v}%" for v in values], padding=3, fontsize=8)
        axes.tick_params(axis="y", labelsize=8)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        pyplot.close(figure)
