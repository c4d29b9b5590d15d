"""One way to paginate: a fixed number of queries per page, whatever the data size."""

from flask import current_app, request

from webapp.extensions import db


def paginate(query, per_page: int | None = None):
    """Flask-SQLAlchemy's pagination: one COUNT and one page query."""
    per_page = per_page or current_app.config["PER_PAGE"]
    return db.paginate(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=per_page,
        error_out=False,
        max_per_page=200,
    )
