"""The royalty ledger's services, against the database: accrual at publication, reversals,
months that close, tax, and the batch per payee."""

import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import IS_POSTGRES
from tests.pieces.helpers import draft, move, people
from webapp.auth.models import User
from webapp.extensions import db
from webapp.pieces.models import Piece, PieceImage, PieceState, WorkflowEvent
from webapp.pieces.services import AuthorLine
from webapp.review.services import transition
from webapp.review.workflow import Action
from webapp.royalties import services
from webapp.royalties.models import (
    EntryKind,
    MonthState,
    Payee,
    PaymentLine,
    RoyaltyEntry,
    RoyaltyFlag,
    RoyaltyMonth,
    TaxRule,
)
from webapp.services import ServiceError
from webapp.timeutil import local_today, utcnow

postgres_only = pytest.mark.skipif(
    not IS_POSTGRES,
    reason="two publishers at once need concurrent connections and row locks: PostgreSQL only "
    "(SQLite serialises all writers on one file); set TEST_DATABASE_URL to run it",
)

MARCH_2024 = datetime(2024, 3, 5, 3, 0)  # 10:00 in Đak Đoa; base salary 1.800.000 đ
JUNE_2023 = datetime(2023, 6, 30, 3, 0)  # base salary 1.490.000 đ


def approved(cast, title, genre="tin", coefficient=None, authors=None):
    """A piece of ``cast``'s contributor, submitted, claimed and approved by the editor."""
    kw = {"authors": authors} if authors else {}
    piece = draft(cast["contributor"], title=title, genre=genre, **kw)
    move(piece, cast["contributor"], "submit")
    move(piece, cast["editor"], "claim")
    transition(cast["editor"], piece, Action.APPROVE, coefficient=coefficient)
    return piece


def published(cast, title, when=None, **kw):
    piece = approved(cast, title, **kw)
    transition(cast["editor"], piece, Action.PUBLISH, now=when)
    return piece


def lines_of(piece, kind=None):
    query = select(RoyaltyEntry).where(RoyaltyEntry.piece_id == piece.id)
    if kind is not None:
        query = query.where(RoyaltyEntry.kind == kind)
    return db.session.scalars(query.order_by(RoyaltyEntry.id)).all()


def period_total(period) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(RoyaltyEntry.amount), 0)).where(RoyaltyEntry.period == period)
    )


# --- accrual at publication --------------------------------------------------------------


def test_publishing_writes_the_accrual_in_the_same_transaction():
    cast = people()
    piece = approved(cast, "Ra quân bảo đảm trật tự an toàn giao thông")

    piece_id, editor_id = piece.id, cast["editor"].id

    savepoint = db.session.begin_nested()
    transition(cast["editor"], piece, Action.PUBLISH, now=MARCH_2024)
    assert len(lines_of(piece)) == 1
    savepoint.rollback()
    db.session.expunge_all()  # forget what the savepoint wrote; read again
    piece, editor = db.session.get(Piece, piece_id), db.session.get(User, editor_id)
    # Undoing the publication undoes its royalty: both or neither.
    assert lines_of(piece) == []
    assert piece.state is PieceState.APPROVED

    transition(editor, piece, Action.PUBLISH, now=MARCH_2024)
    [line] = lines_of(piece)
    assert line.kind is EntryKind.ACCRUAL
    assert line.period == "2024-03"
    assert line.published_on == date(2024, 3, 5)
    # a news item ("tin") at its default coefficient 1,00: 1 × 10 % × 1.800.000 đ
    assert (line.coefficient_centi, line.base_salary, line.unit_percent) == (100, 1_800_000, 1000)
    assert line.amount == line.piece_amount == 180_000
    assert line.share == 100
    assert line.rule_set_id is not None
    payee = db.session.get(Payee, line.payee_id)
    assert payee.user_id == cast["contributor"].id


