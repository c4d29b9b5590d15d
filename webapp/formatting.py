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


def register(app) -> None:
    app.jinja_env.filters.update(money=money, number=number, day=day, moment=moment)
