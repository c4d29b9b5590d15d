"""The job runner: scheduled publishing, the daily digest, and two runners at once."""

import signal
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import IS_POSTGRES
from tests.factories import make_unit, make_user
from tests.mail.conftest import smtp_server  # noqa: F401 - the fixture, for these tests too
from tests.pieces.helpers import draft, move, people
from webapp.extensions import db
from webapp.mail.models import MailStatus, OutboxMessage
from webapp.mail.services import deliver_due, queue_mail
from webapp.notifications.models import Notification
from webapp.notifications.services import send_batches, send_digests
from webapp.pieces.models import Piece, PieceState, WorkflowEvent
from webapp.review.services import publish_due, transition
from webapp.review.workflow import Action
from webapp.timeutil import utcnow

postgres_only = pytest.mark.skipif(
    not IS_POSTGRES,
    reason="two runners at once need row locks and concurrent connections: PostgreSQL only "
    "(SQLite serialises all writers on one file); set TEST_DATABASE_URL to run it",
)


def _scheduled(cast, publish_at: datetime, title: str) -> Piece:
    """A piece approved and scheduled (an hour before) for ``publish_at``."""
    piece = draft(cast["contributor"], title=title)
    move(piece, cast["contributor"], "submit")
    move(piece, cast["editor"], "claim", "approve")
    transition(
        cast["editor"],
        piece,
        Action.SCHEDULE,
        publish_at=publish_at,
        now=publish_at - timedelta(hours=1),
    )
    assert piece.state is PieceState.SCHEDULED
    return piece


def _events(piece_id: int) -> list[WorkflowEvent]:
    return db.session.scalars(
        select(WorkflowEvent).where(
            WorkflowEvent.piece_id == piece_id, WorkflowEvent.action == Action.PUBLISH_DUE.value
        )
    ).all()


def _mails_to(address: str) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addrs == address).order_by(OutboxMessage.id)
    ).all()


# --- publish_due ----------------------------------------------------------------------


def test_publish_due_publishes_a_due_piece_at_its_time_and_once():
    cast = people()
    due_at = (utcnow() - timedelta(minutes=10)).replace(microsecond=0)
    later_at = (utcnow() + timedelta(hours=2)).replace(microsecond=0)
    due = _scheduled(cast, due_at, "Khai mạc hội chợ nông sản huyện")
    later = _scheduled(cast, later_at, "Lễ phát động trồng cây đầu xuân")

    assert publish_due() == 1

    assert due.state is PieceState.PUBLISHED
    assert due.published_at == due_at  # the scheduled time, not the moment the job ran
    assert due.publish_at is None
    [event] = _events(due.id)
    assert event.actor_id is None
    assert (event.from_state, event.to_state) == ("scheduled", "published")
    assert db.session.scalar(
        select(Notification.id).where(
            Notification.user_id == cast["contributor"].id,
            Notification.piece_id == due.id,
            Notification.kind == "published",
        )
    )

    assert publish_due() == 0
    assert len(_events(due.id)) == 1
    assert later.state is PieceState.SCHEDULED
    assert later.publish_at == later_at
    assert _events(later.id) == []

    # When its time comes, the other one is published at its own time.
    assert publish_due(later_at + timedelta(minutes=3)) == 1
    assert later.state is PieceState.PUBLISHED
    assert later.published_at == later_at


def test_jobs_run_once_publishes_and_delivers(app, smtp_server):  # noqa: F811
    cast = people()
    piece = _scheduled(cast, utcnow() - timedelta(minutes=1), "Tuyên truyền phòng chống đuối nước")
    piece_id, contributor_email = piece.id, cast["contributor"].email
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])
    finally:
        for sig, handler in handlers.items():  # the command installs its own
            signal.signal(sig, handler)

    assert result.exit_code == 0, result.output
    assert "published=1" in result.output  # a failed pass would also exit 0, but say nothing
    piece = db.session.get(Piece, piece_id)
    assert piece.state is PieceState.PUBLISHED
    assert len(_events(piece_id)) == 1
    [received] = smtp_server.to(contributor_email)
    assert "đã được đăng" in received.message["Subject"]
    assert all(m.status is MailStatus.SENT for m in _mails_to(contributor_email))


# --- the daily digest ------------------------------------------------------------------


