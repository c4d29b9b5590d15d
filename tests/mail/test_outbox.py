"""The outbox against a real SMTP server on loopback: delivery, retries, dedupe, leases."""

from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import make_user
from tests.pieces.helpers import draft, move, people
from tests.reminders.conftest import unit
from webapp.extensions import db
from webapp.formatting import moment
from webapp.mail.models import MailAttempt, MailStatus, OutboxMessage
from webapp.mail.services import (
    BACKOFF_MINUTES,
    LEASE,
    MAYBE_SENT_MINUTES,
    _lease,
    deliver_due,
    queue_mail,
)
from webapp.notifications.models import Notification
from webapp.pieces.models import PieceState
from webapp.reminders.models import Reminder
from webapp.review.services import transition
from webapp.review.workflow import Action
from webapp.timeutil import utcnow

NOTHING = {"sent": 0, "retry": 0, "failed": 0}


def _plain(received) -> str:
    return received.message.get_body(("plain",)).get_content()


def _html(received) -> str:
    return received.message.get_body(("html",)).get_content()


def test_a_queued_message_is_delivered_once_with_text_and_html(app, smtp_server):
    subject = "Tin, bài “Lễ hội cồng chiêng xã Glar” đã được đăng"
    text = "Kính gửi Ông Nguyễn Văn Ánh,\n\nTin, bài của Ủy ban nhân dân xã Ia Băng đã được đăng."
    html = "<p>Kính gửi Ông <b>Nguyễn Văn Ánh</b>,</p><p>Tin, bài đã được đăng.</p>"
    message = queue_mail(
        ["ban.tuyen.giao@example.org"], subject, text, html, cc=["thu.ky@example.org"]
    )

    assert deliver_due() == {"sent": 1, "retry": 0, "failed": 0}

    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received.sender == app.config["MAIL_DEFAULT_SENDER"]
    assert sorted(received.recipients) == ["ban.tuyen.giao@example.org", "thu.ky@example.org"]
    mail = received.message
    assert mail["To"] == "ban.tuyen.giao@example.org"
    assert mail["Cc"] == "thu.ky@example.org"
    assert mail["Subject"] == subject
    assert mail.get_content_type() == "multipart/alternative"
    plain = mail.get_body(("plain",))
    assert plain.get_content_charset() == "utf-8"
    assert plain.get_content().strip() == text
    assert mail.get_body(("html",)).get_content().strip() == html

    assert message.status is MailStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert [a.ok for a in message.attempts_log] == [True]
    assert deliver_due(utcnow() + timedelta(days=1)) == NOTHING
    assert len(smtp_server.messages) == 1


def test_a_server_that_is_down_means_a_retry_later_then_one_delivery(smtp_server):
    smtp_server.stop()
    message = queue_mail(["van.phong@example.org"], "Thông báo lịch họp", "Họp giao ban thứ Hai.")
    now = utcnow()

    assert deliver_due(now) == {"sent": 0, "retry": 1, "failed": 0}
    assert message.status is MailStatus.PENDING
    assert message.attempts == 1
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at == now + timedelta(minutes=BACKOFF_MINUTES[0])
    assert message.locked_until is None
    assert [(a.ok, a.error) for a in message.attempts_log] == [(False, message.last_error)]

    # Not due yet: neither this runner nor another that listed it before the failure retries it.
    assert deliver_due(now) == NOTHING
    assert _lease(message.id, now) is False
    assert message.attempts == 1

    smtp_server.start()
    assert deliver_due(now + timedelta(seconds=30)) == NOTHING
    assert smtp_server.messages == []
    later = message.next_attempt_at + timedelta(seconds=1)
    assert deliver_due(later) == {"sent": 1, "retry": 0, "failed": 0}
    assert len(smtp_server.to("van.phong@example.org")) == 1
    assert deliver_due(later + timedelta(days=1)) == NOTHING
    assert len(smtp_server.messages) == 1

    assert message.status is MailStatus.SENT
    assert message.attempts == 2
    assert [a.ok for a in message.attempts_log] == [False, True]


