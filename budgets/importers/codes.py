"""Normalisation and validation of SIPD classification codes (DOMAIN.md section 3).

`normalize_code(level, raw)` returns a CodeResult: the normalised text (or None when
invalid), an error code and its message params, and an optional warning code.
Codes always stay text. Rules:

- spaces (incl. non-breaking) inside and around a code are removed;
- a code Excel stored as a number is normalised only when unambiguous: an integral
  number for a one-part code (urusan 1 -> "1", paket 3 -> "3"); anything else
  (bidang 1.1 could be 1.10) is `code_stored_as_number`;
- the kegiatan level digit written with two digits (1.06.05.02.02) is normalised to
  one digit (1.06.05.2.02) AND reported as warning `kegiatan_level_two_digits`:
  the line is kept but the user sees it in the preview (never silently guessed).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from core.text import CONTROL_CLASS


class CodeResult(NamedTuple):
    value: str | None
    error: str | None = None
    params: dict | None = None
    warning: str | None = None


class Level(NamedTuple):
    key: str
    regex: re.Pattern
    parts: int | None  # expected number of dotted parts (None: loose)
    pattern: str
    example: str
    name_id: str
    name_en: str
    two_digit_level: re.Pattern | None = None


#: Urusan.bidang part of a code; SIPD writes X.XX for the "non urusan"
#: supporting programmes shared by every bidang (X.XX.01 PROGRAM PENUNJANG
#: URUSAN PEMERINTAHAN DAERAH).
_UB = r"(?:\d\.\d{2}|X\.XX)"

LEVELS: dict[str, Level] = {
    "urusan": Level("urusan", re.compile(r"\d|X"), 1, "U", "1", "urusan", "urusan"),
    "bidang": Level(
        "bidang", re.compile(_UB), 2, "U.BB", "1.06", "bidang urusan", "bidang"
    ),
    "program": Level(
        "program",
        re.compile(_UB + r"\.\d{2}"),
        3,
        "U.BB.PP",
        "1.06.05",
        "program",
        "program",
    ),
    "kegiatan": Level(
        "kegiatan",
        re.compile(_UB + r"\.\d{2}\.\d\.\d{2}"),
        5,
        "U.BB.PP.L.KK",
        "1.06.05.2.02",
        "kegiatan",
        "kegiatan",
        re.compile(r"(" + _UB + r"\.\d{2}\.)0(\d\.\d{2})"),
    ),
    "sub_kegiatan": Level(
        "sub_kegiatan",
        re.compile(_UB + r"\.\d{2}\.\d\.\d{2}\.\d{2,4}"),
        6,
        "U.BB.PP.L.KK.SSSS",
        "1.06.05.2.02.0001",
        "sub kegiatan",
        "sub kegiatan",
        re.compile(r"(" + _UB + r"\.\d{2}\.)0(\d\.\d{2}\.\d{2,4})"),
    ),
    "skpd": Level(
        "skpd",
        re.compile(r"\d+(?:\.\d+){7}"),
        8,
        "8 kelompok angka bertitik",
        "1.06.0.00.0.00.01.0000",
        "SKPD / unit",
        "SKPD / unit",
    ),
    "rekening": Level(
        "rekening",
        re.compile(r"\d+(?:\.\d+)*"),
        None,
        "angka bertitik",
        "5.1.02.01.01.0024",
        "rekening",
        "account",
    ),
    "sumber_dana": Level(
        "sumber_dana",
        re.compile(r"\d+(?:\.\d+)*"),
        None,
        "angka bertitik",
        "1.1",
        "sumber dana",
        "funding source",
    ),
}

_STRIP = str.maketrans("", "", " \u00a0\u202f\u2007\t\r\n\u200b")


#: Control characters (the portal's one class, ``core.text.CONTROL_CLASS``, with
#: vertical tab, form feed and carriage return: a cell is one line of text), and
#: the ``_xHHHH_`` escapes of them that Excel writes in shared strings (calamine
#: decodes those; other readers and copy-paste can leave them literal).
CONTROL_CHARS = re.compile(
    f"[{CONTROL_CLASS}\x0b\x0c\x0d]" + r"|_x00(?:0[0-8bBcCdDeEfF]|1[0-9a-fA-F])_"
)


def strip_controls(text: str) -> str:
    """`text` without control characters (tab and newline kept)."""
    return CONTROL_CHARS.sub("", text)


def clean_text(raw) -> str:
    """Cell value as trimmed text ('' for empty); integral floats lose '.0'."""
    if raw is None:
        return ""
    t = type(raw)
    if t is str:
        return raw.strip().replace("\u00a0", " ")
    if t is float and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _problem(level: Level, s: str) -> tuple[str, str]:
    if not re.fullmatch(r"[\dX.]+", s):
        return (
            "berisi karakter selain angka dan titik",
            "contains characters other than digits and dots",
        )
    if level.parts:
        n = len(s.split("."))
        if n < level.parts:
            k = level.parts - n
            return (f"kurang {k} bagian", f"is missing {k} part(s)")
        if n > level.parts:
            k = n - level.parts
            return (f"kelebihan {k} bagian", f"has {k} part(s) too many")
    return (
        f"bukan kode {level.name_id} yang sah",
        f"is not a valid {level.name_en} code",
    )


def normalize_code(level_key: str, raw) -> CodeResult:
    level = LEVELS[level_key]
    t = type(raw)
    if t is float or t is int:
        if t is int or raw.is_integer():
            s = str(int(raw))
            if level.parts == 1 and level.regex.fullmatch(s):
                return CodeResult(s)
        return CodeResult(None, "code_stored_as_number", {})
    if t is not str:
        return CodeResult(None, "code_format", _params(level, str(raw)))
    s = raw.translate(_STRIP)
    if not s:
        return CodeResult("")
    if level.regex.fullmatch(s):
        return CodeResult(s)
    if level.two_digit_level is not None:
        m = level.two_digit_level.fullmatch(s)
        if m:
            return CodeResult(
                m.group(1) + m.group(2), None, None, "kegiatan_level_two_digits"
            )
    return CodeResult(None, "code_format", _params(level, s))


def _params(level: Level, s: str) -> dict:
    pid, pen = _problem(level, s)
    return {
        "problem_id": pid,
        "problem_en": pen,
        "pattern": level.pattern,
        "example": level.example,
    }


def parent_code(level_key: str, code: str) -> str:
    """Prefix of a sub kegiatan / kegiatan code at a higher level."""
    parts = code.split(".")
    n = {"urusan": 1, "bidang": 2, "program": 3, "kegiatan": 5}[level_key]
    return ".".join(parts[:n])


def _canonical(code: str) -> str:
    s = code.translate(_STRIP) if isinstance(code, str) else str(code)
    parts = s.split(".")
    if not s or not all(p.isdigit() for p in parts):
        return s
    return ".".join(str(int(p)) for p in parts)


def canonical_account_code(code: str) -> str:
    """The same value for one account whatever the width of its parts.

    SIPD widened the parts of account codes in 2026: ``5.1.02.03.03.0001``
    (2024-25) and ``5.1.02.03.003.00001`` (2026) are the same account. The
    canonical form is the parts as integers joined by dots (``5.1.2.3.3.1``);
    it is for comparing years, never shown: the code as written stays the
    line's code. A code that is not dotted digits is returned trimmed.
    """
    return _canonical(code)


def canonical_funding_code(code: str) -> str:
    """Like ``canonical_account_code``, for a sumber dana code
    (``2.2.01.08.02.0004`` and ``2.2.1.8.2.4`` are the same source)."""
    return _canonical(code)
