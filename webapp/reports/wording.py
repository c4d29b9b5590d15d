"""How the board's documents word periods, dates and numbers (Vietnamese administrative style).

The documents themselves (the periodic report, the appendix sheet) are official papers of a
Vietnamese authority: they are written in Vietnamese whatever the interface language.
"""

from __future__ import annotations

from datetime import date, timedelta

ROMAN = ("I", "II", "III", "IV")


def _last_of_month(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _kind(start: date, end: date) -> tuple[str, int, int] | None:
    """("half", year, 1|2), ("year", year, 0), ("quarter", year, q), ("month", year, m)."""
    if start.year != end.year or start.day != 1 or end != _last_of_month(end.year, end.month):
        return None
    first, last, year = start.month, end.month, start.year
    if (first, last) == (1, 12):
        return "year", year, 0
    if (first, last) in ((1, 6), (7, 12)):
        return "half", year, 1 if first == 1 else 2
    if first == last:
        return "month", year, first
    if first % 3 == 1 and last == first + 2:
        return "quarter", year, (first - 1) // 3 + 1
    if first == 1 and last == 9:
        return "nine", year, 0
    return None


def period_phrase(start: date, end: date) -> str:
    """ "6 tháng đầu năm 2021", "quý III năm 2021", "năm 2021", "tháng 3 năm 2021",
    or "từ ngày 01/01/2021 đến ngày 15/03/2021"."""
    kind = _kind(start, end)
    if kind is None:
        return f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    name, year, n = kind
    if name == "year":
        return f"năm {year}"
    if name == "half":
        return f"6 tháng {'đầu' if n == 1 else 'cuối'} năm {year}"
    if name == "nine":
        return f"9 tháng đầu năm {year}"
    if name == "quarter":
        return f"quý {ROMAN[n - 1]} năm {year}"
    return f"tháng {n} năm {year}"


def next_period_phrase(start: date, end: date) -> str:
    """What section III plans for: the period that follows, or "thời gian tới"."""
    kind = _kind(start, end)
    if kind is None:
        return "thời gian tới"
    name, year, n = kind
    if name == "year":
        return f"năm {year + 1}"
    if name == "half":
        return f"6 tháng cuối năm {year}" if n == 1 else f"6 tháng đầu năm {year + 1}"
    if name == "nine":
        return f"quý IV năm {year}"
    if name == "quarter":
        return f"quý {ROMAN[n]} năm {year}" if n < 4 else f"quý I năm {year + 1}"
    return f"tháng {n + 1} năm {year}" if n < 12 else f"tháng 1 năm {year + 1}"


def report_subject(start: date, end: date) -> str:
    """The two periods as the seed's title joins them, the first year left out when shared:
    "6 tháng đầu năm và phương hướng, nhiệm vụ 6 tháng cuối năm 2021"."""
    now, later = period_phrase(start, end), next_period_phrase(start, end)
    year = f" năm {end.year}"
    if now.endswith(year) and later.endswith(year) and now != year.strip():
        now = now[: -len(year)] + " năm"
    return f"{now} và phương hướng, nhiệm vụ {later}"


def signing_date(place: str, day: date) -> str:
    """ "Đak Đoa, ngày 29 tháng 7 năm 2021": per Nghị định 30/2020, days below 10 and the
    months 1 and 2 take a leading zero."""
    d = f"{day.day:02d}"
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


def count(n: int) -> str:
    """Small counts as the seed writes them: "03 chuyên mục"; zero as 0; large ones with dots."""
    return f"{n:02d}" if 0 < n < 10 else grouped(n)


def grouped(n: int) -> str:
    """1234567 → "1.234.567"."""
    sign = "-" if n < 0 else ""
    return sign + f"{abs(int(n)):,}".replace(",", ".")


def money(n: int) -> str:
    return f"{grouped(n)} đồng"


def percent(value: float) -> str:
    """36.597 → "36,6%"."""
    return f"{value:.1f}".replace(".", ",") + "%"


def names(items: list[str]) -> str:
    return ", ".join(items)
