"""The newsroom demo: the district's real first half of 2021, and a live month around today.

``flask --app wsgi seed-demo --newsroom`` adds it to the plain demo (units, lists, accounts,
rules, budget). The half-year goes through the import code path, as a district bringing
its archive would: 242 pieces over the 25 units exactly as the report's appendix, their
royalties accrued under the rules then in force, the six months signed and paid. The live
part goes through the services a user's clicks go through (write, submit, claim, return,
approve, schedule, publish), so its notifications, revisions, duplicate flags and ledger
lines are the real ones.

Both parts are loaded once. The live part is dated from the day it is first loaded and
never moved afterwards: a month later it reads as last month's work.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from webapp import demo_data as demo
from webapp.auth.models import User
from webapp.extensions import db
from webapp.pieces import services as pieces
from webapp.pieces.models import Piece
from webapp.public.models import SiteVisit
from webapp.reports.importer import import_pieces
from webapp.review import services as review
from webapp.review.workflow import Action
from webapp.royalties import services as ledger
from webapp.royalties.models import MonthState
from webapp.services import ServiceError
from webapp.taxonomy.models import Category, Genre, Topic
from webapp.timeutil import LOCAL_TZ, utcnow
from webapp.units.models import Unit

HALF_YEAR_SOURCE = "Báo cáo số 01/BC-BBT ngày 29/07/2021, dữ liệu mẫu"
HALF_YEAR = [f"2021-{m:02d}" for m in range(1, 7)]


class DemoError(RuntimeError):
    """The demo could not be loaded (the plain demo is missing, or the data is refused)."""


def _by_short() -> dict[str, Unit]:
    return {u.short_name: u for u in db.session.scalars(select(Unit))}


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise DemoError(f"demo account {username!r} is missing: run seed-demo first")
    return user


def _body(unit: Unit, title: str, day: date, place: str) -> str:
    return (
        f"<p>Ngày {day:%d/%m/%Y}, {unit.name} phối hợp với cấp ủy, chính quyền {place} "
        f"tổ chức hoạt động “{title}”.</p>"
        f"<p>Tham dự có đại diện lãnh đạo {place}, các ban, ngành, đoàn thể và đông đảo "
        "người dân trên địa bàn. Qua đó góp phần nâng cao nhận thức, tạo sự đồng thuận "
        "trong nhân dân, thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội, bảo "
        "đảm quốc phòng - an ninh của huyện năm 2021.</p>"
    )


def _rows_for(unit: Unit, short: str, year: int, months: dict[int, int], rng, start=0):
    """CSV rows for one unit: ``months`` maps month → number of pieces."""
    themes = demo.THEMES[short]
    writers = demo.WRITERS[short]
    n = start
    for month, count in months.items():
        days = sorted(rng.sample(range(2, 29), count))
        for day_no in days:
            title_t, category, topic, genre = themes[n % len(themes)]
            place = demo.COMMUNES[(n // len(themes) + 3 * month) % len(demo.COMMUNES)]
            title = title_t.format(xa=place)
            title = title[0].upper() + title[1:]
            day = date(year, month, day_no)
            # One piece in four is written by two people, shared equally.
            authors = writers[0]
            if len(writers) > 1 and n % 4 == 3:
                authors = f"{writers[0]};{writers[1]}"
            coefficient = rng.choice(demo.DEMO_COEFFICIENTS[genre])
            yield {
                "published_at": day.isoformat(),
                "unit": unit.name,
                "genre": genre,
                "title": title,
                "category": category,
                "topics": topic,
                "authors": authors,
                "coefficient": f"{coefficient // 100},{coefficient % 100:02d}",
                "body": _body(unit, title, day, place),
                "url": "",
            }
            n += 1


def _csv(rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(
        out,
        fieldnames=[
            "published_at",
            "unit",
            "genre",
            "title",
            "category",
            "topics",
            "authors",
            "coefficient",
            "body",
            "url",
        ],  # fmt: skip
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def half_year_csv() -> str:
    """The 242 pieces of January–June 2021 as an import file, the appendix's counts exactly."""
    rng = random.Random(2021)
    units = _by_short()
    rows = []
    for short, counts in demo.APPENDIX_2021_H1:
        months = {m: c for m, c in enumerate(counts, start=1) if c}
        if months:
            rows.extend(_rows_for(units[short], short, 2021, months, rng))
    return _csv(rows)


def _import(data: str, source: str) -> int:
    result = import_pieces(data, _user("admin"), with_royalties=True, source=source)
    if result.errors:
        raise DemoError("; ".join(str(e) for e in result.errors[:5]))
    return result.imported


