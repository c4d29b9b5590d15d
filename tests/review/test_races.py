"""Two people acting on the same piece at once: one wins, the other is told who and when.

The loser answers 409 with "Tin bài đã được … bởi … lúc …" and the piece's actions as they
are now; nothing is written twice. Tried for every transition an editor races on, first the
way a user meets it (the page was loaded before the other one acted), then (PostgreSQL)
with the two transactions really interleaved: the loser's UPDATE waits on the winner's row
and finds the version moved on.
"""

import re
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import IS_POSTGRES, login, post
from tests.factories import make_unit, make_user
from tests.pieces.helpers import draft, genres, move, people
from webapp.auth.models import User
from webapp.extensions import db
from webapp.pieces.models import Piece, PieceState, WorkflowEvent
from webapp.review.services import PieceConflict, transition
from webapp.review.workflow import Action
from webapp.royalties.models import BaseSalary, EntryKind, RoyaltyEntry
from webapp.services import ServiceError

postgres_only = pytest.mark.skipif(
    not IS_POSTGRES,
    reason="interleaving two transactions needs concurrent connections and row locks: "
    "PostgreSQL only (SQLite lets one writer at a time); set TEST_DATABASE_URL to run it",
)

# action: what the message says was done
RACED = {
    "claim": "nhận biên tập",
    "approve": "duyệt",
    "return": "trả lại đơn vị",
    "reject": "từ chối",
    "sign_off": "ký duyệt",
    "publish": "đăng",
    "unpublish": "gỡ",
}
WHEN = r"lúc \d\d:\d\d \d\d/\d\d/\d{4}"


def _cast():
    genres()
    cast = people()
    cast["chief2"] = make_user(
        "chief_editor", "editor", unit=make_unit(), full_name="Phạm Văn Trưởng"
    )
    if (
        db.session.scalar(select(BaseSalary.id).where(BaseSalary.valid_from <= date.today()))
        is None
    ):
        db.session.add(BaseSalary(valid_from=date(2024, 7, 1), amount=2_340_000))
    db.session.flush()
    return cast


def _ready(action: str, cast) -> Piece:
    """A piece in the state ``action`` starts from."""
    genre = "tin"
    if action == "sign_off":
        genres()["van_ban"].requires_signoff = True
        genre = "van_ban"
    piece = draft(cast["contributor"], title=f"Tin thử tranh chấp {action}", genre=genre)
    move(piece, cast["contributor"], "submit")
    if action == "claim":
        return piece
    move(piece, cast["editor"], "claim")
    if action in ("approve", "return", "reject"):
        return piece
    move(piece, cast["editor"], "approve")
    if action in ("sign_off", "publish"):
        return piece
    move(piece, cast["editor"], "publish")
    return piece


def _rivals(action: str, cast) -> tuple[User, User]:
    """(winner, loser): two people who may both take ``action`` on the piece."""
    if action == "sign_off":
        return cast["chief2"], cast["chief"]
    return cast["chief"], cast["editor"]


def _form(action: str, version: int) -> dict:
    form = {"version": str(version)}
    if action in ("return", "reject", "unpublish"):
        form["comment"] = "Nội dung chưa đạt yêu cầu"
    return form


def _events(piece_id: int, action: str) -> int:
    return db.session.scalar(
        select(func.count(WorkflowEvent.id)).where(
            WorkflowEvent.piece_id == piece_id, WorkflowEvent.action == action
        )
    )


@pytest.mark.parametrize("action", list(RACED))
def test_the_loser_of_a_transition_is_told_who_won_and_when(app, action):
    cast = _cast()
    piece = _ready(action, cast)
    winner, loser = _rivals(action, cast)
    seen = piece.version  # both pages were loaded at this version
    url = f"/tin-bai/{piece.id}/{action}"
    first, second = app.test_client(), app.test_client()
    login(first, winner)
    login(second, loser)

    won = post(first, url, _form(action, seen))
    assert won.status_code == 303, won.get_data(as_text=True)[:500]

    lost = post(second, url, _form(action, seen), htmx=True)
    assert lost.status_code == 409
    html = lost.get_data(as_text=True)
    assert re.search(f"Tin bài đã được {RACED[action]} bởi {winner.full_name} {WHEN}", html), html
    # The actions as they are now, swapped in place, not a page of the past state.
    assert 'id="actions"' in html and "<html" not in html
    assert f'name="version" value="{seen}"' not in html
    assert _events(piece.id, action) == 1

    # Without htmx: the whole page again, showing the new state and the message.
    again = post(second, url, _form(action, seen))
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert "<html" in page and f"bởi {winner.full_name}" in page
    assert _events(piece.id, action) == 1


