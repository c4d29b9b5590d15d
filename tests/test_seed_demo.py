import csv
from pathlib import Path

from sqlalchemy import func, select

from webapp.auth.models import User
from webapp.cli import seed_demo
from webapp.extensions import db
from webapp.roles import Role
from webapp.taxonomy.models import Category, Genre, Topic
from webapp.units.models import Unit, UnitGroup

APPENDIX = Path(__file__).resolve().parents[1] / "tests" / "data" / "appendix-2021-h1.csv"


def _appendix_rows():
    with APPENDIX.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _counts():
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Unit, User, Category, Topic, Genre)
    }


def test_seed_demo_builds_the_25_units_in_the_report_order(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin" in result.output and "toasoan-demo" in result.output
    units = db.session.scalars(Unit.ordered()).all()
    expected = [(r["group"], r["unit"]) for r in _appendix_rows()]
    assert [(u.group.value, u.name) for u in units] == expected
    assert len(units) == 25
    assert sum(u.group is UnitGroup.MEMBER for u in units) == 16
    for unit in units:
        assert unit.monthly_quota == (2 if unit.group is UnitGroup.MEMBER else 0)
        assert unit.email_list and all(e.endswith("@example.org") for e in unit.email_list)


def test_seed_demo_twice_changes_nothing(app):
    seed_demo()
    before = _counts()
    units_before = [(u.id, u.name, u.display_order) for u in db.session.scalars(Unit.ordered())]
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert _counts() == before
    units_after = [(u.id, u.name, u.display_order) for u in db.session.scalars(Unit.ordered())]
    assert units_after == units_before


def test_seed_demo_has_genres_categories_topics_and_accounts(app):
    seed_demo()
    assert set(db.session.scalars(select(Genre.code))) == {"tin", "bai", "anh", "van_ban", "media"}
    categories = set(db.session.scalars(select(Category.name)))
    assert {"Bầu cử đại biểu Quốc hội và HĐND các cấp", "Thông tin tuyên truyền"} <= categories
    topics = set(db.session.scalars(select(Topic.name)))
    # fields the report says nobody covered
    for name in (
        "Dinh dưỡng - sức khỏe",
        "Tôn giáo - tín ngưỡng",
        "Quy hoạch",
        "Mua sắm công",
        "Đấu thầu",
        "Ngân hàng",
        "Bảo hiểm",
        "Y tế",
        "Thương binh - xã hội",
    ):
        assert name in topics
    users = db.session.scalars(select(User)).all()
    for role in Role:
        assert any(role in u.role_set for u in users), role
    contributor_units = {u.unit_id for u in users if Role.CONTRIBUTOR in u.role_set}
    assert len(contributor_units) >= 3
