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
from .parser import find_header, materialize_rows, parse_columns
from .prescan import Prescan, SheetScan, scan_worksheet, sniff_and_check
from .types import DEFAULT_LIMITS, FileRejected, Limits, ParseResult

#: Figures of the last child run (for the benchmark): maxrss_kb, seconds.
LAST_CHILD_STATS: dict = {}

#: In a reader child: the pipe to the parent (None in-process).
_CHILD_OUT_FD: int | None = None

#: In a reader child whose parent asked for blocks (parse_file(on_block=...)).
_STREAM_BLOCKS = False

#: Data rows per streamed block.
STREAM_BLOCK_ROWS = 20_000

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
    on_block=None,
) -> ParseResult:
    """Read and parse an uploaded SIPD workbook; raise FileRejected if refused.

    on_block(result): in a reader child only, called in the parent with a
    provisional ParseResult (rows built) for each run of about
    ``STREAM_BLOCK_ROWS`` data rows as the child reads them, while the child
    reads on. Each block is parsed on its own: checks across rows (duplicate
    keys, the totals row) are only in the final result, which is returned as
    always and is the one to trust.

    keep=(out_path, key): also store the parsed result, compact (the columns the
    child sent, zlib-compressed) and signed with HMAC-SHA256 under `key`, so
    that `load_parsed(out_path, key)` gives the same result later without
    reading the workbook again (preview, then commit).
    """
    path = os.fspath(path)
    if in_child:
        result = run_in_child(_parse_path, (path, limits, False), limits, on_block=on_block)
    else:
        with _no_gc():
            result = _parse_path(path, limits, materialize=keep is None)
    if keep is not None:
        _store_parsed(result, *keep)
    with _no_gc():
        return materialize_rows(result)


_KEPT_MAGIC = b"TKPKD-PARSED-1\n"


def _store_parsed(result: ParseResult, out_path, key: bytes) -> None:
    import hmac
    import zlib

    data = zlib.compress(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), 1)
    mac = hmac.new(key, data, "sha256").digest()
    out_path = os.fspath(out_path)
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    tmp = f"{out_path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(_KEPT_MAGIC + mac + data)
    os.replace(tmp, out_path)


def load_parsed(in_path, key: bytes) -> ParseResult | None:
    """The result stored by parse_file(keep=...), or None when it is missing,
    unreadable or its signature does not match (the caller then parses again)."""
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
            # Signed with the server's key by parse_file above: our own bytes.
            result = pickle.loads(zlib.decompress(data))  # noqa: S301
    except Exception:  # noqa: BLE001 - a damaged file means: parse again
        return None
    if not isinstance(result, ParseResult):
        return None
    with _no_gc():
        return materialize_rows(result)


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):  # pragma: no cover - non-Linux
        return 0


def run_in_child(fn, args: tuple, limits: Limits, on_block=None):
    """Run fn(*args) in a forked child; return its result or re-raise FileRejected.

    The child sends length-prefixed pickled messages: ("block", result) ones
    (only with on_block, handed to it as they come) and a last one with the
    outcome. on_block must not raise; if it does, no more blocks are given.
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
            global _CHILD_OUT_FD, _STREAM_BLOCKS
            _CHILD_OUT_FD = w
            _STREAM_BLOCKS = on_block is not None
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
                message = bytes(buf[_FRAME : _FRAME + size])
                del buf[: _FRAME + size]
                if message[:1] == b"B":
                    if on_block is not None:
                        on_block = _give_block(on_block, message[1:])
                else:
                    last = message[1:]
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


def _give_block(on_block, data: bytes):
    """Hand one streamed block to the parent's callback; None stops the stream."""
    try:
        with _no_gc():
            # Bytes from our own forked child, never from the upload itself.
            block = pickle.loads(data)  # noqa: S301
            on_block(materialize_rows(block))
    except Exception:  # noqa: BLE001 - the final result decides; blocks are a head start
        return None
    return on_block


def _send(fd: int, payload: tuple, *, block: bool = False) -> None:
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        if block:
            raise
        data = pickle.dumps(("crashed", "memori habis / out of memory"))
    data = (len(data) + 1).to_bytes(_FRAME, "little") + (b"B" if block else b"R") + data
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
        stream = None
        if _STREAM_BLOCKS and _CHILD_OUT_FD is not None:
            stream = _block_streamer(name, start_row0, hidden, header, limits, pre.format)
        columns, nrows = read_columns_compact(
            sheet, start_row0, block=READ_BLOCK_ROWS, on_rows=stream
        )
        del sheet
        if stream is not None:
            stream(columns, nrows, final=True)
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
    from .headers import DISPLAY, REALISASI_DISPLAY, REALISASI_REQUIRED, REKAP_REQUIRED

    raise rejected(
        "no_header",
        rows=limits.header_search_rows,
        sheets=", ".join(f"'{s}'" for s in checked),
        expected_rekap=", ".join(DISPLAY[k] for k in REKAP_REQUIRED),
        expected_realisasi=", ".join(REALISASI_DISPLAY[k] for k in REALISASI_REQUIRED),
    )


def _block_streamer(name, start_row0, hidden, header, limits, file_format):
    """In a reader child asked for blocks: a function that, given the columns
    read so far, parses the data rows not yet sent once there are about
    STREAM_BLOCK_ROWS of them (or all at the end) and sends them to the parent.

    Each block is parsed as a sheet of its own (the header rows, then the
    block), numbered as in the file. Any failure stops the stream quietly: the
    final result, parsed from every row, is sent as always.
    """
    first = header.index + 1
    state = {"next": first, "alive": True}

    def stream(columns: list, nrows: int, final: bool = False) -> None:
        lo = state["next"]
        if not state["alive"] or nrows <= lo or (nrows - lo < STREAM_BLOCK_ROWS and not final):
            return
        block = [c[:first] + c[lo:nrows] for c in columns]
        try:
            part = parse_columns(
                block,
                first + nrows - lo,
                sheet_name=name,
                start_row0=start_row0 + lo - first,
                hidden=hidden,
                header=header,
                limits=limits,
                file_format=file_format,
                materialize=False,
            )
            _send(_CHILD_OUT_FD, part, block=True)
        except Exception:  # noqa: BLE001 - a head start only; the final parse decides
            state["alive"] = False
            return
        state["next"] = nrows

    return stream


_STR_ONLY = {str}


def read_columns_compact(
    sheet, start_row0: int = 0, block: int = 4096, on_rows=None
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
    never put back together. ``on_rows(columns, nrows)`` is called after each
    block.
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
        if on_rows is not None:
            on_rows(columns, nrows)
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