def _close_months(periods: list[str], pay: bool) -> None:
    """Sign (and pay) the months, as the chief editor and the accountant did."""
    chief, accountant = _user("truongban"), _user("ketoan")
    for period in periods:
        month = ledger.month(period)
        if month.state is MonthState.OPEN:
            ledger.sign_month(chief, period)
        if pay and month.state is MonthState.SIGNED:
            year, mon = (int(x) for x in period.split("-"))
            paid_on = date(year + mon // 12, mon % 12 + 1, 10)
            ledger.pay_month(accountant, period, f"PC-NB {mon:02d}/{year}", paid_on)
    db.session.flush()


def _seed_visits() -> None:
    """The report's visit figures: 9,933 in the half-year, 96,811 in all by 29/06/2021."""
    first, last = date(2021, 1, 1), date(2021, 6, 29)
    if db.session.scalar(select(SiteVisit.day).where(SiteVisit.day.between(first, last))):
        return
    rng = random.Random(9933)

    def spread(start: date, end: date, total: int) -> None:
        days = [start + timedelta(d) for d in range((end - start).days + 1)]
        weights = [rng.uniform(0.6, 1.4) for _ in days]
        scale = total / sum(weights)
        counts = [int(w * scale) for w in weights]
        counts[-1] += total - sum(counts)  # whole visits: the remainder to the last day
        db.session.add_all(SiteVisit(day=d, count=c) for d, c in zip(days, counts, strict=True))

    spread(date(2020, 1, 1), date(2020, 12, 31), demo.VISITS_TOTAL_2021_06_29 - demo.VISITS_2021_H1)
    spread(first, last, demo.VISITS_2021_H1)
    db.session.flush()


def load_half_year() -> int:
    """January–June 2021: the pieces, their royalties, the months signed and paid, visits."""
    imported = _import(half_year_csv(), HALF_YEAR_SOURCE)
    _close_months(HALF_YEAR, pay=True)
    _seed_visits()
    return imported


# --- the live month ------------------------------------------------------------------------


@dataclass
class Clock:
    """Times of the live month, relative to the moment it is first loaded."""

    now: datetime  # naive UTC

    def ago(self, days: float = 0, hours: float = 0) -> datetime:
        return self.now - timedelta(days=days, hours=hours)

    def this_afternoon(self) -> datetime:
        local_now = self.now.replace(tzinfo=UTC).astimezone(LOCAL_TZ)
        at = datetime.combine(local_now.date(), time(15, 0), tzinfo=LOCAL_TZ)
        if at - local_now < timedelta(hours=1):
            at = local_now + timedelta(hours=2)
        return at.astimezone(UTC).replace(tzinfo=None)


def _lists():
    categories = {c.name: c.id for c in db.session.scalars(select(Category))}
    topics = {t.name: t.id for t in db.session.scalars(select(Topic))}
    genres = {g.code: g.id for g in db.session.scalars(select(Genre))}
    return categories, topics, genres


def _write(user: User, title: str, body: str, category: str, topic: str, genre="tin", lead=""):
    categories, topics, genres = _lists()
    return pieces.create_piece(
        user,
        pieces.PieceData(
            title=title,
            lead=lead,
            body=body,
            genre_id=genres[genre],
            category_id=categories[category],
            topic_ids=[topics[topic]],
        ),
    )


def _live_body(place: str, text: str) -> str:
    # Each live piece says its own thing: a shared boilerplate paragraph would make every
    # one of them a "near-copy" of the others in the editors' queue.
    return f"<p>{text}</p><p>({place})</p>"


def _act(user, piece, action: Action, at: datetime, **kwargs):
    return review.transition(user, piece, action, now=at, **kwargs)


def _turn_down(piece, submitter, editor, action: Action, at: datetime, reason: str) -> None:
    """Sent, claimed and returned (or rejected) with a reason: the unit is told."""
    _act(submitter, piece, Action.SUBMIT, at - timedelta(hours=4))
    _act(editor, piece, Action.CLAIM, at - timedelta(hours=2))
    _act(editor, piece, action, at, comment=reason)


def _publish(piece, editor, submitter, at: datetime) -> None:
    _act(submitter, piece, Action.SUBMIT, at - timedelta(hours=5))
    _act(editor, piece, Action.CLAIM, at - timedelta(hours=3))
    _act(editor, piece, Action.APPROVE, at - timedelta(hours=1))
    _act(editor, piece, Action.PUBLISH, at)


def _previous_month(today: date) -> tuple[int, int]:
    first = today.replace(day=1)
    last = first - timedelta(days=1)
    return last.year, last.month


def live_month_csv(today: date) -> str:
    """Last month's published pieces, from the units that keep their quota: some units
    stay below theirs, so the reminders have someone to remind."""
    year, month = _previous_month(today)
    rng = random.Random(year * 100 + month)
    units = _by_short()
    rows = []
    for short, count in (("TTVHTTTT", 5), ("CAH", 4), ("NNPTNT", 3), ("VHTT", 2), ("TP", 2)):
        rows.extend(_rows_for(units[short], short, year, {month: count}, rng, start=100))
    return _csv(rows)


def live_already_loaded() -> bool:
    """Work done in the app itself (not imported) means the live month is there already."""
    return bool(db.session.scalar(select(func.count(Piece.id)).where(Piece.import_key.is_(None))))


def load_live_month(now: datetime | None = None) -> int:
    """Pieces in every state around ``now``; returns how many were written."""
    clock = Clock(now or utcnow())
    today = clock.now.replace(tzinfo=UTC).astimezone(LOCAL_TZ).date()
    editor, chief = _user("bientap"), _user("truongban")
    ttvh, congan, nongnghiep = _user("ttvh"), _user("congan"), _user("nongnghiep")
    taichinh, huyendoan = _user("taichinh"), _user("huyendoan")
    written = 0

    def write(user, title, text, category, topic, place, genre="tin", lead=""):
        nonlocal written
        written += 1
        return _write(user, title, _live_body(place, text), category, topic, genre, lead)

    # Published over the last days: on the portal's home, with their royalty lines.
    raid_text = (
        "Công an huyện phối hợp Công an xã Glar ra quân tuần tra, kiểm soát, xử lý vi phạm "
        "trật tự an toàn giao thông trên Quốc lộ 19, tập trung vào các lỗi nồng độ cồn, "
        "chạy quá tốc độ, không đội mũ bảo hiểm; lập biên bản 27 trường hợp vi phạm."
    )
    published = [
        (congan, "Ra quân xử lý vi phạm giao thông trên Quốc lộ 19 qua xã Glar", raid_text,
         demo.NEWS, "Quốc phòng - an ninh", "xã Glar", 0.2),
        (ttvh, "Khai mạc Hội thi văn nghệ quần chúng huyện Đak Đoa năm nay",
         "Trung tâm Văn hóa, Thông tin và Thể thao khai mạc hội thi với 14 đội văn nghệ "
         "của các xã, thị trấn.", demo.NEWS, "Văn hóa - thể thao", "thị trấn Đak Đoa", 1),
        (nongnghiep, "Nông dân xã Hà Bầu thu hoạch cà phê được mùa, được giá",
         "Phòng Nông nghiệp và PTNT khảo sát năng suất cà phê niên vụ mới tại xã Hà Bầu.",
         demo.NEWS, "Nông nghiệp", "xã Hà Bầu", 2),
        (ttvh, "Tuyên truyền phòng, chống cháy rừng mùa khô tại xã Kon Gang",
         "Đội thông tin lưu động về các làng tuyên truyền phòng, chống cháy rừng.",
         demo.PROPAGANDA, "Văn hóa - thể thao", "xã Kon Gang", 3),
        (huyendoan, "Tuổi trẻ Đak Đoa ra quân giúp dân sửa nhà đón Tết",
         "Huyện Đoàn phát động các cơ sở Đoàn giúp hộ nghèo sửa nhà, làm đường.",
         demo.NEWS, "Chính trị", "xã Ia Băng", 4),
    ]  # fmt: skip
    for user, title, text, category, topic, place, days in published:
        piece = write(user, title, text, category, topic, place)
        _publish(piece, editor, user, clock.ago(days=days, hours=1))

    # One published, then taken down: a reversal line in the ledger.
    piece = write(
        congan,
        "Thông báo tạm dừng tiếp công dân tại trụ sở Công an huyện",
        "Công an huyện thông báo lịch tiếp công dân trong tuần.",
        demo.NEWS,
        "Quốc phòng - an ninh",
        "thị trấn Đak Đoa",
    )
    _publish(piece, editor, congan, clock.ago(days=2, hours=4))
    _act(
        chief,
        piece,
        Action.UNPUBLISH,
        clock.ago(days=1, hours=6),
        comment="Lịch đã thay đổi; đơn vị sẽ gửi thông báo mới.",
    )

    # Scheduled for this afternoon.
    piece = write(
        ttvh,
        "Chương trình nghệ thuật chào mừng Ngày Quốc phòng toàn dân",
        "Trung tâm tổ chức chương trình nghệ thuật tại sân vận động huyện.",
        demo.NEWS,
        "Văn hóa - thể thao",
        "thị trấn Đak Đoa",
    )
    _act(ttvh, piece, Action.SUBMIT, clock.ago(hours=6))
    _act(chief, piece, Action.CLAIM, clock.ago(hours=5))
    _act(chief, piece, Action.APPROVE, clock.ago(hours=4))
    _act(chief, piece, Action.SCHEDULE, clock.ago(hours=4), publish_at=clock.this_afternoon())

    # Approved, waiting to be published.
    piece = write(
        nongnghiep,
        "Hướng dẫn tái canh cà phê cho nông dân xã Trang",
        "Cán bộ khuyến nông hướng dẫn kỹ thuật tái canh, chọn giống cà phê ghép.",
        demo.PROPAGANDA,
        "Nông nghiệp",
        "xã Trang",
    )
    _act(nongnghiep, piece, Action.SUBMIT, clock.ago(days=1, hours=3))
    _act(editor, piece, Action.CLAIM, clock.ago(days=1, hours=2))
    _act(editor, piece, Action.APPROVE, clock.ago(hours=20))

    # The morning's queue.
    queue = [
        (ttvh, "Hội nghị tổng kết phong trào Toàn dân đoàn kết xây dựng đời sống văn hóa",
         "Huyện tổ chức hội nghị tổng kết phong trào giai đoạn vừa qua.", demo.NEWS,
         "Văn hóa - thể thao", "thị trấn Đak Đoa", 0.5),
        (ttvh, "Giải việt dã học sinh, sinh viên toàn huyện",
         "Gần 300 vận động viên tham gia giải việt dã.", demo.NEWS, "Văn hóa - thể thao",
         "xã Tân Bình", 1.2),
        (ttvh, "Bảo tồn nghề dệt thổ cẩm của đồng bào Bahnar ở xã Hà Đông",
         "Lớp truyền dạy nghề dệt thổ cẩm cho 30 chị em.", demo.PROPAGANDA,
         "Văn hóa - thể thao", "xã Hà Đông", 2.5),
        (congan, "Triệt phá ổ nhóm đánh bạc tại xã Nam Yang",
         "Công an huyện bắt quả tang 9 đối tượng đang đánh bạc.", demo.NEWS,
         "Quốc phòng - an ninh", "xã Nam Yang", 0.3),
        (congan, "Cấp căn cước công dân lưu động cho người cao tuổi xã Hnol",
         "Tổ công tác cấp căn cước tận nhà cho người già, người khuyết tật.", demo.NEWS,
         "Cải cách hành chính", "xã Hnol", 1.5),
        (nongnghiep, "Phòng, chống bệnh viêm da nổi cục trên đàn trâu, bò",
         "Phòng Nông nghiệp và PTNT khuyến cáo người chăn nuôi tiêm phòng.", demo.PROPAGANDA,
         "Nông nghiệp", "xã Ia Pết", 0.8),
        (huyendoan, "Ngày hội hiến máu tình nguyện Chủ nhật Đỏ",
         "Hơn 200 đoàn viên, thanh niên tham gia hiến máu.", demo.NEWS, "Chính trị",
         "thị trấn Đak Đoa", 0.2),
        (huyendoan, "Thanh niên xã K'Dang khởi nghiệp với cà phê sạch",
         "Mô hình cà phê sạch của nhóm thanh niên cho thu nhập ổn định.", demo.NEWS,
         "Kinh tế", "xã K'Dang", 3),
        (nongnghiep, "Xã Đak Krong ra mắt hợp tác xã nông nghiệp dịch vụ",
         "Hợp tác xã có 45 thành viên, liên kết tiêu thụ chanh dây với doanh nghiệp.",
         demo.NEWS, "Kinh tế", "xã Đak Krong", 0.6),
        (ttvh, "Hướng dẫn người dân cài đặt ứng dụng dịch vụ công trực tuyến",
         "Tổ công nghệ số cộng đồng hướng dẫn người dân nộp hồ sơ trực tuyến.",
         demo.PROPAGANDA, "Cải cách hành chính", "xã A Dơk", 0.1),
    ]  # fmt: skip
    submitted = []
    for user, title, text, category, topic, place, days in queue:
        piece = write(user, title, text, category, topic, place)
        _act(user, piece, Action.SUBMIT, clock.ago(days=days))
        submitted.append(piece)
    # Some already claimed by an editor.
    _act(editor, submitted[1], Action.CLAIM, clock.ago(hours=20))
    _act(chief, submitted[4], Action.CLAIM, clock.ago(hours=30))

    # A near-copy of the traffic piece above: flagged in the queue with its score.
    piece = write(
        congan,
        "Công an huyện ra quân xử lý vi phạm giao thông trên Quốc lộ 19",
        raid_text + " Lực lượng chức năng tiếp tục duy trì tuần tra trong thời gian tới.",
        demo.NEWS,
        "Quốc phòng - an ninh",
        "xã Glar",
    )
    _act(congan, piece, Action.SUBMIT, clock.ago(hours=2))

    # Returned with a reason, corrected and sent again.
    piece = write(
        nongnghiep,
        "Kết quả chuyển đổi cây trồng trên đất lúa kém hiệu quả",
        "Năm nay toàn huyện chuyển đổi diện tích lúa kém hiệu quả sang cây trồng khác.",
        demo.NEWS,
        "Kinh tế",
        "xã Ia Băng",
    )
    _turn_down(
        piece,
        nongnghiep,
        editor,
        Action.RETURN,
        clock.ago(days=2, hours=18),
        "Đề nghị bổ sung diện tích chuyển đổi (ha) và tên các cây trồng thay thế.",
    )
    categories, topics, genres = _lists()
    pieces.save_piece(
        nongnghiep,
        piece,
        pieces.PieceData(
            title=piece.title,
            body=_live_body(
                "xã Ia Băng",
                "Năm nay toàn huyện chuyển đổi 126 ha lúa kém hiệu quả sang trồng bắp, "
                "đậu đỗ và cây ăn quả; riêng xã Ia Băng chuyển đổi 38 ha.",
            ),
            genre_id=genres["tin"],
            category_id=categories[demo.NEWS],
            topic_ids=[topics["Kinh tế"]],
        ),
        piece.version,
    )
    _act(nongnghiep, piece, Action.SUBMIT, clock.ago(hours=3))

    # Returned and not yet answered.
    piece = write(
        congan,
        "Kết quả công tác bảo đảm an ninh trật tự tháng qua",
        "Số liệu tổng hợp của Công an huyện.",
        demo.NEWS,
        "Quốc phòng - an ninh",
        "thị trấn Đak Đoa",
    )
    _turn_down(
        piece,
        congan,
        chief,
        Action.RETURN,
        clock.ago(days=1, hours=20),
        "Tin còn sơ sài: cần nêu số vụ việc, kết quả xử lý và ảnh minh họa.",
    )

    # Rejected: an internal notice, not for the portal.
    piece = write(
        huyendoan,
        "Thông báo họp Ban Chấp hành Huyện Đoàn",
        "Kính mời các đồng chí Ủy viên Ban Chấp hành dự họp.",
        demo.NEWS,
        "Chính trị",
        "thị trấn Đak Đoa",
    )
    _turn_down(
        piece,
        huyendoan,
        editor,
        Action.REJECT,
        clock.ago(days=3, hours=20),
        "Thông báo nội bộ của đơn vị, không thuộc nội dung đăng trên Trang TTĐT.",
    )

    # Drafts still being written.
    write(
        ttvh,
        "Giải bóng đá thiếu niên nhi đồng",
        "Bản nháp: đang chờ kết quả các trận bán kết.",
        demo.NEWS,
        "Văn hóa - thể thao",
        "thị trấn Đak Đoa",
    )
    write(
        taichinh,
        "Công khai dự toán ngân sách huyện",
        "Bản nháp: số liệu đang được tổng hợp.",
        demo.NEWS,
        "Kinh tế",
        "thị trấn Đak Đoa",
    )

    # Last month: published, its royalty sheet signed by the chief editor, not yet paid.
    year, month = _previous_month(today)
    _import(live_month_csv(today), "dữ liệu mẫu tháng trước")
    _close_months([f"{year}-{month:02d}"], pay=False)
    db.session.flush()
    return written


def load(now: datetime | None = None) -> dict[str, int]:
    """The whole newsroom demo, once. Returns what was added (all zero on a second run)."""
    try:
        added = {"half_year": load_half_year(), "live": 0}
        if not live_already_loaded():
            added["live"] = load_live_month(now)
    except ServiceError as err:
        raise DemoError(str(err.message)) from err
    return added
