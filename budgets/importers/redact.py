"""A copy of an uploaded realisation report without the civil servants' data.

`redact_personal_columns(src_path, dst_path)` writes `dst_path`: the same
workbook with every cell below the header of the `NIP Pegawai` and
`Nama Pegawai` columns emptied (the header cells stay, so the copy still reads
as the same report). The portal keeps that copy, never the original.

An .xlsx is rewritten part by part: the worksheet XML is streamed and only the
cells of those columns are replaced by empty cells (style kept), and a shared
string used by nothing else is emptied too, so the names are not left in
xl/sharedStrings.xml. Everything else is copied byte for byte. Another format
(.xls, .ods) is written as a new .xlsx of the sheets' values.
"""

from __future__ import annotations

import os
import re
import zipfile

from .headers import normalize_header
from .prescan import _xlsx_structure
from .reader import read_columns_compact

PERSONAL_COLUMNS = {"NIP PEGAWAI", "NAMA PEGAWAI", "NIP"}
_SEARCH_ROWS = 20
_CHUNK = 4 << 20

_CELL = re.compile(rb"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_TYPE = re.compile(rb'\s+t="[^"]*"')
_SHARED = re.compile(rb'\bt="s"')
_VALUE = re.compile(rb"<v>\s*(\d+)\s*</v>")
_SI = re.compile(rb"<si\b[^>]*?(?:/>|>.*?</si>)", re.S)


def _letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _personal_columns(rows: list, start: tuple) -> tuple[int, set] | None:
    """(Excel row of the header, column letters) of the personal columns."""
    r0, c0 = start or (0, 0)
    for i, row in enumerate(rows[:_SEARCH_ROWS]):
        cols = {
            _letters(c0 + j + 1)
            for j, v in enumerate(row)
            if isinstance(v, str) and normalize_header(v) in PERSONAL_COLUMNS
        }
        if cols:
            return r0 + i + 1, cols
    return None


def redact_personal_columns(src_path, dst_path) -> None:
    """Write a copy of `src_path` with NIP Pegawai / Nama Pegawai emptied."""
    import python_calamine as pc

    src_path, dst_path = os.fspath(src_path), os.fspath(dst_path)
    with open(src_path, "rb") as f:
        is_zip = f.read(4) == b"PK\x03\x04"
    if is_zip and _is_xlsx(src_path):
        targets = _xlsx_targets(src_path)
        if targets is not None:
            _redact_xlsx(src_path, dst_path, targets)
            return
    wb = pc.CalamineWorkbook.from_path(src_path)
    targets = {}
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        found = _personal_columns(sheet.to_python(nrows=_SEARCH_ROWS), sheet.start)
        if found:
            targets[name] = found
    if is_zip and _is_xlsx(src_path):
        _redact_xlsx(src_path, dst_path, targets)
    else:
        _rewrite_as_xlsx(wb, dst_path, targets)


_HEAD_BYTES = 1 << 20
_HEAD_CELL = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S
)
_INLINE = re.compile(rb"<(?:v|t)(?:\s[^>]*)?>([^<]*)</(?:v|t)>")


def _xlsx_targets(path: str) -> dict | None:
    """The personal columns of every sheet, read from the first rows of the sheet
    XML only (the whole sheet is never loaded for this). None when a header cell
    is a shared string: then the caller reads the sheets the general way."""
    from xml.sax.saxutils import unescape

    targets = {}
    with zipfile.ZipFile(path) as z:
        for name, part in _xlsx_structure(z).sheet_parts.items():
            if part not in z.namelist():
                continue
            with z.open(part) as f:
                head = f.read(_HEAD_BYTES)
            rows: dict[int, dict[str, str]] = {}
            for m in _HEAD_CELL.finditer(head):
                row = int(m.group(2))
                if row > _SEARCH_ROWS:
                    break
                if _SHARED.search(m.group(3)):
                    return None
                inner = m.group(4) or b""
                texts = _INLINE.findall(inner)
                value = unescape(b"".join(texts).decode("utf-8", "replace"))
                rows.setdefault(row, {})[m.group(1).decode()] = value
            for row in sorted(rows):
                cols = {letter for letter, v in rows[row].items()
                        if normalize_header(v) in PERSONAL_COLUMNS}
                if cols:
                    targets[name] = (row, cols)
                    break
    return targets


def _is_xlsx(path: str) -> bool:
    with zipfile.ZipFile(path) as z:
        return "xl/workbook.xml" in z.namelist()


def _redact_xlsx(src: str, dst: str, targets: dict) -> None:
    with zipfile.ZipFile(src) as z:
        parts = {
            part: targets[name]
            for name, part in _xlsx_structure(z).sheet_parts.items()
            if name in targets
        }
        worksheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        has_sst = "xl/sharedStrings.xml" in z.namelist()
        redacted_sst: set = set()
        kept_sst: set = set()
        tmp = f"{dst}.{os.getpid()}.tmp"
        # Level 1: the kept copy is stored, not sent; level 6 cost a third of the time.
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in z.infolist():
                name = info.filename
                if name in parts:
                    header_row, letters = parts[name]
                    with z.open(info) as f, out.open(_info_like(info), "w") as w:
                        _redact_sheet(f, w, header_row, letters, redacted_sst, kept_sst,
                                      shared_strings=has_sst)
                elif name == "xl/sharedStrings.xml":
                    continue  # written last, once every sheet is known
                else:
                    if has_sst and name in worksheets:
                        with z.open(info) as f:
                            _used_shared(f, kept_sst)
                    out.writestr(info, z.read(info))
            if has_sst:
                info = z.getinfo("xl/sharedStrings.xml")
                data = z.read(info)
                blank = redacted_sst - kept_sst
                if blank:
                    data = _blank_shared(data, blank)
                out.writestr(_info_like(info), data)
    os.replace(tmp, dst)


def _info_like(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = zipfile.ZIP_DEFLATED
    new._compresslevel = 1
    new.external_attr = info.external_attr
    return new


def _rows_of(f):
    """The XML in pieces that end with a whole </row> (the rest at the end)."""
    tail = b""
    while True:
        chunk = f.read(_CHUNK)
        if not chunk:
            if tail:
                yield tail
            return
        buf = tail + chunk
        cut = buf.rfind(b"</row>")
        if cut < 0:
            tail = buf
            continue
        cut += len(b"</row>")
        yield buf[:cut]
        tail = buf[cut:]


def _redact_sheet(f, w, header_row: int, letters: set, redacted: set, kept: set,
                  shared_strings: bool = True):
    letters_b = {x.encode() for x in letters}
    if not shared_strings:
        # No shared strings to account for (SheetJS writes every cell inline):
        # only the cells of the target columns are matched, at C speed, instead
        # of a Python call for every cell of the sheet.
        alt = b"|".join(sorted(letters_b))
        # Excel, SheetJS and openpyxl write r first: a literal prefix the regex
        # engine finds fast.
        target = re.compile(
            rb'<c( r="(?:' + alt + rb')(\d+)"[^>]*?)(/>|>(.*?)</c>)', re.S
        )

        def sub_target(m):
            if int(m.group(2)) <= header_row:
                return m.group(0)
            return b"<c" + _TYPE.sub(b"", m.group(1)).rstrip() + b"/>"

        for piece in _rows_of(f):
            w.write(target.sub(sub_target, piece))
        return

    def sub(m):
        attrs = m.group(1)
        shared = _SHARED.search(attrs) is not None
        ref = _REF.search(attrs)
        if (
            ref is None
            or ref.group(1) not in letters_b
            or int(ref.group(2)) <= header_row
        ):
            if shared and m.group(3):
                v = _VALUE.search(m.group(3))
                if v:
                    kept.add(int(v.group(1)))
            return m.group(0)
        if shared and m.group(3):
            v = _VALUE.search(m.group(3))
            if v:
                redacted.add(int(v.group(1)))
        return b"<c" + _TYPE.sub(b"", attrs).rstrip() + b"/>"

    for piece in _rows_of(f):
        w.write(_CELL.sub(sub, piece))


def _used_shared(f, kept: set) -> None:
    for piece in _rows_of(f):
        for m in _CELL.finditer(piece):
            if _SHARED.search(m.group(1)) and m.group(3):
                v = _VALUE.search(m.group(3))
                if v:
                    kept.add(int(v.group(1)))


def _blank_shared(data: bytes, blank: set) -> bytes:
    k = -1

    def sub(m):
        nonlocal k
        k += 1
        return b"<si><t></t></si>" if k in blank else m.group(0)

    return _SI.sub(sub, data)


def _rewrite_as_xlsx(wb, dst: str, targets: dict) -> None:
    from openpyxl import Workbook

    out = Workbook(write_only=True)
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        r0, c0 = sheet.start or (0, 0)
        columns, nrows = read_columns_compact(sheet, r0)
        header_row, letters = targets.get(name, (0, set()))
        for j, col in enumerate(columns):
            if _letters(c0 + j + 1) in letters:
                for i in range(header_row - r0, nrows):
                    col[i] = None
        ws = out.create_sheet(name[:31])
        for _ in range(r0):
            ws.append([])
        for row in zip(*columns, strict=True):
            ws.append([None] * c0 + [None if v == "" else v for v in row])
    tmp = f"{dst}.{os.getpid()}.tmp"
    out.save(tmp)
    os.replace(tmp, dst)
