"""New-submission mail "at once": a burst is one mail per editor, sent once, after the window."""

import signal
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import make_unit, make_user
from tests.mail.conftest import smtp_server  # noqa: F401 - the fixture, for these tests too
from tests.pieces.helpers import draft, move, people
from tests.test_jobs import _at_once, postgres_only
from webapp.extensions import db
from webapp.mail.models import OutboxMessage
from webapp.mail.services import deliver_due
from webapp.notifications.models import Notification
from webapp.notifications.services import send_batches
from webapp.timeutil import utcnow


def _mails_to(address: str) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addrs == address).order_by(OutboxMessage.id)
    ).all()


def _submit(cast, title: str):
    piece = draft(cast["contributor"], title=title)
    move(piece, cast["contributor"], "submit")
    return piece


def _after_window(app, minutes: float = 1) -> object:
    return utcnow() + timedelta(minutes=app.config["NOTIFY_BATCH_MINUTES"] + minutes)


def _plain(received) -> str:
    return received.message.get_body(("plain",)).get_content()


def test_thirty_submissions_in_a_minute_are_one_mail_listing_all_thirty(app, smtp_server):  # noqa: F811
    cast = people()
    editor, chief = cast["editor"], cast["chief"]
    reader = make_user("editor", unit=make_unit())
    reader.submission_alerts = "digest"
    db.session.flush()
    titles = [f"Tin số {n}: hội nghị triển khai nhiệm vụ quý {n % 4 + 1}" for n in range(1, 31)]
    for title in titles:
        _submit(cast, title)

    # Each editor sees the thirty in the app at once; the mail waits for the burst to end.
    for person in (editor, chief):
        notes = select(func.count(Notification.id)).where(Notification.user_id == person.id)
        assert db.session.scalar(notes) == 30
    assert _mails_to(editor.email) == [] and send_batches(utcnow()) == 0

    assert send_batches(_after_window(app)) == 2  # the editor and the chief editor
    db.session.commit()
    assert deliver_due()["sent"] == 2
    for person in (editor, chief):
        [received] = smtp_server.to(person.email)
        assert received.message["Subject"] == "30 tin, bài mới gửi Ban biên tập"
        text = _plain(received)
        assert all(title in text for title in titles)
        assert text.count(cast["unit"].name) == 30
    assert smtp_server.to(reader.email) == []  # the digest reader waits for the morning

    # The job again, later: nothing more.
    assert send_batches(_after_window(app, 60)) == 0
    assert deliver_due(_after_window(app, 60)) == {"sent": 0, "retry": 0, "failed": 0}
    assert len(smtp_server.messages) == 2


def test_a_lone_submission_still_arrives_after_the_window(app, smtp_server):  # noqa: F811
    cast = people()
    editor = cast["editor"]
    piece = _submit(cast, "Lễ hội cồng chiêng xã Glar")

    assert send_batches(utcnow() + timedelta(minutes=1)) == 0  # within the window: it waits
    assert send_batches(_after_window(app)) == 2
    [mail] = _mails_to(editor.email)
    assert mail.subject == f"{cast['unit'].name} gửi tin, bài mới: “{piece.title}”"
    assert f"/tin-bai/{piece.id}" in mail.body_text

    # The next submission starts a burst of its own.
    other = _submit(cast, "Tập huấn phòng cháy chữa cháy")
    assert send_batches(_after_window(app)) == 2
    assert [m.subject.endswith(f"“{other.title}”") for m in _mails_to(editor.email)] == [
        False,
        True,
    ]


def test_an_editor_who_changes_their_mind_in_the_window_gets_no_mail(app):
    cast = people()
    editor = cast["editor"]
    _submit(cast, "Ra quân tổng vệ sinh môi trường")
    editor.submission_alerts = "digest"
    db.session.flush()
    assert send_batches(_after_window(app)) == 1  # the chief editor only
    assert _mails_to(editor.email) == [] and len(_mails_to(cast["chief"].email)) == 1


def test_the_job_runner_run_twice_sends_the_burst_once(app, smtp_server, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "NOTIFY_BATCH_MINUTES", 0)
    cast = people()
    for n in range(3):
        _submit(cast, f"Tin số {n} của Công an huyện")
    editor_email, chief_email = cast["editor"].email, cast["chief"].email
    db.session.commit()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for _ in range(2):
            result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])
            assert result.exit_code == 0, result.output
    finally:
        for sig, handler in handlers.items():  # the command installs its own
            signal.signal(sig, handler)
    [received] = smtp_server.to(editor_email)
    assert received.message["Subject"] == "3 tin, bài mới gửi Ban biên tập"
    assert len(smtp_server.to(chief_email)) == 1
    assert len(smtp_server.messages) == 2


@postgres_only
@pytest.mark.real_commits
def test_two_runners_at_once_send_each_burst_once(app):
    with app.app_context():
        cast = people()
        for n in range(5):
            _submit(cast, f"Tin số {n} trong đợt gửi dồn")
        editor_email, chief_email = cast["editor"].email, cast["chief"].email
        db.session.commit()
        db.session.remove()

    def job():
        queued = send_batches(utcnow() + timedelta(hours=1))
        db.session.commit()
        return queued

    assert sum(_at_once(app, job, runners=3)) == 2
    with app.app_context():
        for address in (editor_email, chief_email):
            [mail] = _mails_to(address)
            assert mail.subject == "5 tin, bài mới gửi Ban biên tập"
        pending = select(func.count()).where(Notification.email_pending.is_(True))
        assert db.session.scalar(pending) == 0
        db.session.remove()


def test_the_choice_says_how_long_mail_at_once_waits(app, client, monkeypatch):
    from tests.conftest import login

    monkeypatch.setitem(app.config, "NOTIFY_BATCH_MINUTES", 5)
    login(client, make_user("editor", unit=make_unit()))
    html = client.get("/thong-bao").get_data(as_text=True)
    assert "Gửi ngay mỗi khi có tin, bài mới" in html
    assert "chờ 5 phút kể từ tin, bài đầu tiên rồi gộp tất cả vào một thư" in html
