"""Tell people what happened to a piece: in the app, and by e-mail through the outbox.

New-submission mail to an editor who wants it "at once" is held for a few minutes
(``NOTIFY_BATCH_MINUTES``) from the first one waiting, then ``send_batches`` (run by the job
runner) queues one mail per editor listing every piece that came in meanwhile: a burst of
thirty submissions is one mail, not thirty.
"""

from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from webapp.auth.models import User, UserRole
from webapp.extensions import db
from webapp.mail.services import queue_mail
from webapp.notifications.models import Notification
from webapp.roles import Role
from webapp.timeutil import to_local, utcnow

MESSAGES = {
    "submitted": _l("%(unit)s gửi tin, bài mới: “%(title)s”"),
    "returned": _l("Tin, bài “%(title)s” bị trả lại: %(reason)s"),
    "rejected": _l("Tin, bài “%(title)s” bị từ chối: %(reason)s"),
    "published": _l("Tin, bài “%(title)s” đã được đăng"),
    "unpublished": _l("Tin, bài “%(title)s” đã bị gỡ: %(reason)s"),
    "signoff_needed": _l("Tin, bài “%(title)s” chờ Trưởng ban ký duyệt"),
    "signoff_refused": _l("Trưởng ban không ký duyệt “%(title)s”: %(reason)s"),
    "comment": _l("%(author)s bình luận về “%(title)s”: %(text)s"),
}

ALERT_CHOICES = ("immediate", "digest", "off")
# Kinds whose mail waits to go out with the others of a burst (see send_batches).
BATCHED_KINDS = ("submitted",)
BATCH_LIMIT = 200  # pieces in one mail; more wait for the next pass


def message_for(kind: str, params: dict) -> str:
    template = MESSAGES.get(kind)
    if template is None:
        return kind
    return str(template) % {k: v for k, v in params.items()}


def piece_url(piece_id: int) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/tin-bai/{piece_id}"


def notify(recipients, kind: str, piece, actor=None, email: bool = True, **params) -> int:
    """Notify each distinct active recipient (never the actor) in the app, and by e-mail.

    New-submission mail follows each editor's choice: at once (held for ``send_batches``, so
    that a burst is one mail), in the daily digest, or not. Returns the number of people
    notified.
    """
    params = {"title": piece.title or "…", **params}
    seen = set()
    count = 0
    for user in recipients:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        if actor is not None and user.id == actor.id:
            continue
        note = Notification(user_id=user.id, piece_id=piece.id, kind=kind, params=params)
        db.session.add(note)
        count += 1
        wants_mail = email and user.email
        if kind == "submitted" and user.submission_alerts != "immediate":
            wants_mail = False
        if wants_mail and kind in BATCHED_KINDS:
            note.email_pending = True  # one mail for the burst, from send_batches
        elif wants_mail:
            _queue_notification_mail(user, kind, piece, params)
    return count


def _queue_notification_mail(user, kind, piece, params):
    with force_locale(user.locale or "vi"):
        text = message_for(kind, params)
        url = piece_url(piece.id)
        body_text = render_template("mail/notification.txt", user=user, text=text, url=url)
        body_html = render_template("mail/notification.html", user=user, text=text, url=url)
    queue_mail([user.email], text, body_text, body_html)


def editors():
    return db.session.scalars(
        select(User)
        .join(UserRole)
        .where(UserRole.role.in_([Role.EDITOR, Role.CHIEF_EDITOR]), User.active.is_(True))
        .distinct()
    ).all()


def chief_editors():
    return db.session.scalars(
        select(User)
        .join(UserRole)
        .where(UserRole.role == Role.CHIEF_EDITOR, User.active.is_(True))
        .distinct()
    ).all()


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def mark_all_read(user) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def set_submission_alerts(user, choice: str) -> None:
    if choice not in ALERT_CHOICES:
        raise ValueError(choice)
    user.submission_alerts = choice


DIGEST_HOUR = 7  # local time: the digest is waiting when editors start their day


