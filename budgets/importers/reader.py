"""Guarded reading: prescan, then python-calamine in a forked, memory-capped child.

`parse_file(path, limits=Limits(), in_child=True)` forks (os.fork: fast, no
re-import), sets RLIMIT_AS in the child to what it inherited plus
`limits.child_memory_bytes`, runs prescan + calamine read + parse there and pickles
the ParseResult (or the FileRejected) back through a pipe. The parent waits with a
wall-clock timeout; a child killed by a signal (calamine aborts on impossible
allocations), out of memory, or too slow becomes FileRejected("reader_crashed").
`in_child=False` runs the same code in-process (tests, debugging). In the child,
the worksheet scan (far cells, hidden rows) runs in a thread beside calamine's
read; in-process, it runs before it.
"""

from __future__ import annotations

import gc
import os
import pickle
import resource
import select
import signal
import threading
import time
from contextlib import contextmanager
from itertools import islice, zip_longest

from .messages import rejected
from .parser import find_header, parse_columns
from .prescan import Prescan, SheetScan, scan_worksheet, sniff_and_check
from .textsheet import NotTextSheet, head_rows, is_text_sheet, read_text_columns
from .types import DEFAULT_LIMITS, FileRejected, Limits, ParseResult

#: Figures of the last child run (for the benchmark): maxrss_kb, seconds.
LAST_CHILD_STATS: dict = {}

#: In a reader child: the pipe to the parent (None in-process).
_CHILD_OUT_FD: int | None = None

#: Rows read from calamine at a time (see read_columns_compact).
READ_BLOCK_ROWS = 4096

_FRAME = 8  # bytes of a message's length prefix on the pipe


@contextmanager
def _no_gc():
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def parse_file(
    path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    in_child: bool = True,
    keep: tuple | None = None,
) -> ParseResult:
    """Read and parse an uploaded SIPD workbook; raise FileRejected if refused.

    keep=(out_path, key): also store the parsed result with ``store_parsed``
    so that ``load_parsed(out_path, key)`` gives the same result later without
    reading the workbook again (preview, then commit).
    """
    path = os.fspath(path)
    if in_child:
        result = run_in_child(_parse_path, (path, limits, False), limits)
    else:
        with _no_gc():
            result = _parse_path(path, limits, materialize=keep is None)
    if keep is not None:
        store_parsed(result, *keep)
    with _no_gc():
        return result.materialize()


_KEPT_MAGIC = b"TKPKD-PARSED-JSON-1\n"


def store_parsed(result: ParseResult, out_path, key: bytes) -> None:
    """Write `result` as zlib-compressed JSON (``ParseResult.to_json``: data,
    never a pickle), signed with HMAC-SHA256 under `key`, atomically."""
    import hmac
    import zlib

    data = zlib.compress(result.to_json().encode("utf-8"), 1)
    mac = hmac.new(key, data, "sha256").digest()
    out_path = os.fspath(out_path)
    os.makedirs(os.path.dirname(out_path) or ".", exist_ok=True)
    tmp = f"{out_path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(_KEPT_MAGIC + mac + data)
    os.replace(tmp, out_path)


def load_parsed(in_path, key: bytes) -> ParseResult | None:
    """The result stored by store_parsed / parse_file(keep=...), or None when it
    is missing, unreadable or its signature does not match (the caller then
    parses again)."""
    import hmac
    import zlib

    try:
        with open(os.fspath(in_path), "rb") as f:
            blob = f.read()
    except OSError:
        return None
    head = len(_KEPT_MAGIC)
    if not blob.startswith(_KEPT_MAGIC) or len(blob) < head + 32:
        return None
    mac, data = blob[head : head + 32], blob[head + 32 :]
    if not hmac.compare_digest(mac, hmac.new(key, data, "sha256").digest()):
        return None
    del blob
    try:
        with _no_gc():
            return ParseResult.from_json(zlib.decompress(data))
    except Exception:  # noqa: BLE001 - a damaged file means: parse again
        return None


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):  # pragma: no cover - non-Linux
        return 0