def test_the_daily_digest_goes_out_from_seven_local_once(smtp_server):  # noqa: F811
    cast = people()
    immediate, chief = cast["editor"], cast["chief"]
    reader = make_user("editor", unit=make_unit(), full_name="Trần Thị Bình")
    reader.submission_alerts = "digest"
    silent = make_user("editor", unit=make_unit())
    silent.submission_alerts = "off"
    db.session.flush()

    # 05:00 on 10/03 in Đak Đoa is 22:00 UTC on 09/03.
    fresh = draft(cast["contributor"], title="Hội thi tiếng hát cồng chiêng xã Glar")
    move(fresh, cast["contributor"], "submit", now=datetime(2026, 3, 9, 22, 0))
    old = draft(cast["contributor"], title="Tập huấn nghiệp vụ phòng cháy chữa cháy")
    move(old, cast["contributor"], "submit", now=datetime(2026, 3, 8, 1, 0))

    # 06:59 local is 23:59 UTC the day before: too early.
    assert send_digests(datetime(2026, 3, 9, 23, 59)) == 0
    assert _mails_to(reader.email) == []

    # 07:05 local.
    assert send_digests(datetime(2026, 3, 10, 0, 5)) == 1
    [digest] = _mails_to(reader.email)
    assert digest.dedupe_key == f"digest:{reader.id}:2026-03-10"
    assert "10/03/2026" in digest.subject
    assert fresh.title in digest.body_text and cast["unit"].name in digest.body_text
    assert old.title not in digest.body_text  # submitted more than a day before
    assert fresh.title in digest.body_html

    # Again, or later the same day, or from another machine: nothing more.
    assert send_digests(datetime(2026, 3, 10, 0, 5)) == 0
    assert send_digests(datetime(2026, 3, 10, 9, 0)) == 0
    assert len(_mails_to(reader.email)) == 1

    # Editors who want each submission at once get them after the burst window, in one mail
    # (the two submissions came within a minute of wall-clock time), and no digest.
    assert send_batches(utcnow() + timedelta(minutes=10)) == 2
    for editor in (immediate, chief):
        [mail] = _mails_to(editor.email)
        assert mail.subject == "2 tin, bài mới gửi Ban biên tập"
        assert fresh.title in mail.body_text and old.title in mail.body_text
    assert _mails_to(silent.email) == []

    deliver_due()
    [received] = smtp_server.to(reader.email)
    assert received.message["Subject"] == digest.subject
    assert fresh.title in received.message.get_body(("plain",)).get_content()
    assert smtp_server.to(silent.email) == []


# --- two runners at once (PostgreSQL) --------------------------------------------------


def _at_once(app, job, runners: int = 2) -> list:
    """Run ``job`` in ``runners`` threads released together, each in its own app context."""
    barrier = threading.Barrier(runners)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(job())
            except BaseException as err:  # noqa: BLE001 - reported by the test below
                errors.append(err)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a runner is stuck"
    assert errors == []
    return results


@postgres_only
@pytest.mark.real_commits
def test_two_runners_at_once_publish_each_due_piece_once(app):
    titles = [
        "Hội nghị tổng kết công tác năm",
        "Ra quân tổng vệ sinh môi trường",
        "Trao nhà đại đoàn kết cho hộ nghèo",
        "Tiêm vắc xin cho trẻ dưới năm tuổi",
    ]
    with app.app_context():
        cast = people()
        due_at = (utcnow() - timedelta(minutes=5)).replace(microsecond=0)
        ids = [_scheduled(cast, due_at, title).id for title in titles]
        db.session.commit()
        db.session.remove()

    results = _at_once(app, publish_due)

    assert sum(results) == len(ids)
    with app.app_context():
        for piece_id in ids:
            [event] = _events(piece_id)
            assert event.actor_id is None
            piece = db.session.get(Piece, piece_id)
            assert piece.state is PieceState.PUBLISHED
            assert piece.published_at == due_at
        db.session.remove()


@postgres_only
@pytest.mark.real_commits
def test_two_runners_at_once_deliver_each_message_once(app, smtp_server):  # noqa: F811
    addresses = [f"don-vi-{n}@example.org" for n in range(5)]
    with app.app_context():
        for n, address in enumerate(addresses):
            queue_mail([address], f"Thông báo số {n}", "Kính gửi các đơn vị.")
        db.session.commit()
        db.session.remove()

    results = _at_once(app, deliver_due)

    assert sum(r["sent"] for r in results) == len(addresses)
    assert sum(r["retry"] + r["failed"] for r in results) == 0
    received = Counter(a for r in smtp_server.messages for a in r.recipients)
    assert received == Counter(addresses)
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage)).all()
        assert len(messages) == len(addresses)
        for message in messages:
            assert message.status is MailStatus.SENT
            assert [a.ok for a in message.attempts_log] == [True]
        db.session.remove()
