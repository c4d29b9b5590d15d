"""Months as the district counts them: calendar months in Asia/Ho_Chi_Minh.

Pure functions, no database: a ``Period`` knows its code ("2026-11", stored), its label
("11/2026", shown) and its bounds as the naive UTC times the database stores.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from webapp.timeutil import LOCAL_TZ


def local_midnight_utc(day: date) -> datetime:
    """00:00 of ``day`` in Asia/Ho_Chi_Minh, as the naive UTC time the database stores."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month: ``code`` "2026-11" in the database, ``label`` "11/2026" on screen."""

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, code: str) -> Period:
        year, month = code.split("-")
        return cls(int(year), int(month))

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    def shift(self, months: int) -> Period:
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    @property
    def utc_start(self) -> datetime:
        return local_midnight_utc(self.first_day)

    @property
    def utc_end(self) -> datetime:
        return self.shift(1).utc_start


def months(first: Period, last: Period) -> list[Period]:
    """Every month from ``first`` to ``last``, both included."""
    out, current = [], first
    while current <= last:
        out.append(current)
        current = current.shift(1)
    return out


def days_left(today: date) -> int:
    """Days left in the month, today included: on the last day, one."""
    return Period.of(today).days - today.day + 1
