"""One way to paginate: a fixed number of queries per page, whatever the data size."""

from flask import current_app

from webapp.extensions import db
from webapp.params import int_arg

MAX_PAGE = 1_000_000  # beyond any real list; larger numbers are refused, not sent to SQL


def paginate(query, per_page: int | None = None):
    """Flask-SQLAlchemy's pagination: one COUNT and one page query."""
    per_page = per_page or current_app.config["PER_PAGE"]
    return db.paginate(
        query,
        page=int_arg("page", 1, maximum=MAX_PAGE),
        per_page=per_page,
        error_out=False,
        max_per_page=200,
    )