def run_in_child(fn, args: tuple, limits: Limits):
    """Run fn(*args) in a forked child; return its result or re-raise FileRejected.

    The child sends one length-prefixed pickled message with the outcome (rows
    travel as plain columns, see ``ParseResult.wire``).
    """
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # ---------------- child ----------------
        status = 0
        try:
            os.close(r)
            gc.disable()
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = _vm_bytes() + limits.child_memory_bytes
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
            global _CHILD_OUT_FD
            _CHILD_OUT_FD = w
            try:
                payload = ("ok", fn(*args))
            except FileRejected as e:
                payload = ("rejected", e.code, e.message, e.message_en)
            except MemoryError:
                payload = ("crashed", "memori habis / out of memory")
            except BaseException as e:  # noqa: BLE001 - report, never propagate
                payload = ("crashed", type(e).__name__)
            _send(w, payload)
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    # ---------------- parent ----------------
    os.close(w)
    t0 = time.monotonic()
    deadline = t0 + limits.timeout_seconds
    buf = bytearray()
    last = None  # the outcome message, still pickled
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([r], [], [], left)
            if not ready:
                continue
            chunk = os.read(r, 1 << 22)
            if not chunk:
                break
            buf += chunk
            while len(buf) >= _FRAME:
                size = int.from_bytes(buf[:_FRAME], "little")
                if len(buf) < _FRAME + size:
                    break
                last = bytes(buf[_FRAME : _FRAME + size])
                del buf[: _FRAME + size]
    finally:
        os.close(r)
        if timed_out:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:  # pragma: no cover
                pass
        _, status, usage = _wait4(pid)
    LAST_CHILD_STATS.clear()
    LAST_CHILD_STATS.update(
        maxrss_kb=usage.ru_maxrss if usage else 0, seconds=time.monotonic() - t0
    )
    if timed_out:
        raise rejected(
            "reader_crashed",
            detail=f"waktu habis / timeout {limits.timeout_seconds:.0f}s",
        )
    data = last or b""
    del buf
    if not data:
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        detail = (
            f"proses pembaca berhenti (sinyal {signal.Signals(sig).name})"
            if sig
            else "proses pembaca berhenti tanpa hasil"
        )
        raise rejected("reader_crashed", detail=detail)
    try:
        with _no_gc():
            # Bytes from our own forked child, never from the upload itself.
            payload = pickle.loads(data)  # noqa: S301
    except Exception:  # noqa: BLE001 - truncated pipe
        raise rejected("reader_crashed", detail="hasil terpotong / truncated") from None
    if payload[0] == "ok":
        return payload[1]
    if payload[0] == "rejected":
        raise FileRejected(payload[1], payload[2], payload[3])
    raise rejected("reader_crashed", detail=payload[1])


def _send(fd: int, payload: tuple) -> None:
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("crashed", "memori habis / out of memory"))
    data = len(data).to_bytes(_FRAME, "little") + data
    view = memoryview(data)
    while view:
        n = os.write(fd, view[: 1 << 20])
        view = view[n:]


def _wait4(pid):
    while True:
        try:
            return os.wait4(pid, 0)
        except InterruptedError:  # pragma: no cover
            continue
        except ChildProcessError:  # pragma: no cover
            return pid, 0, None


# --------------------------------------------------------------------------
# The work done in the child
# --------------------------------------------------------------------------


def _calamine_error(e: Exception):
    import python_calamine as pc

    name = type(e).__name__
    if isinstance(e, getattr(pc, "PasswordError", ())) or "password" in str(e).lower():
        return rejected("encrypted_file")
    return rejected("corrupt_file", detail=f"{name}: {str(e)[:200]}")


