"""The royalty screens. Split by who works on them; each module adds its views to ``bp``."""

from webapp.royalties import bp  # noqa: F401
from webapp.royalties import admin_routes, export_routes, ledger_routes  # noqa: F401
