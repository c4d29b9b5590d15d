"""The schedule end to end: who is reminded on which day, once, through a real SMTP server
on loopback (aiosmtpd), with the server down and back, across month boundaries."""

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from tests.factories import make_user
from tests.reminders.conftest import at, posted, unit
from webapp.extensions import db
from webapp.mail.models import MailAttempt, MailStatus, OutboxMessage
from webapp.mail.services import deliver_due
from webapp.pieces.models import PieceState
from webapp.reminders import services
from webapp.reminders.models import Reminder, ReminderKind, ReminderRun
from webapp.timeutil import utcnow

NOV_15 = date(2026, 11, 15)


def _reminders(**where) -> list[Reminder]:
    query = select(Reminder).order_by(Reminder.id)
    for name, value in where.items():
        query = query.where(getattr(Reminder, name) == value)
    return db.session.scalars(query).all()


def _to_units(reminders) -> list[Reminder]:
    """The unit reminders of a run (the board's October summary is due on any day too)."""
    return [r for r in reminders if r.unit_id is not None]


def _body(received) -> str:
    return received.message.get_body(("plain",)).get_content()


def _district():
    """Units as on the 15th of November: some have posted, some not, some never have to."""
    cast = {
        "finance": unit(
            "Phòng Tài chính - Kế hoạch", emails=["tckh@dakdoa.gov.vn", "ketoan.tckh@dakdoa.gov.vn"]
        ),
        "ethnic": unit("Phòng Dân tộc", quota=3, emails=["dantoc@dakdoa.gov.vn"]),
        "police": unit("Công an huyện", emails=["conganhuyen@dakdoa.gov.vn"]),
        "youth": unit("Huyện Đoàn", quota=0, emails=["huyendoan@dakdoa.gov.vn"]),
        "closed": unit("Ban quản lý dự án cũ", emails=["bqlda@dakdoa.gov.vn"], active=False),
    }
    posted(cast["police"], at(date(2026, 11, 3)))  # one of two: below quota, not empty
    posted(cast["ethnic"], at(date(2026, 10, 20)), n=3)  # October does not count in November
    return cast


def test_on_the_15th_units_with_nothing_get_one_mail_each(smtp_server):
    cast = _district()
    assert _to_units(services.run_schedule(date(2026, 11, 14))) == []  # not yet

    done = _to_units(services.run_schedule(NOV_15))
    db.session.commit()
    deliver_due()

    assert {r.unit_id for r in done} == {cast["finance"].id, cast["ethnic"].id}
    assert all(r.kind is ReminderKind.NOTHING_YET and r.period == "2026-11" for r in done)
    [finance] = smtp_server.to("tckh@dakdoa.gov.vn")
    assert finance.recipients == ["tckh@dakdoa.gov.vn", "ketoan.tckh@dakdoa.gov.vn"]
    assert finance.message["Subject"] == (
        "Nhắc nhở: Phòng Tài chính - Kế hoạch chưa có tin, bài nào trong tháng 11/2026"
    )
    text = _body(finance)
    assert "Kính gửi Phòng Tài chính - Kế hoạch," in text
    assert "Đã có trong tháng 11/2026: 0 tin, bài" in text
    assert "Định mức: 2 tin, bài mỗi tháng" in text
    assert "Còn lại: 16 ngày" in text
    assert "http://127.0.0.1:5000/tin-bai/moi" in text  # BASE_URL + the write page
    html = finance.message.get_body(("html",)).get_content()
    assert 'href="http://127.0.0.1:5000/tin-bai/moi"' in html and "0/2" in html
    [ethnic] = smtp_server.to("dantoc@dakdoa.gov.vn")
    assert "0/3" in ethnic.message.get_body(("html",)).get_content()

    for quiet in ("conganhuyen", "huyendoan", "bqlda"):  # posted, exempt, inactive
        assert smtp_server.to(f"{quiet}@dakdoa.gov.vn") == []
    assert len(smtp_server.messages) == 2
    assert all(r.outbox_message.status is MailStatus.SENT for r in done)


