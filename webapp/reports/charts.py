"""Charts as server-rendered SVG: pure functions, plain values in, escaped markup out.

No script and no chart library: the SVG is part of the page, scales with its container
(viewBox), reads in a screen reader (role="img", a title and a description), and prints
as it shows (colours are fill attributes, not CSS backgrounds a browser drops on paper).
Every label passes through ``escape``: unit and topic names are user input.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

BLUE = "#0b5cad"
ORANGE = "#d97a00"
GREEN = "#1d7a3a"
RED = "#b3261e"
GREY = "#d6dde5"
INK = "#1d2733"
MUTED = "#5b6877"


def nice_max(value: float) -> float:
    """The axis' top: 1, 2, 2.5 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover


def _open(width: int, height: int, title: str, desc: str) -> tuple[str, str]:
    # Ids from the content: the same input gives the same SVG (no state between calls).
    n = hashlib.sha1(f"{title}\n{desc}".encode()).hexdigest()[:10]
    head = (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart-t{n} chart-d{n}" font-family="inherit" '
        f'font-size="12" preserveAspectRatio="xMinYMin meet">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def _text(x, y, text, anchor="start", fill=INK, size=12, weight="normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" '
        f'font-size="{size}" font-weight="{weight}">{escape(text)}</text>'
    )


LEGEND_LINE = 18


def _legend(series: Sequence[tuple[str, str]], x: float, y: float) -> str:
    """One line per series: names are long (a group's label) and never overlap."""
    parts = []
    for name, color in series:
        parts.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{color}"/>')
        parts.append(_text(x + 16, y, name))
        y += LEGEND_LINE
    return "".join(parts)


def stacked_columns(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int], str]],
    fmt: Callable[[int], str] = str,
) -> Markup:
    """Vertical columns, one per label, each stacking the series' values; totals on top.

    ``series`` is (name, values, colour), the values in the order of ``labels``.
    """
    width, height, left, right, bottom = 720, 300, 44, 12, 30
    top = 20 + LEGEND_LINE * len(series) + 12
    slot = (width - left - right) / max(len(labels), 1)
    # Label every column when they fit, else every second, third...: never overlapping.
    label_every = max(1, math.ceil(7 * max((len(x) for x in labels), default=1) / slot))
    plot_h = height - top - bottom
    totals = [sum(s[1][i] for s in series) for i in range(len(labels))]
    top_value = nice_max(max(totals, default=0))
    desc = "; ".join(
        f"{label}: " + ", ".join(f"{name} {fmt(values[i])}" for name, values, _c in series)
        for i, label in enumerate(labels)
    )
    head, tail = _open(width, height, title, desc)
    parts = [head, _legend([(name, color) for name, _v, color in series], left, 16)]
    for k in range(5):
        value = top_value * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GREY}"/>'
        )
        shown = fmt(int(value)) if value == int(value) else f"{value:g}"
        parts.append(_text(left - 6, y + 4, shown, anchor="end", fill=MUTED, size=11))
    bar_w = min(slot * 0.62, 56)
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h
        for name, values, color in series:
            h = plot_h * values[i] / top_value
            if h > 0:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{color}"><title>{escape(label)} · {escape(name)}: '
                    f"{escape(fmt(values[i]))}</title></rect>"
                )
        if slot >= 18 or totals[i] == max(totals):
            parts.append(
                _text(x + bar_w / 2, y - 4, fmt(totals[i]), anchor="middle", size=11, weight="bold")
            )
        if i % label_every == 0:
            parts.append(_text(x + bar_w / 2, top + plot_h + 16, label, anchor="middle", size=11))
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="{MUTED}"/>'
    )
    parts.append(tail)
    return Markup("".join(parts))


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def ranked_bars(
    title: str,
    items: Sequence[tuple[str, int]],
    color: str = BLUE,
    fmt: Callable[[int], str] = str,
    zero_color: str = RED,
) -> Markup:
    """Horizontal bars, one per (label, value), in the given order; zeros marked in red."""
    label_w, right, row_h, top = 270, 48, 24, 8
    width = 640
    height = top + row_h * max(len(items), 1) + 8
    plot_w = width - label_w - right
    top_value = max((v for _l, v in items), default=0) or 1
    desc = "; ".join(f"{label}: {fmt(value)}" for label, value in items)
    head, tail = _open(width, height, title, desc)
    parts = [head]
    for i, (label, value) in enumerate(items):
        y = top + row_h * i
        parts.append(
            f"<g><title>{escape(label)}: {escape(fmt(value))}</title>"
            + _text(label_w - 8, y + 16, _short(label), anchor="end")
        )
        w = plot_w * value / top_value
        if value:
            parts.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="{color}"/>'
            )
        parts.append(
            _text(
                label_w + w + 6,
                y + 16,
                fmt(value),
                fill=zero_color if not value else INK,
                weight="bold" if not value else "normal",
            )
        )
        parts.append("</g>")
    parts.append(tail)
    return Markup("".join(parts))


def budget_bar(
    title: str,
    budget: int,
    parts_: Sequence[tuple[str, int, str]],
    fmt: Callable[[int], str] = str,
    budget_label: str = "",
) -> Markup:
    """One bar of spending against the budget: the parts stacked, the budget as a marked line.

    ``parts_`` is (name, amount, colour). Spending beyond the budget runs past the line.
    """
    width, left, right = 640, 8, 8
    top = 20 + LEGEND_LINE * len(parts_) + 8
    height = top + 70
    bar_h = 28
    spent = sum(amount for _n, amount, _c in parts_)
    scale_max = max(budget, spent, 1)
    plot_w = width - left - right
    desc = f"{budget_label} {fmt(budget)}; " + "; ".join(
        f"{name}: {fmt(amount)}" for name, amount, _c in parts_
    )
    head, tail = _open(width, height, title, desc)
    out = [head, _legend([(n, c) for n, _a, c in parts_], left, 16)]
    out.append(
        f'<rect x="{left}" y="{top}" width="{plot_w * budget / scale_max:.1f}" height="{bar_h}" '
        f'fill="#eef2f6" stroke="{GREY}"/>'
    )
    x = left
    for name, amount, color in parts_:
        w = plot_w * max(amount, 0) / scale_max
        if w > 0:
            out.append(
                f'<rect x="{x:.1f}" y="{top}" width="{w:.1f}" height="{bar_h}" fill="{color}">'
                f"<title>{escape(name)}: {escape(fmt(amount))}</title></rect>"
            )
            x += w
    if budget:
        bx = left + plot_w * budget / scale_max
        out.append(
            f'<line x1="{bx:.1f}" x2="{bx:.1f}" y1="{top - 6}" y2="{top + bar_h + 6}" '
            f'stroke="{INK}" stroke-width="2"/>'
        )
        percent = f"{spent * 100 / budget:.1f}".replace(".", ",") + "%"
        out.append(
            _text(bx, top + bar_h + 22, f"{budget_label} {fmt(budget)}", anchor="end", size=12)
        )
        out.append(
            _text(
                left,
                top + bar_h + 22,
                f"{fmt(spent)} ({percent})",
                fill=RED if spent > budget else INK,
                weight="bold",
            )
        )
    else:
        out.append(_text(left, top + bar_h + 22, fmt(spent), weight="bold"))
    out.append(tail)
    return Markup("".join(out))
