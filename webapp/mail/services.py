"""Queue mail with what caused it; deliver it later, retrying with backoff, never twice.

``queue_mail`` only adds a row to the outbox (in the caller's transaction), so a
mail server that is down never blocks or undoes anything. ``deliver_due`` is run
by the job runner: it leases each due message, sends it, and logs the attempt.

A message keeps one Message-ID for all its tries. When the connection times out (or drops)
after the whole message was handed over, while waiting for the server's final answer, the
server may well have delivered it: the row is marked "maybe sent" and retried only after a
longer wait, with the same Message-ID, so the receiving side can recognise the copy.
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
# After a try that may have been delivered: wait at least this long before the next one.
MAYBE_SENT_MINUTES = 60
LEASE = timedelta(minutes=5)


class MaybeSent(Exception):
    """The message was handed over in full, but no final answer came: it may be delivered."""

    def __init__(self, cause: BaseException):
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause


def new_message_id() -> str:
    return make_msgid(domain="toasoan.local")


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
        message_id=new_message_id(),
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
    # The same on every try (a row queued before the column existed gets one at its first).
    email["Message-ID"] = message.message_id or new_message_id()
    return email


class _SMTP(smtplib.SMTP):
    """smtplib's client, noting when the message's content has gone out after DATA."""

    content_sent = False
    _in_data = False

    def data(self, msg):
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def send(self, s):
        super().send(s)
        # In DATA, commands go out as text and the content as bytes ending in CRLF.CRLF.
        if self._in_data and isinstance(s, bytes):
            self.content_sent = True


def local_mailbox() -> bool:
    """No mail server set: mail is kept in the local mailbox, readable at "Thư đã gửi"."""
    return not current_app.config.get("MAIL_SERVER")


def as_received(message: OutboxMessage) -> Message:
    """The message as its recipient gets it: headers and parts."""
    return _build(message)


def send_now(message: OutboxMessage) -> None:
    """Hand one message to the SMTP server; raises on failure, ``MaybeSent`` when the content
    went out but its answer did not come back."""
    _deliver(_build(message), message.recipients)


def _deliver(email: Message, recipients: list[str]) -> None:
    config = current_app.config
    smtp = _SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(email, to_addrs=recipients)
    except OSError as err:  # smtplib's errors are OSErrors too
        smtp.close()  # no QUIT: after a timeout its answer could be the late one to DATA
        # A refusal with a code is a clear "no"; silence or a hang-up after the content is not.
        if smtp.content_sent and not isinstance(err, smtplib.SMTPResponseException):
            raise MaybeSent(err) from err
        raise
    except BaseException:
        smtp.close()
        raise
    # Accepted: a QUIT that fails changes nothing, and must not make it be sent again.
    try:
        smtp.quit()
    except OSError:
        smtp.close()


def lease_time() -> timedelta:
    """Long enough for one try, which may wait for the timeout at several of its steps."""
    return max(LEASE, timedelta(seconds=5 * current_app.config["MAIL_TIMEOUT"]))


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
        .values(locked_until=now + lease_time())
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
        local = local_mailbox()
        error = _send_outside_transaction(message_id, local)
        message = db.session.get(OutboxMessage, message_id)
        if error is not None:
            _record_failure(message, error, now)
            counts["failed" if message.status is MailStatus.FAILED else "retry"] += 1
        else:
            message.status = MailStatus.SENT
            message.sent_at = utcnow()
            message.attempts += 1
            message.locked_until = None
            message.kept_locally = local  # delivered where the admin reads it
            db.session.add(MailAttempt(message_id=message.id, ok=True))
            counts["sent"] += 1
        db.session.commit()
    return counts


def _send_outside_transaction(message_id: int, local: bool) -> Exception | None:
    """Build and send one leased message; the failure, if any.

    The message gets its Message-ID (kept for every later try) and is built; the transaction
    ends, and only then is the SMTP server called: no transaction (on SQLite, no write lock)
    stays open while it takes its time. The lease keeps other runners off the message.
    """
    message = db.session.get(OutboxMessage, message_id)
    if message.message_id is None:
        message.message_id = new_message_id()
    try:
        email, recipients = _build(message), message.recipients
    except Exception as err:  # noqa: BLE001 - any failure is a failed attempt: a message
        # that cannot even be built must not stay leased and hold up every one after it.
        current_app.logger.exception("mail %s could not be built", message_id)
        db.session.commit()
        return err
    db.session.commit()
    if local:
        return None
    try:
        _deliver(email, recipients)
    except Exception as err:  # noqa: BLE001
        if not isinstance(err, smtplib.SMTPException | OSError | MaybeSent):
            current_app.logger.exception("mail %s could not be sent", message_id)
        return err
    return None


def _record_failure(message: OutboxMessage, err: Exception, now: datetime) -> None:
    message.attempts += 1
    maybe = isinstance(err, MaybeSent)
    message.last_error = (f"maybe sent: {err}" if maybe else f"{type(err).__name__}: {err}")[:1000]
    message.locked_until = None
    db.session.add(MailAttempt(message_id=message.id, ok=False, error=message.last_error))
    if maybe:
        message.maybe_sent = True
    if message.attempts > len(BACKOFF_MINUTES):
        message.status = MailStatus.FAILED
    else:
        minutes = BACKOFF_MINUTES[message.attempts - 1]
        if maybe:  # the server may still be delivering it: give it time before another copy
            minutes = max(minutes, MAYBE_SENT_MINUTES)
        message.next_attempt_at = now + timedelta(minutes=minutes)
    current_app.logger.warning("mail %s to %s failed: %s", message.id, message.to_addrs, err)
