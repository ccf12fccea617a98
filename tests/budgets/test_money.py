from decimal import Decimal

import pytest

from django.template import Context, Template

from budgets.money import (
    format_number,
    format_percent,
    format_rupiah,
    format_rupiah_short,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567"), "Rp1.234.567"),
        (Decimal("1234567.89"), "Rp1.234.567,89"),
        (Decimal("1700000000000"), "Rp1.700.000.000.000"),
        (Decimal("0"), "Rp0"),
        (Decimal("-5000"), "-Rp5.000"),
        (999, "Rp999"),
        (None, "-"),
    ],
)
def test_rupiah_is_written_the_indonesian_way(value, expected):
    assert format_rupiah(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("2200000000000"), "Rp2,2 triliun"),
        (Decimal("1700000000000"), "Rp1,7 triliun"),
        (Decimal("850000000000"), "Rp850 miliar"),
        (Decimal("12500000"), "Rp12,5 juta"),
        (Decimal("950000"), "Rp950.000"),
    ],
)
def test_large_amounts_are_said_in_juta_miliar_triliun(value, expected):
    assert format_rupiah_short(value) == expected


def test_english_uses_english_words_and_separators():
    assert format_rupiah_short(Decimal("1700000000000"), language="en") == "Rp1.7 trillion"


def test_percent_uses_a_comma():
    assert format_percent(Decimal("-0.22727")) == "-22,7%"
    assert format_percent(Decimal("0.5")) == "50,0%"


def test_numbers_group_thousands_with_dots():
    assert format_number(Decimal("1234567.5"), 1) == "1.234.567,5"


def test_template_filters_are_builtins():
    from django.utils import translation

    with translation.override("id"):
        out = Template("{{ v|rupiah }} {{ v|rupiah_short }} {{ r|persen }}").render(
            Context({"v": Decimal("1700000000000"), "r": Decimal("0.227")})
        )
    assert out == "Rp1.700.000.000.000 Rp1,7 triliun 22,7%"
