"""Parse one sheet (calamine values) into validated rows.

Column-oriented for speed: the reader hands the sheet over as columns
(``parse_columns``; ``parse_sheet`` takes rows and turns them into columns); every
column is converted by computing each DISTINCT raw value once (codes and names
repeat massively) and mapping the column through that dict at C speed. Errors are
looked up only for columns that had a bad distinct value, so a clean file never
raises or formats a message. Every error in the file is collected.

Invalid rows are still returned, with `ok=False`; their bad cells hold None
(tahun, amounts, dates) or the cleaned raw text (codes), never a guessed value.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from itertools import zip_longest
from operator import itemgetter

from .amounts import (
    AmountError,
    parse_amount,
    parse_amount_column,
    parse_amount_text_column,
)
from .codes import CONTROL_CHARS, LEVELS, clean_text, normalize_code, parent_code
from .dates import MONTH_OF_NAME, parse_date
from .headers import (
    DISPLAY_OF,
    RAK_MONTHS,
    REQUIRED_OF,
    HeaderMatch,
    match_header_row,
    normalize_header,
)
from .messages import rejected, render, rupiah, rupiah_en
from .types import (
    CellError,
    Limits,
    ParseResult,
    build_rows,
    encode_columns,
)

_TOTAL_WORDS = ("JUMLAH", "TOTAL", "GRAND TOTAL", "SUB TOTAL", "SUBTOTAL", "TOTAL PAGU")
_KINDS = r"(PROVINSI|PROV\.?|KABUPATEN|KAB\.?|KOTA)"
_PEMDA_RE = re.compile(r"\bPEMERINTAH\s+(?:DAERAH\s+)?" + _KINDS + r"\s+(.+)")
_PEMDA_SHORT = re.compile(r"\b(PEMPROV|PEMKAB|PEMKOT)\.?\s+(.+)")
_PEMDA_START = re.compile(r"^(PROVINSI|KABUPATEN|KOTA)\s+(.+)")
_KIND_NAME = {
    "PROV": "PROVINSI",
    "KAB": "KABUPATEN",
    "PEMPROV": "PROVINSI",
    "PEMKAB": "KABUPATEN",
    "PEMKOT": "KOTA",
}
#: Words that end a pemda's name in a title ("... PROVINSI BANTEN TAHUN ...").
_NAME_STOP = {
    "TAHUN",
    "TA",
    "T.A",
    "ANGGARAN",
    "APBD",
    "APBD-P",
    "APBDP",
    "APBD-PERUBAHAN",
    "REKAP",
    "REKAPITULASI",
    "LAPORAN",
    "DAFTAR",
    "DATA",
    "PERUBAHAN",
    "MURNI",
    "PERGESERAN",
    "PENETAPAN",
    "PAGU",
    "REALISASI",
    "RINCIAN",
    "DOKUMEN",
    "DPA",
    "DPPA",
    "RKA",
    "RAK",
    "SKPD",
    "OPD",
    "DINAS",
    "BADAN",
    "SEKRETARIAT",
    "KANTOR",
    "BAGIAN",
    "INSPEKTORAT",
    "RSUD",
    "UPTD",
    "KECAMATAN",
    "SUB",
    "KEGIATAN",
    "PROGRAM",
    "BELANJA",
    "PERIODE",
    "BULAN",
    "SEMESTER",
    "TRIWULAN",
    "PER",
    "SAMPAI",
    "S/D",
    "SD",
    "TANGGAL",
    "TGL",
    "NOMOR",
    "PADA",
    "UNTUK",
    "SELURUH",
    "SEMUA",
}
_YEAR_RE = re.compile(
    r"(?:\bTAHUN(?:\s+ANGGARAN)?|\bT\.\s?A\.?|\bTA\b\.?|\bAPBD(?:-?P)?)\s*:?\s*"
    r"((?:20|21)\d{2})\b"
)
_LEVEL_OF = {
    "kode_urusan": "urusan",
    "kode_bidang": "bidang",
    "kode_program": "program",
    "kode_kegiatan": "kegiatan",
    "kode_sub_kegiatan": "sub_kegiatan",
    "kode_skpd": "skpd",
    "kode_sub_unit": "skpd",
    "kode_sub_skpd": "skpd",
    "kode_rekening": "rekening",
    "kode_sumber_dana": "sumber_dana",
}
_PARENTS = (
    ("kode_kegiatan", "kegiatan"),
    ("kode_program", "program"),
    ("kode_bidang", "bidang"),
    ("kode_urusan", "urusan"),
)
_AMOUNT_KEY = {"rekap": "pagu", "realisasi": "nilai_realisasi", "rak": "nilai_rincian"}


def find_header(rows: list, limits: Limits) -> HeaderMatch | None:
    best = None
    for i, cells in enumerate(rows[: limits.header_search_rows]):
        m = match_header_row(cells)
        if m is not None and (best is None or m.score > best.score):
            m.index = i
            best = m
    return best


def _text_of_row(cells) -> str:
    parts = []
    for c in cells:
        t = clean_text(c)
        if t:
            parts.append(" ".join(CONTROL_CHARS.sub("", t).split()))
    return " ".join(parts)


def _name_words(rest: str) -> str:
    words = []
    for tok in rest.split():
        bare = tok.rstrip(",:;")
        if (
            not bare
            or bare in ("-", "\u2013", "\u2014", "/", "|")
            or bare[0] in "([-"
            or any(ch.isdigit() for ch in bare)
            or bare.rstrip(".") in _NAME_STOP
            or bare in _NAME_STOP
            or bare.lower() in MONTH_OF_NAME
        ):
            break
        words.append(bare)
        if bare != tok:  # a comma or colon ends the name
            break
    return " ".join(words)


def pemda_from_titles(lines: list) -> str | None:
    """The pemda a title names: "PEMERINTAH PROVINSI BANTEN TAHUN ANGGARAN 2024"
    gives "PROVINSI BANTEN" (the words after the pemda's name are not part of
    it). None when no title names one."""
    uppers = [" ".join(line.upper().split()) for line in lines]
    for pattern in (_PEMDA_RE, _PEMDA_SHORT, _PEMDA_START):
        for u in uppers:
            m = pattern.match(u) if pattern is _PEMDA_START else pattern.search(u)
            if not m:
                continue
            kind = m.group(1).rstrip(".")
            kind = _KIND_NAME.get(kind, kind)
            name = _name_words(m.group(2))
            if name:
                return f"{kind} {name}"
    return None


def year_from_titles(lines: list) -> int | None:
    """The fiscal year a title names ("TAHUN ANGGARAN 2024", "TA. 2024",
    "T.A 2024", "APBD 2024"), or None."""
    for line in lines:
        m = _YEAR_RE.search(" ".join(line.upper().split()))
        if m:
            return int(m.group(1))
    return None


def _is_blank(cells) -> bool:
    for c in cells:
        if c != "" and c is not None:
            return False
    return True


class _Ctx:
    """Error collection for one sheet."""

    def __init__(self, rownos: list):
        self.rownos = rownos
        self.errors: list = []  # (row index or -1, col order, CellError)
        self.warnings: list = []
        self.bad: set = set()

    def cell(self, i, order, column, raw, code, params=None, warn=False):
        rn = self.rownos[i] if i is not None else None
        value = "" if raw is None else (raw if isinstance(raw, str) else _raw_str(raw))
        # A problem's value is stored and shown: never with a control character
        # (PostgreSQL refuses U+0000 in text and jsonb).
        value = CONTROL_CHARS.sub("\ufffd", value)
        p = dict(params or {})
        p.update(row=rn, column=column, value=value)
        mid, men = render(code, **p)
        err = CellError(
            rn, column, value, code, mid, men, "warning" if warn else "error"
        )
        if warn:
            self.warnings.append((rn or 0, order, err))
        else:
            self.errors.append((rn or 0, order, err))
            if i is not None:
                self.bad.add(i)


def _raw_str(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    return str(v)


_EMPTY_ERRORS = ("required_value_empty", "amount_empty")
#: Amount and year columns: read as numbers; a stray character is an error there.
_NUMERIC_KEYS = {
    "tahun",
    "pagu",
    "realisasi",
    "nilai_realisasi",
    "nilai_setoran",
    "nilai_rincian",
    *RAK_MONTHS,
}


class _Columns:
    def __init__(self, ctx: _Ctx, header: HeaderMatch, T: list, n: int):
        self.ctx = ctx
        self.n = n
        self.T = T
        self.pos = {}  # key -> (cell index, header text, order)
        for order, (idx, key, text) in enumerate(header.cols):
            if key != "label":
                self.pos[key] = (idx, text, order)
        self.labels = [(idx, text) for idx, key, text in header.cols if key == "label"]
        self._strip_controls(header)

    def _strip_controls(self, header: HeaderMatch) -> None:
        """Remove control characters (and their _xHHHH_ escapes) from every
        column used, before any value is read; one warning per column.

        One regex search over the column's distinct texts joined: a clean
        column (the norm) costs a set() and a join."""
        T = self.T
        for order, (idx, key, text) in enumerate(header.cols):
            if key in _NUMERIC_KEYS:
                continue  # a control character there makes the amount unreadable
            col = T[idx]
            texts = [v for v in set(col) if type(v) is str]
            if not texts or not CONTROL_CHARS.search("\t".join(texts)):
                continue
            fix = {
                v: CONTROL_CHARS.sub("", v) for v in texts if CONTROL_CHARS.search(v)
            }
            first, count = None, 0
            for i, v in enumerate(col):
                if v in fix:
                    count += 1
                    if first is None:
                        first = i
            T[idx] = [fix.get(v, v) if type(v) is str else v for v in col]
            self.ctx.cell(
                first,
                order,
                text,
                col[first],
                "control_chars_removed",
                {"count": count, "cleaned": fix[col[first]]},
                warn=True,
            )

    def has(self, key):
        return key in self.pos

    def raw(self, key):
        return self.T[self.pos[key][0]]

    def _apply(self, key, conv_one, required, exempt=None):
        """Map column `key` through conv_one(raw) -> (value, err, params, warn).

        exempt: row indexes where an empty cell is not an error."""
        idx, text, order = self.pos[key]
        col = self.T[idx]
        cache, bad_vals, warn_vals = {}, {}, {}
        for v in set(col):
            val, err, params, warn = conv_one(v, required)
            cache[v] = val
            if err:
                bad_vals[v] = (err, params)
            elif warn:
                warn_vals[v] = (warn, params)
        out = list(map(cache.__getitem__, col))
        ctx = self.ctx
        if bad_vals:
            bad_idx = [i for i, v in enumerate(col) if v in bad_vals]
            if exempt:
                bad_idx = [
                    i
                    for i in bad_idx
                    if i not in exempt or bad_vals[col[i]][0] not in _EMPTY_ERRORS
                ]
            for i in bad_idx:
                v = col[i]
                err, params = bad_vals[v]
                ctx.cell(i, order, text, v, err, params)
        if warn_vals:
            seen_warn: dict = {}
            for i in [i for i, v in enumerate(col) if v in warn_vals]:
                seen_warn.setdefault(col[i], []).append(i)
            for v, idxs in seen_warn.items():
                warn, params = warn_vals[v]
                ctx.cell(
                    idxs[0],
                    order,
                    text,
                    v,
                    warn,
                    dict(params, count=len(idxs)),
                    warn=True,
                )
        return out

    def code(self, key, required, exempt=None):
        if key not in self.pos:
            return None
        level = _LEVEL_OF[key]

        def conv(v, req):
            if v == "" or v is None:
                return ("", "required_value_empty" if req else None, None, None)
            r = normalize_code(level, v)
            if r.error:
                return (clean_text(v), r.error, r.params, None)
            if r.value == "":  # only spaces
                return ("", "required_value_empty" if req else None, None, None)
            if r.warning:
                return (r.value, None, {"normalised": r.value}, r.warning)
            return (r.value, None, None, None)

        return self._apply(key, conv, required, exempt)

    def text(self, key, empty=""):
        if key not in self.pos:
            return None
        col = self.T[self.pos[key][0]]
        cache = {}
        for v in set(col):
            t = clean_text(v)
            cache[v] = t if t else empty
        return list(map(cache.__getitem__, col))

    def amount(self, key, required, allow_negative, exempt=None):
        if key not in self.pos:
            return None
        idx, text, order = self.pos[key]
        col = self.T[idx]
        fast = parse_amount_column(col)
        if fast is not None and (allow_negative or min(col) >= 0):
            return fast
        fast = parse_amount_text_column(col)
        if fast is not None:
            return fast  # never negative: the pattern has no sign
        fast = self._amounts_with_blanks(col, idx, text, order, required, exempt)
        if fast is not None and (
            allow_negative or min(v for v in fast if v is not None) >= 0
        ):
            return fast

        def conv(v, req):
            if (v == "" or v is None) and not req:
                return (None, None, None, None)
            try:
                d = parse_amount(v)
            except AmountError as e:
                if e.code == "amount_empty" and not req:
                    return (None, None, None, None)
                return (None, e.code, None, None)
            if d < 0 and not allow_negative:
                return (None, "amount_negative", None, None)
            return (d, None, None, None)

        return self._apply(key, conv, required, exempt)

    def _amounts_with_blanks(self, col, idx, text, order, required, exempt):
        """Fast path for a column of integral numbers and empty cells (the
        recaps' PAGU with rows without budget): None for the empty cells, one
        error per empty cell when required (but in `exempt` rows). None when
        the column holds anything else."""
        other = {v for v in set(col) if type(v) is not float}
        if not other or not all(map(_blank, other)):
            return None
        blank_idx = [i for i, v in enumerate(col) if v in other]
        if len(blank_idx) == len(col):
            return None
        filled = list(col)
        for i in blank_idx:
            filled[i] = 0.0
        out = parse_amount_column(filled)
        if out is None:
            return None
        for i in blank_idx:
            out[i] = None
        if required:
            for i in blank_idx:
                if not exempt or i not in exempt:
                    self.ctx.cell(i, order, text, col[i], "amount_empty")
        return out

    def year(self, key):
        def conv(v, req):
            if v == "" or v is None:
                return (None, "required_value_empty", None, None)
            y = None
            if type(v) is float and v.is_integer():
                y = int(v)
            elif type(v) is int:
                y = v
            elif isinstance(v, str) and v.strip().isdigit():
                y = int(v.strip())
            if y is None or not 2000 <= y <= 2100:
                return (None, "year_invalid", None, None)
            return (y, None, None, None)

        return self._apply(key, conv, True)

    def date(self, key):
        if key not in self.pos:
            return None

        def conv(v, req):
            if v is None or (type(v) is str and not v.strip()):
                return (None, None, None, None)
            try:
                return (parse_date(v), None, None, None)
            except ValueError:
                return (None, "date_unreadable", None, None)

        return self._apply(key, conv, False)


def _check_parents(cols: _Columns, codes: dict, n: int) -> None:
    """Derive missing urusan..kegiatan codes from the sub kegiatan (from the
    kegiatan on a row without sub kegiatan); check present ones."""
    sub = codes["kode_sub_kegiatan"]
    keg = codes.get("kode_kegiatan")
    if keg is not None and "" in set(sub):
        sub = [s or k for s, k in zip(sub, keg, strict=True)]
    ctx = cols.ctx
    subs = set(sub)
    for key, level in _PARENTS:
        derived = {s: (parent_code(level, s) if s else "") for s in subs}
        lvl = codes.get(key)
        if lvl is None:
            codes[key] = list(map(derived.__getitem__, sub))
            continue
        combos = set(zip(sub, lvl, strict=False))
        fix = {}
        for s, v in combos:
            if v == "" and s:
                fix[(s, v)] = derived[s]
            elif (
                s
                and v
                and derived[s] != v
                and LEVELS[level].regex.fullmatch(v)
                and (LEVELS["sub_kegiatan"].regex.fullmatch(s))
            ):
                fix[(s, v)] = None  # mismatch (cells already in error are skipped)
        if not fix:
            continue
        _, text, order = cols.pos[key]
        sub_text = cols.pos["kode_sub_kegiatan"][1]
        out = list(lvl)
        for i, pair in enumerate(zip(sub, lvl, strict=False)):
            if pair in fix:
                f = fix[pair]
                if f is None:
                    ctx.cell(
                        i,
                        order,
                        text,
                        pair[1],
                        "code_inconsistent",
                        {"other_column": sub_text, "other_value": pair[0]},
                    )
                else:
                    out[i] = f
        codes[key] = out


def _split_rows(cols, nrows, header, start_row0, hidden, key_idx, amount_idx):
    """Indexes of the data rows, their Excel row numbers, skipped rows, and total
    rows. ``cols`` are the sheet's columns; a row is only assembled when its
    first key cell is empty (a blank, total or keyless row)."""
    keep, rownos, skipped, totals = [], [], [], []
    base = start_row0 + 1
    first = header.index + 1
    check_cols = [i for i in key_idx if i is not None]
    probe = cols[check_cols[0] if check_cols else 0] if cols else [""] * nrows
    for i in range(first, nrows):
        rn = base + i
        if hidden and rn in hidden:
            skipped.append((rn, "hidden"))
            continue
        if probe[i] == "":
            r = [c[i] for c in cols]
            if _is_blank(r):
                skipped.append((rn, "blank"))
                continue
            if all(r[j] == "" for j in check_cols):
                for c in r[:10]:
                    if isinstance(c, str) and normalize_header(c).startswith(
                        _TOTAL_WORDS
                    ):
                        totals.append(
                            (
                                len(keep),
                                rn,
                                r[amount_idx] if amount_idx is not None else "",
                            )
                        )
                        break
                else:
                    keep.append(i)
                    rownos.append(rn)
                    continue
                continue
        keep.append(i)
        rownos.append(rn)
    return keep, rownos, skipped, totals


def _take(cols: list, keep: list, first: int, nrows: int) -> list:
    """The data rows' cells, column by column."""
    if len(keep) == nrows - first:  # nothing skipped: one slice per column
        return [c[first:nrows] for c in cols]
    if len(keep) == 1:
        return [[c[keep[0]]] for c in cols]
    pick = itemgetter(*keep)
    return [pick(c) for c in cols]


def rows_to_columns(rows: list) -> list:
    """Rows (lists or tuples, possibly ragged) as equally long columns."""
    return [list(c) for c in zip_longest(*rows, fillvalue="")]


def parse_sheet(rows: list, **kwargs) -> ParseResult:
    """Parse one sheet given as rows; see ``parse_columns``."""
    return parse_columns(rows_to_columns(rows), len(rows), **kwargs)


def parse_columns(
    cols: list,
    nrows: int,
    *,
    sheet_name: str,
    start_row0: int,
    hidden: set,
    header: HeaderMatch,
    limits: Limits,
    file_format: str = "xlsx",
    materialize: bool = True,
) -> ParseResult:
    """Parse one sheet given as its columns (``nrows`` cells each, from the
    sheet's first used row). With materialize=False the rows are left as
    plain columns in `result.wire` (compact to pickle);
    `result.materialize()` builds them."""
    header_row = start_row0 + header.index + 1
    kind = header.kind
    if kind == "other":
        raise rejected(header.refused, sheet=sheet_name, header_row=header_row)
    keys = {key for _, key, _ in header.cols}
    missing = [k for k in REQUIRED_OF[kind] if k not in keys]
    if missing:
        disp = DISPLAY_OF[kind]
        raise rejected(
            "required_column_missing",
            sheet=sheet_name,
            header_row=header_row,
            missing=", ".join(disp.get(k, k) for k in missing),
        )
    if nrows - header.index - 1 > limits.max_rows:
        raise rejected(
            "too_many_rows",
            sheet=sheet_name,
            rows=f"{nrows - header.index - 1:,}",
            limit=f"{limits.max_rows:,}",
        )
    idx_of = {key: idx for idx, key, _ in header.cols if key != "label"}
    amount_key = _AMOUNT_KEY[kind]
    key_idx = [idx_of.get("kode_sub_kegiatan"), idx_of.get("kode_rekening")]
    keep, rownos, skipped, totals = _split_rows(
        cols, nrows, header, start_row0, hidden, key_idx, idx_of[amount_key]
    )
    title_lines = [
        t
        for t in (_text_of_row([c[i] for c in cols]) for i in range(header.index))
        if t
    ]
    if not keep:
        raise rejected("no_data", sheet=sheet_name, header_row=header_row)
    n = len(keep)
    T = _take(cols, keep, header.index + 1, nrows)
    ctx = _Ctx(rownos)
    cols = _Columns(ctx, header, T, n)
    title_year = year_from_titles(title_lines)
    no_budget = 0
    if kind == "rekap":
        columns, total_sum, no_budget = _rekap(cols, ctx, n, rownos)
        years = {y for y in set(columns[1]) if y is not None}
    elif kind == "realisasi":
        columns, total_sum = _realisasi(cols, ctx, n, rownos)
        years = {d.year for d in set(columns[16]) if d is not None}
        if not years and title_year is not None:
            years = {title_year}
    else:
        columns, total_sum = _rak(cols, ctx, n, rownos)
        years = {title_year} if title_year is not None else set()
    # Totals row: the last one after all data rows is the file's total.
    file_total = None
    for pos, rn, raw in totals:
        if pos == n and file_total is None and rn == totals[-1][1]:
            try:
                file_total = parse_amount(raw)
            except AmountError as e:
                text = cols.pos[amount_key][1]
                value = CONTROL_CHARS.sub("\ufffd", _raw_str(raw))
                mid, men = render(e.code, row=rn, column=text, value=value)
                ctx.errors.append((rn, 0, CellError(rn, text, value, e.code, mid, men)))
            skipped.append((rn, "total"))
        else:
            skipped.append((rn, "subtotal"))
    amount_errors = any(e.code.startswith("amount") for _, _, e in ctx.errors)
    if file_total is not None and not amount_errors and total_sum != file_total:
        rn = totals[-1][1]
        diff = total_sum - file_total
        mid, men = render(
            "total_mismatch",
            row=rn,
            file_total=rupiah(file_total),
            sum_total=rupiah(total_sum),
            diff=rupiah(diff),
            file_total_en=rupiah_en(file_total),
            sum_total_en=rupiah_en(total_sum),
            diff_en=rupiah_en(diff),
        )
        ctx.errors.append(
            (
                rn,
                -1,
                CellError(None, None, _raw_str(file_total), "total_mismatch", mid, men),
            )
        )
    skipped.sort()
    ctx.errors.sort(key=lambda t: (t[0], t[1]))
    ctx.warnings.sort(key=lambda t: (t[0], t[1]))
    if materialize:
        out_rows, wire = build_rows(kind, columns), None
    else:
        out_rows, wire = [], (kind, encode_columns(kind, columns))
    return ParseResult(
        kind=kind,
        sheet_name=sheet_name,
        header_row=header_row,
        columns=[key for _, key, _ in header.cols],
        raw_headers=header.raw,
        rows=out_rows,
        errors=[e for _, _, e in ctx.errors],
        warnings=[e for _, _, e in ctx.warnings],
        total_rows_read=nrows - header.index - 1,
        skipped=skipped,
        file_total=file_total,
        title_lines=title_lines,
        pemda_name=pemda_from_titles(title_lines),
        fiscal_years=years,
        ignored_columns=header.ignored,
        file_format=file_format,
        no_budget_rows=no_budget,
        title_year=title_year,
        wire=wire,
    )


def materialize_rows(result: ParseResult) -> ParseResult:
    """Build result.rows from result.wire (after unpickling in the parent)."""
    return result.materialize()


def _rep(value, n):
    return [value] * n


def _ok_column(ctx: _Ctx, n: int):
    if not ctx.bad:
        return _rep(True, n)
    bad = ctx.bad
    return [i not in bad for i in range(n)]


def _blank(v) -> bool:
    return v is None or v == "" or (type(v) is str and not v.strip())


def _no_budget_rows(cols: _Columns) -> set:
    """Indexes of the rows with KODE SUMBER DANA, KODE REKENING and PAGU all
    empty: a sub kegiatan (or kegiatan) without budget, not an error."""
    pagu, rek, sd = (
        cols.raw("pagu"),
        cols.raw("kode_rekening"),
        cols.raw("kode_sumber_dana"),
    )
    empty_pagu = {v for v in set(pagu) if _blank(v)}
    if not empty_pagu:
        return set()
    blank_rek = {v for v in set(rek) if _blank(v)}
    blank_sd = {v for v in set(sd) if _blank(v)}
    candidates = [i for i, v in enumerate(pagu) if v in empty_pagu]
    return {i for i in candidates if rek[i] in blank_rek and sd[i] in blank_sd}


def _rekap(cols: _Columns, ctx: _Ctx, n: int, rownos: list):
    req = set(REQUIRED_OF["rekap"])
    nob = _no_budget_rows(cols)
    exempt_sub = None
    if nob and cols.has("kode_kegiatan"):
        keg = cols.raw("kode_kegiatan")
        exempt_sub = {i for i in nob if not _blank(keg[i])}
    exempt = {
        "kode_sumber_dana": nob,
        "kode_rekening": nob,
        "kode_sub_kegiatan": exempt_sub,
    }
    codes = {
        k: cols.code(k, k in req, exempt.get(k)) for k in _LEVEL_OF if k in cols.pos
    }
    tahun = cols.year("tahun")
    _check_parents(cols, codes, n)
    pagu = cols.amount("pagu", True, False, nob)
    realisasi = cols.amount("realisasi", False, True)
    labels = None
    if cols.labels:
        T = cols.T
        lab_cols = [(text, T[idx]) for idx, text in cols.labels]
        labels = []
        for i in range(n):
            pairs = tuple(
                (text, clean_text(c[i]))
                for text, c in lab_cols
                if c[i] != "" and c[i] is not None
            )
            labels.append(pairs or None)

    def g(key, default=""):
        v = codes.get(key) if key in codes else cols.text(key)
        return _rep(default, n) if v is None else v

    def opt(key):
        v = cols.text(key, None)
        return _rep(None, n) if v is None else v

    if nob:
        has_budget = [i not in nob for i in range(n)]
    else:
        has_budget = _rep(True, n)
    out = [
        rownos,
        tahun,
        g("kode_urusan"),
        g("nama_urusan"),
        g("kode_bidang"),
        g("nama_bidang"),
        g("kode_skpd"),
        g("nama_skpd"),
        g("kode_sub_unit"),
        g("nama_sub_unit"),
        g("kode_program"),
        g("nama_program"),
        g("kode_kegiatan"),
        g("nama_kegiatan"),
        g("kode_sub_kegiatan"),
        g("nama_sub_kegiatan"),
        g("kode_sumber_dana"),
        g("nama_sumber_dana"),
        g("kode_rekening"),
        g("nama_rekening"),
        g("paket"),
        g("nama_paket"),
        g("kode_standar_harga"),
        g("nama_standar_harga"),
        pagu,
        realisasi if realisasi is not None else _rep(None, n),
        opt("pilar"),
        opt("strategi"),
        labels if labels is not None else _rep(None, n),
        g("tahapan"),
        has_budget,
        _ok_column(ctx, n),
    ]
    total = sum([p for p in pagu if p is not None], Decimal(0))
    return out, total, len(nob)


def _codes(cols: _Columns, kind: str, sub_key: str) -> dict:
    req = set(REQUIRED_OF[kind])
    codes = {k: cols.code(k, k in req) for k in _LEVEL_OF if k in cols.pos}
    if sub_key not in codes:
        codes[sub_key] = codes["kode_skpd"]
    _check_parents(cols, codes, cols.n)
    return codes


def _column_getter(codes: dict, cols: _Columns, n: int):
    """key -> the column of converted codes, else the text column, else the
    ``fallback`` key's, else a column of empty texts."""

    def g(key, fallback=None):
        v = codes[key] if key in codes else cols.text(key)
        if v is None and fallback is not None:
            return g(fallback)
        return _rep("", n) if v is None else v

    return g


def _realisasi(cols: _Columns, ctx: _Ctx, n: int, rownos: list):
    codes = _codes(cols, "realisasi", "kode_sub_skpd")
    nilai = cols.amount("nilai_realisasi", True, True)
    setoran = cols.amount("nilai_setoran", False, True)
    tanggal = cols.date("tanggal_dokumen")

    g = _column_getter(codes, cols, n)

    out = [
        rownos,
        g("kode_skpd"),
        g("nama_skpd"),
        g("kode_sub_skpd"),
        g("nama_sub_skpd", "nama_skpd" if not cols.has("kode_sub_skpd") else None),
        g("kode_urusan"),
        g("kode_bidang"),
        g("kode_program"),
        g("kode_kegiatan"),
        g("kode_sub_kegiatan"),
        g("nama_sub_kegiatan"),
        g("kode_rekening"),
        g("nama_rekening"),
        g("nomor_dokumen"),
        g("jenis_dokumen"),
        g("jenis_transaksi"),
        tanggal if tanggal is not None else _rep(None, n),
        nilai,
        setoran if setoran is not None else _rep(None, n),
        g("tahapan_apbd"),
        _ok_column(ctx, n),
    ]
    total = sum([p for p in nilai if p is not None], Decimal(0))
    return out, total


def _rak(cols: _Columns, ctx: _Ctx, n: int, rownos: list):
    codes = _codes(cols, "rak", "kode_sub_unit")
    nilai = cols.amount("nilai_rincian", True, False)
    zero = Decimal(0)
    month_cols = []
    for key in RAK_MONTHS:
        c = cols.amount(key, False, True)
        month_cols.append([zero if v is None else v for v in c])
    months = list(zip(*month_cols, strict=True))
    bad_before = set(ctx.bad)
    first_month = cols.pos[RAK_MONTHS[0]]
    for i, (total, ms) in enumerate(zip(nilai, months, strict=True)):
        if total is None or i in bad_before:
            continue
        s = sum(ms, zero)
        if s != total:
            ctx.cell(
                i,
                first_month[2],
                "Bulan 1-12",
                rupiah(s),
                "rak_months_mismatch",
                {"months_total": rupiah(s), "nilai": rupiah(total)},
                warn=True,
            )

    g = _column_getter(codes, cols, n)

    out = [
        rownos,
        g("kode_skpd"),
        g("nama_skpd"),
        g("kode_sub_unit"),
        g("nama_sub_unit", "nama_skpd" if not cols.has("kode_sub_unit") else None),
        g("kode_urusan"),
        g("kode_bidang"),
        g("kode_program"),
        g("kode_kegiatan"),
        g("kode_sub_kegiatan"),
        g("nama_sub_kegiatan"),
        g("kode_rekening"),
        g("nama_rekening"),
        g("sumber_dana"),
        nilai,
        months,
        g("tipe_dokumen"),
        _ok_column(ctx, n),
    ]
    total = sum([p for p in nilai if p is not None], Decimal(0))
    return out, total
