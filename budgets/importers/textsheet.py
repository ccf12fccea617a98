"""Reading a sheet whose cells are all inline text straight from its XML.

SIPD's "Laporan Realisasi Per Dokumen" is written by SheetJS in the browser:
every cell is an inline text (``<c r="AB2" t="str"><v>426.264.120,00</v></c>``),
46 columns, one row per document x rekening. calamine builds every cell of
every column before anything is read (about 490 MB for 100,000 rows, more than
the importer may use), although the parser needs about twenty of them.

For a sheet whose first rows are all inline text, this module reads the sheet
part a chunk at a time, finds the header in the first rows, and keeps only the
columns the header names (and the first ten, where a total row says "Total");
the other columns are empty. A cell of another kind met later (a number, a
shared string, a formula) stops it and the caller reads the sheet with calamine
as usual (``NotTextSheet``), so the result is always what calamine would give
for the cells kept.
"""

from __future__ import annotations

import html
import re
import zipfile

_HEAD_BYTES = 256 * 1024
_CHUNK = 4 << 20
_ROW_R = re.compile(r'\br="(\d+)"')
_CELL_OPEN = re.compile(rb"<c\b([^>]*)>")
_TEXT_KINDS = (b't="str"', b't="inlineStr"')
KEEP_FIRST = 10  # the parser looks for a total row's word in the first ten cells


class NotTextSheet(Exception):
    """The sheet is not all inline text: read it the usual way."""


def _letters_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def is_text_sheet(path: str, part: str) -> bool:
    """True when every cell of the sheet's first rows is inline text."""
    with zipfile.ZipFile(path) as z, z.open(part) as f:
        head = f.read(_HEAD_BYTES)
    start = head.find(b"<sheetData")
    if start < 0:
        return False
    cut = head.rfind(b"</row>")
    if cut < 0:
        return False
    body = head[start:cut]
    if b"<f>" in body or b"<f " in body:
        return False
    cells = _CELL_OPEN.findall(body)
    return bool(cells) and all(any(k in attrs for k in _TEXT_KINDS) for attrs in cells)


def _value(part: str) -> str:
    """The text of one cell (the part after ``<c r="``)."""
    close = part.find(">")
    attrs = part[:close]
    if 't="str"' not in attrs and 't="inlineStr"' not in attrs:
        if part[close - 1] == "/":  # <c r="B2"/>: an empty cell
            return ""
        raise NotTextSheet
    if 't="inlineStr"' in attrs:
        texts = re.findall(r"<t(?:\s[^>]*)?>(.*?)</t>", part[close:], re.S)
        value = "".join(texts)
    else:
        s = part.find("<v>", close)
        if s < 0:
            return ""
        e = part.find("</v>", s)
        value = part[s + 3:e]
    return html.unescape(value) if "&" in value else value


def _cells(row: str) -> list[tuple[int, str]]:
    """(column index, text) of every cell of a row's XML."""
    out = []
    for part in row.split('<c r="')[1:]:
        q = part.find('"')
        ref = part[:q]
        i = 0
        while i < len(ref) and ref[i].isalpha():
            i += 1
        out.append((_letters_index(ref[:i]), _value(part[q:])))
    return out


def _rows(path: str, part: str):
    """(row number, hidden, row XML) of every row, as text, a chunk at a time."""
    with zipfile.ZipFile(path) as z, z.open(part) as f:
        tail = ""
        started = False
        while True:
            chunk = f.read(_CHUNK)
            if not chunk:
                break
            text = tail + chunk.decode("utf-8", "surrogateescape")
            if not started:
                at = text.find("<sheetData")
                if at < 0:
                    tail = text
                    continue
                text = text[at:]
                started = True
            pieces = text.split("</row>")
            tail = pieces.pop()
            for piece in pieces:
                open_at = piece.find("<row")
                if open_at < 0:
                    continue
                end = piece.find(">", open_at)
                tag = piece[open_at:end]
                m = _ROW_R.search(tag)
                if m is None:
                    raise NotTextSheet
                yield int(m.group(1)), 'hidden="1"' in tag or "hidden=\"true\"" in tag, \
                    piece[end + 1:]


def head_rows(path: str, part: str, nrows: int) -> list[list[str]]:
    """The first ``nrows`` rows as lists of text (as calamine's to_python)."""
    out: list[list[str]] = []
    for number, _hidden, row in _rows(path, part):
        if number > nrows:
            break
        while len(out) < number - 1:
            out.append([])
        cells = _cells(row)
        width = max((c for c, _v in cells), default=-1) + 1
        values = [""] * width
        for c, v in cells:
            values[c] = v
        out.append(values)
    return out


_V = re.compile(r"<v>([^<]*)</v>")


def read_text_columns(path: str, part: str, wanted: set[int], limits,
                      width: int) -> tuple[list, int, set]:
    """The sheet as columns (only ``wanted`` and the first ten filled; the rest
    empty strings), the number of rows, and the hidden rows' numbers.

    ``width`` is the header row's number of cells: a row of that many inline text
    cells (SheetJS writes every cell, empty ones too) has its values in column
    order, taken in one pass at C speed; any other row is read cell by cell.
    Repeated texts of a column share one string object (codes and names repeat
    over thousands of rows), as read_columns_compact does for calamine's cells.
    """
    from operator import itemgetter

    keep = sorted(set(wanted) | set(range(min(KEEP_FIRST, width))))
    pick = itemgetter(*keep)
    cols: list[list] = [[] for _ in keep]
    shares: list[dict] = [{} for _ in keep]
    hidden: set = set()
    n = 0
    findall = _V.findall
    for number, is_hidden, row in _rows(path, part):
        if number > limits.max_rows + 1:
            from .messages import rejected

            raise rejected("sheet_too_large", sheet="", detail=f"{number:,} baris",
                           limit=f"{limits.max_rows:,} baris")
        while n < number - 1:  # rows left out of the XML: empty
            for col in cols:
                col.append("")
            n += 1
        if is_hidden:
            hidden.add(number)
        values = findall(row)
        if (len(values) == width and row.count('t="str"') == width
                and row.count('<c r="') == width):
            got = pick(values)
            if "&" in "".join(got):
                got = tuple(html.unescape(v) if "&" in v else v for v in got)
        else:
            cells = dict(_cells(row))
            got = tuple(cells.get(c, "") for c in keep)
        for col, share, v in zip(cols, shares, got, strict=True):
            col.append(share.setdefault(v, v))
        n += 1
    by_index = dict(zip(keep, cols, strict=True))
    empty = [""] * n
    columns = [by_index.get(c, empty) for c in range(max(keep) + 1)]
    return columns, n, hidden