def test_running_again_the_same_day_or_later_sends_nothing_more(smtp_server):
    _district()
    first = _to_units(services.run_schedule(NOV_15))
    db.session.commit()
    assert len(first) == 2

    assert services.run_schedule(NOV_15) == []
    assert services.run_schedule(date(2026, 11, 16)) == []
    assert services.run_due(at(date(2026, 11, 15), hour=10)) == {"reminders": 0}
    db.session.commit()
    deliver_due()
    deliver_due()

    assert len(_reminders(stage="nothing_yet")) == 2
    assert len(smtp_server.messages) == 2
    [run] = db.session.scalars(select(ReminderRun).where(ReminderRun.stage == "nothing_yet"))
    assert (run.period, run.ran_on, run.reminded) == ("2026-11", NOV_15, 2)


def test_a_racing_second_runner_is_refused_by_the_unique_key():
    """What the second of two runners meets: the key is taken, its savepoint rolls back."""
    finance = unit("Phòng Tài chính - Kế hoạch")
    plan = services.plan(NOV_15)
    [stage_due] = [d for d in plan.due if d.stage.code == "nothing_yet"]
    [planned] = stage_due.reminders
    services.run_schedule(NOV_15)
    outbox = db.session.scalar(select(func.count(OutboxMessage.id)))

    assert services._record(planned) is None  # the other runner's insert, refused
    assert services._mark_run(stage_due, NOV_15) is None
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == outbox
    assert [r.unit_id for r in _reminders(stage="nothing_yet")] == [finance.id]


def test_with_the_smtp_server_down_reminders_wait_and_each_goes_once_it_is_back(smtp_server):
    cast = _district()
    smtp_server.stop()
    done = _to_units(services.run_schedule(NOV_15))
    db.session.commit()
    now = utcnow()

    assert deliver_due(now) == {"sent": 0, "retry": 2, "failed": 0}
    for reminder in done:
        message = reminder.outbox_message
        assert message.status is MailStatus.PENDING and message.attempts == 1
        assert message.last_error  # connection refused, kept for the editors' screen
        assert message.next_attempt_at > now  # backoff
    assert db.session.scalar(select(func.count(MailAttempt.id)).where(~MailAttempt.ok)) == 2

    # The job runs again while the server is still down: nothing new is queued or lost.
    assert services.run_schedule(date(2026, 11, 16)) == []
    assert deliver_due(now) == {"sent": 0, "retry": 0, "failed": 0}  # not before the backoff

    smtp_server.start()
    assert deliver_due(now + timedelta(minutes=2)) == {"sent": 2, "retry": 0, "failed": 0}
    assert deliver_due(now + timedelta(hours=1)) == {"sent": 0, "retry": 0, "failed": 0}
    assert len(smtp_server.to("tckh@dakdoa.gov.vn")) == 1
    assert len(smtp_server.to("dantoc@dakdoa.gov.vn")) == 1
    assert len(smtp_server.messages) == 2
    for reminder in done:
        assert [a.ok for a in reminder.outbox_message.attempts_log] == [False, True]
    assert cast["police"].id not in {r.unit_id for r in done}


def test_on_the_25th_units_below_quota_are_reminded_again(smtp_server):
    cast = _district()
    services.run_schedule(NOV_15)
    posted(cast["finance"], at(date(2026, 11, 20)), n=2)  # met its quota since
    done = _to_units(services.run_schedule(date(2026, 11, 25)))
    db.session.commit()
    deliver_due()

    assert {r.unit_id: (r.count_at_time, r.quota_at_time) for r in done} == {
        cast["ethnic"].id: (0, 3),
        cast["police"].id: (1, 2),
    }
    [police] = smtp_server.to("conganhuyen@dakdoa.gov.vn")
    assert (
        police.message["Subject"]
        == "Nhắc nhở: Công an huyện mới có 1/2 tin, bài trong tháng 11/2026"
    )
    assert "Còn lại: 6 ngày" in _body(police)
    assert len(smtp_server.to("dantoc@dakdoa.gov.vn")) == 2  # the 15th and the 25th
    assert len(smtp_server.to("tckh@dakdoa.gov.vn")) == 1  # the 15th only


def test_a_runner_that_was_down_on_the_15th_sends_on_the_16th():
    finance = unit("Phòng Tài chính - Kế hoạch")
    [reminder] = _to_units(services.run_schedule(date(2026, 11, 16)))
    assert (reminder.unit_id, reminder.stage, reminder.period) == (
        finance.id,
        "nothing_yet",
        "2026-11",
    )


