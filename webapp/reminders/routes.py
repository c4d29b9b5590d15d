"""Routes of the reminders package."""

from webapp.reminders import bp  # noqa: F401
