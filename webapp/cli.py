"""Commands: ``flask --app wsgi seed-demo``."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from webapp.extensions import db


def seed_demo() -> list[tuple[str, str, list[str]]]:
    """Create the demo district once; later runs change nothing. Returns the demo accounts."""
    from webapp import demo_data as demo
    from webapp.auth import services as users
    from webapp.auth.models import User
    from webapp.taxonomy import services as terms
    from webapp.taxonomy.models import Category, Genre, Topic
    from webapp.text import slugify
    from webapp.units import services as units
    from webapp.units.models import Unit, UnitGroup

    existing_units = {u.name: u for u in db.session.scalars(select(Unit))}
    by_short = {u.short_name: u for u in existing_units.values()}
    groups = [
        (UnitGroup.MEMBER, demo.MEMBER_UNITS, demo.MEMBER_QUOTA),
        (UnitGroup.COLLABORATOR, demo.COLLABORATOR_UNITS, demo.COLLABORATOR_QUOTA),
    ]
    for group, rows, quota in groups:
        for name, short in rows:
            if name in existing_units:
                continue
            unit = units.create_unit(
                None,
                name=name,
                group=group,
                short_name=short,
                monthly_quota=quota,
                contact_emails=f"{slugify(short)}@example.org",
            )
            by_short[short] = unit

    for model, names in ((Category, demo.CATEGORIES), (Topic, demo.TOPICS)):
        have = set(db.session.scalars(select(model.name)))
        for name in names:
            if name not in have:
                terms.create_term(None, model, name=name)
    have = set(db.session.scalars(select(Genre.code)))
    for code, name in demo.GENRES:
        if code not in have:
            terms.create_term(None, Genre, name=name, code=code)

    _seed_example_rules(demo.EXAMPLE_RULE_SET)
    from webapp.reminders.services import ensure_defaults as seed_reminder_schedule

    seed_reminder_schedule()
    _seed_budget(demo)

    have = set(db.session.scalars(select(User.username)))
    accounts = []
    for username, full_name, short, roles in demo.ACCOUNTS:
        accounts.append((username, full_name, roles))
        if username in have:
            continue
        users.create_user(
            None,
            username=username,
            full_name=full_name,
            email=f"{username}@example.org",
            unit_id=by_short[short].id,
            roles=roles,
            password=demo.DEMO_PASSWORD,
        )
    db.session.commit()
    return accounts


def _seed_example_rules(spec: dict) -> None:
    """The example coefficient table, once: an admin replaces it with the province's own."""
    from datetime import date

    from webapp.royalties.models import CountedPer, RoyaltyGenreRule, RoyaltyRuleSet
    from webapp.royalties.reference import seed_reference
    from webapp.taxonomy.models import Genre

    # Any rule set at all means an admin has the table in hand: never add a second one
    # (renamed, the example would otherwise come back and overlap it).
    existing = db.session.scalar(
        select(RoyaltyRuleSet).order_by(RoyaltyRuleSet.is_example.desc(), RoyaltyRuleSet.id)
    )
    if existing is not None:
        seed_reference(existing)
        return
    rule_set = RoyaltyRuleSet(
        name=spec["name"],
        legal_basis=spec["legal_basis"],
        valid_from=date.fromisoformat(spec["valid_from"]),
        unit_percent_centi=spec["unit_percent_centi"],
        tier_percent_centi=spec["tier_percent_centi"],
        is_example=True,
    )
    genres = {g.code: g for g in db.session.scalars(select(Genre))}
    for code, (low, high, default, per) in spec["genres"].items():
        if code in genres:
            rule_set.genre_rules.append(
                RoyaltyGenreRule(
                    genre_id=genres[code].id,
                    min_centi=low,
                    max_centi=high,
                    default_centi=default,
                    counted_per=CountedPer(per),
                )
            )
    db.session.add(rule_set)
    db.session.flush()
    seed_reference(rule_set)


def _seed_budget(demo) -> None:
    """The demo budget: the report's 2021 figures, and the same for the current year."""
    from datetime import date

    from webapp.royalties.models import Budget, Expense
    from webapp.timeutil import local_today

    for year in sorted({2021, local_today().year}):
        if db.session.scalar(select(Budget.id).where(Budget.year == year)) is None:
            db.session.add(
                Budget(
                    year=year,
                    amount=demo.ANNUAL_BUDGET,
                    note="Kinh phí hoạt động Trang TTĐT (số liệu mẫu)",
                )
            )
    for spent_on, category, amount, note in demo.EXPENSES:
        day = date.fromisoformat(spent_on)
        if (
            db.session.scalar(
                select(Expense.id).where(Expense.spent_on == day, Expense.category == category)
            )
            is None
        ):
            db.session.add(Expense(spent_on=day, category=category, amount=amount, note=note))
    db.session.flush()


@click.command("seed-demo")
@click.option(
    "--newsroom",
    is_flag=True,
    help="Thêm tòa soạn đang hoạt động: 6 tháng đầu năm 2021 theo báo cáo và một tháng "
    "làm việc quanh hôm nay.",
)
@with_appcontext
def seed_demo_command(newsroom):
    """Load the demo district (25 units, sections, topics, genres, one account per role)."""
    from webapp.demo_data import DEMO_PASSWORD

    accounts = seed_demo()
    if newsroom:
        from webapp import demo_newsroom

        try:
            added = demo_newsroom.load()
        except demo_newsroom.DemoError as err:
            db.session.rollback()
            raise click.ClickException(str(err)) from None
        db.session.commit()
        click.echo(
            f"Tòa soạn mẫu: thêm {added['half_year']} tin, bài 6 tháng đầu năm 2021 "
            f"và {added['live']} tin, bài của tháng này."
        )
    click.echo(f"Dữ liệu mẫu đã sẵn sàng. Tài khoản (mật khẩu chung: {DEMO_PASSWORD}):")
    for username, full_name, roles in accounts:
        click.echo(f"  {username:<12} {full_name:<24} {', '.join(roles)}")