def _scan_beside(path: str, part: str, name: str, limits: Limits):
    """Start ``scan_worksheet`` in a thread and return a function that waits for
    its result.

    Only in a reader child. calamine releases the GIL while it reads a sheet, so
    the scan (zip inflate + byte searches, ~0.6 s for 100,000 rows) runs on the
    other core instead of before the read. The scan is the faster of the two:
    when it refuses the sheet (a cell far beyond the limits, which calamine
    would try to allocate), this thread sends the refusal to the parent and
    ends the child at once, before calamine reaches that cell.
    """
    box: dict = {}

    def work():
        try:
            box["scan"] = scan_worksheet(path, part, name, limits)
        except FileRejected as e:
            _send(_CHILD_OUT_FD, ("rejected", e.code, e.message, e.message_en))
            os._exit(0)
        except BaseException as e:  # noqa: BLE001 - handed to the waiting thread
            box["error"] = e

    thread = threading.Thread(target=work, name="worksheet-scan", daemon=True)
    thread.start()

    def result() -> SheetScan:
        thread.join()
        if "error" in box:
            raise box["error"]
        return box["scan"]

    return result


def _parse_path(path: str, limits: Limits, materialize: bool = True) -> ParseResult:
    pre: Prescan = sniff_and_check(path, limits)
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(path)
        metas = list(wb.sheets_metadata)
    except Exception as e:  # noqa: BLE001 - calamine raises several types
        raise _calamine_error(e) from None
    checked = []
    refused = None  # the first sheet that is another SIPD export
    for meta in metas:
        if (
            meta.typ != pc.SheetTypeEnum.WorkSheet
            or meta.visible != pc.SheetVisibleEnum.Visible
        ):
            continue
        name = meta.name
        checked.append(name)
        scanned = None
        if pre.format == "xlsx":
            part = pre.sheet_parts.get(name)
            if part is None:
                raise rejected("corrupt_file", detail=f"lembar / sheet {name}")
            if _CHILD_OUT_FD is not None:  # in a reader child
                scanned = _scan_beside(path, part, name, limits)
            else:  # in-process: scan first, calamine only reads a vetted sheet
                done = scan_worksheet(path, part, name, limits)
                scanned = lambda done=done: done  # noqa: E731
        if pre.format == "xlsx" and is_text_sheet(path, pre.sheet_parts[name]):
            try:
                outcome = _parse_text_sheet(path, pre.sheet_parts[name], name, scanned,
                                            limits, pre.format, materialize)
            except NotTextSheet:
                outcome = None  # a cell of another kind: the usual way below
            if isinstance(outcome, FileRejected):
                if refused is None:
                    refused = outcome
                continue
            if outcome == "no_header":
                continue
            if outcome is not None:
                return outcome
        try:
            sheet = wb.get_sheet_by_name(name)
        except Exception as e:  # noqa: BLE001
            if scanned is not None:
                scanned()  # a refusal by the scan explains the failure better
            raise _calamine_error(e) from None
        hidden = scanned().hidden_rows if scanned is not None else set()
        if sheet.width > limits.max_columns or sheet.height > limits.max_rows + 1000:
            raise rejected(
                "sheet_too_large",
                sheet=name,
                detail=f"{sheet.height:,} baris x {sheet.width:,} kolom",
                limit=f"{limits.max_columns} kolom, {limits.max_rows:,} baris",
            )
        start_row0 = sheet.start[0] if sheet.start else 0
        head_rows = max(limits.header_search_rows - start_row0, 0)
        rows = sheet.to_python(nrows=head_rows) if head_rows else []
        header = find_header(rows, limits)
        if header is None:
            continue
        if header.kind == "other":  # an export with nothing to import
            if refused is None:
                header_row = start_row0 + header.index + 1
                refused = rejected(header.refused, sheet=name, header_row=header_row)
            continue
        columns, nrows = read_columns_compact(sheet, start_row0, block=READ_BLOCK_ROWS)
        del sheet
        return parse_columns(
            columns,
            nrows,
            sheet_name=name,
            start_row0=start_row0,
            hidden=hidden,
            header=header,
            limits=limits,
            file_format=pre.format,
            materialize=materialize,
        )
    if not checked:
        raise rejected("no_sheet")
    if refused is not None:
        raise refused
    from .headers import DISPLAY, REALISASI_DISPLAY, REALISASI_REQUIRED, REKAP_REQUIRED

    raise rejected(
        "no_header",
        rows=limits.header_search_rows,
        sheets=", ".join(f"'{s}'" for s in checked),
        expected_rekap=", ".join(DISPLAY[k] for k in REKAP_REQUIRED),
        expected_realisasi=", ".join(REALISASI_DISPLAY[k] for k in REALISASI_REQUIRED),
    )