def test_co_authors_share_the_amount_and_the_first_gets_the_remainder():
    cast = people()
    authors = [
        AuthorLine(name=cast["contributor"].full_name, share=34, user_id=cast["contributor"].id),
        AuthorLine(name="Trần Thị Bình", share=33),
        AuthorLine(name="Thanh Nhật (Báo Gia Lai)", share=33),
    ]
    piece = published(cast, "Hội thi cồng chiêng", JUNE_2023, coefficient="1,01", authors=authors)

    lines = lines_of(piece)
    # 1,01 × 149.000 đ = 150.490 đ; 33 % is 49.661,7 → 49.661 each; the first gets the rest
    assert [line.piece_amount for line in lines] == [150_490] * 3
    assert [line.share for line in lines] == [34, 33, 33]
    assert [line.amount for line in lines] == [51_168, 49_661, 49_661]
    assert sum(line.amount for line in lines) == 150_490
    names = [db.session.get(Payee, line.payee_id).full_name for line in lines]
    assert names == [cast["contributor"].full_name, "Trần Thị Bình", "Thanh Nhật (Báo Gia Lai)"]


def test_authors_without_shares_split_the_amount_not_the_percentage():
    cast = people()
    authors = [
        AuthorLine(name=cast["contributor"].full_name, share=None, user_id=cast["contributor"].id),
        AuthorLine(name="Trần Thị Bình", share=None),
        AuthorLine(name="Thanh Nhật (Báo Gia Lai)", share=None),
    ]
    piece = published(cast, "Hội thi cồng chiêng", JUNE_2023, coefficient="1,01", authors=authors)

    lines = lines_of(piece)
    # 150.490 đ / 3 = 50.163 each, the 1 đ left over to the first in the byline
    # (percentages 34/33/33 would have paid 51.168 + 49.661 + 49.661).
    assert [line.amount for line in lines] == [50_164, 50_163, 50_163]
    assert [line.share for line in lines] == [None, None, None]
    assert sum(line.amount for line in lines) == 150_490
    services.reverse_for_piece(piece, actor=cast["editor"], reason="Gỡ thử")
    reversals = lines_of(piece, EntryKind.REVERSAL)
    assert [line.amount for line in reversals] == [-50_164, -50_163, -50_163]


def test_a_line_above_the_ceiling_is_refused_with_a_message(app, monkeypatch):
    cast = people()
    monkeypatch.setitem(app.config, "ROYALTY_LINE_CEILING", 200_000)
    piece = published(cast, "Hệ số gõ nhầm", JUNE_2023, coefficient="1,50")  # 223.500 đ
    assert lines_of(piece) == []  # nothing written to the ledger
    flag = db.session.scalar(select(RoyaltyFlag).where(RoyaltyFlag.piece_id == piece.id))
    assert flag.reason == (
        "Một dòng nhuận bút 223.500 đ vượt mức trần 200.000 đ mỗi dòng: hãy kiểm tra lại hệ "
        "số và quy định nhuận bút. Dòng này chưa được ghi."
    )
    below = published(cast, "Hệ số đúng", JUNE_2023, coefficient="1")  # 149.000 đ
    (line,) = lines_of(below)
    with pytest.raises(services.LineTooLarge) as refused:
        services.adjust(_accountant(), line, 250_000, "Điều chỉnh gõ nhầm")
    assert "vượt mức trần 200.000 đ" in refused.value.message
    assert refused.value.field == "delta"
    assert services.line_ceiling() == 200_000


def test_the_default_ceiling_is_a_setting_of_a_hundred_million(app):
    assert app.config["ROYALTY_LINE_CEILING"] == 100_000_000 == services.line_ceiling()


def _photo(piece, n, credit):
    image = PieceImage(
        piece_id=piece.id,
        position=n,
        key=f"test/{piece.id}-{n}.jpg",
        thumb_key=f"test/{piece.id}-{n}-t.jpg",
        content_type="image/jpeg",
        width=800,
        height=600,
        size=1000,
        credit=credit,
    )
    db.session.add(image)
    db.session.flush()
    return image


