"""Quota reminders (being written)."""


def run_due(now=None) -> dict:
    """Run the reminder schedule for ``now``; returns what was queued."""
    return {}