def test_a_stale_claim_from_the_queue_row_names_the_winner(app):
    cast = _cast()
    piece = _ready("claim", cast)
    seen = piece.version
    first, second = app.test_client(), app.test_client()
    login(first, cast["chief"])
    login(second, cast["editor"])
    assert post(first, f"/tin-bai/{piece.id}/claim", {"version": seen}).status_code == 303
    lost = post(
        second,
        f"/tin-bai/{piece.id}/claim",
        {"version": seen},
        htmx=True,
        headers={"HX-Target": f"queue-row-{piece.id}"},
    )
    assert lost.status_code == 409
    html = lost.get_data(as_text=True)
    assert f'id="queue-row-{piece.id}"' in html
    assert re.search(f"đã được nhận biên tập bởi Kiều Thu Hương {WHEN}", html)


# --- really at once (PostgreSQL) --------------------------------------------------------------


def _prepare(app, action):
    with app.app_context():
        cast = _cast()
        piece = _ready(action, cast)
        winner, loser = _rivals(action, cast)
        db.session.commit()
        ids = piece.id, piece.version, winner.id, loser.id, winner.full_name
        db.session.remove()
    return ids


@postgres_only
@pytest.mark.real_commits
@pytest.mark.parametrize("action", list(RACED))
def test_two_people_at_once_one_wins_the_other_is_told(app, action):
    """A forced order: the winner has flushed (holds the piece's row) when the loser, who read
    the same version, writes; the loser waits, then loses on the version."""
    piece_id, version, winner_id, loser_id, winner_name = _prepare(app, action)
    both_loaded = threading.Barrier(2)
    winner_flushed = threading.Event()
    outcome, errors = {}, []
    params = {k: v for k, v in _form(action, version).items() if k == "comment"}

    def act(user_id, first):
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                piece = db.session.get(Piece, piece_id)
                both_loaded.wait(timeout=10)
                if not first:
                    winner_flushed.wait(timeout=10)
                transition(user, piece, Action(action), expected_version=version, **params)
                if first:
                    winner_flushed.set()
                    time.sleep(0.5)  # the loser is now waiting on the piece's row
                db.session.commit()
                outcome[first] = "done"
            except ServiceError as refused:
                db.session.rollback()
                outcome[first] = refused
            except BaseException as err:  # noqa: BLE001 - reported below
                db.session.rollback()
                errors.append(err)
            finally:
                winner_flushed.set()
                db.session.remove()

    threads = [
        threading.Thread(target=act, args=(winner_id, True)),
        threading.Thread(target=act, args=(loser_id, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "an editor is stuck"
    assert errors == []
    assert outcome[True] == "done"
    refused = outcome[False]
    assert isinstance(refused, PieceConflict) and refused.status == 409
    assert re.search(f"Tin bài đã được {RACED[action]} bởi {winner_name} {WHEN}", refused.message)

    with app.app_context():
        assert _events(piece_id, action) == 1
        if action == "publish":
            kinds = db.session.scalars(
                select(RoyaltyEntry.kind).where(RoyaltyEntry.piece_id == piece_id)
            ).all()
            assert kinds == [EntryKind.ACCRUAL]  # one author, one accrual
        db.session.remove()


@postgres_only
@pytest.mark.real_commits
def test_two_editors_approving_over_http_at_once_one_is_told(app):
    piece_id, version, winner_id, loser_id, _name = _prepare(app, "approve")
    with app.app_context():
        users = {u.id: u for u in db.session.scalars(select(User)).all()}
        names = {winner_id: users[winner_id].full_name, loser_id: users[loser_id].full_name}
        clients = {}
        for user_id in (winner_id, loser_id):
            clients[user_id] = app.test_client()
            login(clients[user_id], users[user_id])
        db.session.remove()
    barrier = threading.Barrier(2)
    answers, errors = {}, []

    def approve(user_id):
        try:
            barrier.wait(timeout=10)
            answers[user_id] = post(
                clients[user_id], f"/tin-bai/{piece_id}/approve", {"version": version}, htmx=True
            )
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=approve, args=(u,)) for u in (winner_id, loser_id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    statuses = sorted(a.status_code for a in answers.values())
    assert statuses == [204, 409]
    [(loser, lost)] = [(u, a) for u, a in answers.items() if a.status_code == 409]
    [winner] = [u for u in answers if u != loser]
    assert re.search(f"Tin bài đã được duyệt bởi {names[winner]} {WHEN}", lost.get_data(True))
    with app.app_context():
        assert _events(piece_id, "approve") == 1
        assert db.session.get(Piece, piece_id).state is PieceState.APPROVED
        assert db.session.get(Piece, piece_id).approved_by_id == winner
        db.session.remove()
