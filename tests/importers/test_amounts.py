from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgets.importers.amounts import AmountError, format_amount, parse_amount


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1250000000", "1250000000"),
        ("1.250.000.000", "1250000000"),
        ("1.250.000.000,00", "1250000000"),
        ("Rp 1.250.000.000", "1250000000"),
        ("Rp1.250.000.000,50", "1250000000.50"),
        ("Rp.\u00a01.000.000,-", "1000000"),
        (" 1.234 ", "1234"),
        ("-1.000", "-1000"),
        ("(1.000)", "-1000"),
        ("1,5", "1.5"),
        (1250000000.0, "1250000000"),
        (1250000.5, "1250000.5"),
        (1250000, "1250000"),
    ],
)
def test_it_reads_every_indonesian_amount_form(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "raw", ["1,250,000.00", "1.25", "12.34.5", "abc", "1,250", "Rp", "1.2345"]
)
def test_it_refuses_ambiguous_or_unreadable_amounts(raw):
    with pytest.raises(AmountError) as e:
        parse_amount(raw)
    assert e.value.code == "amount_unreadable"


def test_an_empty_amount_is_an_error_never_zero():
    for raw in ("", "   ", None):
        with pytest.raises(AmountError) as e:
            parse_amount(raw)
        assert e.value.code == "amount_empty"


def test_a_float_with_more_than_cents_is_an_error():
    with pytest.raises(AmountError) as e:
        parse_amount(1.005)
    assert e.value.code == "amount_precision"


amounts = st.decimals(
    min_value=Decimal("-1e15"),
    max_value=Decimal("1e15"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(amounts, st.booleans())
def test_formatting_any_amount_the_indonesian_way_parses_back_exactly(d, prefix):
    assert parse_amount(format_amount(d, prefix=prefix)) == d


def _sheetjs_text(d: Decimal) -> str:
    whole, cents = f"{d:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + cents


@given(st.lists(amounts.filter(lambda d: d >= 0), min_size=1, max_size=30))
def test_the_text_column_fast_path_reads_exactly_what_parse_amount_reads(values):
    from budgets.importers.amounts import parse_amount_text_column

    col = [_sheetjs_text(d) for d in values] + ["0,00", "1.250", "7,5"]
    fast = parse_amount_text_column(col)
    assert fast == [parse_amount(v) for v in col]
    assert [str(x) for x in fast] == [str(parse_amount(v)) for v in col]


@pytest.mark.parametrize("odd", ["-1.000,00", "Rp 1.000", "1,000.00", "", 5.0, "1.25"])
def test_the_text_column_fast_path_leaves_anything_else_to_parse_amount(odd):
    from budgets.importers.amounts import parse_amount_text_column

    assert parse_amount_text_column(["1.000,00", odd]) is None
