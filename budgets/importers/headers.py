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
        ],
        "nama_sub_unit": [
            "NAMA SUB UNIT",
            "NAMA SUB SKPD",
            "NAMA SUBUNIT",
            "SUB UNIT",
            "NAMA UNIT",
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
        "kode_sub_skpd": ["Kode Sub SKPD", "Kode Sub Unit"],
        "nama_sub_skpd": ["Nama Sub SKPD", "Nama Sub Unit"],
        "kode_urusan": ["Kode Urusan"],
        "kode_bidang": ["Kode Bidang Urusan", "Kode Bidang"],
        "kode_program": ["Kode Program"],
        "kode_kegiatan": ["Kode Kegiatan"],
        "kode_sub_kegiatan": ["Kode Sub Kegiatan", "Kode Subkegiatan"],
        "nama_sub_kegiatan": ["Nama Sub Kegiatan"],
        "kode_rekening": ["Kode Rekening", "Kode Akun"],
        "nama_rekening": ["Nama Rekening", "Nama Akun"],
        "nomor_dokumen": ["Nomor Dokumen", "No Dokumen"],
        "jenis_dokumen": ["Jenis Dokumen"],
        "jenis_transaksi": ["Jenis Transaksi"],
        "tanggal_dokumen": ["Tanggal Dokumen", "Tgl Dokumen"],
        "nilai_realisasi": ["Nilai Realisasi", "Realisasi"],
        "nilai_setoran": ["Nilai Setoran", "Setoran"],
        "tahapan_apbd": ["Tahapan APBD"],
        # recognised but never carried (personal data / not needed)
        "_ignored": [
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

# Columns that only a realisation-per-document report has.
REALISASI_MARKERS = {
    "nomor_dokumen",
    "jenis_dokumen",
    "tanggal_dokumen",
    "nilai_realisasi",
    "jenis_transaksi",
}


def map_rekap(norm: str) -> str | None:
    key = REKAP_COLUMNS.get(norm)
    if key is None and norm.startswith("LABEL "):
        return "label"
    return key


def map_realisasi(norm: str) -> str | None:
    return REALISASI_COLUMNS.get(norm)


class HeaderMatch:
    """A recognised header row: which cell index holds which canonical key."""

    __slots__ = ("index", "kind", "cols", "raw", "ignored", "score")

    def __init__(self, index, kind, cols, raw, ignored, score):
        self.index = index  # 0-based index in the rows list
        self.kind = kind
        self.cols = cols  # list of (cell index, key, raw header text)
        self.raw = raw  # all raw header texts (str), in file order
        self.ignored = ignored  # raw headers not carried
        self.score = score


def match_header_row(cells) -> HeaderMatch | None:
    """Score one row as a header; None when it does not look like one."""
    norms = [normalize_header(c) if isinstance(c, str) else "" for c in cells]
    rk = [map_rekap(n) for n in norms]
    rl = [map_realisasi(n) for n in norms]
    rk_keys = {k for k in rk if k and k not in ("no", "label")}
    rl_keys = {k for k in rl if k and k != "_ignored"}
    codes_rk = {k for k in rk_keys if k.startswith("kode_") or k in ("pagu", "tahun")}
    codes_rl = {k for k in rl_keys if k.startswith("kode_") or k.startswith("nilai")}
    is_real = bool(rl_keys & REALISASI_MARKERS) and "pagu" not in rk_keys
    if is_real and len(codes_rl) >= 3:
        kind, mapped, score = "realisasi", rl, len(rl_keys)
    elif len(codes_rk) >= 3:
        kind, mapped, score = "rekap", rk, len(rk_keys)
    else:
        return None
    cols, ignored, seen = [], [], set()
    raw = [c if isinstance(c, str) else ("" if c is None else str(c)) for c in cells]
    for i, key in enumerate(mapped):
        text = " ".join(raw[i].split())
        if key is None or key == "_ignored" or key == "no":
            if text:
                ignored.append(text)
            continue
        if key != "label" and key in seen:  # a repeated column: first one wins
            ignored.append(text)
            continue
        seen.add(key)
        cols.append((i, key, text))
    return HeaderMatch(
        None, kind, cols, [" ".join(r.split()) for r in raw], ignored, score
    )