def test_after_the_last_retry_the_message_is_failed_and_left_alone(smtp_server):
    smtp_server.stop()
    message = queue_mail(["van.phong@example.org"], "Thư không gửi được", "Nội dung")
    now = utcnow()
    for failures, minutes in enumerate(BACKOFF_MINUTES, start=1):
        assert deliver_due(now) == {"sent": 0, "retry": 1, "failed": 0}
        assert message.attempts == failures
        assert message.next_attempt_at == now + timedelta(minutes=minutes)
        now = message.next_attempt_at

    assert deliver_due(now) == {"sent": 0, "retry": 0, "failed": 1}
    assert message.status is MailStatus.FAILED
    assert message.attempts == len(BACKOFF_MINUTES) + 1
    assert len(message.attempts_log) == len(BACKOFF_MINUTES) + 1
    assert not any(a.ok for a in message.attempts_log)

    smtp_server.start()
    assert deliver_due(now + timedelta(days=30)) == NOTHING
    assert smtp_server.messages == []
    assert message.attempts == len(BACKOFF_MINUTES) + 1


def test_a_dedupe_key_queues_one_message(smtp_server):
    first = queue_mail(["a@example.org"], "Bản tin", "Một", dedupe_key="digest:1:2026-03-10")
    again = queue_mail(["a@example.org"], "Bản tin", "Hai", dedupe_key="digest:1:2026-03-10")
    other = queue_mail(["a@example.org"], "Bản tin", "Ba", dedupe_key="digest:1:2026-03-11")

    assert first is not None and other is not None
    assert again is None
    keys = db.session.scalars(
        select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("digest:1:%"))
    ).all()
    assert sorted(keys) == ["digest:1:2026-03-10", "digest:1:2026-03-11"]
    assert deliver_due()["sent"] == 2
    assert sorted(_plain(r).strip() for r in smtp_server.messages) == ["Ba", "Một"]


def test_a_transition_succeeds_when_its_mail_cannot_be_sent(smtp_server):
    smtp_server.stop()
    cast = people()
    contributor, editor = cast["contributor"], cast["editor"]
    piece = draft(contributor, title="Ra quân bảo đảm trật tự an toàn giao thông")
    move(piece, contributor, "submit")
    move(piece, editor, "claim")
    reason = "Thiếu ảnh minh họa; đề nghị bổ sung nguồn tin và tên tác giả ảnh."

    transition(editor, piece, Action.RETURN, comment=reason)
    db.session.commit()

    assert piece.state is PieceState.RETURNED
    notes = db.session.scalars(
        select(Notification).where(
            Notification.user_id == contributor.id, Notification.kind == "returned"
        )
    ).all()
    assert len(notes) == 1 and notes[0].params["reason"] == reason
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addrs == contributor.email)
    ).one()
    assert mail.status is MailStatus.PENDING

    now = utcnow()
    deliver_due(now)
    assert mail.status is MailStatus.PENDING and mail.attempts == 1
    assert piece.state is PieceState.RETURNED

    smtp_server.start()
    deliver_due(mail.next_attempt_at + timedelta(seconds=1))
    assert mail.status is MailStatus.SENT
    [received] = smtp_server.to(contributor.email)
    assert received.recipients == [contributor.email]
    assert piece.title in received.message["Subject"]
    assert reason in _plain(received)
    assert reason in _html(received)


def test_a_reason_on_several_lines_still_makes_a_deliverable_mail(smtp_server):
    """A header may not hold a line break; the reason comes from a textarea."""
    cast = people()
    contributor, editor = cast["contributor"], cast["editor"]
    piece = draft(contributor, title="Hội nghị sơ kết công tác dân vận")
    move(piece, contributor, "submit")
    move(piece, editor, "claim")
    transition(editor, piece, Action.RETURN, comment="Thiếu ảnh.\r\nBổ sung nguồn tin.")

    counts = deliver_due()

    assert counts["retry"] == counts["failed"] == 0
    [received] = smtp_server.to(contributor.email)
    assert received.message["Subject"].endswith("bị trả lại: Thiếu ảnh. Bổ sung nguồn tin.")
    assert "Thiếu ảnh.\nBổ sung nguồn tin." in _plain(received)


def test_a_stored_subject_with_a_line_break_is_still_sent(smtp_server):
    db.session.add(
        OutboxMessage(to_addrs="a@example.org", subject="Dòng một\nDòng hai", body_text="Nội dung")
    )
    db.session.flush()

    assert deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    assert smtp_server.messages[0].message["Subject"] == "Dòng một Dòng hai"


def test_a_message_that_cannot_be_built_fails_without_holding_up_the_queue(
    app, smtp_server, monkeypatch
):
    """Not an SMTP error, yet a failed attempt like any other: not a lease held forever."""
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "toasoan@localhost\nBcc: x@example.org")
    first = queue_mail(["a@example.org"], "Thư một", "Một")
    second = queue_mail(["b@example.org"], "Thư hai", "Hai")
    now = utcnow()

    assert deliver_due(now) == {"sent": 0, "retry": 2, "failed": 0}
    for message in (first, second):
        assert message.status is MailStatus.PENDING
        assert message.attempts == 1
        assert message.locked_until is None
        assert "toasoan@localhost" in message.last_error
    assert smtp_server.messages == []


