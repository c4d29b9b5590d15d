"""The reports' queries: counts per unit and period, the board's figures, topics, turnaround.

How local dates are computed. A piece counts in the month of its publication's *local*
date (Asia/Ho_Chi_Minh), while ``published_at`` is stored in UTC. Rather than date
arithmetic in SQL, which differs between SQLite and PostgreSQL, each query selects the
period's rows with a range condition on the stored column, the bounds being the period's
local midnights converted to UTC (so the index on (state, published_at) is used), and the
rows are put into buckets in Python with ``zoneinfo``: identical on both engines. The rows
are two small columns per piece published in the period: a district publishes a few
hundred a half-year, a province some tens of thousands a year, a few megabytes read in
well under a second. Each screen runs a fixed number of queries, whatever the data size.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from webapp.extensions import db
from webapp.pieces.models import Piece, PieceState, piece_topics
from webapp.public.models import SiteVisit
from webapp.royalties.services import budget_for_year, spending_between
from webapp.services import ServiceError
from webapp.taxonomy.models import Category, Genre, Topic
from webapp.text import fold
from webapp.timeutil import LOCAL_TZ, to_local, utcnow
from webapp.units.models import Unit, UnitGroup

#: Documents (văn bản) are counted on their own, as the board's report does.
DOCUMENT_GENRE = "van_ban"

BUCKETS = ("month", "week", "quarter")
BUCKET_LABELS = {"month": _l("Tháng"), "week": _l("Tuần"), "quarter": _l("Quý")}
#: More columns than this make a table nobody reads (and a sheet nobody prints).
MAX_COLUMNS = 60
ROMAN = ("I", "II", "III", "IV")

#: Backlog ages, in whole days since the latest submission: (label, from, to inclusive).
BACKLOG_AGES = (
    ("0–1", 0, 1),
    ("2–3", 2, 3),
    ("4–7", 4, 7),
    (">7", 8, None),
)
BACKLOG_STATES = (PieceState.SUBMITTED, PieceState.IN_REVIEW)


# --- periods and buckets ---


@dataclass(frozen=True)
class Column:
    """One period bucket: its key, a short header ("3", "12/2021", "II") and a full title."""

    key: tuple[int, int]
    label: str
    title: str


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The local days start..end as a half-open range of naive UTC times."""

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)

    return midnight(start), midnight(end + timedelta(days=1))


def local_day(moment: datetime) -> date:
    return to_local(moment).date()


def bucket_key(day: date, bucket: str) -> tuple[int, int]:
    if bucket == "week":
        iso = day.isocalendar()
        return iso.year, iso.week
    if bucket == "quarter":
        return day.year, (day.month - 1) // 3 + 1
    return day.year, day.month


def columns(start: date, end: date, bucket: str = "month") -> list[Column]:
    """The buckets that the days start..end fall in, in order."""
    check_period(start, end, bucket)
    keys: list[tuple[int, int]] = []
    day = start
    while day <= end:
        key = bucket_key(day, bucket)
        if not keys or keys[-1] != key:
            keys.append(key)
        day += timedelta(days=1)
    # The year joins the label only when a number would repeat (more than a year of weeks,
    # months or quarters); a half-year starting in ISO week 53 keeps its short labels.
    one_year = len({year for year, _n in keys}) == 1 or (
        bucket == "week" and len({n for _year, n in keys}) == len(keys)
    )
    return [_column(key, bucket, one_year) for key in keys]


def _column(key: tuple[int, int], bucket: str, one_year: bool) -> Column:
    year, n = key
    if bucket == "quarter":
        label = ROMAN[n - 1] if one_year else f"{ROMAN[n - 1]}/{year}"
        return Column(key, label, _("Quý %(q)s/%(y)d", q=ROMAN[n - 1], y=year))
    label = str(n) if one_year else f"{n}/{year}"
    if bucket == "week":
        return Column(key, label, _("Tuần %(w)d/%(y)d", w=n, y=year))
    return Column(key, label, _("Tháng %(m)d/%(y)d", m=n, y=year))


def check_period(start: date | None, end: date | None, bucket: str) -> None:
    """Refuse a period that cannot make a table: reversed, unknown bucket, too many columns."""
    if start is None or end is None:
        raise ServiceError(_("Vui lòng chọn ngày bắt đầu và ngày kết thúc."), "start")
    if end < start:
        raise ServiceError(_("Ngày kết thúc phải sau ngày bắt đầu."), "end")
    if bucket not in BUCKETS:
        raise ServiceError(_("Cách chia kỳ không hợp lệ."), "bucket")
    days = (end - start).days + 1
    approx = {"month": days / 28, "week": days / 7, "quarter": days / 90}[bucket]
    if approx > MAX_COLUMNS + 2:
        raise ServiceError(
            _("Khoảng thời gian quá dài cho cách chia này (tối đa %(n)d cột).", n=MAX_COLUMNS),
            "end",
        )


