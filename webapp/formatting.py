"""How money, dates and times are shown: 54.896.000 đ, 29/07/2021."""

from datetime import date, datetime

from flask_babel import get_locale

from webapp.timeutil import to_local


def money(amount: int | None) -> str:
    """Integer đồng with a dot between thousands (a comma in English)."""
    if amount is None:
        return ""
    sep = "," if str(get_locale() or "vi").startswith("en") else "."
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,}".replace(",", sep) + " đ"


def number(value: int | None) -> str:
    if value is None:
        return ""
    sep = "," if str(get_locale() or "vi").startswith("en") else "."
    return f"{int(value):,}".replace(",", sep)


def day(value: date | datetime | None) -> str:
    """dd/mm/yyyy; a stored UTC time is first turned into the local date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def moment(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in local time."""
    if value is None:
        return ""
    return to_local(value).strftime("%d/%m/%Y %H:%M")


def waiting(since: datetime | None, now: datetime | None = None) -> str:
    """How long since ``since`` (naive UTC): "3 ngày 2 giờ", "45 phút"."""
    from flask_babel import gettext as _

    from webapp.timeutil import utcnow

    if since is None:
        return ""
    minutes = max(int(((now or utcnow()) - since).total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d ngày %(h)d giờ", d=days, h=hours)
    if hours:
        return _("%(h)d giờ %(m)d phút", h=hours, m=minutes)
    return _("%(m)d phút", m=minutes)


def register(app) -> None:
    from webapp.royalties.rules import format_coefficient

    app.jinja_env.filters.update(
        money=money,
        number=number,
        day=day,
        moment=moment,
        waiting=waiting,
        coefficient=format_coefficient,
    )
