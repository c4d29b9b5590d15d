"""``flask --app wsgi reminders run [--today] [--dry-run]``."""

from datetime import date

from sqlalchemy import func, select

from tests.reminders.conftest import at, posted, unit
from webapp.extensions import db
from webapp.mail.models import OutboxMessage
from webapp.reminders.models import Reminder, ReminderRun


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["reminders", "run", *args])


def test_dry_run_lists_what_would_be_sent_and_sends_nothing(app, smtp_server):
    unit("Phòng Tài chính - Kế hoạch", emails=["tckh@dakdoa.gov.vn"])
    police = unit("Công an huyện", emails=["conganhuyen@dakdoa.gov.vn"])
    posted(police, at(date(2026, 11, 3)))

    result = _run(app, "--today", "2026-11-25", "--dry-run")

    assert result.exit_code == 0, result.output
    assert "tính đến ngày 25/11/2026" in result.output
    assert "(chạy thử, không gửi)" in result.output
    lines = result.output.splitlines()
    # First run on the 25th: the 15th's stage is passed over, the 25th's sent.
    [skipped] = [line for line in lines if "nothing_yet" in line]
    assert "bỏ qua: mốc sau trong tháng cũng đã đến hạn" in skipped
    below = [line for line in lines if "below_quota" in line]
    assert len(below) == 2  # both units are below their quota on the 25th
    [finance] = [line for line in below if "Phòng Tài chính - Kế hoạch: 0/2 tin, bài" in line]
    assert "tckh@dakdoa.gov.vn" in finance
    [police] = [line for line in below if "Công an huyện: 1/2 tin, bài" in line]
    assert "conganhuyen@dakdoa.gov.vn" in police
    # Neither has posted since long before October: the copies to the head would start.
    assert all("[báo thủ trưởng]" in line for line in below)
    assert "board_summary" in result.output and "10/2026" in result.output
    assert _count(Reminder) == _count(ReminderRun) == _count(OutboxMessage) == 0
    assert smtp_server.messages == []


def test_run_queues_delivers_and_says_what_became_of_each(app, smtp_server):
    unit("Phòng Tài chính - Kế hoạch", emails=["tckh@dakdoa.gov.vn"])
    unit("Văn phòng Huyện ủy", emails=[])

    result = _run(app, "--today", "2026-11-15")

    assert result.exit_code == 0, result.output
    assert "nothing_yet    Phòng Tài chính - Kế hoạch: đã gửi" in result.output
    assert "Văn phòng Huyện ủy: không có địa chỉ nhận" in result.output
    # The board's October summary too (nobody on the board has an address here).
    assert "Đã gửi 1, còn trong hàng chờ 0, lỗi 0, không có địa chỉ 2" in result.output
    assert len(smtp_server.to("tckh@dakdoa.gov.vn")) == 1

    again = _run(app, "--today", "2026-11-15")
    assert "Không có nhắc nhở nào đến hạn." in again.output
    dry = _run(app, "--today", "2026-11-16", "--dry-run")
    assert "nothing_yet    tháng 11/2026: đã chạy ngày 15/11/2026" in dry.output
    assert len(smtp_server.messages) == 1


def test_run_with_the_mail_server_down_says_the_mail_is_queued(app, smtp_server):
    unit("Phòng Dân tộc", emails=["dantoc@dakdoa.gov.vn"])
    smtp_server.stop()
    result = _run(app, "--today", "2026-11-15")
    assert result.exit_code == 0, result.output
    assert "Phòng Dân tộc: đang chờ gửi lại (ConnectionRefusedError" in result.output
    assert "Đã gửi 0, còn trong hàng chờ 1, lỗi 0" in result.output


def test_a_bad_date_is_refused(app):
    result = _run(app, "--today", "15/11/2026")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