def test_a_photo_piece_pays_each_photo_to_its_credit():
    cast = people()
    author = cast["contributor"]
    piece = draft(author, title="Mùa cà phê chín", genre="anh")
    first = _photo(piece, 0, author.full_name.upper())  # credits match without regard to case
    second = _photo(piece, 1, "Nguyễn Văn Ảnh")  # an outside photographer
    third = _photo(piece, 2, "")  # no credit: the byline's first author
    db.session.expire(piece, ["images"])
    move(piece, author, "submit")
    move(piece, cast["editor"], "claim", "approve")
    transition(cast["editor"], piece, Action.PUBLISH, now=MARCH_2024)

    lines = {line.line_key: line for line in lines_of(piece)}
    assert set(lines) == {f"image:{first.id}", f"image:{second.id}", f"image:{third.id}"}
    # a photo at the default 0,70: 0,7 × 180.000 đ each
    assert {line.amount for line in lines.values()} == {126_000}
    payees = {key: db.session.get(Payee, line.payee_id) for key, line in lines.items()}
    assert payees[f"image:{first.id}"].user_id == author.id
    assert payees[f"image:{third.id}"].user_id == author.id
    assert payees[f"image:{second.id}"].full_name == "Nguyễn Văn Ảnh"
    assert payees[f"image:{second.id}"].user_id is None


def test_the_database_refuses_a_second_accrual_of_the_same_publication():
    cast = people()
    piece = published(cast, "Tiêm chủng mở rộng", MARCH_2024)
    [line] = lines_of(piece)
    twin = RoyaltyEntry(
        period=line.period,
        kind=EntryKind.ACCRUAL,
        piece_id=piece.id,
        payee_id=line.payee_id,
        line_key=line.line_key,
        publication_no=line.publication_no,
        published_on=line.published_on,
        rule_set_id=line.rule_set_id,
        base_salary=line.base_salary,
        unit_percent=line.unit_percent,
        tier_percent=line.tier_percent,
        coefficient_centi=line.coefficient_centi,
        modifiers=line.modifiers,
        share=line.share,
        piece_amount=line.piece_amount,
        amount=line.amount,
    )
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(twin)
            db.session.flush()
    assert len(lines_of(piece)) == 1


# --- taking a piece down ---------------------------------------------------------------------


def test_unpublishing_in_an_open_month_reverses_in_that_month():
    cast = people()
    authors = [
        AuthorLine(name=cast["contributor"].full_name, share=60, user_id=cast["contributor"].id),
        AuthorLine(name="Trần Thị Bình", share=40),
    ]
    piece = published(cast, "Tin đăng nhầm", MARCH_2024, coefficient="1,33", authors=authors)
    keep = published(cast, "Tin giữ lại", MARCH_2024)
    before = period_total("2024-03")

    move(piece, cast["editor"], "unpublish", comment="Đăng nhầm bản chưa duyệt")

    reversals = lines_of(piece, EntryKind.REVERSAL)
    accruals = lines_of(piece, EntryKind.ACCRUAL)
    assert len(reversals) == len(accruals) == 2
    assert {r.period for r in reversals} == {"2024-03"}
    assert {r.reverses_id for r in reversals} == {a.id for a in accruals}
    assert sum(line.amount for line in lines_of(piece)) == 0
    assert period_total("2024-03") == before - sum(a.amount for a in accruals)
    assert period_total("2024-03") == lines_of(keep)[0].amount
    assert all(r.note == "Đăng nhầm bản chưa duyệt" for r in reversals)


def test_the_months_life_signed_corrections_go_to_the_next_month_paid_ones_are_flagged():
    cast = people()
    chief = cast["chief"]
    accountant = _accountant()
    today = local_today()
    this, following = services.period_of(today), services.next_period(services.period_of(today))
    kept = published(cast, "Tin A: giữ")
    taken_down_signed = published(cast, "Tin B: gỡ sau khi ký")
    taken_down_paid = published(cast, "Tin C: gỡ sau khi chi trả")
    assert {lines_of(p)[0].period for p in (kept, taken_down_signed, taken_down_paid)} == {this}

    services.sign_month(chief, this)
    signed_total = period_total(this)
    move(taken_down_signed, cast["editor"], "unpublish", comment="Trùng nội dung")

    [original] = lines_of(taken_down_signed, EntryKind.ACCRUAL)
    [adjustment] = lines_of(taken_down_signed, EntryKind.ADJUSTMENT)
    assert adjustment.period == following  # the signed month does not change
    assert adjustment.reverses_id == original.id
    assert adjustment.amount == -original.amount
    assert period_total(this) == signed_total
    assert lines_of(taken_down_signed, EntryKind.REVERSAL) == []

    # A piece published now, after the sign-off, goes to the next month too.
    late = published(cast, "Tin D: đăng sau khi ký")
    assert lines_of(late)[0].period == following

    services.pay_month(accountant, this, "125/PC", today)
    count = db.session.scalar(select(func.count(RoyaltyEntry.id)))
    move(taken_down_paid, cast["editor"], "unpublish", comment="Sai thông tin")

    assert db.session.scalar(select(func.count(RoyaltyEntry.id))) == count  # nothing written
    [flag] = db.session.scalars(
        select(RoyaltyFlag).where(RoyaltyFlag.piece_id == taken_down_paid.id)
    ).all()
    assert "Sai thông tin" in flag.reason
    assert flag.resolved_at is None
    assert period_total(this) == signed_total
    assert [line.kind for line in lines_of(kept)] == [EntryKind.ACCRUAL]


