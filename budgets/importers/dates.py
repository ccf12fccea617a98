"""Dates of SIPD cells: Excel dates, numeric text and Indonesian long form.

`parse_date(value)` is pure and returns a ``datetime.date`` or raises
ValueError. Text forms read:

- ``2024-03-15``, ``15/03/2024``, ``15-03-2024``, ``15.03.2024``, ``2024/03/15``,
  ``15/03/24``, with or without a time after them;
- long form with a month name in any case, Indonesian or English, full or
  abbreviated: ``8 Januari 2025``, ``08 JANUARI 2025``, ``8-Agt-2025``,
  ``8 Sept. 2025``, ``Rabu, 8 Januari 2025``, ``8 Januari 2025 10:15:00``,
  ``January 8, 2025``.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    1: ("januari", "jan", "january"),
    2: ("februari", "pebruari", "feb", "peb", "february"),
    3: ("maret", "mar", "march"),
    4: ("april", "apr"),
    5: ("mei", "may"),
    6: ("juni", "jun", "june"),
    7: ("juli", "jul", "july"),
    8: ("agustus", "agt", "agu", "ags", "agst", "aug", "august"),
    9: ("september", "sep", "sept"),
    10: ("oktober", "okt", "oct", "october"),
    11: ("november", "nopember", "nov", "nop"),
    12: ("desember", "des", "dec", "december"),
}
MONTH_OF_NAME = {name: m for m, names in _MONTHS.items() for name in names}

_NUMERIC_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d/%m/%y",
)
_TIME_TAIL = re.compile(
    r"(?:[ T]+(?:pukul\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)$", re.I
)
# "Rabu, 8 Januari 2025" / "8 Januari 2025" / "8-Jan-2025" / "8 Sept. 2025"
_DAY_MONTH_YEAR = re.compile(
    r"(?:[^\W\d_]+'?[^\W\d_]*\s*,\s*)?(\d{1,2})[\s\-/.]+([^\W\d_]+)\.?[\s\-/.,]+(\d{4})"
)
# "January 8, 2025"
_MONTH_DAY_YEAR = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


def _make(y: int, m: int, d: int) -> dt.date:
    if not 1900 <= y <= 2199:
        raise ValueError(f"year {y} out of range")
    return dt.date(y, m, d)  # ValueError on 31 Februari


def parse_date(value) -> dt.date:
    """A ``date`` for a cell value; ValueError when it is not a readable date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("not a date")
    s = " ".join(value.split())
    if not s:
        raise ValueError("empty")
    s = _TIME_TAIL.sub("", s)
    if s[:1].isdigit():
        for f in _NUMERIC_FORMATS:
            try:
                d = dt.datetime.strptime(s, f).date()
            except ValueError:
                continue
            return _make(d.year, d.month, d.day)
    m = _DAY_MONTH_YEAR.fullmatch(s)
    if m:
        day, name, year = m.group(1), m.group(2), m.group(3)
    else:
        m = _MONTH_DAY_YEAR.fullmatch(s)
        if not m:
            raise ValueError("unreadable date")
        name, day, year = m.group(1), m.group(2), m.group(3)
    month = MONTH_OF_NAME.get(name.lower())
    if month is None:
        raise ValueError(f"unknown month {name!r}")
    return _make(int(year), month, int(day))
