"""Rupiah amounts: exact Decimal from calamine numbers or Indonesian text.

`parse_amount` is pure; it raises AmountError(code) with code one of
amount_empty, amount_unreadable, amount_precision. Negative checks are the
caller's business (a pagu cannot be negative, a realisation correction can).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .messages import rupiah


class AmountError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


_SPACES = str.maketrans("", "", " \u00a0\u202f\u2007\t\r\n")
_PLAIN = re.compile(r"\d+")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_DECIMAL = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+),(\d{1,2}|-)")
_CENT = Decimal("0.01")


def _from_float(x: float) -> Decimal:
    if x != x or x in (float("inf"), float("-inf")):
        raise AmountError("amount_unreadable")
    if x.is_integer():
        return Decimal(int(x))
    d = Decimal(repr(x))  # shortest repr: what Excel displays
    if d.as_tuple().exponent < -2:
        raise AmountError("amount_precision")
    return d


def parse_amount(value) -> Decimal:
    """Exact Decimal for a cell value (int/float/Decimal/str); see module doc."""
    t = type(value)
    if t is float:
        return _from_float(value)
    if t is int:
        return Decimal(value)
    if t is Decimal:
        if value.as_tuple().exponent < -2 and value != value.quantize(_CENT):
            raise AmountError("amount_precision")
        return value
    if t is bool or value is None:
        if value is None:
            raise AmountError("amount_empty")
        raise AmountError("amount_unreadable")
    if not isinstance(value, str):
        raise AmountError("amount_unreadable")
    s = value.translate(_SPACES)
    if not s:
        raise AmountError("amount_empty")
    neg = False
    if s[0] == "(" and s[-1] == ")":
        neg, s = True, s[1:-1]
    if s[:1] == "-":
        neg, s = not neg, s[1:]
    if s[:2].lower() == "rp":
        s = s[2:]
        if s[:1] == ".":
            s = s[1:]
        if s[:1] == "-":
            neg, s = not neg, s[1:]
    if not s:
        raise AmountError("amount_unreadable")
    if _PLAIN.fullmatch(s):
        d = Decimal(s)
    elif _THOUSANDS.fullmatch(s):
        d = Decimal(s.replace(".", ""))
    else:
        m = _DECIMAL.fullmatch(s)
        if not m:
            raise AmountError("amount_unreadable")
        if m.group(1) == "-":  # "1.000.000,-" means no cents
            s = s[:-2]
        try:
            d = Decimal(s.replace(".", "").replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the regex guarantees digits
            raise AmountError("amount_unreadable") from None
    return -d if neg else d


def parse_amount_column(col) -> list | None:
    """Fast path for a column of integral floats (the SIPD norm); None otherwise."""
    try:
        if all(map(float.is_integer, col)):
            return list(map(Decimal, map(int, col)))
    except (TypeError, OverflowError, ValueError):
        pass
    return None


_ID_TEXT = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{1,2})?")


def parse_amount_text_column(col) -> list | None:
    """Fast path for a column of Indonesian amount texts as SheetJS writes them
    (``426.264.120,00``): each distinct text converted once, with the same
    result as parse_amount; None when any cell is something else."""
    distinct = set(col)
    match = _ID_TEXT.fullmatch
    for v in distinct:
        if type(v) is not str or match(v) is None:
            return None
    cache = {v: Decimal(v.replace(".", "").replace(",", ".")) for v in distinct}
    return list(map(cache.__getitem__, col))


def format_amount(d: Decimal, *, prefix: bool = False) -> str:
    """Indonesian text of an amount: 1.250.000.000 or 1.250.000.000,50."""
    s = rupiah(d)
    if not prefix:
        s = s.replace("Rp", "", 1)
    return s
