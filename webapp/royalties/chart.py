"""The budget page's chart, drawn on the server as SVG: data in, escaped markup out.

Pure: no request, no database, no translation lookup. The caller passes the texts
(already translated) and the money formatter, so the same function serves any language
and can be tested on its own. One scale for everything, so that the bars, the cumulative
line and the budget line can be compared by eye; the table next to it has the numbers.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 900, 380
LEFT, RIGHT, TOP, BOTTOM = 112, 16, 28, 78  # room for the axis labels and the legend

ROYALTY_FILL = "#0b5cad"
EXPENSE_FILL = "#e08a00"
LINE_COLOUR = "#1d2733"
BUDGET_COLOUR = "#b3261e"


@dataclass(frozen=True)
class ChartTexts:
    """What the chart says, in the reader's language."""

    title: str
    description: str
    royalties: str
    expenses: str
    cumulative: str
    budget: str
    projected: str
    months: Sequence[str]  # twelve short month names: "T1" … "T12"


def nice_step(span: int, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 × 10^k đồng) giving about ``ticks`` gridlines over ``span``."""
    raw = max(span // ticks, 1)
    magnitude = 10 ** (len(str(raw)) - 1)
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def spending_chart(
    months: Sequence[dict],
    budget: int,
    texts: ChartTexts,
    money: Callable[[int], str],
    *,
    projected: int | None = None,
    through_month: int = 12,
    id_prefix: str = "spending",
) -> Markup:
    """Stacked bars (royalties + other expenses) per month, the cumulative spending as a
    line up to ``through_month``, a dashed projection to December, and the budget line.

    ``months`` holds twelve ``{"month", "royalties", "expenses"}`` dicts in đồng.
    """
    through_month = max(0, min(through_month, 12))
    rows = sorted(months, key=lambda m: m["month"])
    cumulative, running = [], 0
    for row in rows:
        running += row["royalties"] + row["expenses"]
        cumulative.append(running)
    tallest = max(
        [budget, projected or 0, *cumulative[:through_month]]
        + [max(r["royalties"], 0) + max(r["expenses"], 0) for r in rows]
        + [1]
    )
    step = nice_step(tallest)
    top = -(-tallest * 105 // 100 // step) * step  # room above the tallest thing, on a gridline
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(rows), 1)

    def y(value: int) -> float:
        return TOP + plot_h - plot_h * max(value, 0) / top

    def x(index: int) -> float:
        return LEFT + slot * index + slot / 2

    t = {k: escape(v) for k, v in vars(texts).items() if k != "months"}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'font-family="sans-serif" font-size="12" '
        f'style="max-width:100%;height:auto;print-color-adjust:exact;-webkit-print-color-adjust:exact">',
        f'<title id="{id_prefix}-title">{t["title"]}</title>',
        f'<desc id="{id_prefix}-desc">{t["description"]}</desc>',
        # Hatching keeps the two kinds of bar apart on a black-and-white printout.
        f'<defs><pattern id="{id_prefix}-hatch" width="6" height="6" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{EXPENSE_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>',
    ]
    # Gridlines and the money axis.
    for value in range(0, top + 1, step):
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#d6dde5" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" fill="#5b6877">'
            f"{escape(money(value))}</text>"
        )
    # The bars: royalties below, other expenses stacked on top.
    bar_w = slot * 0.6
    for index, row in enumerate(rows):
        name = texts.months[row["month"] - 1] if row["month"] <= len(texts.months) else ""
        left = x(index) - bar_w / 2
        royalties, expenses = max(row["royalties"], 0), max(row["expenses"], 0)
        label = (
            f"{name}: {texts.royalties} {money(row['royalties'])}, "
            f"{texts.expenses} {money(row['expenses'])}"
        )
        out.append(f"<g><title>{escape(label)}</title>")
        if royalties:
            out.append(
                f'<rect x="{left:.1f}" y="{y(royalties):.1f}" width="{bar_w:.1f}" '
                f'height="{y(0) - y(royalties):.1f}" fill="{ROYALTY_FILL}"/>'
            )
        if expenses:
            out.append(
                f'<rect x="{left:.1f}" y="{y(royalties + expenses):.1f}" width="{bar_w:.1f}" '
                f'height="{y(royalties) - y(royalties + expenses):.1f}" '
                f'fill="url(#{id_prefix}-hatch)" stroke="{EXPENSE_FILL}" stroke-width="1"/>'
            )
        out.append("</g>")
        out.append(
            f'<text x="{x(index):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
            f'fill="#1d2733">{escape(name)}</text>'
        )
    out.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
        f'stroke="#5b6877" stroke-width="1"/>'
    )
    # The budget: a red dashed line across, with its amount.
    if budget > 0:
        out.append(
            f"<g><title>{t['budget']}: {escape(money(budget))}</title>"
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(budget):.1f}" y2="{y(budget):.1f}" '
            f'stroke="{BUDGET_COLOUR}" stroke-width="2" stroke-dasharray="8 4"/>'
            f'<text x="{WIDTH - RIGHT - 4}" y="{y(budget) - 6:.1f}" text-anchor="end" '
            f'fill="{BUDGET_COLOUR}" font-weight="bold">{t["budget"]}: '
            f"{escape(money(budget))}</text></g>"
        )
    # Spending so far, month by month, added up.
    if through_month:
        points = " ".join(f"{x(i):.1f},{y(cumulative[i]):.1f}" for i in range(through_month))
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{LINE_COLOUR}" stroke-width="2.5"/>'
        )
        for i in range(through_month):
            name = texts.months[rows[i]["month"] - 1]
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{y(cumulative[i]):.1f}" r="3.5" '
                f'fill="{LINE_COLOUR}"><title>{escape(name)}: {t["cumulative"]} '
                f"{escape(money(cumulative[i]))}</title></circle>"
            )
    # Where the year ends at this pace.
    if projected is not None and 0 < through_month < len(rows):
        last = through_month - 1
        out.append(
            f"<g><title>{t['projected']}: {escape(money(projected))}</title>"
            f'<line x1="{x(last):.1f}" y1="{y(cumulative[last]):.1f}" '
            f'x2="{x(len(rows) - 1):.1f}" y2="{y(projected):.1f}" stroke="{LINE_COLOUR}" '
            f'stroke-width="2" stroke-dasharray="3 4"/>'
            f'<circle cx="{x(len(rows) - 1):.1f}" cy="{y(projected):.1f}" r="4" fill="#ffffff" '
            f'stroke="{LINE_COLOUR}" stroke-width="2"/></g>'
        )
    # The legend, in words as well as colours.
    legend_y = HEIGHT - 24
    items = [
        (f'<rect width="14" height="14" fill="{ROYALTY_FILL}"/>', t["royalties"]),
        (
            f'<rect width="14" height="14" fill="url(#{id_prefix}-hatch)" '
            f'stroke="{EXPENSE_FILL}"/>',
            t["expenses"],
        ),
        (
            f'<line x1="0" y1="7" x2="18" y2="7" stroke="{LINE_COLOUR}" stroke-width="2.5"/>',
            t["cumulative"],
        ),
        (
            f'<line x1="0" y1="7" x2="18" y2="7" stroke="{LINE_COLOUR}" stroke-width="2" '
            f'stroke-dasharray="3 4"/>',
            t["projected"],
        ),
        (
            f'<line x1="0" y1="7" x2="18" y2="7" stroke="{BUDGET_COLOUR}" stroke-width="2" '
            f'stroke-dasharray="8 4"/>',
            t["budget"],
        ),
    ]
    offset = LEFT
    for symbol, text in items:
        out.append(
            f'<g transform="translate({offset},{legend_y - 11})">{symbol}'
            f'<text x="22" y="12" fill="#1d2733">{text}</text></g>'
        )
        offset += 30 + 7 * len(str(text))
    out.append("</svg>")
    return Markup("".join(out))