def test_a_runner_first_running_after_the_25th_sends_one_reminder_not_two(smtp_server):
    finance = unit("Phòng Tài chính - Kế hoạch", emails=["tckh@dakdoa.gov.vn"])
    done = _to_units(services.run_schedule(date(2026, 11, 27)))
    db.session.commit()
    deliver_due()
    assert [(r.unit_id, r.stage) for r in done] == [(finance.id, "below_quota")]
    assert len(smtp_server.to("tckh@dakdoa.gov.vn")) == 1
    runs = db.session.scalars(select(ReminderRun).where(ReminderRun.period == "2026-11"))
    assert {r.stage: r.reminded for r in runs} == {"nothing_yet": 0, "below_quota": 1}


def test_a_stage_moved_earlier_after_a_later_one_ran_is_not_sent_late(schedule):
    unit("Phòng Tài chính - Kế hoạch")
    services.update_stage(
        None, schedule["nothing_yet"], day_of_month=15, active=False, escalate_after_months=2
    )
    assert [r.stage for r in _to_units(services.run_schedule(date(2026, 11, 25)))] == [
        "below_quota"
    ]
    # On the 27th an admin switches the 15th's stage back on: too late for November.
    services.update_stage(
        None, schedule["nothing_yet"], day_of_month=15, active=True, escalate_after_months=2
    )
    assert services.run_schedule(date(2026, 11, 27)) == []
    # December: both again, in their order.
    assert [r.stage for r in _to_units(services.run_schedule(date(2026, 12, 15)))] == [
        "nothing_yet"
    ]


def test_no_board_summary_for_a_month_before_any_unit_existed(smtp_server):
    make_user("chief_editor", unit=unit(quota=0), email="truongban@dakdoa.gov.vn")
    unit("Phòng Dân tộc", created_at=datetime(2026, 11, 3))  # a fresh installation
    assert services.run_schedule(date(2026, 11, 4)) == []
    [run] = db.session.scalars(select(ReminderRun).where(ReminderRun.stage == "board_summary"))
    assert (run.period, run.reminded) == ("2026-10", 0)
    # The unit arrived on 3 November: December's summary (of November) is skipped too;
    # January's covers December, its first whole month.
    assert services.run_schedule(date(2026, 12, 1)) == []
    [summary] = services.run_schedule(date(2027, 1, 1))
    assert summary.period == "2026-12" and summary.count_at_time == 1


def test_the_job_runner_sends_from_seven_in_the_morning_local():
    unit("Phòng Tài chính - Kế hoạch")
    # 06:00 on the 15th in Đak Đoa is 23:00 UTC on the 14th.
    assert services.run_due(datetime(2026, 11, 14, 23, 0)) == {}
    assert _reminders() == []
    # 07:30 local: the unit's reminder, and the board's October summary.
    assert services.run_due(datetime(2026, 11, 15, 0, 30)) == {"reminders": 2}
    assert {r.stage for r in _reminders()} == {"nothing_yet", "board_summary"}


def test_a_unit_without_addresses_is_logged_as_such_and_nothing_is_queued():
    silent = unit("Văn phòng Huyện ủy", emails=[])
    [reminder] = _to_units(services.run_schedule(NOV_15))
    assert reminder.unit_id == silent.id and reminder.outbox_message_id is None


def test_inactive_stages_and_the_submitted_rule_are_followed(schedule):
    finance = unit("Phòng Tài chính - Kế hoạch")
    posted(finance, None, state=PieceState.SUBMITTED, submitted=at(date(2026, 11, 2)))
    assert [r.unit_id for r in _to_units(services.run_schedule(NOV_15))] == [finance.id]

    other = unit("Phòng Dân tộc")
    posted(other, None, state=PieceState.SUBMITTED, submitted=at(date(2026, 11, 2)))
    services.set_count_rule(None, "submitted")
    services.update_stage(
        None, schedule["below_quota"], day_of_month=25, active=False, escalate_after_months=2
    )
    assert _to_units(services.run_schedule(date(2026, 11, 26))) == []


# --- across month boundaries ------------------------------------------------------------


