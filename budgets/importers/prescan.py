"""Checks done on the raw bytes BEFORE python-calamine touches a file.

calamine aborts the whole process (not an exception) on some hostile files: a cell
at XFD1048576 makes it allocate ~550 GB, a zip bomb inflates without limit. So:

- `sniff_and_check(path, limits)` looks at magic bytes (zip, OLE, PDF, HTML, images,
  text), then for zips checks entry count, per-entry / total inflated size and
  ratio, macros (vbaProject.bin), DOCTYPE/ENTITY declarations in every XML part,
  and verifies each non-worksheet part's CRC by streaming it (zipfile stops at the
  declared size, so a lying header shows up as a CRC error);
- `scan_worksheet(zip, part, limits)` streams one worksheet's XML in 1 MB chunks:
  refuses cell references beyond column ZZZ-range (3 letters) or row 1,000,000,
  collects hidden rows (`<row ... hidden="1">`), verifies the CRC. (Only
  `<row r=` is checked for 7-digit rows, which is ~3x cheaper than every cell
  reference; a crafted cell at a far row inside a low <row> still cannot hurt the
  parent: calamine then dies in the memory-capped child -> reader_crashed.) The declared
  <dimension> is ignored by calamine (verified: A1:XFD1048576 over 3 rows reads
  3 rows at normal speed), so it is only reported, never trusted.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET

from .messages import rejected
from .types import Limits

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_HTML_RE = re.compile(rb"<\s*(html|table|!doctype\s+html|head|body|meta|tr|td)\b", re.I)
_XML_ROOT = re.compile(rb"<[A-Za-z_]")
_ENTITY_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_FAR_COL = re.compile(rb'r="[A-Z]{3}')
_FAR_ROW = re.compile(rb'<row r="\d{7}')
_HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_R = re.compile(rb'\br="(\d+)"')
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass
class Prescan:
    format: str  # "xlsx" | "xls" | "ods"
    sheet_parts: dict = field(default_factory=dict)  # xlsx: sheet name -> zip part
    dimensions: dict = field(default_factory=dict)  # xlsx: part -> declared ref
    notes: list = field(default_factory=list)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def sniff_and_check(path: str, limits: Limits) -> Prescan:
    try:
        size = os.path.getsize(path)
    except OSError as e:
        raise rejected("corrupt_file", detail=type(e).__name__) from None
    if size == 0:
        raise rejected("empty_file")
    if size > limits.max_file_bytes:
        raise rejected(
            "file_too_large", size=_mb(size), limit=_mb(limits.max_file_bytes)
        )
    with open(path, "rb") as f:
        head = f.read(8192)
    if head.startswith(ZIP_MAGICS):
        return _check_zip(path, limits)
    if head.startswith(OLE_MAGIC):
        return _check_ole(path)
    if head.startswith(b"%PDF"):
        raise rejected("pdf_file")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")) or head[8:12] in (
        b"WEBP",
    ):
        raise rejected("image_file")
    text = _as_text(head)
    if text is not None:
        if _HTML_RE.search(text.encode("utf-8", "ignore")[:4096]):
            raise rejected("html_table")
        raise rejected("text_file")
    raise rejected("not_spreadsheet")


def _as_text(head: bytes) -> str | None:
    for bom, enc in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            try:
                return head[len(bom) :].decode(enc, "ignore")
            except UnicodeDecodeError:  # pragma: no cover
                return None
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start >= len(head) - 4:  # cut in the middle of a character
            return head[: e.start].decode("utf-8")
    try:
        t = head.decode("cp1252")
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in t)
    return t if printable >= 0.95 * len(t) else None


def _check_ole(path: str) -> Prescan:
    with open(path, "rb") as f:
        data = f.read()
    if "EncryptedPackage".encode("utf-16-le") in data or (
        "EncryptionInfo".encode("utf-16-le") in data
    ):
        raise rejected("encrypted_file")
    if "_VBA_PROJECT".encode("utf-16-le") in data:
        raise rejected("macro_workbook")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return Prescan("xls")
    raise rejected("not_spreadsheet")


def check_xml_head(data: bytes, part: str, limits: Limits) -> None:
    """Refuse DOCTYPE / ENTITY declarations before (or instead of) the root."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", "ignore").encode("utf-8")
    if _ENTITY_RE.search(data):
        raise rejected("xml_entities", part=part)
    if len(data) >= limits.xml_head_bytes and not _XML_ROOT.search(data):
        raise rejected("xml_entities", part=part)


