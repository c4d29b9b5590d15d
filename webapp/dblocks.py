"""SQLite: which transactions take the write lock when they begin.

SQLite lets one writer at a time work on the file. A transaction begun with a plain
(deferred) ``BEGIN`` that reads and then writes must upgrade its read lock to the write
lock; when another connection writes meanwhile, SQLite cannot wait (its snapshot would
be stale) and answers "database is locked" at once, whatever the busy timeout. A
transaction begun with ``BEGIN IMMEDIATE`` takes the write lock at its start, and a
second one waits for the first (up to the busy timeout) instead of failing.

So: requests that change state (any method but GET, HEAD, OPTIONS), the job runner
and the CLI begin IMMEDIATE; pages that only read begin deferred and never wait on a
writer (WAL lets readers and the writer work side by side). A GET that must write
(a reader's visit count) calls ``take_write_lock()`` before its first write.
PostgreSQL needs none of this: these helpers do nothing there.
"""

from flask import current_app, g, has_app_context, has_request_context, request

from webapp.extensions import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# How long a writer waits for the write lock before "database is locked" (seconds).
BUSY_TIMEOUT = 30
_INFO_KEY = "sqlite_immediate"


def wants_write_lock() -> bool:
    """Whether a transaction beginning now should take the write lock at once."""
    if has_app_context() and g.get("sqlite_write_lock"):
        return True
    if has_request_context():
        if request.method in READ_METHODS:
            return False
        view = current_app.view_functions.get(request.endpoint)
        return not getattr(view, "reads_first", False)
    return True  # the job runner, the CLI, seed-demo: they are there to write


def begin(conn) -> None:
    """The engine's "begin" hook on SQLite: BEGIN IMMEDIATE or a deferred BEGIN."""
    immediate = wants_write_lock()
    conn.info[_INFO_KEY] = immediate
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def reads_first(view):
    """Mark a POST view that does slow reading work before it writes (sign-in checks a
    password hash): it begins deferred and calls ``take_write_lock()`` before its first
    write, so that other writers do not wait through the slow part."""
    view.reads_first = True
    return view


def take_write_lock() -> None:
    """Before the first write of a request that began by reading (a GET).

    On SQLite, ends the current read transaction (nothing was written in it) so that the
    next statement begins a new one with the write lock. Objects loaded so far are
    expired and load again when used.
    """
    g.sqlite_write_lock = True
    if db.engine.dialect.name != "sqlite":
        return
    session = db.session()
    if not session.in_transaction():
        return
    if not session.connection().info.get(_INFO_KEY, True):
        session.commit()


def engine_options(uri: str, options: dict) -> dict:
    """Engine settings that suit a SQLite file shared by a threaded server and the job runner.

    Python's sqlite3 waits ``timeout`` seconds for a lock (the PRAGMA busy_timeout set on
    each connection says the same); the pool never makes a request wait for a
    connection: a thread of the dev server, or of gunicorn's threaded workers, that
    finds the pool's connections in use opens one of its own (closed when returned),
    so the database's busy timeout is the only wait.
    """
    if not uri.startswith("sqlite") or uri in ("sqlite://", "sqlite:///:memory:"):
        return options
    options = dict(options)
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("timeout", BUSY_TIMEOUT)
    connect_args.setdefault("check_same_thread", False)
    options["connect_args"] = connect_args
    options.setdefault("pool_size", 10)
    options.setdefault("max_overflow", -1)
    return options


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def warn_write_in_read_transaction(conn, cursor, statement, parameters, context, executemany):
    """The engine's "before_cursor_execute" hook on SQLite: a write inside a transaction that
    began deferred works alone but fails at once beside another writer. Say so in the log,
    with the request, so that the view gets its ``take_write_lock()``."""
    if conn.info.get(_INFO_KEY, True) or not statement.lstrip().upper().startswith(_WRITES):
        return
    where = f"{request.method} {request.path}" if has_request_context() else "outside a request"
    current_app.logger.warning(
        "SQLite: a write in a read transaction (%s) may fail with 'database is locked' beside "
        "another writer; call dblocks.take_write_lock() before it: %s",
        where,
        statement.split("\n", 1)[0][:120],
    )
