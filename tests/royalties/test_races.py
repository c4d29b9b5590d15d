"""The ledger held by the database: append-only lines, one payee per person, a signed month
takes no new line, a month is paid once and never when empty.

The races run on PostgreSQL with two real connections in a forced order (one transaction
holds its row until the other is known to be waiting); SQLite lets one writer at a time,
so there is nothing to interleave there and those tests skip.
"""

import re
import threading
import time
import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from tests.conftest import IS_POSTGRES, login, post
from tests.factories import make_unit, make_user
from tests.pieces.helpers import genres, people
from tests.royalties.test_services import MARCH_2024, approved, published
from webapp.audit.models import AuditEntry
from webapp.auth.models import User
from webapp.extensions import db
from webapp.pieces.models import Piece
from webapp.pieces.services import AuthorLine
from webapp.review.services import transition
from webapp.review.workflow import Action
from webapp.royalties import services
from webapp.royalties.models import (
    MonthState,
    Payee,
    PaymentLine,
    RoyaltyEntry,
    RoyaltyMonth,
)
from webapp.services import ServiceError

postgres_only = pytest.mark.skipif(
    not IS_POSTGRES,
    reason="interleaving two transactions needs concurrent connections and row locks: "
    "PostgreSQL only (SQLite lets one writer at a time); set TEST_DATABASE_URL to run it",
)
WHEN = r"lúc \d\d:\d\d \d\d/\d\d/\d{4}"


@pytest.fixture
def cast():
    genres()
    everyone = people()
    everyone["accountant"] = make_user("accountant", unit=make_unit(), full_name="Trần Văn Kế Toán")
    return everyone


# --- the ledger is append-only in the database (both engines) --------------------------------