def test_an_adjustment_made_after_the_piece_was_adjusted_still_lets_unpublish_reverse_it():
    cast = people()
    accountant = _accountant()
    piece = published(cast, "Tin có điều chỉnh", MARCH_2024)
    [line] = lines_of(piece)
    services.adjust(accountant, line, 20_000, "Hệ số đúng là 1,11")

    move(piece, cast["editor"], "unpublish", comment="Gỡ theo yêu cầu đơn vị")

    [reversal] = lines_of(piece, EntryKind.REVERSAL)
    assert reversal.reverses_id == line.id
    assert reversal.amount == -180_000


# --- closed months ---------------------------------------------------------------------------


def _accountant():
    from tests.factories import make_user

    return make_user("accountant", full_name="Trần Văn Kế Toán")


def test_signed_and_paid_months_refuse_changes():
    cast = people()
    chief, accountant = cast["chief"], _accountant()
    piece = published(cast, "Tin tháng 3", MARCH_2024)
    [line] = lines_of(piece)

    with pytest.raises(services.MonthClosed, match="chưa được Trưởng ban ký"):
        services.pay_month(accountant, "2024-03", "01/PC", date(2024, 4, 10))
    services.sign_month(chief, "2024-03")
    with pytest.raises(services.MonthClosed, match="đã được ký"):
        services.sign_month(chief, "2024-03")
    with pytest.raises(services.MonthClosed):
        services._ensure_open("2024-03")
    # A correction never lands in the signed month: it goes to the month open today.
    adjustment = services.adjust(accountant, line, -10_000, "Sai hệ số")
    assert adjustment.period == services.open_period_for(local_today()) != "2024-03"
    assert adjustment.reverses_id == line.id

    with pytest.raises(ServiceError, match="số chứng từ"):
        services.pay_month(accountant, "2024-03", "  ", date(2024, 4, 10))
    month = services.pay_month(accountant, "2024-03", "01/PC", date(2024, 4, 10))
    assert (month.state, month.voucher_no, month.voucher_date) == (
        MonthState.PAID,
        "01/PC",
        date(2024, 4, 10),
    )
    with pytest.raises(services.MonthClosed, match="đã được chi trả"):
        services.pay_month(accountant, "2024-03", "02/PC", date(2024, 4, 11))
    with pytest.raises(services.MonthClosed):
        services.sign_month(chief, "2024-03")
    with pytest.raises(services.MonthClosed):
        services._ensure_open("2024-03")
    again = services.adjust(accountant, line, 5_000, "Bổ sung")
    assert again.period != "2024-03"
    assert period_total("2024-03") == 180_000


def test_adjustments_skip_a_current_month_already_signed():
    cast = people()
    accountant = _accountant()
    piece = published(cast, "Tin tháng 3", MARCH_2024)
    this = services.period_of(local_today())
    services.sign_month(cast["chief"], this)
    adjustment = services.adjust(accountant, lines_of(piece)[0], 1_000, "Làm tròn")
    assert adjustment.period == services.next_period(this)
    with pytest.raises(ServiceError, match="lý do"):
        services.adjust(accountant, lines_of(piece)[0], 1_000, "  ")
    with pytest.raises(ServiceError, match="khác 0"):
        services.adjust(accountant, lines_of(piece)[0], 0, "Không đổi")


# --- tax and the batch -----------------------------------------------------------------------