def test_the_first_of_the_month_sends_the_board_last_months_missers_in_appendix_order(
    smtp_server,
):
    chief = make_user("chief_editor", "editor", unit=unit(quota=0), email="truongban@dakdoa.gov.vn")
    editor = make_user("editor", unit=chief.unit, email="bientap@dakdoa.gov.vn")
    # The appendix's order: the display order, group I then group II.
    names = [
        "Trung tâm Văn hóa, Thông tin và Thể thao",
        "Phòng Nội vụ",
        "Phòng Tài chính - Kế hoạch",
        "Phòng Dân tộc",
        "Thanh tra huyện",
        "Phòng Lao động - TBXH huyện",
    ]
    units = {name: unit(name, display_order=n) for n, name in enumerate(names, start=100)}
    posted(units["Trung tâm Văn hóa, Thông tin và Thể thao"], at(date(2026, 10, 5)), n=3)
    posted(units["Phòng Nội vụ"], at(date(2026, 10, 5)))
    posted(units["Phòng Dân tộc"], at(date(2026, 11, 1)), n=2)  # November's, not October's
    unit("Phòng Y tế", created_at=datetime(2026, 10, 20))  # not there on 1 October

    done = services.run_schedule(date(2026, 11, 1))
    db.session.commit()
    deliver_due()

    [summary] = [r for r in done if r.kind is ReminderKind.BOARD_SUMMARY]
    assert (summary.target, summary.period, summary.unit_id) == ("board", "2026-10", None)
    assert summary.count_at_time == 5
    [received] = smtp_server.messages
    assert received.recipients == ["truongban@dakdoa.gov.vn", "bientap@dakdoa.gov.vn"]
    assert received.message["Subject"] == (
        "Tổng hợp định mức tin, bài tháng 10/2026: 5 đơn vị chưa đạt"
    )
    text = _body(received)
    assert (
        "- Số lượng tin bài một số đơn vị còn hạn chế, một số đơn vị trong tháng 10/2026 "
        "chưa có tin bài như: Phòng Tài chính - Kế hoạch, Phòng Dân tộc, Thanh tra huyện, "
        "Phòng Lao động - TBXH huyện; chưa đạt định mức: Phòng Nội vụ (1/2) "
        "(Có phụ lục kèm theo)"
    ) in text
    assert "Phòng Y tế" not in text and "Trung tâm Văn hóa" not in text
    assert text.index("- Phòng Nội vụ: 1/2") < text.index("- Phòng Tài chính - Kế hoạch: 0/2")
    assert editor.email in received.recipients

    # Once a month, however often the 1st (and the 2nd) comes round.
    assert services.run_schedule(date(2026, 11, 2)) == []


def test_escalation_starts_on_the_second_missed_month(smtp_server):
    chief = make_user("chief_editor", "editor", unit=unit(quota=0), email="truongban@dakdoa.gov.vn")
    inspect = unit(
        "Thanh tra huyện",
        emails=["thanhtra@dakdoa.gov.vn"],
        head_email="chanhthanhtra@dakdoa.gov.vn",
    )
    posted(inspect, at(date(2026, 10, 8)), n=2)  # October met

    # November, the first short month: the unit alone.
    [first] = [r for r in services.run_schedule(NOV_15) if r.unit_id == inspect.id]
    assert not first.escalated and first.months_short == 1
    assert first.outbox_message.cc_addrs == ""

    # A unit created on 20 November: November is not held against it in December.
    newcomer = unit(
        "Phòng Y tế",
        head_email="truongphong.yt@dakdoa.gov.vn",
        created_at=datetime(2026, 11, 20),
    )

    # December: November was missed and December is short too: head and chief in copy.
    december = {r.unit_id: r for r in services.run_schedule(date(2026, 12, 15))}
    second = december[inspect.id]
    assert second.escalated and second.months_short == 2
    assert not december[newcomer.id].escalated and december[newcomer.id].months_short == 1
    db.session.commit()
    deliver_due()
    [received] = [
        m for m in smtp_server.to("thanhtra@dakdoa.gov.vn") if "12/2026" in m.message["Subject"]
    ]
    assert set(received.recipients) == {
        "thanhtra@dakdoa.gov.vn",
        "chanhthanhtra@dakdoa.gov.vn",
        chief.email,
    }
    assert received.message["Cc"] == f"chanhthanhtra@dakdoa.gov.vn, {chief.email}"
    assert "không đạt định mức 2 tháng liên tiếp" in _body(received)
    assert smtp_server.to("truongphong.yt@dakdoa.gov.vn") == []
