"""Text entering and leaving the portal: one rule for control characters, one
guard against spreadsheet formulas.

- ``clean_text`` is applied where text enters (form posts and query strings in
  ``core.middleware.CleanInputMiddleware``, JSON bodies in
  ``core.parsers.SafeJSONParser``). A vertical tab or form feed (Word and PDF
  line breaks) becomes a newline; every other control character, lone
  surrogate and noncharacter is dropped. Tab, newline and carriage return stay.
- ``export_text`` is applied by every file writer (``budgets.exports``,
  ``roadmap.report``, and any writer added later: ``tests/security`` checks
  that every module building a workbook or CSV imports it) to every cell and
  to the stamp. Control characters that remain (stored before this rule, or
  from an import) become U+FFFD; text a spreadsheet would run as a formula
  gets a leading apostrophe where the format cannot mark it as plain text.
"""

from __future__ import annotations

import re

# C0 controls except \t \n \r (and VT/FF, turned into line breaks), DEL, C1
# controls, lone surrogates, U+FFFE/U+FFFF. The SIPD importer reads cells with
# the same class (budgets.importers.codes.CONTROL_CHARS).
CONTROL_CLASS = "\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_CONTROL_RE = re.compile(f"[{CONTROL_CLASS}]")
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
# What a spreadsheet takes for the start of a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
REPLACEMENT = "\ufffd"


def has_control(text: str) -> bool:
    return bool(_CONTROL_RE.search(text)) or "\x0b" in text or "\x0c" in text


def clean_text(value: str) -> str:
    """Input text without control characters (see the module docstring)."""
    if not isinstance(value, str):
        return value
    if "\x0b" in value or "\x0c" in value:
        value = value.translate(_LINE_BREAKS)
    return _CONTROL_RE.sub("", value)


def _visible(text: str) -> str:
    """Output text: every control character but tab, newline and CR shown as U+FFFD."""
    text = _CONTROL_RE.sub(REPLACEMENT, text)
    return text.replace("\x0b", REPLACEMENT).replace("\x0c", REPLACEMENT)


def is_formula_like(text: str) -> bool:
    return bool(text) and text.startswith(FORMULA_START)


def export_text(value, *, plain_cells: bool = False, one_line: bool = False):
    """A value as a file writer may write it; anything but text passes unchanged.

    ``plain_cells``: the writer marks the cell as a string that is never
    evaluated (XLSX inline/shared string with ``data_type="s"``), so the text is
    kept as it is; otherwise a formula-like start gets an apostrophe.
    ``one_line``: the text goes on a line of its own (the CSV ``# Filter:``
    stamp), so line breaks become spaces.
    """
    if not isinstance(value, str):
        return value
    text = _visible(value)
    if one_line:
        text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    if not plain_cells and is_formula_like(text):
        text = "'" + text
    return text


def download_name(name: str) -> str:
    """A stored file name as it may go into Content-Disposition: one line, no
    control characters (a newline there would be a 500: BadHeaderError)."""
    return export_text(name or "", plain_cells=True, one_line=True).strip() or "berkas"
