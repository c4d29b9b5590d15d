"""“Thư đã gửi”: the mail the system sent or kept, as its recipients read it."""

from flask import abort, current_app, request
from flask_login import current_user
from sqlalchemy import or_, select

from webapp.access import signed_in
from webapp.extensions import db
from webapp.formatting import moment
from webapp.htmx import render
from webapp.mail import bp, services
from webapp.mail.models import OutboxMessage
from webapp.pagination import paginate
from webapp.roles import Role
from webapp.sanitize import clean_html

MAX_QUERY = 100


def _require_reader() -> None:
    """The admin reads the mailbox; in a demo, everyone may (it holds only demo mail)."""
    if not (current_user.has_role(Role.ADMIN) or current_app.config.get("DEMO_MODE")):
        abort(403)


@bp.route("/thu-da-gui")
@signed_in
def outbox():
    _require_reader()
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    query = select(OutboxMessage)
    if q:
        like = f"%{q}%"
        query = query.where(
            or_(OutboxMessage.to_addrs.ilike(like), OutboxMessage.subject.ilike(like))
        )
    page = paginate(query.order_by(OutboxMessage.id.desc()))
    return render(
        "mail/outbox.html",
        "mail/_outbox_table.html",
        page=page,
        q=q,
        local=services.local_mailbox(),
    )


@bp.route("/thu-da-gui/<int:message_id>")
@signed_in
def message(message_id: int):
    _require_reader()
    message = db.get_or_404(OutboxMessage, message_id)
    email = services.as_received(message)
    when = message.sent_at or message.created_at
    return render(
        "mail/message.html",
        message=message,
        headers=[
            ("From", email["From"]),
            ("To", email["To"]),
            ("Cc", email["Cc"]),
            ("Date", moment(when)),
            ("Subject", message.subject),
            ("Message-ID", email["Message-ID"]),
        ],
        # The HTML part was rendered by our own templates; cleaned all the same, since it
        # carries titles and reasons that users typed.
        body_html=clean_html(message.body_html) if message.body_html else "",
    )
