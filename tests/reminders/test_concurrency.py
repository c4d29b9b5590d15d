"""Two job runners started at the same moment send one e-mail per unit and stage."""

import threading
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import IS_POSTGRES
from tests.factories import make_user
from tests.reminders.conftest import unit
from webapp.extensions import db
from webapp.mail.models import MailStatus, OutboxMessage
from webapp.mail.services import deliver_due
from webapp.reminders import services
from webapp.reminders.models import Reminder, ReminderRun

postgres_only = pytest.mark.skipif(
    not IS_POSTGRES,
    reason="two runners at once need concurrent connections and row locks: PostgreSQL only "
    "(SQLite serialises all writers on one file); set TEST_DATABASE_URL to run it",
)


def _at_once(app, job, runners: int = 2) -> list:
    """Run ``job`` in ``runners`` threads released together, each in its own app context."""
    barrier = threading.Barrier(runners)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(job())
            except BaseException as err:  # noqa: BLE001 - reported by the test
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


def _runner():
    """What the job runner does in one pass: the schedule, a commit, delivery."""
    done = services.run_schedule(date(2026, 11, 15))
    db.session.commit()
    deliver_due()
    return len(done)


@postgres_only
@pytest.mark.real_commits
def test_two_runners_at_once_send_one_mail_per_unit_and_stage(app, smtp_server):
    names = ["Phòng Tài chính - Kế hoạch", "Phòng Dân tộc", "Thanh tra huyện", "Phòng Nội vụ"]
    with app.app_context():
        services.ensure_defaults()
        addresses = []
        for n, name in enumerate(names):
            addresses.append(f"don-vi-{n}@dakdoa.gov.vn")
            unit(name, emails=[addresses[-1]])
        make_user("chief_editor", unit=unit(quota=0), email="truongban@dakdoa.gov.vn")
        db.session.commit()
        db.session.remove()

    results = _at_once(app, _runner)

    # On the 15th: "nothing yet" to each unit, and October's summary to the board.
    assert sum(results) == len(names) + 1
    received = Counter(a for m in smtp_server.messages for a in m.recipients)
    # Each unit once; the chief editor once for the summary and once in copy of each unit's
    # reminder (none of these units has posted for months: escalated).
    assert received == Counter(addresses + ["truongban@dakdoa.gov.vn"] * (len(names) + 1))
    with app.app_context():
        reminders = db.session.scalars(select(Reminder)).all()
        assert len(reminders) == len(names) + 1
        assert len({(r.target, r.period, r.stage) for r in reminders}) == len(reminders)
        runs = db.session.scalars(select(ReminderRun)).all()
        assert sorted((r.stage, r.period) for r in runs) == [
            ("board_summary", "2026-10"),
            ("nothing_yet", "2026-11"),
        ]
        messages = db.session.scalars(select(OutboxMessage)).all()
        assert len(messages) == len(names) + 1
        assert all(m.status is MailStatus.SENT for m in messages)
        assert all([a.ok for a in m.attempts_log] == [True] for m in messages)
        db.session.remove()
