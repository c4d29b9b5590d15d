"""Royalty arithmetic, without a database: every amount exact to the đồng.

Coefficients are in hundredths (1,50 → 150), percentages in hundredths of a percent
(10 % → 1000), money in whole đồng.
"""

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.royalties import calc

# The base salary in force on a publication date (Nghị định 38/2019 and 24/2023).
BASE_SALARIES = [(date(2019, 7, 1), 1_490_000), (date(2023, 7, 1), 1_800_000)]


def base_on(day: date) -> int:
    return [amount for start, amount in BASE_SALARIES if start <= day][-1]


REPOST = ("fixed", 50)  # re-posted from another outlet: the coefficient becomes 0,5
TRANSLATED = ("percent", 5000)  # 50 %
MINORITY = ("percent", 11500)  # 115 %

JUNE_30 = date(2023, 6, 30)  # the last day of 1.490.000 đ
JULY_1 = date(2023, 7, 1)  # the first day of 1.800.000 đ


@pytest.mark.parametrize(
    "published, coefficient, modifiers, tier, expected",
    [
        # one coefficient unit is 10 % of the base salary: 149.000 đ, then 180.000 đ
        (JUNE_30, 100, [], 10000, 149_000),
        (JULY_1, 100, [], 10000, 180_000),
        (JUNE_30, 50, [], 10000, 74_500),
        (JULY_1, 50, [], 10000, 90_000),
        (JUNE_30, 150, [], 10000, 223_500),
        (JULY_1, 150, [], 10000, 270_000),
        (JUNE_30, 200, [], 10000, 298_000),
        (JULY_1, 200, [], 10000, 360_000),
        (JUNE_30, 333, [], 10000, 496_170),
        (JULY_1, 333, [], 10000, 599_400),
        # a fixed modifier replaces the coefficient, whatever it was
        (JUNE_30, 150, [REPOST], 10000, 74_500),
        (JULY_1, 300, [REPOST], 10000, 90_000),
        # percentages multiply it
        (JUNE_30, 200, [TRANSLATED], 10000, 149_000),
        (JULY_1, 150, [TRANSLATED], 10000, 135_000),
        (JUNE_30, 100, [MINORITY], 10000, 171_350),
        (JULY_1, 100, [MINORITY], 10000, 207_000),
        # fixed first, then the percentages, in whichever order they come
        (JUNE_30, 200, [MINORITY, REPOST], 10000, 85_675),
        (JULY_1, 200, [REPOST, TRANSLATED], 10000, 45_000),
        # a tier of 20 % (a department's site) scales everything
        (JUNE_30, 100, [], 2000, 29_800),
        (JULY_1, 100, [], 2000, 36_000),
        (JULY_1, 333, [], 2000, 119_880),
        (JUNE_30, 150, [TRANSLATED], 2000, 22_350),
    ],
)
def test_amount_across_the_base_salary_change(published, coefficient, modifiers, tier, expected):
    assert calc.amount(coefficient, base_on(published), 1000, tier, modifiers) == expected


def test_the_base_salary_changes_on_the_first_of_july_2023():
    assert base_on(JUNE_30) == 1_490_000
    assert base_on(JULY_1) == 1_800_000
    assert calc.unit_value(base_on(JUNE_30), 1000) == 149_000
    assert calc.unit_value(base_on(JULY_1), 1000) == 180_000


