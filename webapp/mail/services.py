"""Queue mail with what caused it; deliver it later, retrying with backoff, never twice.

``queue_mail`` only adds a row to the outbox (in the caller's transaction), so a
mail server that is down never blocks or undoes anything. ``deliver_due`` is run
by the job runner: it leases each due message, sends it, and logs the attempt.
"""

import smtplib
from datetime import datetime, timedelta
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.mail.models import MailAttempt, MailStatus, OutboxMessage
from webapp.timeutil import utcnow

# Minutes to wait after the 1st, 2nd, ... failure; after the last, the message is marked failed.
BACKOFF_MINUTES = (1, 5, 15, 30, 60, 120, 240, 480, 720, 1440)
LEASE = timedelta(minutes=5)


def _one_line(text: str) -> str:
    """A header value: a reason typed in a textarea may hold line breaks, a header may not."""
    return " ".join(text.split())


def _lines(text: str) -> str:
    """One kind of line break in a body (a reason from a textarea brings CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def queue_mail(
    to, subject: str, text: str, html: str = "", cc=(), dedupe_key: str | None = None
) -> OutboxMessage | None:
    """Add a message to the outbox. With a dedupe key, a second call queues nothing."""
    to = [a.strip() for a in to if a and a.strip()]
    if not to:
        return None
    if dedupe_key and db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ):
        return None
    message = OutboxMessage(
        dedupe_key=dedupe_key,
        to_addrs="\n".join(dict.fromkeys(to)),
        cc_addrs="\n".join(dict.fromkeys(a.strip() for a in cc if a and a.strip())),
        subject=_one_line(subject)[:300],
        body_text=text,
        body_html=html,
        status=MailStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    if not dedupe_key:
        db.session.add(message)
        db.session.flush()
        return message
    # Two runners may queue the same key at once: the unique index keeps one.
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def _build(message: OutboxMessage) -> Message:
    """The MIME message: text, and HTML as its alternative when there is some.

    Built with the classic API and ``Header`` on purpose: the folding of the newer
    ``EmailMessage`` drops the space between two encoded words where it breaks a long
    non-ASCII subject (CPython gh-144156), so "xã Glar" arrived as "xãGlar".
    """
    config = current_app.config
    text = MIMEText(_lines(message.body_text), "plain", "utf-8")
    if message.body_html:
        email = MIMEMultipart("alternative")
        email.attach(text)
        email.attach(MIMEText(_lines(message.body_html), "html", "utf-8"))
    else:
        email = text
    subject = _one_line(message.subject)
    email["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = ", ".join(message.to_addrs.split())
    if message.cc_addrs:
        email["Cc"] = ", ".join(message.cc_addrs.split())
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = make_msgid(domain="toasoan.local")
    return email


def send_now(message: OutboxMessage) -> None:
    """Hand one message to the SMTP server; raises on failure."""
    _send(_build(message), message.recipients)


def _send(email: Message, recipients: list[str]) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(email, to_addrs=recipients)


def _lease(message_id: int, now: datetime) -> bool:
    """Take a message for sending; False when another runner holds it or it is done."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MailStatus.PENDING,
            # Not before its time: another runner may have just retried it and set a backoff.
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
        )
        .values(locked_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_due(now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send what is due. Commits per message: each send is its own unit of work.

    Returns counts of sent, retried and failed messages.
    """
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == MailStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    for message_id in due:
        if not _lease(message_id, now):
            continue
        error = _send_outside_transaction(message_id)
        message = db.session.get(OutboxMessage, message_id)
        if error is not None:
            _record_failure(message, error, now)
            counts["failed" if message.status is MailStatus.FAILED else "retry"] += 1
        else:
            message.status = MailStatus.SENT
            message.sent_at = utcnow()
            message.attempts += 1
            message.locked_until = None
            db.session.add(MailAttempt(message_id=message.id, ok=True))
            counts["sent"] += 1
        db.session.commit()
    return counts


def _send_outside_transaction(message_id: int) -> Exception | None:
    """Build and send one leased message; the failure, if any.

    The message is read, the transaction ended, and only then is the SMTP server called:
    no transaction (on SQLite, no write lock) stays open while it takes its time. The lease
    keeps other runners off the message meanwhile.
    """
    message = db.session.get(OutboxMessage, message_id)
    try:
        email, recipients = _build(message), message.recipients
    except Exception as err:  # noqa: BLE001 - any failure is a failed attempt: a message
        # that cannot even be built must not stay leased and hold up every one after it.
        current_app.logger.exception("mail %s could not be built", message_id)
        db.session.commit()
        return err
    db.session.commit()
    try:
        _send(email, recipients)
    except Exception as err:  # noqa: BLE001
        if not isinstance(err, smtplib.SMTPException | OSError):
            current_app.logger.exception("mail %s could not be sent", message_id)
        return err
    return None


def _record_failure(message: OutboxMessage, err: Exception, now: datetime) -> None:
    message.attempts += 1
    message.last_error = f"{type(err).__name__}: {err}"[:1000]
    message.locked_until = None
    db.session.add(MailAttempt(message_id=message.id, ok=False, error=message.last_error))
    if message.attempts > len(BACKOFF_MINUTES):
        message.status = MailStatus.FAILED
    else:
        message.next_attempt_at = now + timedelta(minutes=BACKOFF_MINUTES[message.attempts - 1])
    current_app.logger.warning("mail %s to %s failed: %s", message.id, message.to_addrs, err)
