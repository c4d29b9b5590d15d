"""Fixtures of the report tests: the demo district of the seed report, and its first half of
2021 imported from the appendix's counts."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.reports.helpers import import_rows, to_csv
from webapp.auth.models import User
from webapp.cli import seed_demo
from webapp.extensions import db
from webapp.pieces.models import Piece, PieceState
from webapp.reports.importer import import_pieces
from webapp.taxonomy.models import Genre
from webapp.units.models import Unit

H1 = (date(2021, 1, 1), date(2021, 6, 30))


@pytest.fixture
def district(app):
    """The demo district: its 25 units in the appendix order, genres, sections, topics, the
    example royalty table and the 2021 budget; returns its admin."""
    seed_demo()
    return db.session.scalar(select(User).where(User.username == "admin"))


@pytest.fixture
def half_year(district):
    """The seed's 242 pieces of January–June 2021, imported as a district would."""
    result = import_pieces(to_csv(import_rows()), district)
    assert result.ok, result.errors[:3]
    assert result.imported == 242
    db.session.commit()
    return result


def publish(unit: Unit, when: datetime, genre: str = "tin", submitter=None, **kw) -> Piece:
    """A published piece at ``when`` (naive UTC), written straight to the table."""
    genre_id = db.session.scalar(select(Genre.id).where(Genre.code == genre))
    # Any user will do as the submitter; making one per piece would hash a password each time.
    submitter = submitter or db.session.scalar(select(User).limit(1)) or make_user("editor")
    piece = Piece(
        unit_id=unit.id,
        submitter_id=submitter.id,
        genre_id=genre_id,
        title=kw.pop("title", f"Tin {when:%d/%m/%Y %H:%M}"),
        state=kw.pop("state", PieceState.PUBLISHED),
        published_at=kw.pop("published_at", when),
        **kw,
    )
    db.session.add(piece)
    db.session.flush()
    return piece
