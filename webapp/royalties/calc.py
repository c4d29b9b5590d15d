"""Royalty arithmetic: integers in, integers out, no database, no floats.

Coefficients are in hundredths (1.50 → 150); percentages in hundredths of a percent
(10 % → 1000); money in whole đồng. Intermediate values are exact fractions, so the
only rounding is the one the rule set asks for, once, at the end.
"""

from collections.abc import Sequence
from fractions import Fraction

HUNDRED_PERCENT = 10_000  # hundredths of a percent


def round_money(value: Fraction, mode: str = "half_up", step: int = 1) -> int:
    """Round to a multiple of ``step`` đồng: half up (away from zero on .5), down or up."""
    if step < 1:
        raise ValueError("step must be at least 1 đồng")
    units = value / step
    sign = -1 if units < 0 else 1
    units = abs(units)
    if mode == "half_up":
        whole = int(units + Fraction(1, 2))  # int() truncates: floor for non-negative values
    elif mode == "down":
        whole = int(units)
    elif mode == "up":
        whole = -int(-units // 1)
    else:
        raise ValueError(f"unknown rounding mode {mode!r}")
    return sign * whole * step


def unit_value(base_salary: int, unit_percent: int) -> Fraction:
    """Value of one coefficient unit: a share of the base salary (10 % of 1,490,000 = 149,000)."""
    return Fraction(base_salary * unit_percent, HUNDRED_PERCENT)


def effective_coefficient(coefficient_centi: int, modifiers: Sequence[tuple[str, int]]) -> Fraction:
    """The coefficient after modifiers: a fixed one replaces it, percentages multiply it.

    ``modifiers`` holds (kind, value) pairs, kind "fixed" (value in hundredths) or "percent"
    (value in hundredths of a percent). Fixed ones apply first, whatever their order.
    """
    coefficient = Fraction(coefficient_centi, 100)
    for kind, value in modifiers:
        if kind == "fixed":
            coefficient = Fraction(value, 100)
    for kind, value in modifiers:
        if kind == "percent":
            coefficient *= Fraction(value, HUNDRED_PERCENT)
        elif kind != "fixed":
            raise ValueError(f"unknown modifier kind {kind!r}")
    return coefficient


def amount(
    coefficient_centi: int,
    base_salary: int,
    unit_percent: int = 1000,
    tier_percent: int = HUNDRED_PERCENT,
    modifiers: Sequence[tuple[str, int]] = (),
    rounding: str = "half_up",
    step: int = 1,
) -> int:
    """Royalty of one piece (or one photo) in đồng.

    amount = coefficient × modifiers × tier × (base salary × unit percentage), rounded once.
    """
    exact = (
        effective_coefficient(coefficient_centi, modifiers)
        * unit_value(base_salary, unit_percent)
        * Fraction(tier_percent, HUNDRED_PERCENT)
    )
    return round_money(exact, rounding, step)


def split(total: int, shares: Sequence[int]) -> list[int]:
    """Split ``total`` by percentage ``shares`` (summing to 100); the lines add up exactly.

    Each share gets its floor; the remainder goes to the first author in the byline.
    """
    if not shares or sum(shares) != 100 or any(s <= 0 for s in shares):
        raise ValueError("shares must be positive and sum to 100")
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    parts = [magnitude * share // 100 for share in shares]
    parts[0] += magnitude - sum(parts)
    return [sign * p for p in parts]


def split_equally(total: int, count: int) -> list[int]:
    """Split ``total`` among ``count`` authors without shares: equal to the đồng.

    Each gets the amount divided by their number, rounded down; the leftover đồng (fewer
    than ``count``) go to the first author in the byline. 100.001 đ for three authors is
    33.335 + 33.333 + 33.333, not percentages rounded to 34/33/33.
    """
    if count < 1:
        raise ValueError("at least one author")
    sign = -1 if total < 0 else 1
    each, leftover = divmod(abs(total), count)
    parts = [each] * count
    parts[0] += leftover
    return [sign * p for p in parts]


def split_lines(total: int, shares: Sequence[int | None]) -> list[int]:
    """A piece's lines: equal when no author has a share (``None``), else by the shares.

    Shares are all given or all absent; the lines always add up to ``total`` exactly.
    """
    if shares and all(s is None for s in shares):
        return split_equally(total, len(shares))
    if any(s is None for s in shares):
        raise ValueError("shares must be given for every author or for none")
    return split(total, shares)


def tax(gross: int, threshold: int, rate: int, commitment_on_file: bool = False) -> int:
    """Income tax withheld from one payment: ``rate`` when gross reaches ``threshold``.

    A payee with a signed commitment form (08/CK-TNCN) on file has nothing withheld.
    """
    if commitment_on_file or gross < threshold or gross <= 0:
        return 0
    return round_money(Fraction(gross * rate, HUNDRED_PERCENT))
