"""Benchmark: page times and query counts with a province-sized backlog.

    .venv/bin/python benchmarks/bench_pages.py [--pieces 5000] [--pending 1000]

Builds a throwaway database (SQLite in a temp folder, or $BENCH_DATABASE_URL), loads the
demo district, adds ``--pieces`` published pieces and ``--pending`` submitted ones, then
requests the busiest pages as their users would and prints, per page, the median time of
10 requests and the number of SQL statements. A well-known CMS's dashboard took 7 s with
998 reviews pending and failed at 999; the figures here are what we compare against.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pieces", type=int, default=5000)
    parser.add_argument("--pending", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="toasoan-bench-"))
    os.environ["INSTANCE_PATH"] = str(tmp)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/b.db"

    from flask_migrate import upgrade
    from sqlalchemy import event, insert, select

    from webapp import create_app
    from webapp.auth.models import User
    from webapp.cli import seed_demo
    from webapp.extensions import db
    from webapp.pieces.models import Piece, PieceAuthor, PieceState
    from webapp.taxonomy.models import Category, Genre
    from webapp.text import fold
    from webapp.timeutil import utcnow
    from webapp.units.models import Unit

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        seed_demo()
        units = db.session.scalars(select(Unit.id)).all()
        cats = db.session.scalars(select(Category.id)).all()
        genre = db.session.scalar(select(Genre.id).where(Genre.code == "tin"))
        writer = db.session.scalar(select(User).where(User.username == "congan"))
        now = utcnow()
        rows = []
        for i in range(args.pieces + args.pending):
            pending = i >= args.pieces
            title = f"Tin số {i} về hoạt động tại xã {'Glar' if i % 3 else 'Đak Đoa'}"
            rows.append(
                {
                    "unit_id": units[i % len(units)],
                    "submitter_id": writer.id,
                    "genre_id": genre,
                    "category_id": cats[i % len(cats)],
                    "title": title,
                    "lead": "Tóm tắt.",
                    "body": f"<p>{title}. Nội dung chi tiết của tin.</p>",
                    "search_text": fold(title + " Tóm tắt. Nội dung chi tiết của tin."),
                    "state": PieceState.SUBMITTED if pending else PieceState.PUBLISHED,
                    "version": 1,
                    "source_kind": "original",
                    "source_name": "",
                    "source_url": "",
                    "created_at": now,
                    "updated_at": now,
                    "slug": f"tin-so-{i}",
                    "view_count": 0,
                    "submitted_at": now - timedelta(hours=i % 500),
                    "published_at": None if pending else now - timedelta(hours=i),
                    "modifier_codes": [],
                }
            )
        db.session.execute(insert(Piece), rows)
        ids = db.session.scalars(select(Piece.id)).all()
        db.session.execute(
            insert(PieceAuthor),
            [
                {
                    "piece_id": pid,
                    "position": 0,
                    "user_id": writer.id,
                    "name": writer.full_name,
                    "share": 100,
                }
                for pid in ids
            ],
        )
        db.session.commit()

    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))

    def signed_in(username):
        client = app.test_client()
        client.post("/dang-nhap", data={"username": username, "password": "toasoan-demo"})
        return client

    editor, contributor, anonymous = signed_in("bientap"), signed_in("congan"), app.test_client()
    pages = [
        ("editor queue /bien-tap", editor, "/bien-tap"),
        ("queue search 'dak doa'", editor, "/bien-tap?q=dak+doa"),
        ("queue, page 20", editor, "/bien-tap?page=20"),
        ("staff home /toa-soan", editor, "/toa-soan"),
        ("unit pieces /tin-bai", contributor, "/tin-bai"),
        ("public home /", anonymous, "/"),
        ("public search", anonymous, "/tim-kiem?q=dak+doa"),
        ("Atom feed", anonymous, "/feed.atom"),
    ]
    print(
        f"{args.pieces} published + {args.pending} pending pieces, "
        f"{os.environ['DATABASE_URL'].split(':')[0]}"
    )
    print(f"{'page':<28}{'median ms':>10}{'max ms':>9}{'queries':>9}")
    for name, client, url in pages:
        times = []
        for _ in range(args.repeat):
            statements.clear()
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{name:<28}{statistics.median(times):>10.1f}{max(times):>9.1f}{len(statements):>9}")


if __name__ == "__main__":
    main()