def send_digests(now=None) -> int:
    """Once a day, from 07:00 local time: one mail per digest-reading editor listing the pieces
    submitted since 07:00 the day before that still wait for the board. The window is fixed
    by the calendar, not by when the runner happens to run, so each submission is in exactly
    one digest; the dedupe key makes a second run (or a second machine) queue nothing."""
    from datetime import UTC, datetime

    from webapp.pieces.models import Piece, PieceState

    now = now or utcnow()
    local = to_local(now)
    if local.hour < DIGEST_HOUR:
        return 0
    cutoff_local = datetime.combine(local.date(), datetime.min.time(), tzinfo=local.tzinfo)
    cutoff = (cutoff_local + timedelta(hours=DIGEST_HOUR)).astimezone(UTC).replace(tzinfo=None)
    since = cutoff - timedelta(days=1)
    readers = [u for u in editors() if u.submission_alerts == "digest" and u.email]
    if not readers:
        return 0
    pieces = db.session.scalars(
        select(Piece)
        .where(
            Piece.submitted_at >= since,
            Piece.submitted_at < cutoff,
            Piece.state.in_([PieceState.SUBMITTED, PieceState.IN_REVIEW]),
        )
        .order_by(Piece.submitted_at)
        .limit(200)
    ).all()
    queued = 0
    for user in readers:
        if not pieces:
            continue
        with force_locale(user.locale or "vi"):
            subject = str(
                _l("Tin, bài mới gửi Ban biên tập ngày %(day)s", day=local.strftime("%d/%m/%Y"))
            )
            rows = [(p, piece_url(p.id)) for p in pieces]
            body_text = render_template("mail/digest.txt", user=user, rows=rows, subject=subject)
            body_html = render_template("mail/digest.html", user=user, rows=rows, subject=subject)
        key = f"digest:{user.id}:{local.date().isoformat()}"
        if queue_mail([user.email], subject, body_text, body_html, dedupe_key=key):
            queued += 1
    return queued


class _Taken(Exception):
    """Another runner has already mailed (some of) a person's waiting notifications."""


def send_batches(now=None) -> int:
    """Queue one mail per person whose first waiting notification is older than the window
    (``NOTIFY_BATCH_MINUTES``), listing every piece waiting for them.

    Safe to run again and on several machines at once: the notifications are taken by a
    conditional update (a runner that finds any of them already taken gives way, and its
    savepoint is undone), and the outbox's dedupe key, made of the person and the first
    notification, is a second guard. Flushes; the caller commits. Returns the mails queued.
    """
    now = now or utcnow()
    window = timedelta(minutes=current_app.config["NOTIFY_BATCH_MINUTES"])
    due = db.session.scalars(
        select(Notification.user_id)
        .where(Notification.email_pending.is_(True))
        .group_by(Notification.user_id)
        .having(func.min(Notification.created_at) <= now - window)
        .order_by(Notification.user_id)
    ).all()
    queued = 0
    for user_id in due:
        try:
            with db.session.begin_nested():
                queued += _send_batch(user_id)
        except _Taken:
            continue
    return queued


def _send_batch(user_id: int) -> int:
    notes = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user_id, Notification.email_pending.is_(True))
        .order_by(Notification.id)
        .limit(BATCH_LIMIT)
    ).all()
    if not notes:
        return 0
    ids = [n.id for n in notes]
    taken = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.email_pending.is_(True))
        .values(email_pending=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != len(ids):
        raise _Taken
    for note in notes:
        note.email_pending = False  # as the update made it: the session's copies agree
    user = db.session.get(User, user_id)
    # The choice may have changed during the window: then the notifications stay in the app.
    if not (user.active and user.email and user.submission_alerts == "immediate"):
        return 0
    pieces = list({n.piece_id: n for n in notes if n.piece is not None}.values())
    if not pieces:
        return 0
    key = f"notify:{user_id}:{ids[0]}"
    if len(pieces) == 1:
        note = pieces[0]
        with force_locale(user.locale or "vi"):
            text = message_for(note.kind, note.params)
            url = piece_url(note.piece_id)
            body_text = render_template("mail/notification.txt", user=user, text=text, url=url)
            body_html = render_template("mail/notification.html", user=user, text=text, url=url)
        return 1 if queue_mail([user.email], text, body_text, body_html, dedupe_key=key) else 0
    with force_locale(user.locale or "vi"):
        subject = str(_l("%(n)d tin, bài mới gửi Ban biên tập", n=len(pieces)))
        rows = [(n.piece, piece_url(n.piece_id)) for n in pieces]
        body_text = render_template("mail/digest.txt", user=user, rows=rows, subject=subject)
        body_html = render_template("mail/digest.html", user=user, rows=rows, subject=subject)
    return 1 if queue_mail([user.email], subject, body_text, body_html, dedupe_key=key) else 0
