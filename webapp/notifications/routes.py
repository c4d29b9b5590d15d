from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from webapp.access import roles, signed_in
from webapp.extensions import db
from webapp.forms import ActionForm
from webapp.htmx import is_htmx, render
from webapp.notifications import bp, services
from webapp.notifications.models import Notification
from webapp.pagination import paginate
from webapp.roles import Role


@bp.route("/thong-bao")
@signed_in
def inbox():
    page = paginate(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return render(
        "notifications/inbox.html",
        "notifications/_list.html",
        page=page,
        message_for=services.message_for,
    )


@bp.route("/thong-bao/dem")
@signed_in
def counter():
    """The unread counter in the menu; htmx polls it."""
    if not is_htmx():
        return redirect(url_for("notifications.inbox"))
    return render("notifications/_counter.html", unread=services.unread_count(current_user))


@bp.route("/thong-bao/da-doc", methods=["POST"])
@signed_in
def mark_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.inbox"))


@bp.route("/tai-khoan/nhan-thu", methods=["POST"])
@roles(Role.EDITOR, Role.CHIEF_EDITOR)
def alerts():
    """An editor's choice: new submissions by e-mail at once, in a daily digest, or not."""
    if not ActionForm().validate_on_submit():
        abort(400)
    choice = request.form.get("choice", "")
    if choice not in services.ALERT_CHOICES:
        abort(400)
    services.set_submission_alerts(current_user, choice)
    db.session.commit()
    from flask import flash

    flash(_("Đã lưu cách nhận thư báo tin, bài mới."), "success")
    return redirect(url_for("notifications.inbox"))