def test_a_leased_message_cannot_be_leased_again(smtp_server):
    message = queue_mail(["a@example.org"], "Thư", "Nội dung")
    now = utcnow()

    assert _lease(message.id, now) is True
    assert _lease(message.id, now) is False
    # A runner at the same moment skips it too.
    assert deliver_due(now) == NOTHING
    assert smtp_server.messages == []

    # A runner that died holding the lease does not keep the message forever.
    later = now + LEASE + timedelta(seconds=1)
    assert deliver_due(later) == {"sent": 1, "retry": 0, "failed": 0}
    assert _lease(message.id, later + LEASE * 2) is False
    assert len(smtp_server.messages) == 1
    attempts = select(func.count(MailAttempt.id)).where(MailAttempt.message_id == message.id)
    assert db.session.scalar(attempts) == 1


# --- a server that takes the message but answers too late --------------------------------


def test_a_slow_answer_after_the_message_means_maybe_sent_and_the_retry_keeps_its_message_id(
    app, smtp_server, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 0.5)
    smtp_server.reply_delay = 2  # takes the message, says "250" after the client gave up
    message = queue_mail(["van.phong@example.org"], "Giấy mời họp", "Họp giao ban thứ Hai.")
    now = utcnow()

    assert deliver_due(now) == {"sent": 0, "retry": 1, "failed": 0}
    [first] = smtp_server.messages  # delivered, though the client never heard so
    assert message.status is MailStatus.PENDING and message.maybe_sent
    assert message.last_error.startswith("maybe sent")
    # It waits longer than after an ordinary failure before another copy goes out.
    assert message.next_attempt_at == now + timedelta(minutes=MAYBE_SENT_MINUTES)
    assert MAYBE_SENT_MINUTES > BACKOFF_MINUTES[0]
    assert deliver_due(now + timedelta(minutes=BACKOFF_MINUTES[0] + 1)) == NOTHING

    smtp_server.reply_delay = 0
    assert deliver_due(message.next_attempt_at) == {"sent": 1, "retry": 0, "failed": 0}
    first_id, second_id = (r.message["Message-ID"] for r in smtp_server.messages)
    assert first_id == second_id == message.message_id  # the recipient's side can drop the copy
    assert message.status is MailStatus.SENT and message.attempts == 2


def test_every_try_of_a_message_carries_the_same_message_id(app, smtp_server):
    smtp_server.data_reply = "451 Try again later"  # a clear refusal: not delivered
    message = queue_mail(["van.phong@example.org"], "Thông báo", "Nội dung")
    now = utcnow()
    assert deliver_due(now) == {"sent": 0, "retry": 1, "failed": 0}
    assert not message.maybe_sent  # the server said no: an ordinary retry
    assert message.next_attempt_at == now + timedelta(minutes=BACKOFF_MINUTES[0])
    smtp_server.data_reply = "250 OK"
    assert deliver_due(message.next_attempt_at)["sent"] == 1
    ids = {r.message["Message-ID"] for r in smtp_server.messages}
    assert len(smtp_server.messages) == 2 and ids == {message.message_id}


def test_the_reminder_screen_says_a_mail_may_have_been_sent(app, client, smtp_server, monkeypatch):
    login(client, make_user("editor", unit=unit(quota=0)))
    ethnic = unit("Phòng Dân tộc", emails=["dantoc@dakdoa.gov.vn"])
    assert post(client, f"/nhac-nho/gui-ngay/{ethnic.id}", htmx=True).status_code == 200
    message = db.session.scalars(select(Reminder)).one().outbox_message
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 0.5)
    smtp_server.reply_delay = 2
    deliver_due()

    html = client.get("/nhac-nho").get_data(as_text=True)
    assert "có thể đã gửi; hệ thống sẽ thử lại sau" in html
    assert moment(message.next_attempt_at) in html and "Message-ID" in html

    smtp_server.reply_delay = 0
    deliver_due(message.next_attempt_at)
    html = client.get("/nhac-nho").get_data(as_text=True)
    assert "có thể đã gửi" not in html and "đã gửi" in html
    assert len({r.message["Message-ID"] for r in smtp_server.to("dantoc@dakdoa.gov.vn")}) == 1
