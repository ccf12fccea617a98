"""Fuzz of the spreadsheet reader: only a ParseResult or a clean FileRejected.

Hypothesis generates hostile inputs of five families - random workbooks (random
headers, cell types and values), random bytes inside a valid xlsx zip, a real
SIPD sample truncated anywhere, its XML parts mutated byte by byte, and plain
random bytes - and runs ``parse_file`` in the forked, memory-capped child, as
the worker does. It asserts that every input either parses or is refused with
a clear message, never another exception, never a "reader crashed" refusal (a
Python exception, a signal, a memory error or a timeout inside the child), and
always within a time bound.

A short run is part of the normal suite (``FUZZ_EXAMPLES`` examples per
family, default 40: about 20 s). The longer run is documented in the README
under "Fuzzing": ``FUZZ_EXAMPLES=5000 python -m pytest tests/importers/test_fuzz.py``.
"""

from __future__ import annotations

import io
import os
import string
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets.importers import FileRejected, Limits, ParseResult, parse_file

from .workbooks import (
    REALISASI_HEADERS,
    REKAP_HEADERS,
    Formula,
    Rich,
    Sheet,
    xlsx_bytes,
)

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures_files" / "sipd_rekap_pagu_sample.xlsx"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
#: Each input must be answered well within this many seconds.
TIME_BOUND = 20.0
#: The child's own caps: a memory cap well below the default, and a timeout
#: above TIME_BOUND so a hang shows as a reader_crashed "timeout" refusal.
LIMITS = Limits(child_memory_bytes=512 * 1024 * 1024, timeout_seconds=30.0)

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # timed by TIME_BOUND instead (the fork costs vary)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
    derandomize=EXAMPLES <= 100,  # the CI run is the same every time
    print_blob=True,
)


def check(data: bytes, tmp_path: Path, name: str = "fuzz.xlsx") -> None:
    path = tmp_path / name
    path.write_bytes(data)
    t0 = time.monotonic()
    try:
        result = parse_file(path, limits=LIMITS)
    except FileRejected as exc:
        assert exc.code != "reader_crashed", f"{exc.code}: {exc.message_en}"
        assert exc.message and exc.message_en
        assert "Traceback" not in exc.message
    else:
        assert isinstance(result, ParseResult)
        for err in result.errors:
            assert err.message and "Traceback" not in err.message
    elapsed = time.monotonic() - t0
    assert elapsed < TIME_BOUND, f"{elapsed:.1f}s"


# --- strategies --------------------------------------------------------------------

_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
_codeish = st.from_regex(r"[0-9]{1,2}(\.[0-9]{1,4}){0,7}", fullmatch=True)
_amountish = st.sampled_from(
    ["1250000000", "1.250.000.000", "1.250.000.000,00", "Rp 1.250.000.000", "-5", "",
     "1,5", "1.2.3", "Rp", "1e9", "NaN", "∞", "١٢٣"]
)
_cell = st.one_of(
    st.none(),
    _text,
    _codeish,
    _amountish,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=2,
                min_value=Decimal("-1e15"), max_value=Decimal("1e15")),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.builds(Formula, st.sampled_from(["SUM(A1:A3)", "1/0", "A1&B1", ""]),
              st.one_of(st.none(), st.integers(), _text)),
    st.builds(Rich, st.lists(_text, min_size=1, max_size=3).map(tuple)),
)
_header = st.one_of(
    st.sampled_from(REKAP_HEADERS + REALISASI_HEADERS + ["PILAR", "STRATEGI", "NILAI",
                                                         "KODE SUB SKPD", "JUMLAH"]),
    _text,
)


