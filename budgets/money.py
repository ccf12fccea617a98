"""Money and percentages written the Indonesian way; the one formatting helper.

``format_rupiah(Decimal("1700000000000"))`` -> ``Rp1.700.000.000.000``
``format_rupiah_short(Decimal("1700000000000"))`` -> ``Rp1,7 triliun``
``format_percent(Decimal("-0.2272"))`` -> ``-22,7%``

Used by templates (``budgets.templatetags.rupiah``), exports and messages, so
every figure in the portal is written the same way.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SCALES = (
    (Decimal(10) ** 12, "triliun", "trillion"),
    (Decimal(10) ** 9, "miliar", "billion"),
    (Decimal(10) ** 6, "juta", "million"),
)


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _group(digits: str) -> str:
    """Thousands separated by dots: ``1234567`` -> ``1.234.567``."""
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return ".".join(reversed(out))


def format_number(value, decimals: int = 0) -> str:
    """``1234567.5`` -> ``1.234.567,5`` (with ``decimals=1``)."""
    number = to_decimal(value)
    if number is None:
        return "-"
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, frac = f"{abs(number):f}".partition(".")
    text = _group(whole)
    if decimals:
        text += "," + frac.ljust(decimals, "0")[:decimals]
    return sign + text


def format_rupiah(value, *, cents: bool | None = None) -> str:
    """``Rp1.234.567`` (cents shown only when present, unless forced)."""
    number = to_decimal(value)
    if number is None:
        return "-"
    show_cents = cents if cents is not None else number != number.to_integral_value()
    text = format_number(number, 2 if show_cents else 0)
    if text.startswith("-"):
        return "-Rp" + text[1:]
    return "Rp" + text


def format_rupiah_short(value, *, language: str = "id", digits: int = 1) -> str:
    """``Rp2,2 triliun``, ``Rp850 miliar``, ``Rp12,5 juta``; small amounts in full."""
    number = to_decimal(value)
    if number is None:
        return "-"
    for scale, word_id, word_en in SCALES:
        if abs(number) >= scale:
            scaled = (number / scale).quantize(
                Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
            )
            if scaled == scaled.to_integral_value():
                text = format_number(scaled, 0)
            else:
                text = format_number(scaled, digits)
            if language.startswith("en"):
                text = text.replace(".", "\0").replace(",", ".").replace("\0", ",")
            word = word_en if language.startswith("en") else word_id
            sign = "-" if text.startswith("-") else ""
            return f"{sign}Rp{text.lstrip('-')} {word}"
    return format_rupiah(number)


def format_percent(value, *, digits: int = 1) -> str:
    """A fraction as an Indonesian percentage: ``0.227`` -> ``22,7%``."""
    number = to_decimal(value)
    if number is None:
        return "-"
    return format_number(number * 100, digits) + "%"


def ratio(part, whole) -> Decimal | None:
    part, whole = to_decimal(part), to_decimal(whole)
    if part is None or not whole:
        return None
    return part / whole
