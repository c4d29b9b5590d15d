"""`seed-demo --newsroom`: the district's real half-year, and a live month around today."""

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.notifications.models import Notification
from webapp.pieces.models import Piece, PieceState, WorkflowEvent
from webapp.public.models import SiteVisit
from webapp.reports.appendix import build_appendix
from webapp.royalties.models import MonthState, RoyaltyEntry, RoyaltyMonth
from webapp.timeutil import local_today, to_local, utcnow
from webapp.units.models import Unit

APPENDIX = Path(__file__).resolve().parent / "data" / "appendix-2021-h1.csv"


@pytest.fixture
def newsroom(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--newsroom"])
    assert result.exit_code == 0, result.output
    assert "Tòa soạn mẫu: thêm 242 tin, bài 6 tháng đầu năm 2021" in result.output
    return result


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_half_year_is_the_reports_appendix_cell_for_cell(newsroom):
    appendix = build_appendix(date(2021, 1, 1), date(2021, 6, 30))
    with APPENDIX.open(encoding="utf-8") as f:
        expected = [
            (r["group"], r["unit"], [int(r[f"m{i}"]) for i in range(1, 7)], int(r["total"]))
            for r in csv.DictReader(f)
        ]
    got = [(row.unit.group.value, row.unit.name, row.counts, row.total) for row in appendix.rows]
    assert got == expected  # the units with zero included
    assert appendix.total == 242
    assert appendix.column_totals == [sum(r[2][i] for r in expected) for i in range(6)]


def test_the_half_years_royalties_are_under_the_2021_rules_and_paid(newsroom):
    months = {
        m.period: m
        for m in db.session.scalars(select(RoyaltyMonth).where(RoyaltyMonth.period < "2021-07"))
    }
    assert sorted(months) == [f"2021-{m:02d}" for m in range(1, 7)]
    for month in months.values():
        assert month.state is MonthState.PAID
        assert month.voucher_no and month.voucher_date > date(2021, 1, 1)
    salaries = set(
        db.session.scalars(
            select(RoyaltyEntry.base_salary).where(RoyaltyEntry.period < "2021-07").distinct()
        )
    )
    assert salaries == {1_490_000}  # the base salary in force in 2021
    pieces_with_lines = db.session.scalar(
        select(func.count(func.distinct(RoyaltyEntry.piece_id))).where(
            RoyaltyEntry.period < "2021-07"
        )
    )
    assert pieces_with_lines == 242


def test_the_report_visits_are_there(newsroom):
    half = db.session.scalar(
        select(func.sum(SiteVisit.count)).where(
            SiteVisit.day.between(date(2021, 1, 1), date(2021, 6, 29))
        )
    )
    total = db.session.scalar(
        select(func.sum(SiteVisit.count)).where(SiteVisit.day <= date(2021, 6, 29))
    )
    assert (half, total) == (9_933, 96_811)


def test_the_live_month_has_pieces_in_every_state(newsroom, client):
    live = select(Piece).where(Piece.import_key.is_(None))
    states = {p.state for p in db.session.scalars(live)}
    assert {
        PieceState.DRAFT,
        PieceState.SUBMITTED,
        PieceState.IN_REVIEW,
        PieceState.RETURNED,
        PieceState.REJECTED,
        PieceState.APPROVED,
        PieceState.SCHEDULED,
        PieceState.PUBLISHED,
        PieceState.UNPUBLISHED,
    } <= states
    waiting = _count(Piece, Piece.state.in_([PieceState.SUBMITTED, PieceState.IN_REVIEW]))
    assert 10 <= waiting <= 15  # about a dozen in the queue
    assert _count(Piece, Piece.state == PieceState.IN_REVIEW) >= 2  # some claimed

    scheduled = db.session.scalar(select(Piece).where(Piece.state == PieceState.SCHEDULED))
    assert scheduled.publish_at > utcnow()
    assert scheduled.publish_at - utcnow() <= timedelta(hours=15)  # this afternoon, local time

    # Returned, then sent again: its history holds the return and a second submission.
    resubmitted = db.session.scalar(
        select(Piece).where(Piece.title.startswith("Kết quả chuyển đổi cây trồng"))
    )
    actions = db.session.scalars(
        select(WorkflowEvent.action)
        .where(WorkflowEvent.piece_id == resubmitted.id)
        .order_by(WorkflowEvent.id)
    ).all()
    assert resubmitted.state is PieceState.SUBMITTED
    assert actions == ["submit", "claim", "return", "submit"]

    # A near-copy flagged, and only that one.
    flagged = db.session.scalars(select(Piece).where(Piece.duplicate_of_id.is_not(None))).all()
    assert [p.title for p in flagged] == [
        "Công an huyện ra quân xử lý vi phạm giao thông trên Quốc lộ 19"
    ]
    assert flagged[0].duplicate_score >= 0.64

    # Published this week, on the portal's home.
    week_ago = utcnow() - timedelta(days=7)
    recent = db.session.scalars(
        select(Piece).where(Piece.state == PieceState.PUBLISHED, Piece.published_at >= week_ago)
    ).all()
    assert len(recent) >= 5
    home = client.get("/").get_data(as_text=True)
    assert sum(p.title in home for p in recent) >= 3

    assert _count(Notification, Notification.read_at.is_(None)) > 0


def test_last_month_is_signed_and_waiting_for_payment(newsroom):
    first = local_today().replace(day=1)
    previous = first - timedelta(days=1)
    month = db.session.scalar(
        select(RoyaltyMonth).where(RoyaltyMonth.period == f"{previous:%Y-%m}")
    )
    assert month.state is MonthState.SIGNED and not month.voucher_no
    assert _count(RoyaltyEntry, RoyaltyEntry.period == month.period) > 0


def test_some_units_are_below_quota_this_month(newsroom):
    first = local_today().replace(day=1)
    published = select(Piece.unit_id).where(
        Piece.state == PieceState.PUBLISHED,
        Piece.published_at >= first - timedelta(days=1),
    )
    counts = {}
    for unit_id in db.session.scalars(published):
        counts[unit_id] = counts.get(unit_id, 0) + 1
    with_quota = db.session.scalars(select(Unit).where(Unit.monthly_quota > 0)).all()
    below = [u for u in with_quota if counts.get(u.id, 0) < u.monthly_quota]
    assert 1 <= len(below) < len(with_quota)


def test_running_it_again_changes_nothing(newsroom, app):
    def snapshot():
        return (
            _count(Piece),
            _count(WorkflowEvent),
            _count(RoyaltyEntry),
            _count(Notification),
            _count(SiteVisit),
            [(m.period, m.state) for m in db.session.scalars(select(RoyaltyMonth))],
            [
                (p.id, p.state, p.version, to_local(p.updated_at))
                for p in db.session.scalars(select(Piece).order_by(Piece.id))
            ],
        )

    before = snapshot()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--newsroom"])
    assert result.exit_code == 0, result.output
    assert "thêm 0 tin, bài 6 tháng đầu năm 2021 và 0 tin, bài của tháng này" in result.output
    db.session.expire_all()
    assert snapshot() == before


def test_plain_seed_demo_still_loads_no_pieces(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert _count(Piece) == 0