def _check_zip(path: str, limits: Limits) -> Prescan:
    try:
        z = zipfile.ZipFile(path)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
    ) as e:
        raise rejected("corrupt_file", detail=f"zip: {e}") from None
    with z:
        infos = z.infolist()
        if len(infos) > limits.max_zip_entries:
            raise rejected("zip_bomb", detail=f"{len(infos)} entri zip / entries")
        total = 0
        names = set()
        for info in infos:
            total += info.file_size
            names.add(info.filename)
            if info.file_size > limits.max_entry_bytes:
                raise rejected(
                    "zip_bomb", detail=f"{info.filename}: {_mb(info.file_size)}"
                )
            if (
                info.file_size > limits.ratio_min_bytes
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)
            ):
                ratio = info.file_size / max(info.compress_size, 1)
                raise rejected(
                    "zip_bomb", detail=f"{info.filename}: rasio / ratio {ratio:.0f}:1"
                )
            if info.filename.lower().endswith("vbaproject.bin"):
                raise rejected("macro_workbook")
        if total > limits.max_uncompressed_bytes:
            raise rejected("zip_bomb", detail=f"total {_mb(total)}")
        if "xl/workbook.xml" in names or any(
            n.lower() == "xl/workbook.xml" for n in names
        ):
            fmt = "xlsx"
        elif "content.xml" in names:
            fmt = "ods"
        else:
            raise rejected("not_spreadsheet")
        try:
            for info in infos:
                lower = info.filename.lower()
                is_xml = lower.endswith((".xml", ".rels", ".vml"))
                if not is_xml and not lower.endswith(".bin"):
                    continue
                is_sheet = fmt == "xlsx" and lower.startswith("xl/worksheets/")
                with z.open(info) as f:
                    head = f.read(limits.xml_head_bytes)
                    if is_xml:
                        check_xml_head(head, info.filename, limits)
                    if not is_sheet:  # worksheets are verified by scan_worksheet
                        while f.read(1 << 20):
                            pass
        except zipfile.BadZipFile as e:
            raise rejected("corrupt_file", detail=str(e)) from None
        except (OSError, EOFError, ValueError, NotImplementedError) as e:
            raise rejected("corrupt_file", detail=f"{type(e).__name__}: {e}") from None
        if fmt == "ods":
            return Prescan("ods")
        return _xlsx_structure(z)


_NS_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)


def _workbook_part(z: zipfile.ZipFile) -> str:
    """The workbook part named by _rels/.rels ("/xl/workbook.xml" as a rule)."""
    try:
        rels = SafeET.fromstring(z.read("_rels/.rels"))
    except KeyError:
        return "/xl/workbook.xml"
    for rel in rels.iter(f"{_NS_PKG}Relationship"):
        if rel.get("Type") == _OFFICE_DOCUMENT:
            target = rel.get("Target", "")
            return "/" + target.lstrip("/")
    return "/xl/workbook.xml"


def _is_macro_workbook(z: zipfile.ZipFile, content_types: bytes) -> bool:
    """Judged by the workbook part's content type (its Override, else the
    Default of its extension) and by VBA parts; never by the other defaults.

    SheetJS, which SIPD's web pages use, lists
    ``<Default Extension="bin" ContentType="...macroEnabled.main"/>`` in every
    workbook it writes, macros or not. (A vbaProject.bin entry is refused
    before this, whatever its content type.)
    """
    if not content_types:
        return False
    if b"macroEnabled" not in content_types and b"vbaProject" not in content_types:
        return False
    root = SafeET.fromstring(content_types)
    part = _workbook_part(z).lower()
    ext = part.rsplit(".", 1)[-1]
    main = None
    defaults = {}
    for el in root:
        tag = el.tag.replace(_NS_CT, "")
        ctype = el.get("ContentType", "")
        if tag == "Override":
            name = el.get("PartName", "").lower()
            if name == part:
                main = ctype
            if "vbaproject" in ctype.lower():
                return True  # a part declared as a VBA project
        elif tag == "Default":
            defaults[el.get("Extension", "").lower()] = ctype
    if main is None:
        main = defaults.get(ext, "")
    return "macroenabled" in main.lower()