def test_tax_follows_the_threshold_in_force_on_the_payment_date():
    cast = people()
    accountant = _accountant()
    authors = [
        AuthorLine(name=cast["contributor"].full_name, share=50, user_id=cast["contributor"].id),
        AuthorLine(name="Thanh Nhật (Báo Gia Lai)", share=50),
    ]
    piece = published(cast, "Phóng sự cà phê", coefficient="2", genre="bai", authors=authors)
    period = lines_of(piece)[0].period
    for line in lines_of(piece):  # bring each payee to exactly 3.000.000 đ this month
        services.adjust(accountant, line, 3_000_000 - line.amount, "Theo hợp đồng cộng tác")
    outsider = db.session.scalar(select(Payee).where(Payee.full_name == "Thanh Nhật (Báo Gia Lai)"))
    outsider.commitment_on_file = True
    db.session.flush()
    # The 2026 rule is seeded with the reference data, dated and marked "cần xác minh".
    new_rule = db.session.scalar(select(TaxRule).where(TaxRule.threshold == 5_000_000))
    assert new_rule.valid_from == date(2026, 7, 1) and not new_rule.verified
    assert "253/2026/NĐ-CP" in new_rule.legal_basis

    def taxes(day):
        lines = services.batch(period, day).lines
        return {line.payee.full_name: (line.gross, line.tax, line.net) for line in lines}

    june = taxes(date(2026, 6, 30))
    assert june[cast["contributor"].full_name] == (3_000_000, 300_000, 2_700_000)
    assert june["Thanh Nhật (Báo Gia Lai)"] == (3_000_000, 0, 3_000_000)  # commitment form
    july = taxes(date(2026, 7, 1))
    assert july[cast["contributor"].full_name] == (3_000_000, 0, 3_000_000)
    assert july["Thanh Nhật (Báo Gia Lai)"] == (3_000_000, 0, 3_000_000)
    assert services.batch(period, date(2026, 6, 30)).threshold == 2_000_000
    assert services.batch(period, date(2026, 7, 1)).threshold == 5_000_000
    # Each line names the rule it was taxed by, and keeps it once the month is paid.
    june_lines = services.batch(period, date(2026, 6, 30)).lines
    assert {line.tax_rule.threshold for line in june_lines} == {2_000_000}
    assert {line.tax_rule for line in services.batch(period, date(2026, 7, 1)).lines} == {new_rule}
    services.sign_month(cast["chief"], period)
    services.pay_month(accountant, period, "PC-01", date(2026, 7, 2))
    frozen = db.session.scalars(select(PaymentLine).where(PaymentLine.period == period)).all()
    assert {p.tax_rule_id for p in frozen} == {new_rule.id}
    paid = services.batch(period)
    assert [line.tax for line in paid.lines] == [0, 0]
    assert {line.tax_rule for line in paid.lines} == {new_rule}


def test_the_batch_adds_up_to_the_ledger_and_is_frozen_when_paid():
    cast = people()
    chief, accountant = cast["chief"], _accountant()
    pairs = [
        AuthorLine(name=cast["contributor"].full_name, share=70, user_id=cast["contributor"].id),
        AuthorLine(name="Trần Thị Bình", share=30),
    ]
    trio = [
        AuthorLine(name="Trần Thị Bình", share=34),
        AuthorLine(name="Ksor Thanh Niên", share=33),
        AuthorLine(name=cast["contributor"].full_name, share=33, user_id=cast["contributor"].id),
    ]
    published(cast, "Bài 1", MARCH_2024, genre="bai", coefficient="3,33", authors=pairs)
    published(cast, "Bài 2", MARCH_2024, genre="bai", coefficient="4,99", authors=trio)
    published(cast, "Tin 3", MARCH_2024, coefficient="1,57")
    taken = published(cast, "Tin 4", MARCH_2024, coefficient="0,77", authors=trio)
    move(taken, cast["editor"], "unpublish", comment="Gỡ")

    batch = services.batch("2024-03", date(2024, 4, 10))
    ledger = db.session.scalars(services.entries_of("2024-03")).all()
    assert batch.gross == sum(e.amount for e in ledger) == period_total("2024-03")
    assert batch.gross - batch.tax == batch.net
    for line in batch.lines:
        assert line.gross == sum(e.amount for e in ledger if e.payee_id == line.payee.id)
        assert line.net == line.gross - line.tax
    assert {line.payee.full_name for line in batch.lines} == {
        cast["contributor"].full_name,
        "Trần Thị Bình",
        "Ksor Thanh Niên",
    }

    services.sign_month(chief, "2024-03")
    services.pay_month(accountant, "2024-03", "07/PC", date(2024, 4, 10))
    frozen = db.session.scalars(select(PaymentLine).where(PaymentLine.period == "2024-03")).all()
    assert sum(p.gross for p in frozen) == batch.gross
    assert sum(p.tax for p in frozen) == batch.tax
    # A later tax rule does not change what was paid.
    db.session.add(TaxRule(valid_from=date(2024, 4, 11), threshold=100, rate=2000))
    db.session.flush()
    paid = services.batch("2024-03", date(2030, 1, 1))
    assert (paid.gross, paid.tax, paid.net) == (batch.gross, batch.tax, batch.net)
    assert paid.payment_date == date(2024, 4, 10)


