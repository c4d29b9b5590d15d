"""Routes of the reports package."""

from webapp.reports import bp  # noqa: F401