def _xlsx_structure(z: zipfile.ZipFile) -> Prescan:
    pre = Prescan("xlsx")
    try:
        ct = (
            z.read("[Content_Types].xml")
            if "[Content_Types].xml" in z.namelist()
            else b""
        )
        if _is_macro_workbook(z, ct):
            raise rejected("macro_workbook")
        wb = SafeET.fromstring(z.read("xl/workbook.xml"))
        rels_name = "xl/_rels/workbook.xml.rels"
        targets = {}
        if rels_name in z.namelist():
            for rel in SafeET.fromstring(z.read(rels_name)).iter(
                f"{_NS_PKG}Relationship"
            ):
                t = rel.get("Target", "")
                t = t[1:] if t.startswith("/") else "xl/" + t
                targets[rel.get("Id")] = os.path.normpath(t).replace(os.sep, "/")
        for sh in wb.iter(f"{_NS_MAIN}sheet"):
            part = targets.get(sh.get(f"{_NS_REL}id"))
            if part:
                pre.sheet_parts[sh.get("name")] = part
    except zipfile.BadZipFile as e:
        raise rejected("corrupt_file", detail=str(e)) from None
    except Exception as e:  # malformed XML / defusedxml refusal
        if getattr(e, "code", None) == "macro_workbook":
            raise
        name = type(e).__name__
        if "Forbidden" in name or "Entities" in name or "DTD" in name:
            raise rejected("xml_entities", part="xl/workbook.xml") from None
        raise rejected("corrupt_file", detail=f"workbook.xml: {name}") from None
    return pre


@dataclass
class SheetScan:
    hidden_rows: set
    declared_dimension: str | None


_DIM_RE = re.compile(rb'<dimension\s+ref="([^"]*)"')


def scan_worksheet(path: str, part: str, sheet_name: str, limits: Limits) -> SheetScan:
    """Stream one worksheet part: far cells, hidden rows, CRC (see module doc)."""
    hidden: set = set()
    dim = None
    tail = b""
    try:
        with zipfile.ZipFile(path) as z, z.open(part) as f:
            first = True
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                buf = tail + chunk
                if first:
                    m = _DIM_RE.search(buf)
                    dim = m.group(1).decode("ascii", "replace") if m else None
                    first = False
                m = _FAR_COL.search(buf) or _FAR_ROW.search(buf)
                if m:
                    start = buf.find(b'"', m.start()) + 1
                    end = buf.find(b'"', start)
                    ref = buf[start : end if end > 0 else start + 16]
                    raise rejected(
                        "sheet_too_large",
                        sheet=sheet_name,
                        detail=f"sel / cell {ref.decode('ascii', 'replace')}",
                        limit=f"{limits.max_columns} kolom, {limits.max_rows:,} baris",
                    )
                if b'hidden="' in buf:
                    for hm in _HIDDEN_ROW.finditer(buf):
                        rm = _ROW_R.search(hm.group(0))
                        if rm:
                            hidden.add(int(rm.group(1)))
                tail = buf[-2048:]
    except KeyError:
        raise rejected("corrupt_file", detail=f"{part} hilang / missing") from None
    except zipfile.BadZipFile as e:
        raise rejected("corrupt_file", detail=str(e)) from None
    except (OSError, EOFError, ValueError) as e:
        raise rejected("corrupt_file", detail=f"{type(e).__name__}: {e}") from None
    return SheetScan(hidden, dim)