def test_the_database_refuses_to_update_or_delete_a_ledger_line(cast):
    piece = published(cast, "Tin đã đăng", MARCH_2024)
    [line] = db.session.scalars(select(RoyaltyEntry).where(RoyaltyEntry.piece_id == piece.id))
    amount = line.amount
    for statement in (
        "UPDATE royalty_entries SET amount = 0 WHERE id = :id",
        "UPDATE royalty_entries SET note = 'sửa tay' WHERE id = :id",
        "UPDATE royalty_entries SET period = '2024-04' WHERE id = :id",
        "DELETE FROM royalty_entries WHERE id = :id",
        "DELETE FROM royalty_entries",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(text(statement), {"id": line.id})
    db.session.expire_all()
    assert db.session.get(RoyaltyEntry, line.id).amount == amount
    # Corrections are still lines of their own.
    services.adjust(cast["accountant"], line, -1000, "Sai hệ số")
    assert db.session.scalar(select(func.count(RoyaltyEntry.id))) == 2


# --- one payee per person ----------------------------------------------------------------------


def test_an_outside_author_is_one_payee_however_the_name_is_typed(cast):
    unit = cast["unit"]
    first = services.payee_for_name("Trần Thị Bình", unit.id)
    # Capitals, doubled spaces, and the accents typed as combining marks (NFD).
    typed = unicodedata.normalize("NFD", "TRẦN  THỊ   BÌNH ")
    assert services.payee_for_name(typed, unit.id).id == first.id
    # Another unit's person of the same name is another person; so is one with no unit.
    assert services.payee_for_name("Trần Thị Bình", make_unit().id).id != first.id
    loose = services.payee_for_name("Trần Thị Bình", None)
    assert loose.id != first.id and services.payee_for_name("trần thị bình", None).id == loose.id
    # A different name (another accent) is another person.
    assert services.payee_for_name("Trần Thị Bính", unit.id).id != first.id
    # Staff: one payee per account.
    assert services.payee_for_user(cast["contributor"]).id == (
        services.payee_for_user(cast["contributor"]).id
    )


def test_the_database_refuses_a_second_payee_for_the_same_person(cast):
    unit_id = cast["unit"].id
    services.payee_for_name("Trần Thị Bình", unit_id)
    services.payee_for_name("Hồ Văn Mới", None)
    for values in (
        {"full_name": "TRẦN THỊ BÌNH", "normalized_name": "trần thị bình", "unit_id": unit_id},
        {"full_name": "Hồ Văn Mới", "normalized_name": "hồ văn mới", "unit_id": None},
        {"full_name": "Lê", "user_id": cast["contributor"].id, "unit_id": unit_id},
    ):
        if "user_id" in values:
            services.payee_for_user(cast["contributor"])
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                db.session.execute(insert(Payee.__table__).values(**values))


@postgres_only
@pytest.mark.real_commits
def test_one_outside_author_in_two_pieces_published_at_once_is_one_payee(app):
    with app.app_context():
        genres()
        cast = people()
        authors = [AuthorLine(name="Trần Thị Bình", share=100)]
        pieces = [approved(cast, f"Tin cộng tác viên {n}", authors=list(authors)) for n in range(2)]
        db.session.commit()
        ids = [(p.id, p.version) for p in pieces]
        editors = [cast["editor"].id, cast["chief"].id]
        db.session.remove()

    first_flushed = threading.Event()
    errors = []

    def publish(editor_id, piece_id, version, first):
        with app.app_context():
            try:
                editor = db.session.get(User, editor_id)
                piece = db.session.get(Piece, piece_id)
                if not first:
                    first_flushed.wait(timeout=10)
                transition(editor, piece, Action.PUBLISH, expected_version=version, now=MARCH_2024)
                if first:
                    first_flushed.set()
                    time.sleep(0.5)  # the other publication now inserts the same payee
                db.session.commit()
            except BaseException as err:  # noqa: BLE001 - reported below
                db.session.rollback()
                errors.append(err)
            finally:
                first_flushed.set()
                db.session.remove()

    threads = [
        threading.Thread(target=publish, args=(editors[n], *ids[n], n == 0)) for n in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a publisher is stuck"
    assert errors == []
    with app.app_context():
        payees = db.session.scalars(select(Payee).where(Payee.user_id.is_(None))).all()
        assert [p.full_name for p in payees] == ["Trần Thị Bình"]
        entries = db.session.scalars(select(RoyaltyEntry)).all()
        assert len(entries) == 2 and {e.payee_id for e in entries} == {payees[0].id}
        db.session.remove()


# --- a signed month takes no new line (PostgreSQL, forced order) ------------------------------


@postgres_only
@pytest.mark.real_commits
def test_a_publication_that_meets_the_month_being_signed_lands_in_the_next_month(app):
    with app.app_context():
        genres()
        cast = people()
        piece = approved(cast, "Tin đăng đúng lúc ký bảng kê")
        services.month("2024-03")
        db.session.commit()
        piece_id, version = piece.id, piece.version
        editor_id, chief_id = cast["editor"].id, cast["chief"].id
        db.session.remove()

    signing = threading.Event()
    errors = []

    def sign():
        with app.app_context():
            try:
                services.sign_month(db.session.get(User, chief_id), "2024-03")
                signing.set()
                time.sleep(0.7)  # the publication has started and reaches the month now
                db.session.commit()
            except BaseException as err:  # noqa: BLE001 - reported below
                db.session.rollback()
                errors.append(err)
            finally:
                signing.set()
                db.session.remove()

    def publish():
        with app.app_context():
            try:
                editor = db.session.get(User, editor_id)
                target = db.session.get(Piece, piece_id)
                signing.wait(timeout=10)
                transition(editor, target, Action.PUBLISH, expected_version=version, now=MARCH_2024)
                db.session.commit()
            except BaseException as err:  # noqa: BLE001 - reported below
                db.session.rollback()
                errors.append(err)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign), threading.Thread(target=publish)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "stuck"
    assert errors == []
    with app.app_context():
        assert services.month("2024-03", create=False).state is MonthState.SIGNED
        periods = db.session.scalars(
            select(RoyaltyEntry.period).where(RoyaltyEntry.piece_id == piece_id)
        ).all()
        assert periods == ["2024-04"]  # the next open month, as the design says
        db.session.remove()


# --- signing and paying a month once -----------------------------------------------------------


def _two_at_once(app, first_step, second_step):
    """``first_step`` runs and flushes, then holds its transaction while ``second_step`` runs;
    returns (first outcome, second outcome): "done" or the ServiceError."""
    flushed = threading.Event()
    outcome, errors = {}, []

    def run(step, first):
        with app.app_context():
            try:
                if not first:
                    flushed.wait(timeout=10)
                step()
                if first:
                    flushed.set()
                    time.sleep(0.5)  # the other one is now waiting on the month's row
                db.session.commit()
                outcome[first] = "done"
            except ServiceError as refused:
                db.session.rollback()
                outcome[first] = refused
            except BaseException as err:  # noqa: BLE001 - reported below
                db.session.rollback()
                errors.append(err)
            finally:
                flushed.set()
                db.session.remove()

    threads = [
        threading.Thread(target=run, args=(first_step, True)),
        threading.Thread(target=run, args=(second_step, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "stuck"
    assert errors == []
    return outcome[True], outcome[False]


def _month_with_a_line(app, sign: bool):
    with app.app_context():
        genres()
        cast = people()
        published(cast, "Tin tháng ba", MARCH_2024)
        chiefs = [cast["chief"].id, make_user("chief_editor", full_name="Phạm Văn Trưởng").id]
        accountants = [
            make_user("accountant", full_name="Trần Văn Kế Toán").id,
            make_user("accountant", full_name="Đỗ Thị Thủ Quỹ").id,
        ]
        if sign:
            services.sign_month(cast["chief"], "2024-03")
        db.session.commit()
        db.session.remove()
    return chiefs, accountants


@postgres_only
@pytest.mark.real_commits
def test_two_chiefs_signing_the_same_month_at_once_one_is_told(app):
    chiefs, _accountants = _month_with_a_line(app, sign=False)

    def signer(user_id):
        return lambda: services.sign_month(db.session.get(User, user_id), "2024-03")

    first, second = _two_at_once(app, signer(chiefs[0]), signer(chiefs[1]))
    assert first == "done"
    assert isinstance(second, services.MonthConflict) and second.status == 409
    assert re.search(f"đã được ký bởi Kiều Thu Hương {WHEN}", second.message)
    with app.app_context():
        month = services.month("2024-03", create=False)
        assert month.signed_by_id == chiefs[0]
        assert (
            db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "sign"))
            == 1
        )
        db.session.remove()


@postgres_only
@pytest.mark.real_commits
def test_two_accountants_paying_the_same_month_at_once_pay_it_once(app):
    _chiefs, accountants = _month_with_a_line(app, sign=True)

    def payer(user_id, voucher):
        return lambda: services.pay_month(
            db.session.get(User, user_id), "2024-03", voucher, date(2024, 4, 10)
        )

    first, second = _two_at_once(
        app, payer(accountants[0], "125/PC"), payer(accountants[1], "126/PC")
    )
    assert first == "done"
    assert isinstance(second, services.MonthConflict) and second.status == 409
    assert re.search(
        f"đã được chi trả bởi Trần Văn Kế Toán {WHEN} \\(chứng từ số 125/PC\\)", second.message
    )
    with app.app_context():
        month = services.month("2024-03", create=False)
        assert (month.state, month.voucher_no, month.paid_by_id) == (
            MonthState.PAID,
            "125/PC",
            accountants[0],
        )
        assert db.session.scalar(select(func.count(PaymentLine.id))) == 1
        assert (
            db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "pay"))
            == 1
        )
        db.session.remove()


