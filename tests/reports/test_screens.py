"""Topic coverage, turnaround, charts: what the board sees besides the appendix."""

from datetime import datetime, timedelta

import pytest

from tests.conftest import count_queries, login
from tests.factories import make_topic, make_unit, make_user
from tests.pieces.helpers import genres
from tests.reports.conftest import H1, publish
from webapp.extensions import db
from webapp.pieces.models import PieceState
from webapp.reports import charts, services
from webapp.timeutil import utcnow
from webapp.units.models import UnitGroup


def test_topic_coverage_counts_by_month_and_flags_the_uncovered(app):
    genres()
    covered, quiet = make_topic(name="Kinh tế"), make_topic(name="Đấu thầu")
    make_topic(name="Đã bỏ", active=False)
    unit = make_unit()
    publish(unit, datetime(2021, 2, 3, 2), topics=[covered])
    publish(unit, datetime(2021, 2, 9, 2), genre="van_ban", topics=[covered])
    publish(unit, datetime(2021, 5, 9, 2), topics=[covered], state=PieceState.UNPUBLISHED)
    coverage = services.topic_coverage(*H1)
    rows = {r.topic.name: r for r in coverage.rows}
    assert rows["Kinh tế"].counts == [0, 2, 0, 0, 0, 0]
    assert rows["Đấu thầu"].total == 0 and "Đã bỏ" not in rows
    assert [t.name for t in coverage.uncovered] == ["Đấu thầu"]
    assert [r.topic.name for r in coverage.rows] == ["Đấu thầu", "Kinh tế"]  # by folded name
    assert quiet in coverage.uncovered


def test_the_topics_page_highlights_topics_with_nothing(client, app):
    genres()
    make_topic(name="Tôn giáo - tín ngưỡng")
    login(client, make_user("chief_editor"))
    html = client.get("/bao-cao/linh-vuc?start=2021-01-01&end=2021-06-30").get_data(as_text=True)
    assert "lĩnh vực chưa có tin, bài nào trong kỳ" in html
    assert '<tr class="idle">' in html and "Tôn giáo - tín ngưỡng" in html


def test_turnaround_median_and_backlog_by_age(app):
    genres()
    unit = make_unit()
    base = datetime(2021, 3, 1, 2)
    for hours in (2, 10, 30, 100):  # median (10 + 30) / 2 = 20 hours
        publish(unit, base, first_submitted_at=base, decided_at=base + timedelta(hours=hours))
    publish(unit, base, decided_at=base + timedelta(hours=1))  # imported: no submission time
    now = utcnow()
    for days in (0, 1.5, 2.5, 3.9, 5, 7.5, 9, 30):
        publish(
            unit,
            now,
            state=PieceState.SUBMITTED,
            published_at=None,
            submitted_at=now - timedelta(days=days),
        )
    publish(unit, now, state=PieceState.APPROVED, submitted_at=now - timedelta(days=40))
    result = services.turnaround(*H1, now=now)
    assert (result.count, result.median_hours, result.within_two_days) == (4, 20, 3)
    march = next(c for c in result.per_column if c[0].key == (2021, 3))
    assert march[1:] == (4, 20)
    assert result.backlog == [("0–1", 2), ("2–3", 2), ("4–7", 2), (">7", 2)]
    assert result.oldest == now - timedelta(days=30)


def test_the_turnaround_page(client, app):
    genres()
    unit = make_unit()
    base = datetime(2021, 3, 1, 2)
    publish(unit, base, first_submitted_at=base, decided_at=base + timedelta(hours=5))
    login(client, make_user("editor"))
    html = client.get("/bao-cao/thoi-gian-xu-ly?start=2021-01-01&end=2021-06-30").get_data(
        as_text=True
    )
    assert "5,0 giờ" in html and "Hàng chờ theo thời gian chờ" in html


