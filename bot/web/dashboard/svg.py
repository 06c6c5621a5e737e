"""Charts as inline SVG: no script, no picture to download, readable on a small screen."""

from __future__ import annotations

from html import escape

from bot.web.dashboard.views import Line

COLOURS = ("#c62828", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#ad1457")
MAX_LINES = len(COLOURS)
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 600, 220, 36, 24, 10


def line_chart(lines: tuple[Line, ...], labels: tuple[str, ...], title: str) -> str:
    """One line per organisation (the first MAX_LINES: the most lagging), rates 0-100 %, the
    months along the bottom; a legend below the chart."""
    shown = lines[:MAX_LINES]
    count = max(len(labels), 2)
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP

    def x(i: int) -> float:
        return LEFT + plot_w * i / (count - 1)

    def y(rate: float) -> float:
        return TOP + plot_h * (1 - min(max(rate, 0.0), 1.0))

    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        'class="chart" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 50, 100):
        ty = y(tick / 100)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.0f}" x2="{WIDTH - 8}" y2="{ty:.0f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 4}" y="{ty + 4:.0f}" text-anchor="end" font-size="11">'
            f"{tick}%</text>"
        )
    for i, label in enumerate(labels):
        if (len(labels) - 1 - i) % 2 == 0:  # every other month, ending with the last
            anchor = "end" if i == len(labels) - 1 else "middle"
            parts.append(
                f'<text x="{x(i):.0f}" y="{HEIGHT - 6}" text-anchor="{anchor}" font-size="10">'
                f"{escape(label)}</text>"
            )
    for colour, line in zip(COLOURS, shown, strict=False):
        points = " ".join(f"{x(i):.0f},{y(rate):.0f}" for i, rate in enumerate(line.rates))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}">'
            f"<title>{escape(line.name)}</title></polyline>"
        )
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="swatch" style="background:{colour}"></span>{escape(line.name)}</li>'
        for colour, line in zip(COLOURS, shown, strict=False)
    )
    return "".join(parts) + f'<ul class="legend">{legend}</ul>'
