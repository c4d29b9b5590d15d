"""The first pass of the job runner on a fresh newsroom demo, with no mail server: quiet,
and the mail it sends is in the local mailbox."""

import logging

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.mail.models import MailStatus, OutboxMessage


def test_the_first_pass_logs_nothing_above_info_and_keeps_the_mail(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo", "--newsroom"]).exit_code == 0
    with caplog.at_level(logging.DEBUG):
        result = runner.invoke(args=["jobs", "run", "--once"])
    assert result.exit_code == 0, result.output
    loud = [f"{r.levelname} {r.name}: {r.getMessage()}" for r in caplog.records if r.levelno > 20]
    assert loud == []
    delivered = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.status == MailStatus.SENT)
    )
    kept = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kept_locally.is_(True))
    )
    assert delivered > 0 and kept == delivered
    failed = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.status == MailStatus.FAILED)
    )
    assert failed == 0
