import hmac

from flask import Blueprint

from webapp.extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str):
    """The user of a session or remember cookie, if its token is still the user's current one.

    Called on every request, for the session and for the remember cookie alike.
    """
    from webapp.auth.models import User

    id_part, _sep, token = (user_id or "").partition(":")
    if not id_part.isdigit() or not token:
        return None  # an id from before session tokens, or garbage: sign in again
    user = db.session.get(User, int(id_part))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


from webapp.auth import routes, two_factor_routes  # noqa: E402,F401