@postgres_only
@pytest.mark.real_commits
def test_two_accountants_pressing_pay_at_once_over_http_one_is_told(app):
    _chiefs, accountants = _month_with_a_line(app, sign=True)
    with app.app_context():
        clients = []
        for user_id in accountants:
            client = app.test_client()
            login(client, db.session.get(User, user_id))
            clients.append(client)
        db.session.remove()
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def pay(client, voucher):
        try:
            barrier.wait(timeout=10)
            answers.append(
                post(
                    client,
                    "/nhuan-but/2024-03/chi-tra",
                    {"voucher_no": voucher, "voucher_date": "2024-04-10"},
                    htmx=True,
                )
            )
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=pay, args=(clients[n], f"12{n}/PC")) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(a.status_code for a in answers) == [204, 409]
    [lost] = [a for a in answers if a.status_code == 409]
    html = lost.get_data(as_text=True)
    assert "đã được chi trả bởi" in html and 'id="month-panel"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(PaymentLine.id))) == 1
        assert services.month("2024-03", create=False).state is MonthState.PAID
        db.session.remove()


def test_an_empty_month_cannot_be_paid_and_the_voucher_stays_on_the_form(client, cast):
    services.sign_month(cast["chief"], "2024-05")
    login(client, cast["accountant"])
    answer = post(
        client,
        "/nhuan-but/2024-05/chi-tra",
        {"voucher_no": "125/PC", "voucher_date": "2024-06-10"},
        htmx=True,
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "Tháng 05/2024 không có khoản nhuận bút nào phải trả" in html
    assert 'value="125/PC"' in html  # what the accountant typed is still there
    db.session.expire_all()
    month = db.session.scalar(select(RoyaltyMonth).where(RoyaltyMonth.period == "2024-05"))
    assert (month.state, month.voucher_no) == (MonthState.SIGNED, "")
    with pytest.raises(ServiceError, match="không có khoản nhuận bút nào"):
        services.pay_month(cast["accountant"], "2024-05", "125/PC", date(2024, 6, 10))
