"""The royalty screens. Split by who works on them; each module adds its views to ``bp``."""

from webapp.royalties import (  # noqa: F401
    admin_routes,
    bp,  # noqa: F401
    export_routes,
    ledger_routes,
)