@pytest.mark.parametrize(
    "coefficient, modifiers, tier, step, exact, half_up, down, up",
    [
        # 0,01 × 115 % × 149.000 = 1.713,5 đ: exactly half a đồng
        (1, [MINORITY], 10000, 1, Fraction(3427, 2), 1_714, 1_713, 1_714),
        # 0,01 × 50 % × 149.000 × 50 % = 372,5 đ
        (1, [TRANSLATED], 5000, 1, Fraction(745, 2), 373, 372, 373),
        # 0,01 × 149.000 × 50 % = 745 đ: nothing to round at a step of 1
        (1, [], 5000, 1, Fraction(745), 745, 745, 745),
        # 1,50 × 149.000 = 223.500 đ: exactly half a step of 1.000 đ
        (150, [], 10000, 1000, Fraction(223_500), 224_000, 223_000, 224_000),
        # 1,50 × 149.000 = 223.500 đ at a step of 1: already whole
        (150, [], 10000, 1, Fraction(223_500), 223_500, 223_500, 223_500),
        # 3,33 × 149.000 = 496.170 đ: under half a step goes down, except "up"
        (333, [], 10000, 1000, Fraction(496_170), 496_000, 496_000, 497_000),
        # 3,33 × 115 % × 149.000 = 570.595,5 đ: over half a step of 1.000 goes up
        (333, [MINORITY], 10000, 1000, Fraction(1_141_191, 2), 571_000, 570_000, 571_000),
        (333, [MINORITY], 10000, 1, Fraction(1_141_191, 2), 570_596, 570_595, 570_596),
    ],
)
def test_rounding_half_up_down_and_up(coefficient, modifiers, tier, step, exact, half_up, down, up):
    value = (
        calc.effective_coefficient(coefficient, modifiers)
        * calc.unit_value(1_490_000, 1000)
        * Fraction(tier, calc.HUNDRED_PERCENT)
    )
    assert value == exact
    for mode, expected in (("half_up", half_up), ("down", down), ("up", up)):
        assert calc.amount(coefficient, 1_490_000, 1000, tier, modifiers, mode, step) == expected


@pytest.mark.parametrize(
    "value, mode, step, expected",
    [
        (Fraction(1, 2), "half_up", 1, 1),
        (Fraction(-1, 2), "half_up", 1, -1),  # away from zero: a reversal mirrors its line
        (Fraction(49_999, 100), "half_up", 1, 500),
        (Fraction(1_499), "half_up", 1000, 1_000),
        (Fraction(1_500), "half_up", 1000, 2_000),
        (Fraction(-1_500), "half_up", 1000, -2_000),
        (Fraction(1_999), "down", 1000, 1_000),
        (Fraction(1_001), "up", 1000, 2_000),
        (Fraction(-1_001), "up", 1000, -2_000),
        (Fraction(2_000), "up", 1000, 2_000),
        (Fraction(0), "half_up", 1000, 0),
    ],
)
def test_round_money(value, mode, step, expected):
    assert calc.round_money(value, mode, step) == expected


@pytest.mark.parametrize("mode, step", [("bankers", 1), ("half_up", 0)])
def test_round_money_refuses_unknown_modes_and_steps(mode, step):
    with pytest.raises(ValueError):
        calc.round_money(Fraction(1), mode, step)


def test_no_float_anywhere():
    result = calc.amount(333, 1_490_000, 1000, 10000, [MINORITY])
    assert type(result) is int
    assert all(type(p) is int for p in calc.split(result, [33, 33, 34]))
    assert type(calc.tax(3_000_000, 2_000_000, 1000)) is int


# --- splitting a piece among its co-authors -----------------------------------------------


@st.composite
def shares(draw):
    """1 to 10 positive integer shares summing to 100."""
    authors = draw(st.integers(min_value=1, max_value=10))
    cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=authors - 1, max_size=authors - 1)))
    bounds = [0, *cuts, 100]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


