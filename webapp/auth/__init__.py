from flask import Blueprint

from webapp.extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str):
    from webapp.auth.models import User

    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


from webapp.auth import routes, two_factor_routes  # noqa: E402,F401
