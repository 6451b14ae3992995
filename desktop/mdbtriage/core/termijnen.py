"""The end of a legal term under the Algemene termijnenwet.

A term of calendar days that ends on a Saturday, a Sunday or a general holiday ends on the next
day that is none of these (art. 1). The holidays (art. 3): Nieuwjaarsdag, Goede Vrijdag, tweede
Paasdag, Koningsdag (27 April, 26 April when the 27th is a Sunday), Bevrijdingsdag (5 mei),
Hemelvaartsdag, tweede Pinksterdag and both Christmas days; the Easter-dependent ones are
computed. Days a royal decree equates with them come from the policy data as a dated list.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from functools import cache


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def general_holidays(year: int) -> dict[date, str]:
    """The general holidays of art. 3 in ``year``, each with its Dutch name."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    return {
        date(year, 1, 1): "Nieuwjaarsdag",
        easter - timedelta(days=2): "Goede Vrijdag",
        easter + timedelta(days=1): "tweede Paasdag",
        kings_day: "Koningsdag",
        date(year, 5, 5): "Bevrijdingsdag",
        easter + timedelta(days=39): "Hemelvaartsdag",
        easter + timedelta(days=50): "tweede Pinksterdag",
        date(year, 12, 25): "eerste Kerstdag",
        date(year, 12, 26): "tweede Kerstdag",
    }


def is_rest_day(day: date, extra_holidays: Collection[date] = ()) -> bool:
    """Whether a term may not end on ``day``: a weekend day, a general holiday or an equated
    day."""
    return day.weekday() >= 5 or day in general_holidays(day.year) or day in extra_holidays


def term_end(last_day: date, extra_holidays: Collection[date] = ()) -> date:
    """The day a term whose last calendar day is ``last_day`` really ends (art. 1)."""
    day = last_day
    while is_rest_day(day, extra_holidays):
        day += timedelta(days=1)
    return day
