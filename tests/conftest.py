"""Test fixtures: one schema per run (built by the migrations), one rolled-back transaction
per test.

The database is SQLite unless TEST_DATABASE_URL names another (CI sets a PostgreSQL one).
Under CI=true a PostgreSQL database that cannot be reached fails the run.
"""

import contextvars
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker

from config import TestConfig, database_url
from webapp import create_app
from webapp.extensions import db

TMP = Path(tempfile.mkdtemp(prefix="toasoan-tests-"))


def _test_database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{TMP / 'test.sqlite3'}"
    url = database_url(url, TMP)
    _ensure_postgres_database(url)
    return url


def _ensure_postgres_database(url: str) -> None:
    """Create the test database if missing, and start it empty."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
            )
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    except Exception as err:  # noqa: BLE001
        message = f"PostgreSQL at {target.render_as_string(hide_password=True)} unreachable: {err}"
        if os.environ.get("CI") == "true":
            pytest.exit(message, returncode=3)
        pytest.skip(message, allow_module_level=True)
    finally:
        admin.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


DATABASE_URL = _test_database_url()
IS_POSTGRES = DATABASE_URL.startswith("postgresql")


class Config(TestConfig):
    SQLALCHEMY_DATABASE_URI = DATABASE_URL
    INSTANCE_DIR = TMP / "instance"
    UPLOAD_DIR = TMP / "uploads"


def pytest_report_header(config):
    return f"database: {make_url(DATABASE_URL).render_as_string(hide_password=True)}"


class Client(FlaskClient):
    """Each request in a context of its own, as on a server: its own `g`, its own session.

    Without this, a request would reuse the test's application context and see
    the previous request's signed-in user and objects.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    app = create_app(Config)
    app.test_client_class = Client
    with app.app_context():
        upgrade()  # the schema comes from the migrations, as in production
    return app


SERVER_ERRORS: list[str] = []


@pytest.fixture(autouse=True)
def _no_server_errors(app):
    """No request in the suite may answer 500: every failure must be a clear refusal."""
    from flask import request as current_request
    from flask.signals import request_finished

    def note(sender, response, **extra):
        if response.status_code >= 500:
            SERVER_ERRORS.append(
                f"{response.status_code} {current_request.method} {current_request.full_path}"
            )

    request_finished.connect(note, app)
    SERVER_ERRORS.clear()
    try:
        yield
    finally:
        request_finished.disconnect(note, app)
    assert SERVER_ERRORS == [], f"server errors during the test: {SERVER_ERRORS}"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Failed sign-ins per address start from zero in each test (memory:// storage)."""
    from webapp.extensions import limiter

    limiter.reset()
    yield


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Run each test inside one transaction that is rolled back at the end.

    Views commit as usual; their commits release savepoints inside that transaction.
    Tests marked ``real_commits`` (threads, several connections) get the real engine
    and clean up after themselves.
    """
    if "real_commits" in request.keywords:
        yield
        _truncate_all(app)
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        db.session = scoped_session(factory, scopefunc=_app_ctx_id)
        ctx = app.app_context()
        ctx.push()
        try:
            yield
        finally:
            db.session.remove()
            ctx.pop()
            db.session = original
            outer.rollback()
            connection.close()


def _truncate_all(app):
    """Empty every table after a real_commits test.

    The ledger's append-only triggers refuse DELETE, for the app and for this too: they are
    switched off for this one transaction only (PostgreSQL: replica mode, for this session;
    SQLite: dropped and created again from their own text, in the same transaction).
    """
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            triggers = []
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            elif conn.dialect.name == "sqlite":
                triggers = conn.execute(
                    text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
                ).all()
                for name, _sql in triggers:
                    conn.execute(text(f'DROP TRIGGER "{name}"'))
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
            for _name, sql in triggers:
                conn.execute(text(sql))


@pytest.fixture
def client(app):
    return app.test_client()


@contextmanager
def count_queries():
    """The SQL statements run inside the block (savepoints of the test transaction left out):
    pages must run the same number whatever the size of the data."""
    statements = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_token(client, url="/dang-nhap") -> str:
    """The CSRF token a page gives the browser, as a user's browser would get it."""
    html = client.get(url, follow_redirects=True).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def login(client, user, password="mat-khau-thu"):
    token = csrf_token(client)
    response = client.post(
        "/dang-nhap",
        data={"username": user.username, "password": password, "csrf_token": token},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def post(client, url, data=None, htmx=False, **kwargs):
    """POST like the browser: with the CSRF token of the current session."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, "/toa-soan"))
    headers = kwargs.pop("headers", {})
    if htmx:
        headers["HX-Request"] = "true"
    return client.post(url, data=data, headers=headers, **kwargs)
