"""A form acts once: a double click, a back-and-resend or a retried request answers again.

Each rendered form that acts (submitting, approving, publishing, paying, importing...)
carries a fresh random token in a hidden field, ``form_token``. The view that acts
records the token, with the answer it gave, in the ``form_tokens`` table in the SAME
transaction as the action (``finish``). A second POST of the same rendered form then
either finds the row (``replay``: the stored answer, nothing done again) or, when both
arrive together, is stopped by the table's primary key and answers what the first one
stored. A form posted without a token acts as before.

Tokens older than ``KEEP`` are deleted when a new one is stored.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime, timedelta

from flask import abort, flash, request
from flask_login import current_user
from sqlalchemy import ForeignKey, String, Text, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.timeutil import utcnow

FIELD = "form_token"
KEEP = timedelta(days=7)
_VALID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class FormToken(db.Model):
    """A form that has acted, and what it answered."""

    __tablename__ = "form_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    result: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what to answer again
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def new_token() -> str:
    """A fresh token for one rendered form."""
    return secrets.token_urlsafe(24)


def submitted_token() -> str | None:
    """The token the posted form carries, when it carries a well-formed one."""
    token = request.form.get(FIELD, "")
    return token if _VALID.match(token) else None


def _user_id():
    return current_user.id if current_user and current_user.is_authenticated else None


def replay() -> dict | None:
    """What this form answered when it acted before, or None when it has not acted.

    Refusals stored with the answer are shown again as messages.
    """
    token = submitted_token()
    if token is None:
        return None
    row = db.session.get(FormToken, token)
    if row is None:
        return None
    if row.user_id != _user_id():  # another person's form: never answer with their result
        abort(400)
    result = json.loads(row.result or "{}")
    for message in result.get("errors", []):
        flash(message, "error")
    return result


def finish(**result) -> dict | None:
    """Record the form's token with ``result`` and commit the action with it.

    Returns None when the action is committed; when another request with the same token
    got there first, rolls this one back and returns that request's result.
    """
    token = submitted_token()
    if token is not None:
        now = utcnow()
        db.session.execute(delete(FormToken).where(FormToken.created_at < now - KEEP))
        db.session.add(
            FormToken(token=token, user_id=_user_id(), result=json.dumps(result), created_at=now)
        )
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            stored = replay()
            if stored is None:  # the row was there a moment ago; it cannot be gone
                abort(400)
            return stored
    db.session.commit()
    return None


def register(app) -> None:
    """``form_token()`` in templates: a fresh token for each rendered form."""
    app.jinja_env.globals["form_token"] = new_token
