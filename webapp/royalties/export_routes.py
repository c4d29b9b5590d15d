"""Royalty views (being written)."""

from webapp.royalties import bp  # noqa: F401
