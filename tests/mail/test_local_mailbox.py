"""Mail without a mail server: kept in the local mailbox, read at "Thư đã gửi"."""

import logging

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.factories import make_user
from webapp.extensions import db
from webapp.mail import services as mail
from webapp.mail.models import MailStatus, OutboxMessage


@pytest.fixture
def no_mail_server(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)


def test_without_a_mail_server_mail_lands_in_the_local_mailbox(no_mail_server, caplog):
    message = mail.queue_mail(
        ["ptn1@example.org"], "Nhắc nhở: đơn vị chưa có tin, bài", "Nội dung nhắc nhở."
    )
    db.session.flush()
    with caplog.at_level(logging.INFO):
        counts = mail.deliver_due()
    assert counts["sent"] == 1
    db.session.expire_all()
    stored = db.session.get(OutboxMessage, message.id)
    assert stored.status is MailStatus.SENT and stored.kept_locally
    assert stored.message_id  # what a recipient would see in the headers
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_the_admin_reads_it_as_the_recipient_would(client, no_mail_server):
    message = mail.queue_mail(
        ["ptn1@example.org"],
        "Tin, bài mới chờ biên tập",
        "Có 2 tin, bài mới.",
        html="<p>Có <strong>2</strong> tin, bài mới.</p><script>alert(1)</script>",
        cc=["truongban@example.org"],
    )
    db.session.flush()
    mail.deliver_due()
    login(client, make_user("admin"))
    listing = client.get("/thu-da-gui").get_data(as_text=True)
    assert "Thư đã gửi" in listing and "Tin, bài mới chờ biên tập" in listing
    assert "Trong hộp thư nội bộ" in listing
    page = client.get(f"/thu-da-gui/{message.id}").get_data(as_text=True)
    for header in ("From", "To", "Cc", "Date", "Subject", "Message-ID"):
        assert f"<dt>{header}</dt>" in page
    assert "ptn1@example.org" in page and "truongban@example.org" in page
    assert "<strong>2</strong>" in page and "<script>alert(1)" not in page
    searched = client.get("/thu-da-gui?q=truongban").get_data(as_text=True)
    assert "Tin, bài mới chờ biên tập" not in searched  # cc is not a recipient search field
    assert "Tin, bài mới" in client.get("/thu-da-gui?q=ptn1").get_data(as_text=True)


def test_only_the_admin_reads_it_outside_a_demo(client, app, monkeypatch):
    login(client, make_user("editor"))
    assert client.get("/thu-da-gui").status_code == 403
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    assert client.get("/thu-da-gui").status_code == 200


def test_with_a_mail_server_nothing_is_kept_locally(app, monkeypatch):
    sent = []
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setattr(mail, "_deliver", lambda email, recipients: sent.append(recipients))
    message = mail.queue_mail(["a@example.org"], "Thử", "Thử.")
    db.session.flush()
    mail.deliver_due()
    assert sent == [["a@example.org"]]
    assert not db.session.scalar(
        select(OutboxMessage.kept_locally).where(OutboxMessage.id == message.id)
    )