@st.composite
def workbooks(draw) -> bytes:
    """A random workbook: a few sheets, random headers, random rows and cells."""
    sheets = []
    for i in range(draw(st.integers(1, 3))):
        base = draw(st.sampled_from([REKAP_HEADERS, REALISASI_HEADERS, []]))
        headers = list(base)
        if headers and draw(st.booleans()):
            headers = draw(st.permutations(headers))[: draw(st.integers(1, len(headers)))]
        headers += draw(st.lists(_header, max_size=4))
        width = max(len(headers), 1)
        rows = draw(st.lists(st.lists(_cell, max_size=width + 2), max_size=12))
        lead = draw(st.lists(st.lists(_text, max_size=3), max_size=4))  # title rows
        sheets.append(Sheet(
            name=draw(st.sampled_from(["Sheet1", "Rekap", "Data", "Lembar " + str(i)]))
            + str(i),
            rows=lead + [headers] + rows,
            state=draw(st.sampled_from(["visible", "visible", "hidden"])),
            hidden_rows=set(draw(st.lists(st.integers(1, 20), max_size=3))),
            dimension=draw(st.one_of(st.none(), st.sampled_from(
                ["A1", "A1:XFD1048576", "B2:A1", "garbage", "A1:W0"]))),
        ))
    if all(s.state == "hidden" for s in sheets):
        sheets[0].state = "visible"
    return xlsx_bytes(sheets)


def _sample_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(SAMPLE) as z:
        return {n: z.read(n) for n in z.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


@st.composite
def mutated_samples(draw) -> bytes:
    """The real sample with its XML parts flipped, cut, duplicated or spliced."""
    parts = _sample_parts()
    names = sorted(n for n in parts if n.endswith(".xml") or n.endswith(".rels"))
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(names))
        data = bytearray(parts[name])
        op = draw(st.sampled_from(["flip", "cut", "insert", "dup", "delete_part"]))
        if op == "delete_part":
            parts.pop(name, None)
            names = [n for n in names if n in parts] or names
            continue
        if not data:
            continue
        at = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            for k in range(draw(st.integers(1, 8))):
                i = (at + k * 37) % len(data)
                data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            data = data[:at]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from([
                b"<", b"&", b"]]>", b"<c r=\"A1\" t=\"s\"><v>99999</v></c>",
                b"<row r=\"0\"/>", b"<row r=\"1048577\"><c r=\"ZZZZ1\"/></row>",
                b"\xff\xfe", b"<!DOCTYPE x [<!ENTITY a \"b\">]>", b"&a;", b"\x00",
                b"<v>1e999</v>", b"t=\"e\"", b"t=\"d\"", b"<f>A1</f>",
            ]))
        elif op == "dup":
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end] * draw(st.integers(1, 5))
        parts[name] = bytes(data)
    return _zip(parts)


@st.composite
def random_parts(draw) -> bytes:
    """A valid zip with the parts of an xlsx, holding random bytes."""
    parts = _sample_parts()
    for name in draw(st.lists(st.sampled_from(sorted(parts)), min_size=1, max_size=4)):
        parts[name] = draw(st.binary(max_size=2048))
    return _zip(parts)


# --- the fuzz tests ----------------------------------------------------------------


@FUZZ
@given(data=workbooks())
def test_random_workbooks(data, tmp_path):
    check(data, tmp_path)


@FUZZ
@given(data=mutated_samples())
def test_mutated_xml_of_a_real_sample(data, tmp_path):
    check(data, tmp_path)


@FUZZ
@given(data=random_parts())
def test_random_bytes_inside_a_valid_zip(data, tmp_path):
    check(data, tmp_path)


@FUZZ
@given(cut=st.floats(0, 1, exclude_max=True), name=st.sampled_from(["a.xlsx", "a.xls",
                                                                       "a.ods", "a.csv"]))
def test_truncated_sample(cut, name, tmp_path):
    data = SAMPLE.read_bytes()
    check(data[: int(len(data) * cut)], tmp_path, name)


@FUZZ
@given(data=st.one_of(
    st.binary(max_size=4096),
    st.binary(max_size=512).map(lambda b: b"PK\x03\x04" + b),
    st.binary(max_size=512).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b),
    st.text(string.printable, max_size=1024).map(lambda t: ("<html><table>" + t).encode()),
))
def test_random_bytes(data, tmp_path):
    check(data, tmp_path)


@pytest.mark.parametrize("name", ["a.xlsx"])
def test_the_sample_itself_parses(name, tmp_path):
    result = parse_file(SAMPLE, limits=LIMITS)
    assert isinstance(result, ParseResult) and len(result.rows) == 60