# --- counting pieces ---


def _genre_condition(genre_code: str | None):
    """News and articles (every genre but documents), or one genre when asked."""
    if genre_code:
        return Genre.code == genre_code
    return Genre.code != DOCUMENT_GENRE


def unit_counts(
    start: date, end: date, bucket: str = "month", genre_code: str | None = None
) -> dict[tuple[int, tuple[int, int]], int]:
    """Published pieces per (unit id, bucket key) over the local days start..end. One query."""
    low, high = utc_bounds(start, end)
    rows = db.session.execute(
        select(Piece.unit_id, Piece.published_at)
        .join(Genre, Genre.id == Piece.genre_id)
        .where(
            Piece.state == PieceState.PUBLISHED,
            Piece.published_at >= low,
            Piece.published_at < high,
            _genre_condition(genre_code),
        )
    )
    counts: Counter = Counter()
    for unit_id, published_at in rows:
        counts[(unit_id, bucket_key(local_day(published_at), bucket))] += 1
    return dict(counts)


def genre_counts(start: date, end: date) -> dict[str, int]:
    """Published pieces per genre code over the period. One query."""
    low, high = utc_bounds(start, end)
    rows = db.session.execute(
        select(Genre.code, func.count(Piece.id))
        .join(Genre, Genre.id == Piece.genre_id)
        .where(
            Piece.state == PieceState.PUBLISHED,
            Piece.published_at >= low,
            Piece.published_at < high,
        )
        .group_by(Genre.code)
    )
    return {code: int(n) for code, n in rows}


def report_units(group: UnitGroup | None = None, keep: set[int] | None = None) -> list[Unit]:
    """The appendix's units: active ones, and inactive ones that published in the period."""
    query = Unit.ordered()
    if group is not None:
        query = query.where(Unit.group == group)
    keep = keep or set()
    return [u for u in db.session.scalars(query) if u.active or u.id in keep]


# --- the board's figures ---


@dataclass
class Figures:
    """What the periodic report says, from the data."""

    start: date
    end: date
    pieces: int
    documents: int
    by_genre: dict[str, int]
    categories_opened: list[str]
    visits_period: int
    visits_total: int
    spending: dict
    budgets: dict[int, int | None]
    idle_units: list[Unit]
    busy_units: dict[UnitGroup, list[tuple[Unit, int]]]
    uncovered_topics: list[str]

    @property
    def budget(self) -> int:
        return sum(v or 0 for v in self.budgets.values())

    @property
    def budget_percent(self) -> float | None:
        """The period's spending as a share of the budget of its year(s), in percent."""
        return self.spending["total"] * 100 / self.budget if self.budget else None


def figures(start: date, end: date, unit_totals: dict[int, int] | None = None) -> Figures:
    """The periodic report's figures; ``unit_totals`` (unit id → news and articles) may come
    from an appendix already built for the same period. A fixed number of queries."""
    if unit_totals is None:
        unit_totals = Counter()
        for (unit_id, _key), n in unit_counts(start, end).items():
            unit_totals[unit_id] += n
    by_genre = genre_counts(start, end)
    low, high = utc_bounds(start, end)
    opened = db.session.scalars(
        select(Category.name)
        .where(Category.created_at >= low, Category.created_at < high)
        .order_by(Category.created_at, Category.id)
    ).all()
    visits_period = db.session.scalar(
        select(func.coalesce(func.sum(SiteVisit.count), 0)).where(
            SiteVisit.day >= start, SiteVisit.day <= end
        )
    )
    visits_total = db.session.scalar(
        select(func.coalesce(func.sum(SiteVisit.count), 0)).where(SiteVisit.day <= end)
    )
    units = report_units(keep={u for u, n in unit_totals.items() if n})
    idle = [u for u in units if u.active and not unit_totals.get(u.id)]
    busy: dict[UnitGroup, list[tuple[Unit, int]]] = {g: [] for g in UnitGroup}
    for unit in units:
        if unit_totals.get(unit.id):
            busy[unit.group].append((unit, unit_totals[unit.id]))
    for rows in busy.values():
        rows.sort(key=lambda row: -row[1])  # stable: equal counts keep the appendix order
    return Figures(
        start=start,
        end=end,
        pieces=sum(n for code, n in by_genre.items() if code != DOCUMENT_GENRE),
        documents=by_genre.get(DOCUMENT_GENRE, 0),
        by_genre=by_genre,
        categories_opened=list(opened),
        visits_period=int(visits_period or 0),
        visits_total=int(visits_total or 0),
        spending=spending_between(start, end),
        budgets={year: budget_for_year(year) for year in range(start.year, end.year + 1)},
        idle_units=idle,
        busy_units=busy,
        uncovered_topics=[t.name for t in topic_coverage(start, end, "quarter").uncovered],
    )


