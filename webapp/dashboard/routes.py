"""The staff home page: what each role works on, first."""

from flask_login import current_user
from sqlalchemy import func, select

from webapp.access import signed_in
from webapp.auth.models import User
from webapp.dashboard import bp
from webapp.extensions import db
from webapp.htmx import render
from webapp.roles import Role
from webapp.units.models import Unit


@bp.route("/toa-soan")
@signed_in
def home():
    counts = {}
    if current_user.has_role(Role.ADMIN):
        counts = {
            "units": db.session.scalar(select(func.count(Unit.id)).where(Unit.active.is_(True))),
            "users": db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))),
        }
    return render("dashboard/home.html", counts=counts)