def _parse_text_sheet(path, part, name, scanned, limits, file_format, materialize):
    """A sheet of inline text read from its XML (see ``textsheet``): the parse,
    a refusal (another SIPD export), or "no_header"."""
    head = head_rows(path, part, limits.header_search_rows)
    header = find_header(head, limits)
    if header is None:
        return "no_header"
    if header.kind == "other":
        return rejected(header.refused, sheet=name, header_row=header.index + 1)
    wanted = {idx for idx, _key, _text in header.cols}
    width = len(head[header.index])
    columns, nrows, hidden = read_text_columns(path, part, wanted, limits, width)
    if scanned is not None:
        hidden = scanned().hidden_rows
    return parse_columns(
        columns, nrows, sheet_name=name, start_row0=0, hidden=hidden, header=header,
        limits=limits, file_format=file_format, materialize=materialize,
    )


_STR_ONLY = {str}


def read_columns_compact(
    sheet, start_row0: int = 0, block: int = 4096
) -> tuple[list, int]:
    """The sheet's cells as `sheet.to_python()` gives them, but as columns
    (lists), with far less memory; and the number of rows.

    to_python() makes a new Python object for every cell (~2.3M for a 100k-line
    recap: ~170 MB on top of calamine's own ~145 MB). SIPD columns repeat a few
    thousand distinct codes and names, so the rows are read a block at a time,
    turned into columns and, in each column whose block is all text, every
    string is replaced by the first equal string seen in that column (at C
    speed: dict.setdefault through map). A column whose values are mostly
    distinct stops being shared. The parser works on columns, so the rows are
    never put back together.
    """
    it = sheet.iter_rows()
    if start_row0:
        # iter_rows starts at row 0; to_python at the first used row.
        it = islice(it, start_row0, None)
    columns: list[list] = []
    caches: list = []
    nrows = 0
    while True:
        chunk = list(islice(it, block))
        if not chunk:
            break
        width = max(map(len, chunk))
        while len(columns) < width:  # calamine pads rows; this is for safety
            columns.append([""] * nrows)
            caches.append({})
        for j, col in enumerate(zip_longest(*chunk, fillvalue="")):
            cache = caches[j]
            # Only blocks of text are shared: numbers are small objects, and
            # keying by value alone could let 1.0 stand in for True.
            if cache is None or set(map(type, col)) != _STR_ONLY:
                columns[j].extend(col)
            else:
                columns[j].extend(map(cache.setdefault, col, col))
        nrows += len(chunk)
        for j in range(width, len(columns)):
            columns[j].extend([""] * len(chunk))
        del chunk
        if nrows >= 16384:
            for j, cache in enumerate(caches):
                if cache is not None and len(cache) > nrows // 2:
                    caches[j] = None
    return columns, nrows


def read_sheet_rows(path: str, sheet_name: str) -> tuple[int, list]:
    """(start_row0, rows) of one sheet, for the error workbook (already vetted)."""
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(path)
    sheet = wb.get_sheet_by_name(sheet_name)
    return (sheet.start[0] if sheet.start else 0), sheet.to_python()
