"""Header recognition: normalise header text and map it to canonical column keys.

Normalisation: upper case, every character that is not a letter or digit (so
/ . - _ ( ) line breaks, NBSP) becomes a space, spaces collapse, ends stripped.
Columns are matched by this normalised name, never by position.
"""

from __future__ import annotations

import re

_NON_ALNUM = re.compile(r"[^0-9A-Z]+")


def normalize_header(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return _NON_ALNUM.sub(" ", value.upper()).strip()


def _m(pairs: dict) -> dict:
    out = {}
    for key, names in pairs.items():
        for n in names:
            out[normalize_header(n)] = key
    return out


# key -> accepted header spellings (normalised on load)
REKAP_COLUMNS = _m(
    {
        "no": ["NO", "NOMOR", "NO URUT"],
        "tahun": ["TAHUN", "TAHUN ANGGARAN", "TA"],
        "kode_urusan": ["KODE URUSAN"],
        "nama_urusan": ["NAMA URUSAN", "URUSAN"],
        "kode_bidang": ["KODE BIDANG URUSAN", "KODE BIDANG"],
        "nama_bidang": ["NAMA BIDANG URUSAN", "NAMA BIDANG", "BIDANG URUSAN"],
        "kode_skpd": ["KODE SKPD", "KODE OPD", "KODE PERANGKAT DAERAH"],
        "nama_skpd": ["NAMA SKPD", "NAMA OPD", "SKPD", "NAMA PERANGKAT DAERAH"],
        "kode_sub_unit": [
            "KODE SUB UNIT",
            "KODE SUB SKPD",
            "KODE SUBUNIT",
            "KODE UNIT",
            "KODE UNIT SKPD",
        ],
        "nama_sub_unit": [
            "NAMA SUB UNIT",
            "NAMA SUB SKPD",
            "NAMA SUBUNIT",
            "SUB UNIT",
            "NAMA UNIT",
            "NAMA UNIT SKPD",
        ],
        "kode_program": ["KODE PROGRAM"],
        "nama_program": ["NAMA PROGRAM", "PROGRAM"],
        "kode_kegiatan": ["KODE KEGIATAN", "KODE GIAT"],
        "nama_kegiatan": ["NAMA KEGIATAN", "KEGIATAN", "NAMA GIAT"],
        "kode_sub_kegiatan": ["KODE SUB KEGIATAN", "KODE SUBKEGIATAN", "KODE SUB GIAT"],
        "nama_sub_kegiatan": [
            "NAMA SUB KEGIATAN",
            "SUB KEGIATAN",
            "NAMA SUBKEGIATAN",
            "NAMA SUB GIAT",
        ],
        "kode_sumber_dana": ["KODE SUMBER DANA", "KODE DANA"],
        "nama_sumber_dana": ["NAMA SUMBER DANA", "SUMBER DANA", "NAMA DANA"],
        "kode_rekening": ["KODE REKENING", "KODE AKUN", "KODE REKENING BELANJA"],
        "nama_rekening": [
            "NAMA REKENING",
            "NAMA AKUN",
            "REKENING",
            "URAIAN REKENING",
            "NAMA REKENING BELANJA",
        ],
        "paket": [
            "PAKET/KELOMPOK",
            "PAKET",
            "KELOMPOK",
            "KODE PAKET",
            "KODE PAKET/KELOMPOK",
            "NO PAKET",
        ],
        "nama_paket": [
            "NAMA PAKET/KELOMPOK",
            "NAMA PAKET",
            "NAMA KELOMPOK",
            "URAIAN PAKET",
        ],
        "kode_standar_harga": ["KODE STANDAR HARGA", "KODE SSH"],
        "nama_standar_harga": ["NAMA STANDAR HARGA", "NAMA SSH"],
        "tahapan": ["TAHAPAN", "TAHAPAN ANGGARAN", "TAHAPAN APBD", "TAHAP"],
        "pagu": [
            "PAGU",
            "NILAI",
            "PAGU ANGGARAN",
            "ANGGARAN",
            "NILAI PAGU",
            "PAGU RP",
            "NILAI RP",
            "JUMLAH PAGU",
        ],
        "realisasi": ["REALISASI", "NILAI REALISASI", "REALISASI RP"],
        "pilar": ["PILAR"],
        "strategi": ["STRATEGI"],
        "label": [
            "LABEL GIAT",
            "LABEL PRIORITAS",
            "LABEL PRIORITAS NASIONAL",
            "LABEL PUSAT",
            "LABEL PROVINSI",
            "LABEL KAB KOTA",
            "LABEL KABKOTA",
            "STRATEGI TEKS",
            "KELOMPOK TEKS",
            "LABEL KEMISKINAN EKSTREM",
            "TAG",
            "TAGGING",
        ],
    }
)

REALISASI_COLUMNS = _m(
    {
        "kode_skpd": ["Kode SKPD", "Kode OPD"],
        "nama_skpd": ["Nama SKPD", "Nama OPD"],
        "kode_sub_skpd": [
            "Kode Sub SKPD",
            "Kode Sub Unit",
            "Kode Unit SKPD",
            "Kode Unit",
        ],
        "nama_sub_skpd": [
            "Nama Sub SKPD",
            "Nama Sub Unit",
            "Nama Unit SKPD",
            "Nama Unit",
        ],
        "kode_urusan": ["Kode Urusan"],
        "kode_bidang": ["Kode Bidang Urusan", "Kode Bidang"],
        "kode_program": ["Kode Program"],
        "kode_kegiatan": ["Kode Kegiatan"],
        "kode_sub_kegiatan": ["Kode Sub Kegiatan", "Kode Subkegiatan"],
        "nama_sub_kegiatan": ["Nama Sub Kegiatan", "Nama Subkegiatan"],
        "kode_rekening": ["Kode Rekening", "Kode Akun"],
        "nama_rekening": ["Nama Rekening", "Nama Akun"],
        "nomor_dokumen": ["Nomor Dokumen", "No Dokumen"],
        "jenis_dokumen": ["Jenis Dokumen"],
        "jenis_transaksi": ["Jenis Transaksi"],
        "tanggal_dokumen": ["Tanggal Dokumen", "Tgl Dokumen"],
        "nilai_realisasi": ["Nilai Realisasi", "Realisasi"],
        "nilai_setoran": ["Nilai Setoran", "Setoran"],
        "tahapan_apbd": ["Tahapan APBD"],
        # recognised but never carried (personal data / not needed). Nilai SPD
        # and Nilai SP2D repeat a document's figure on each of its rekening
        # rows: never spending. Anggaran is the budget, not spending.
        "_ignored": [
            "Nomor",
            "No",
            "Kode Subfungsi",
            "Nama Subfungsi",
            "Nama Bidang",
            "Anggaran",
            "Pagu",
            "NIP Pegawai",
            "Nama Pegawai",
            "Kode Fungsi",
            "Nama Fungsi",
            "Kode Sub Fungsi",
            "Nama Sub Fungsi",
            "Nama Urusan",
            "Nama Bidang Urusan",
            "Nama Program",
            "Nama Kegiatan",
            "Nomor DPT",
            "Keterangan Dokumen",
            "Tanggal Simpan",
            "Nomor SPD",
            "Periode SPD",
            "Nilai SPD",
            "Tahapan SPD",
            "Nama Sub Tahapan Jadwal",
            "Nomor SPP",
            "Tanggal SPP",
            "Nomor SPM",
            "Tanggal SPM",
            "Nomor SP2D",
            "Tanggal SP2D",
            "Tanggal Transfer",
            "Nilai SP2D",
        ],
    }
)

_MONTH_NAMES = (
    "JANUARI FEBRUARI MARET APRIL MEI JUNI JULI AGUSTUS SEPTEMBER OKTOBER NOVEMBER "
    "DESEMBER"
).split()

RAK_COLUMNS = _m(
    {
        "kode_skpd": ["Kode SKPD", "Kode OPD"],
        "nama_skpd": ["Nama SKPD", "Nama OPD"],
        "kode_sub_unit": [
            "Kode Sub Unit",
            "Kode Sub SKPD",
            "Kode Unit SKPD",
            "Kode Unit",
        ],
        "nama_sub_unit": [
            "Nama Sub Unit",
            "Nama Sub SKPD",
            "Nama Unit SKPD",
            "Nama Unit",
        ],
        "kode_urusan": ["Kode Urusan"],
        "kode_bidang": ["Kode Bidang Urusan", "Kode Bidang"],
        "kode_program": ["Kode Program"],
        "kode_kegiatan": ["Kode Kegiatan", "Kode Giat"],
        "kode_sub_kegiatan": ["Kode Sub Kegiatan", "Kode Subkegiatan", "Kode Sub Giat"],
        "nama_sub_kegiatan": ["Nama Sub Kegiatan", "Nama Subkegiatan", "Nama Sub Giat"],
        "kode_rekening": ["Kode Akun", "Kode Rekening"],
        "nama_rekening": ["Nama Akun", "Nama Rekening"],
        "sumber_dana": ["Sumber Dana", "Nama Sumber Dana"],
        "nilai_rincian": ["Nilai Rincian"],
        "tipe_dokumen": ["Tipe Dokumen"],
        **{f"bulan_{m}": [f"Bulan {m}", _MONTH_NAMES[m - 1]] for m in range(1, 13)},
        "_ignored": ["Total Rincian Anggaran Kegiatan", "No", "Nomor"],
    }
)
RAK_MONTHS = tuple(f"bulan_{m}" for m in range(1, 13))

REKAP_REQUIRED = (
    "tahun",
    "kode_skpd",
    "kode_sub_unit",
    "kode_sub_kegiatan",
    "kode_sumber_dana",
    "kode_rekening",
    "pagu",
)
REALISASI_REQUIRED = (
    "kode_skpd",
    "kode_sub_kegiatan",
    "kode_rekening",
    "nilai_realisasi",
)
RAK_REQUIRED = (
    "kode_skpd",
    "kode_sub_kegiatan",
    "kode_rekening",
    "nilai_rincian",
    *RAK_MONTHS,
)

DISPLAY = {
    "tahun": "TAHUN",
    "kode_skpd": "KODE SKPD",
    "kode_sub_unit": "KODE SUB UNIT",
    "kode_sub_kegiatan": "KODE SUB KEGIATAN",
    "kode_sumber_dana": "KODE SUMBER DANA",
    "kode_rekening": "KODE REKENING",
    "pagu": "PAGU",
    "nilai_realisasi": "Nilai Realisasi",
}
REALISASI_DISPLAY = {
    "kode_skpd": "Kode SKPD",
    "kode_sub_kegiatan": "Kode Sub Kegiatan",
    "kode_rekening": "Kode Rekening",
    "nilai_realisasi": "Nilai Realisasi",
}
RAK_DISPLAY = {
    "kode_skpd": "Kode SKPD",
    "kode_sub_kegiatan": "Kode Sub Kegiatan",
    "kode_rekening": "Kode Akun",
    "nilai_rincian": "Nilai Rincian",
    **{f"bulan_{m}": f"Bulan {m}" for m in range(1, 13)},
}
DISPLAY_OF = {"rekap": DISPLAY, "realisasi": REALISASI_DISPLAY, "rak": RAK_DISPLAY}
REQUIRED_OF = {
    "rekap": REKAP_REQUIRED,
    "realisasi": REALISASI_REQUIRED,
    "rak": RAK_REQUIRED,
}

# Columns that only a realisation-per-document report has.
REALISASI_MARKERS = {
    "nomor_dokumen",
    "jenis_dokumen",
    "tanggal_dokumen",
    "jenis_transaksi",
}


def map_rekap(norm: str) -> str | None:
    key = REKAP_COLUMNS.get(norm)
    if key is None and norm.startswith("LABEL "):
        return "label"
    return key


def map_realisasi(norm: str) -> str | None:
    return REALISASI_COLUMNS.get(norm)


def map_rak(norm: str) -> str | None:
    return RAK_COLUMNS.get(norm)


_SUB_KEGIATAN = {"KODE SUB KEGIATAN", "KODE SUBKEGIATAN", "KODE SUB GIAT"}
_ACCOUNT = {"KODE AKUN", "KODE REKENING", "KODE REKENING BELANJA"}
_PROGRAM_DOWN = {"KODE PROGRAM", "KODE KEGIATAN", "KODE GIAT"} | _SUB_KEGIATAN
_SKPD = {"KODE SKPD", "NAMA SKPD", "SKPD", "KODE OPD", "NAMA OPD", "PERANGKAT DAERAH"}
_PRICE_ITEM = {
    "KODE STANDAR HARGA",
    "NAMA STANDAR HARGA",
    "KODE SSH",
    "KODE BARANG",
    "NAMA BARANG",
    "URAIAN BARANG",
    "KODE KOMPONEN",
    "NAMA KOMPONEN",
    "SPESIFIKASI",
}


def other_export(norms: list) -> str | None:
    """The code of a SIPD export that has no budget lines to import (its
    refusal message names the export to download instead), or None.

    - rincian belanja: item rows per sub kegiatan and account (HARGA SATUAN,
      TOTAL HARGA, KETERANGAN BELANJA, PAKET/KELOMPOK BELANJA/TAGGING);
    - SSH / standar harga list: price items without sub kegiatan;
    - KUA-PPAS: PPAS / plafon / pagu indikatif columns, no account;
    - pagu per SKPD: SKPD and a pagu, nothing below the SKPD.
    """
    ns = {n for n in norms if n}
    if not ns:
        return None
    has_sub = bool(ns & _SUB_KEGIATAN)
    has_account = bool(ns & _ACCOUNT)
    item_cols = {"HARGA SATUAN", "TOTAL HARGA", "KOEFISIEN"} & ns or any(
        n.startswith(("KETERANGAN BELANJA", "PAKET KELOMPOK BELANJA")) for n in ns
    )
    if has_sub and has_account and item_cols:
        return "rincian_belanja_export"
    if (
        not has_sub
        and ns & _PRICE_ITEM
        and ({"HARGA SATUAN", "HARGA", "SATUAN", "HARGA SATUAN RP"} & ns)
    ):
        return "ssh_export"
    if not has_account and any(
        "PPAS" in n.split()
        or "KUA" in n.split()
        or "PLAFON" in n
        or "PAGU INDIKATIF" in n
        for n in ns
    ):
        return "kua_ppas_export"
    pagu_cols = {n for n in ns if map_rekap(n) == "pagu" or n.startswith("PAGU ")}
    if ns & _SKPD and pagu_cols and not (ns & (_PROGRAM_DOWN | _ACCOUNT)):
        return "pagu_skpd_export"
    return None


class HeaderMatch:
    """A recognised header row: which cell index holds which canonical key."""

    __slots__ = ("index", "kind", "cols", "raw", "ignored", "score", "refused")

    def __init__(self, index, kind, cols, raw, ignored, score, refused=None):
        self.index = index  # 0-based index in the rows list
        self.kind = kind  # rekap | realisasi | rak | other
        self.refused = refused  # kind "other": the message code of the refusal
        self.cols = cols  # list of (cell index, key, raw header text)
        self.raw = raw  # all raw header texts (str), in file order
        self.ignored = ignored  # raw headers not carried
        self.score = score


def _clean_header(text: str) -> str:
    from .codes import strip_controls

    return " ".join(strip_controls(text).split())


def match_header_row(cells) -> HeaderMatch | None:
    """Score one row as a header; None when it does not look like one.

    kind is "rekap", "realisasi", "rak", or "other" for an export that is
    recognised but not imported (then `refused` holds its message code).
    """
    norms = [normalize_header(c) if isinstance(c, str) else "" for c in cells]
    rk = [map_rekap(n) for n in norms]
    rl = [map_realisasi(n) for n in norms]
    ra = [map_rak(n) for n in norms]
    rk_keys = {k for k in rk if k and k not in ("no", "label")}
    rl_keys = {k for k in rl if k and k != "_ignored"}
    ra_keys = {k for k in ra if k and k != "_ignored"}
    codes_rk = {k for k in rk_keys if k.startswith("kode_") or k in ("pagu", "tahun")}
    codes_rl = {k for k in rl_keys if k.startswith("kode_") or k.startswith("nilai")}
    months = sum(1 for k in ra_keys if k.startswith("bulan_"))
    is_real = bool(rl_keys & REALISASI_MARKERS) or (
        "nilai_realisasi" in rl_keys and "pagu" not in rk_keys
    )
    refused = other_export(norms)
    if refused is not None:
        return HeaderMatch(None, "other", [], [], [], 1, refused)
    if months >= 6 and ("nilai_rincian" in ra_keys or "kode_rekening" in ra_keys):
        kind, mapped, score = "rak", ra, len(ra_keys)
    elif is_real and len(codes_rl) >= 3:
        kind, mapped, score = "realisasi", rl, len(rl_keys)
    elif len(codes_rk) >= 3:
        kind, mapped, score = "rekap", rk, len(rk_keys)
    else:
        return None
    cols, ignored, seen = [], [], set()
    raw = [
        _clean_header(c) if isinstance(c, str) else ("" if c is None else str(c))
        for c in cells
    ]
    for i, key in enumerate(mapped):
        text = raw[i]
        if key is None or key == "_ignored" or key == "no":
            if text:
                ignored.append(text)
            continue
        if key != "label" and key in seen:  # a repeated column: first one wins
            ignored.append(text)
            continue
        seen.add(key)
        cols.append((i, key, text))
    return HeaderMatch(None, kind, cols, raw, ignored, score)
