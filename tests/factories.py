"""Plain factory functions: each makes one object with sensible defaults, flushed."""

import itertools

from webapp.auth.models import User
from webapp.extensions import db
from webapp.taxonomy.models import Category, Genre, Topic
from webapp.units.models import Unit, UnitGroup

_seq = itertools.count(1)
PASSWORD = "mat-khau-thu"


def make_unit(**kw) -> Unit:
    n = next(_seq)
    unit = Unit(
        name=kw.pop("name", f"Phòng thử nghiệm {n}"),
        short_name=kw.pop("short_name", f"PTN{n}"),
        group=kw.pop("group", UnitGroup.MEMBER),
        display_order=kw.pop("display_order", n),
        monthly_quota=kw.pop("monthly_quota", 2),
        contact_emails=kw.pop("contact_emails", f"ptn{n}@example.org"),
        **kw,
    )
    db.session.add(unit)
    db.session.flush()
    return unit


def make_user(*roles, unit=None, password=PASSWORD, **kw) -> User:
    n = next(_seq)
    roles = roles or ("contributor",)
    if unit is None and "contributor" in roles:
        unit = make_unit()
    user = User(
        username=kw.pop("username", f"nguoidung{n}"),
        full_name=kw.pop("full_name", f"Người Dùng {n}"),
        email=kw.pop("email", f"user{n}@example.org"),
        unit=unit,
        **kw,
    )
    user.role_set = roles
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_category(**kw) -> Category:
    n = next(_seq)
    category = Category(
        name=kw.pop("name", f"Chuyên mục {n}"), slug=kw.pop("slug", f"cm-{n}"), **kw
    )
    db.session.add(category)
    db.session.flush()
    return category


def make_topic(**kw) -> Topic:
    n = next(_seq)
    topic = Topic(name=kw.pop("name", f"Lĩnh vực {n}"), **kw)
    db.session.add(topic)
    db.session.flush()
    return topic


def make_genre(**kw) -> Genre:
    n = next(_seq)
    genre = Genre(code=kw.pop("code", f"g{n}"), name=kw.pop("name", f"Thể loại {n}"), **kw)
    db.session.add(genre)
    db.session.flush()
    return genre