# --- topics ---


@dataclass
class TopicRow:
    topic: Topic
    counts: list[int]
    total: int


@dataclass
class TopicCoverage:
    columns: list[Column]
    rows: list[TopicRow]
    column_totals: list[int] = field(default_factory=list)

    @property
    def uncovered(self) -> list[Topic]:
        return [r.topic for r in self.rows if r.total == 0 and r.topic.active]


def topic_coverage(start: date, end: date, bucket: str = "month") -> TopicCoverage:
    """Published pieces (all genres) per topic and bucket; active topics with none stay in.
    Two queries."""
    cols = columns(start, end, bucket)
    index = {c.key: i for i, c in enumerate(cols)}
    low, high = utc_bounds(start, end)
    rows = db.session.execute(
        select(piece_topics.c.topic_id, Piece.published_at)
        .join(Piece, Piece.id == piece_topics.c.piece_id)
        .where(
            Piece.state == PieceState.PUBLISHED,
            Piece.published_at >= low,
            Piece.published_at < high,
        )
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(cols))
    for topic_id, published_at in rows:
        counts[topic_id][index[bucket_key(local_day(published_at), bucket)]] += 1
    topics = [t for t in db.session.scalars(select(Topic)) if t.active or t.id in counts]
    topics.sort(key=lambda t: (fold(t.name), t.id))  # the same order on both engines
    result = [
        TopicRow(t, counts.get(t.id, [0] * len(cols)), sum(counts.get(t.id, []))) for t in topics
    ]
    totals = [sum(r.counts[i] for r in result) for i in range(len(cols))]
    return TopicCoverage(cols, result, totals)


# --- editors' turnaround ---


@dataclass
class Turnaround:
    count: int
    median_hours: float | None
    within_two_days: int
    per_column: list[tuple[Column, int, float | None]]
    backlog: list[tuple[str, int]]
    oldest: datetime | None

    @property
    def backlog_total(self) -> int:
        return sum(n for _label, n in self.backlog)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def turnaround(
    start: date, end: date, bucket: str = "month", now: datetime | None = None
) -> Turnaround:
    """From first submission to decision (returned, rejected or approved) for the pieces
    decided in the period, and today's backlog by age. Two queries.

    Imported pieces have no submission or decision time and are left out.
    """
    cols = columns(start, end, bucket)
    index = {c.key: i for i, c in enumerate(cols)}
    low, high = utc_bounds(start, end)
    rows = db.session.execute(
        select(Piece.first_submitted_at, Piece.decided_at).where(
            Piece.decided_at >= low,
            Piece.decided_at < high,
            Piece.first_submitted_at.is_not(None),
        )
    ).all()
    hours: list[float] = []
    by_column: list[list[float]] = [[] for _c in cols]
    for submitted, decided in rows:
        value = max((decided - submitted).total_seconds() / 3600, 0.0)
        hours.append(value)
        by_column[index[bucket_key(local_day(decided), bucket)]].append(value)
    return Turnaround(
        count=len(hours),
        median_hours=_median(hours),
        within_two_days=sum(1 for h in hours if h <= 48),
        per_column=[(c, len(v), _median(v)) for c, v in zip(cols, by_column, strict=True)],
        **backlog(now),
    )


def backlog(now: datetime | None = None) -> dict:
    """Pieces waiting for the board (submitted, in review) by whole days since submission.
    One query: the age limits are computed here, so the SQL is the same on both engines."""
    now = now or utcnow()
    sums = []
    for _label, low, high in BACKLOG_AGES:
        conditions = []
        if low:
            conditions.append(Piece.submitted_at <= now - timedelta(days=low))
        if high is not None:
            conditions.append(Piece.submitted_at > now - timedelta(days=high + 1))
        sums.append(func.coalesce(func.sum(db.case((and_(*conditions), 1), else_=0)), 0))
    row = db.session.execute(
        select(*sums, func.min(Piece.submitted_at)).where(
            Piece.state.in_(BACKLOG_STATES), Piece.submitted_at.is_not(None)
        )
    ).one()
    return {
        "backlog": [
            (label, int(n)) for (label, _low, _high), n in zip(BACKLOG_AGES, row, strict=False)
        ],
        "oldest": row[-1],
    }
