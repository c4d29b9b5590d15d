"""SQLite: a GET that writes (a reader's visit count) waits for another writer instead of
failing, and a write in a read transaction is reported in the log."""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

from tests.conftest import IS_POSTGRES
from tests.pieces.helpers import draft, move, people
from webapp.extensions import db
from webapp.pieces.models import Piece
from webapp.review.services import transition
from webapp.review.workflow import Action

pytestmark = [
    pytest.mark.skipif(IS_POSTGRES, reason="SQLite's locks; PostgreSQL locks rows"),
    pytest.mark.real_commits,
]

READER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def _published(app) -> tuple[int, str]:
    with app.app_context():
        cast = people()
        piece = draft(cast["contributor"], title="Hội thi cồng chiêng các dân tộc huyện")
        move(piece, cast["contributor"], "submit")
        move(piece, cast["editor"], "claim")
        transition(cast["editor"], piece, Action.APPROVE)
        transition(cast["editor"], piece, Action.PUBLISH)
        db.session.commit()
        path = f"/tin/{piece.id}-{piece.slug}" if piece.slug else f"/tin/{piece.id}"
        piece_id = piece.id
        db.session.remove()
    return piece_id, path


def test_a_readers_visit_waits_for_another_writer_and_is_counted(app, client):
    piece_id, path = _published(app)
    # Another writer (the job runner, a contributor's submission) holds the write lock.
    with app.app_context():
        database = db.engine.url.database
    other = sqlite3.connect(database, isolation_level=None, timeout=30)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE pieces SET view_count = view_count + 10 WHERE id = ?", (piece_id,))
    answers = []

    def read():
        try:
            answers.append(client.get(path, headers={"User-Agent": READER}))
        except Exception as err:  # noqa: BLE001 - the test server raises what a server answers 500
            answers.append(err)

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(1)  # the reader has read the piece and now wants to count its visit
    other.execute("COMMIT")
    other.close()
    reader.join(timeout=40)

    [answer] = answers
    assert not isinstance(answer, Exception), answer
    assert answer.status_code == 200  # not "database is locked"
    assert "Hội thi cồng chiêng" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Piece, piece_id).view_count == 11  # the other's 10, and this one


def test_a_write_in_a_read_transaction_is_reported(app, caplog):
    with app.test_request_context("/", method="GET"), db.engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM pieces"))  # a page that reads: deferred
        conn.execute(text("UPDATE pieces SET view_count = view_count WHERE id = -1"))
        conn.rollback()
    assert "a write in a read transaction (GET /)" in caplog.text

    caplog.clear()
    with app.test_request_context("/", method="POST"), db.engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM pieces"))  # a change of state: immediate
        conn.execute(text("UPDATE pieces SET view_count = view_count WHERE id = -1"))
        conn.rollback()
    assert "read transaction" not in caplog.text
