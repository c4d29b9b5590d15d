"""Fixtures of the reminder tests: the schedule's default stages, units with a history, and
pieces dated where the count needs them. The SMTP server is the mail tests' real one."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_unit, make_user
from tests.mail.conftest import smtp_server  # noqa: F401 - re-exported: a real SMTP server
from tests.pieces.helpers import draft
from webapp.auth.models import User
from webapp.extensions import db
from webapp.pieces.models import PieceState
from webapp.reminders import services
from webapp.reminders.periods import local_midnight_utc

# Units in these tests exist long before the months they are judged on.
LONG_AGO = datetime(2025, 1, 1)


@pytest.fixture(autouse=True)
def schedule(request):
    """The default stages (15th, 25th, 1st) and counting rule, whatever earlier tests did
    (a ``real_commits`` test empties every table). Such a test sets up its own."""
    if "real_commits" in request.keywords:
        return None
    services.ensure_defaults()
    return {s.code: s for s in services.stages()}


def unit(name=None, quota=2, emails=None, **kw):
    """A unit with a quota and contact addresses, created long ago."""
    kw.setdefault("created_at", LONG_AGO)
    if name is not None:
        kw["name"] = name
    if emails is not None:
        kw["contact_emails"] = "\n".join(emails)
    return make_unit(monthly_quota=quota, **kw)


def posted(unit, when: datetime, n: int = 1, state=PieceState.PUBLISHED, submitted=None):
    """``n`` pieces of ``unit`` published (or only submitted) at ``when`` (naive UTC).

    Built as a draft by the pieces service, then dated directly: the workflow is tested
    elsewhere, and its notifications would only add mail these tests do not look at.
    """
    writer = db.session.scalar(select(User).where(User.unit_id == unit.id).limit(1))
    writer = writer or make_user("contributor", unit=unit)
    pieces = []
    for i in range(n):
        piece = draft(writer, title=f"Tin hoạt động của {unit.name} số {i + 1}")
        piece.state = state
        piece.first_submitted_at = piece.submitted_at = submitted or when
        if state is PieceState.PUBLISHED:
            piece.published_at = when
        pieces.append(piece)
    db.session.flush()
    return pieces


def at(day: date, hour: int = 9) -> datetime:
    """``hour`` o'clock local on ``day``, as stored (naive UTC)."""
    return local_midnight_utc(day) + timedelta(hours=hour)
