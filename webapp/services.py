"""What services share."""

from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError


class ServiceError(Exception):
    """A refusal to show the user: a translated message, and the form field it is about."""

    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class Conflict(ServiceError):
    """Someone else acted first: the message says who and when; answered with 409."""

    status = 409


# SQLSTATEs of a transaction that lost to another one: unique key taken, serialization
# failure, deadlock, lock not available.
_LOST_SQLSTATES = {"23505", "40001", "40P01", "55P03"}
# SQLite's words for the same: a unique key taken, the file held by another writer.
_LOST_SQLITE = ("UNIQUE constraint failed", "database is locked", "database table is locked")


def lost_race(error: BaseException) -> bool:
    """Whether a database error means another transaction got there first.

    A stale version (optimistic lock), a unique key taken by the other, a serialization
    failure or a deadlock on PostgreSQL, a locked file on SQLite. Anything else (a missing
    foreign key, a check) is a defect and is left to surface.
    """
    if isinstance(error, StaleDataError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    orig = error.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _LOST_SQLSTATES:
        return True
    return any(words in str(orig) for words in _LOST_SQLITE)


@contextmanager
def race(conflict: Callable[[], "Conflict"]):
    """Run a write; if it loses a race, roll back and raise ``conflict()``.

    ``conflict`` is called after the rollback, in a fresh transaction, so it can read what
    the winner wrote (who, when) and say so.
    """
    from webapp.extensions import db

    try:
        yield
    except (DBAPIError, StaleDataError) as error:
        if not lost_race(error):
            raise
        db.session.rollback()
        raise conflict() from None


def apply_error(form, error: ServiceError) -> None:
    """Show a service's refusal on the form, under its field when it names one."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))