# --- figures -------------------------------------------------------------------------------


def test_overdue_lists_unpaid_lines_older_than_sixty_days_and_not_reversed_ones():
    cast = people()
    today = local_today()
    old = published(cast, "Tin 61 ngày", utcnow() - timedelta(days=61))
    borderline = published(cast, "Tin 60 ngày", utcnow() - timedelta(days=60))
    withdrawn = published(cast, "Tin 70 ngày, đã gỡ", utcnow() - timedelta(days=70))
    move(withdrawn, cast["editor"], "unpublish", comment="Gỡ")

    listed = [e.piece_id for e in services.overdue(today)]
    assert old.id in listed
    assert borderline.id not in listed
    assert withdrawn.id not in listed  # nothing is owed for it any more


def test_statement_for_a_contributor_with_and_without_lines():
    cast = people()
    assert services.statement_for(cast["editor"]) == (None, [])
    piece = published(cast, "Tin của tôi", MARCH_2024)
    payee, rows = services.statement_for(cast["contributor"])
    assert payee.user_id == cast["contributor"].id
    assert [(entry.piece_id, state) for entry, state in rows] == [(piece.id, MonthState.OPEN)]


# --- two editors publishing the same piece at once (PostgreSQL) ---------------------------


@postgres_only
@pytest.mark.real_commits
def test_two_editors_publishing_at_once_accrue_once(app):
    with app.app_context():
        cast = people()
        authors = [
            AuthorLine(
                name=cast["contributor"].full_name, share=50, user_id=cast["contributor"].id
            ),
            AuthorLine(name="Trần Thị Bình", share=50),
        ]
        piece = approved(cast, "Khai mạc hội chợ nông sản", authors=authors)
        db.session.commit()
        piece_id, version = piece.id, piece.version
        editors = [cast["editor"].id, cast["chief"].id]
        db.session.remove()

    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def publish(editor_id):
        with app.app_context():
            try:
                editor = db.session.get(User, editor_id)
                target = db.session.get(Piece, piece_id)
                barrier.wait(timeout=10)
                transition(editor, target, Action.PUBLISH, expected_version=version)
                db.session.commit()
                outcomes.append("published")
            except ServiceError as refused:  # stale version: someone else published first
                db.session.rollback()
                outcomes.append(type(refused).__name__)
            except BaseException as err:  # noqa: BLE001 - reported below
                db.session.rollback()
                errors.append(err)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish, args=(e,)) for e in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a publisher is stuck"
    assert errors == []
    assert sorted(outcomes) == ["PieceConflict", "published"]

    with app.app_context():
        events = db.session.scalars(
            select(WorkflowEvent).where(
                WorkflowEvent.piece_id == piece_id, WorkflowEvent.action == Action.PUBLISH.value
            )
        ).all()
        assert len(events) == 1
        entries = db.session.scalars(
            select(RoyaltyEntry).where(RoyaltyEntry.piece_id == piece_id)
        ).all()
        assert len(entries) == 2
        assert {e.publication_no for e in entries} == {1}
        assert {e.kind for e in entries} == {EntryKind.ACCRUAL}
        assert db.session.get(Piece, piece_id).state is PieceState.PUBLISHED
        assert db.session.scalar(select(func.count(RoyaltyMonth.id))) == 1
        db.session.remove()