@settings(max_examples=300, deadline=None, database=None)
@given(total=st.integers(min_value=-(10**12), max_value=10**12), parts=shares())
def test_split_adds_up_exactly_and_the_first_author_gets_the_remainder(total, parts):
    lines = calc.split(total, parts)
    assert len(lines) == len(parts)
    assert sum(lines) == total
    assert all(type(line) is int for line in lines)
    if total >= 0:
        for line, share in zip(lines[1:], parts[1:], strict=True):
            assert line == total * share // 100
        assert lines[0] == total - sum(total * s // 100 for s in parts[1:])
        assert lines[0] >= total * parts[0] // 100
    else:
        # a negative total (a reversal) mirrors the positive split line for line
        assert lines == [-line for line in calc.split(-total, parts)]


@pytest.mark.parametrize(
    "total, parts, expected",
    [
        (180_000, [100], [180_000]),
        (180_000, [50, 50], [90_000, 90_000]),
        (150_490, [33, 33, 34], [49_663, 49_661, 51_166]),
        (100, [33, 33, 34], [33, 33, 34]),
        (1, [50, 50], [1, 0]),
        (-150_490, [33, 33, 34], [-49_663, -49_661, -51_166]),
    ],
)
def test_split_examples(total, parts, expected):
    assert calc.split(total, parts) == expected


@pytest.mark.parametrize("parts", [[], [50, 40], [60, 50, -10], [100, 0]])
def test_split_refuses_shares_that_do_not_make_100(parts):
    with pytest.raises(ValueError):
        calc.split(1000, parts)


# --- income tax withheld ----------------------------------------------------------------


@pytest.mark.parametrize(
    "gross, commitment, expected",
    [
        (1_999_999, False, 0),  # under the threshold: nothing withheld
        (2_000_000, False, 200_000),  # at the threshold: 10 % of all of it
        (2_000_001, False, 200_000),  # 200.000,1 rounds half up to 200.000
        (2_000_005, False, 200_001),  # 200.000,5 rounds up
        (3_000_000, False, 300_000),
        (2_000_000, True, 0),  # a commitment form (08/CK-TNCN) on file: never taxed
        (50_000_000, True, 0),
        (0, False, 0),
        (-500_000, False, 0),
    ],
)
def test_tax_at_the_threshold_edges(gross, commitment, expected):
    assert calc.tax(gross, 2_000_000, 1000, commitment) == expected


def test_tax_with_a_zero_threshold_taxes_any_positive_payment():
    assert calc.tax(1, 0, 1000) == 0  # 0,1 đ rounds to nothing
    assert calc.tax(5, 0, 1000) == 1


# --- authors without shares: an equal split of the amount, to the đồng ------------------------


@pytest.mark.parametrize(
    "total, count, expected",
    [
        # the example: not 34/33/33 % (34.000 + 33.000 + 33.000 of 100.001 → 34.001 …)
        (100_001, 3, [33_335, 33_333, 33_333]),
        (100_000, 3, [33_334, 33_333, 33_333]),
        (150_490, 3, [50_164, 50_163, 50_163]),
        (180_000, 2, [90_000, 90_000]),
        (180_001, 1, [180_001]),
        (5, 7, [5, 0, 0, 0, 0, 0, 0]),
        (0, 3, [0, 0, 0]),
        (-100_001, 3, [-33_335, -33_333, -33_333]),  # a reversal mirrors its lines
    ],
)
def test_split_equally_examples(total, count, expected):
    assert calc.split_equally(total, count) == expected
    assert calc.split_lines(total, [None] * count) == expected


def test_an_equal_split_is_not_a_rounded_percentage():
    # What the import used to do: 34/33/33 % paid the first author 1 % more.
    assert calc.split(100_001, [34, 33, 33]) == [34_001, 33_000, 33_000]
    assert calc.split_lines(100_001, [None, None, None]) == [33_335, 33_333, 33_333]


@settings(max_examples=300, deadline=None, database=None)
@given(
    total=st.integers(min_value=-(10**12), max_value=10**12),
    count=st.integers(min_value=1, max_value=20),
)
def test_equal_split_all_equal_but_the_first_who_gets_fewer_than_n_extra(total, count):
    lines = calc.split_lines(total, [None] * count)
    assert len(lines) == count and sum(lines) == total
    assert all(type(line) is int for line in lines)
    magnitude = [abs(line) for line in lines]
    assert len(set(magnitude[1:])) <= 1  # everyone after the first gets the same
    assert all(m == abs(total) // count for m in magnitude[1:])
    assert 0 <= magnitude[0] - abs(total) // count < count  # the leftover: fewer than n đồng


@settings(max_examples=300, deadline=None, database=None)
@given(total=st.integers(min_value=-(10**12), max_value=10**12), parts=shares())
def test_explicit_shares_keep_their_meaning_and_add_up_exactly(total, parts):
    assert calc.split_lines(total, parts) == calc.split(total, parts)
    assert sum(calc.split_lines(total, parts)) == total


@pytest.mark.parametrize("parts", [[50, None], [None, 100], []])
def test_shares_are_given_for_all_authors_or_for_none(parts):
    with pytest.raises(ValueError):
        calc.split_lines(1000, parts)
