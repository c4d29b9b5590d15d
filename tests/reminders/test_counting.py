"""Months in local time, the count per unit (one query), and the report's paragraph."""

from datetime import date, datetime

from tests.conftest import count_queries as statements
from tests.reminders.conftest import at, posted, unit
from webapp.extensions import db
from webapp.pieces.models import PieceState
from webapp.reminders.models import CountRule
from webapp.reminders.periods import Period, days_left, months
from webapp.reminders.services import (
    count_rule,
    months_short,
    piece_counts,
    set_count_rule,
    shortfall_paragraph,
)

NOV = Period(2026, 11)


def test_a_month_is_the_calendar_month_in_dak_doa():
    assert NOV.code == "2026-11" and NOV.label == "11/2026"
    # 00:00 on 1 November in Asia/Ho_Chi_Minh is 17:00 UTC on 31 October.
    assert NOV.utc_start == datetime(2026, 10, 31, 17, 0)
    assert NOV.utc_end == datetime(2026, 11, 30, 17, 0)
    assert NOV.shift(2) == Period(2027, 1) and NOV.shift(-11) == Period(2025, 12)
    assert Period.parse("2027-01") == Period(2027, 1)
    assert months(Period(2026, 11), Period(2027, 2))[-1] == Period(2027, 2)
    assert len(months(Period(2026, 11), Period(2027, 2))) == 4
    assert days_left(date(2026, 11, 15)) == 16
    assert days_left(date(2026, 11, 30)) == 1
    assert days_left(date(2027, 2, 28)) == 1


def test_pieces_count_in_the_local_month_they_were_published():
    police = unit("Công an huyện")
    # 31/10 23:30 local is still October; 01/11 00:30 local is November (17:30 UTC, 31/10).
    posted(police, datetime(2026, 10, 31, 16, 30))
    posted(police, datetime(2026, 10, 31, 17, 30), n=2)
    counts = piece_counts(months(Period(2026, 10), NOV), CountRule.PUBLISHED)
    assert counts[(police.id, "2026-10")] == 1
    assert counts[(police.id, "2026-11")] == 2


def test_the_counting_rule_published_or_first_submitted():
    culture = unit("Phòng Văn hóa và Thông tin")
    # Submitted in October, published in November.
    posted(culture, at(date(2026, 11, 3)), submitted=at(date(2026, 10, 28)))
    # Submitted in November, still waiting.
    posted(culture, None, state=PieceState.SUBMITTED, submitted=at(date(2026, 11, 5)))
    # Published in November, then taken down: no longer counts as published.
    [gone] = posted(culture, at(date(2026, 11, 6)))
    gone.state = PieceState.UNPUBLISHED
    db.session.flush()

    span = months(Period(2026, 10), NOV)
    published = piece_counts(span, CountRule.PUBLISHED)
    assert published.get((culture.id, "2026-10"), 0) == 0
    assert published[(culture.id, "2026-11")] == 1
    submitted = piece_counts(span, CountRule.SUBMITTED)
    assert submitted[(culture.id, "2026-10")] == 1
    assert submitted[(culture.id, "2026-11")] == 2

    assert count_rule() is CountRule.PUBLISHED  # the default
    set_count_rule(None, "submitted")
    assert count_rule() is CountRule.SUBMITTED


def test_a_run_as_of_a_day_counts_what_existed_that_day():
    justice = unit("Phòng Tư pháp")
    posted(justice, at(date(2026, 11, 10)))
    posted(justice, at(date(2026, 11, 20)))
    until = at(date(2026, 11, 16), hour=0)
    assert piece_counts([NOV], CountRule.PUBLISHED, until=until)[(justice.id, "2026-11")] == 1


def test_counting_is_one_query_whatever_the_number_of_units_and_months():
    units = [unit() for _ in range(12)]
    for n, u in enumerate(units):
        posted(u, at(date(2026, 11, 1 + n)))
    with statements() as seen:
        counts = piece_counts(months(Period(2026, 1), NOV), CountRule.PUBLISHED)
    assert len(seen) == 1
    assert all(counts[(u.id, "2026-11")] == 1 for u in units)


def test_months_short_counts_back_while_the_unit_existed_and_missed():
    labour = unit("Phòng Lao động - TBXH huyện", quota=2)
    posted(labour, at(date(2026, 8, 10)), n=2)  # August met
    posted(labour, at(date(2026, 9, 10)))  # September short
    counts = piece_counts(months(Period(2026, 1), NOV), CountRule.PUBLISHED)
    # November (being reminded) + October + September; August was met.
    assert months_short(labour, NOV, counts, Period(2026, 1)) == 3
    # A unit created on 20 October is not judged on October.
    newcomer = unit("Phòng Y tế", created_at=datetime(2026, 10, 20))
    assert months_short(newcomer, NOV, counts, Period(2026, 1)) == 1


def test_the_shortfall_paragraph_is_the_reports_own_words(app):
    names = ["Phòng Tài chính - Kế hoạch", "Phòng Dân tộc", "Thanh tra huyện"]
    missed = [(unit(name), 0, 1) for name in names]
    interior = unit("Phòng Nội vụ", quota=2)
    with app.test_request_context():
        text = shortfall_paragraph(Period(2026, 10), missed + [(interior, 1, 1)])
        assert text == (
            "- Số lượng tin bài một số đơn vị còn hạn chế, một số đơn vị trong tháng 10/2026 "
            "chưa có tin bài như: Phòng Tài chính - Kế hoạch, Phòng Dân tộc, Thanh tra huyện; "
            "chưa đạt định mức: Phòng Nội vụ (1/2) (Có phụ lục kèm theo)"
        )
        assert shortfall_paragraph(Period(2026, 10), missed).endswith(
            "như: Phòng Tài chính - Kế hoạch, Phòng Dân tộc, Thanh tra huyện (Có phụ lục kèm theo)"
        )
        assert "chưa đạt định mức: Phòng Nội vụ (1/2)" in shortfall_paragraph(
            Period(2026, 10), [(interior, 1, 1)]
        )
        assert shortfall_paragraph(Period(2026, 10), []) == (
            "- Trong tháng 10/2026, tất cả các đơn vị đều đạt định mức tin, bài."
        )