def test_the_charts_page_draws_escaped_svg(client, app):
    genres()
    odd = make_unit(name='Phòng <script>alert("x")</script>')
    helper = make_unit(name="Huyện Đoàn thử", group=UnitGroup.COLLABORATOR)
    publish(odd, datetime(2021, 2, 3, 2))
    publish(helper, datetime(2021, 4, 3, 2))
    login(client, make_user("accountant"))
    html = client.get("/bao-cao/bieu-do?start=2021-01-01&end=2021-06-30").get_data(as_text=True)
    assert html.count("<svg") == 4 and 'role="img"' in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "Chưa nhập kinh phí năm" in html  # no budget for 2021 in this test


@pytest.mark.parametrize("url", ["/bao-cao/linh-vuc", "/bao-cao/thoi-gian-xu-ly"])
def test_these_pages_keep_their_query_count(client, app, url):
    genres()
    login(client, make_user("editor"))
    url += "?start=2021-01-01&end=2021-06-30"
    units = [make_unit() for _ in range(5)]
    topics = [make_topic() for _ in range(5)]

    def add(n):
        for i in range(n):
            when = datetime(2021, 1 + i % 6, 1 + i % 28, 2)
            publish(
                units[i % 5],
                when,
                topics=[topics[i % 5]],
                first_submitted_at=when,
                decided_at=when + timedelta(hours=i % 50),
            )

    add(20)
    client.get(url)
    with count_queries() as few:
        client.get(url)
    add(200)
    units += [make_unit() for _ in range(20)]
    topics += [make_topic() for _ in range(20)]
    db.session.commit()
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)


def test_nav_and_tabs(client, app):
    login(client, make_user("accountant"))
    html = client.get("/toa-soan").get_data(as_text=True)
    assert 'href="/bao-cao/"' in html
    page = client.get("/bao-cao/?start=2021-01-01&end=2021-06-30").get_data(as_text=True)
    assert "/bao-cao/linh-vuc?start=2021-01-01" in page and "nhap-tin-bai" not in page
    login(admin := app.test_client(), make_user("admin"))
    assert "nhap-tin-bai" in admin.get("/bao-cao/").get_data(as_text=True)
    login(writer := app.test_client(), make_user("contributor"))
    assert 'href="/bao-cao/"' not in writer.get("/toa-soan").get_data(as_text=True)


# --- the charts, as pure functions ---


def test_nice_axis_tops():
    assert [charts.nice_max(v) for v in (0, 1, 3, 7, 34, 58, 101, 250)] == [
        1,
        1,
        5,
        10,
        50,
        100,
        200,
        250,
    ]


def test_charts_escape_their_labels_and_are_deterministic():
    bars = charts.ranked_bars("A & B", [('<b onclick="x">', 3), ("Không", 0)])
    assert "<b onclick" not in bars and "&lt;b onclick=&#34;x&#34;&gt;" in bars
    assert bars == charts.ranked_bars("A & B", [('<b onclick="x">', 3), ("Không", 0)])
    assert 'fill="#b3261e"' in bars  # the zero is marked red
    columns = charts.stacked_columns(
        "T", ["1", "2"], [("I", [3, 0], charts.BLUE), ("II <x>", [1, 2], charts.ORANGE)]
    )
    assert "II &lt;x&gt;" in columns and columns.count("<rect") == 2 + 3  # legend + bars


def test_budget_bar_shows_the_share_and_overspending():
    bar = charts.budget_bar(
        "Chi",
        150_000_000,
        [("Nhuận bút", 46_276_000, charts.BLUE), ("Văn phòng phẩm", 8_620_000, charts.ORANGE)],
        fmt=lambda n: f"{n:,}".replace(",", "."),
        budget_label="Kinh phí",
    )
    assert "54.896.000 (36,6%)" in bar and "Kinh phí 150.000.000" in bar
    over = charts.budget_bar("Chi", 100, [("X", 150, charts.BLUE)])
    assert "150 (150,0%)" in over and charts.RED in over
    assert "<svg" in charts.budget_bar("Chi", 0, [])
