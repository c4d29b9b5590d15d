"""Where a request comes from, and the fresh session given at every sign-in."""

from flask import request, session
from flask_login import login_user

from webapp.audit.services import Origin

# What survives the new session given at sign-in (a session id chosen before it is void).
KEPT_AT_SIGN_IN = ("locale",)


def request_origin() -> Origin:
    """The client's address (from ProxyFix behind the reverse proxy) and browser."""
    return Origin(request.remote_addr, request.user_agent.string)


def start_session(user, remember: bool) -> None:
    """A fresh session for the signed-in user: nothing of the one before but the language."""
    kept = {key: session[key] for key in KEPT_AT_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    login_user(user, remember=remember)
