"""Catalog of every importer message, Indonesian and English, keyed by a stable code.

The UI groups problems by `code` and shows `CATALOG[code].title_id` (or `_en`) as the
group heading ("312 baris: kode sub kegiatan tidak sah"); each problem carries its own
full sentence built by `render()`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple


class Entry(NamedTuple):
    title_id: str  # group heading
    title_en: str
    text_id: str  # full sentence, str.format() with the params
    text_en: str


SAVE_AS_XLSX_ID = (
    "Buka berkas di Excel atau LibreOffice Calc, pilih File > Save As / Simpan Sebagai, "
    "jenis 'Excel Workbook (.xlsx)', lalu unggah berkas .xlsx itu."
)
SAVE_AS_XLSX_EN = (
    "Open the file in Excel or LibreOffice Calc, choose File > Save As, type "
    "'Excel Workbook (.xlsx)', and upload that .xlsx file."
)

RECAP_EXPORT_ID = (
    'Untuk anggaran, unduh dari SIPD RI laporan rekap "Rekap ... per sub kegiatan / '
    'rekening" (kolom TAHUN, KODE SKPD, KODE SUB UNIT, KODE SUB KEGIATAN, KODE SUMBER '
    "DANA, KODE REKENING, PAGU) dan unggah berkas itu."
)
RECAP_EXPORT_EN = (
    'For the budget, download from SIPD RI the recap "Rekap ... per sub kegiatan / '
    'rekening" (columns TAHUN, KODE SKPD, KODE SUB UNIT, KODE SUB KEGIATAN, KODE SUMBER '
    "DANA, KODE REKENING, PAGU) and upload that file."
)

CATALOG: dict[str, Entry] = {
    # ---- whole-file refusals (FileRejected) ----
    "empty_file": Entry(
        "Berkas kosong",
        "Empty file",
        "Berkas yang diunggah kosong (0 byte). Unggah ulang berkas hasil unduhan SIPD.",
        "The uploaded file is empty (0 bytes). Upload the file downloaded from SIPD again.",
    ),
    "file_too_large": Entry(
        "Berkas terlalu besar",
        "File too large",
        "Berkas berukuran {size} melebihi batas {limit}. Pecah berkas per SKPD atau "
        "hapus lembar yang tidak perlu.",
        "The file is {size}, over the {limit} limit. Split it per SKPD or remove "
        "unneeded sheets.",
    ),
    "pdf_file": Entry(
        "Berkas PDF",
        "PDF file",
        "Berkas ini PDF, bukan lembar kerja. Unduh laporan dari SIPD dalam format "
        "Excel (.xlsx), bukan PDF.",
        "This is a PDF, not a spreadsheet. Download the report from SIPD as Excel "
        "(.xlsx), not PDF.",
    ),
    "image_file": Entry(
        "Berkas gambar",
        "Image file",
        "Berkas ini gambar, bukan lembar kerja. Unggah berkas Excel (.xlsx) dari SIPD.",
        "This is an image, not a spreadsheet. Upload the Excel (.xlsx) file from SIPD.",
    ),
    "text_file": Entry(
        "Berkas teks/CSV",
        "Text/CSV file",
        "Berkas ini teks biasa (mis. CSV), bukan lembar kerja Excel. "
        + SAVE_AS_XLSX_ID,
        "This is plain text (e.g. CSV), not an Excel workbook. " + SAVE_AS_XLSX_EN,
    ),
    "html_table": Entry(
        "Halaman HTML bernama .xls",
        "HTML page named .xls",
        "Berkas ini sebenarnya halaman web (tabel HTML) yang diberi nama .xls, bukan "
        "berkas Excel asli. " + SAVE_AS_XLSX_ID,
        "This file is really a web page (an HTML table) given an .xls name, not a real "
        "Excel file. " + SAVE_AS_XLSX_EN,
    ),
    "not_spreadsheet": Entry(
        "Bukan lembar kerja",
        "Not a spreadsheet",
        "Berkas ini bukan lembar kerja yang dikenali (xlsx, xls, ods). Unggah berkas "
        "Excel (.xlsx) hasil unduhan SIPD.",
        "This file is not a recognised spreadsheet (xlsx, xls, ods). Upload the Excel "
        "(.xlsx) file downloaded from SIPD.",
    ),
    "corrupt_file": Entry(
        "Berkas rusak",
        "Corrupt file",
        "Berkas rusak atau terpotong (mungkin unduhan/unggahan tidak selesai): {detail}. "
        "Unduh ulang dari SIPD, atau buka di Excel dan simpan ulang sebagai .xlsx.",
        "The file is damaged or truncated (maybe an incomplete download/upload): "
        "{detail}. Download it again from SIPD, or open it in Excel and save it again "
        "as .xlsx.",
    ),
    "encrypted_file": Entry(
        "Berkas berkata sandi",
        "Password-protected file",
        "Berkas ini dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca. "
        "Buka di Excel, hapus kata sandi (File > Info > Protect Workbook > Encrypt with "
        "Password, kosongkan), lalu simpan sebagai .xlsx dan unggah ulang.",
        "This file is password-protected (encrypted) and cannot be read. Open it in "
        "Excel, remove the password (File > Info > Protect Workbook > Encrypt with "
        "Password, clear it), save as .xlsx and upload again.",
    ),
    "macro_workbook": Entry(
        "Berkas bermakro",
        "Macro workbook",
        "Berkas ini berisi makro (VBA) dan tidak diterima demi keamanan. Buka di Excel, "
        "simpan sebagai 'Excel Workbook (.xlsx)' (tanpa makro), lalu unggah ulang.",
        "This workbook contains macros (VBA) and is refused for safety. Open it in "
        "Excel, save it as 'Excel Workbook (.xlsx)' (no macros), and upload again.",
    ),
    "zip_bomb": Entry(
        "Isi berkas terlalu besar",
        "Content too large",
        "Isi berkas terlalu besar atau tidak wajar setelah dibuka ({detail}); berkas "
        "ditolak demi keamanan. Simpan ulang dari Excel sebagai .xlsx biasa; bila "
        "datanya memang sebesar itu, pecah per SKPD.",
        "The file's content is too large or abnormal once unpacked ({detail}); it is "
        "refused for safety. Save it again from Excel as a plain .xlsx; if the data is "
        "really that big, split it per SKPD.",
    ),
    "xml_entities": Entry(
        "Isi XML tidak aman",
        "Unsafe XML",
        "Berkas berisi deklarasi DOCTYPE/ENTITY di bagian {part}; ini tidak pernah "
        "dibuat oleh Excel atau SIPD dan ditolak demi keamanan. Buka di Excel dan "
        "simpan ulang sebagai .xlsx.",
        "The file contains DOCTYPE/ENTITY declarations in {part}; Excel and SIPD never "
        "write these, so it is refused for safety. Open it in Excel and save it again "
        "as .xlsx.",
    ),
    "sheet_too_large": Entry(
        "Lembar terlalu besar",
        "Sheet too large",
        "Lembar '{sheet}' memakai area sel yang tidak wajar ({detail}; batas {limit}). "
        "Hapus isi sel jauh di luar tabel (mis. di kolom XFD atau baris 1.048.576), "
        "simpan sebagai .xlsx lalu unggah ulang.",
        "Sheet '{sheet}' uses an abnormal cell area ({detail}; limit {limit}). Clear "
        "cells far outside the table (e.g. column XFD or row 1,048,576), save as .xlsx "
        "and upload again.",
    ),
    "no_sheet": Entry(
        "Tidak ada lembar",
        "No sheet",
        "Berkas tidak memiliki lembar kerja yang terlihat.",
        "The file has no visible worksheet.",
    ),
    "no_header": Entry(
        "Judul kolom tidak ditemukan",
        "Header not found",
        "Tidak ada lembar yang judul kolomnya dikenali dalam {rows} baris pertama "
        "(lembar yang diperiksa: {sheets}). Kolom yang diharapkan untuk rekap pagu: "
        "{expected_rekap}. Untuk realisasi: {expected_realisasi}.",
        "No sheet has a recognisable header row in its first {rows} rows (sheets "
        "checked: {sheets}). Expected columns for a budget recap: {expected_rekap}. "
        "For realisation: {expected_realisasi}.",
    ),
    "no_data": Entry(
        "Tidak ada baris data",
        "No data rows",
        "Lembar '{sheet}' memiliki judul kolom di baris {header_row} tetapi tidak ada "
        "baris data di bawahnya.",
        "Sheet '{sheet}' has a header on row {header_row} but no data rows below it.",
    ),
    "required_column_missing": Entry(
        "Kolom wajib tidak ada",
        "Required column missing",
        "Lembar '{sheet}' (judul di baris {header_row}) tidak memiliki kolom wajib: "
        "{missing}. Unduh ulang laporan lengkap dari SIPD atau tambahkan kolom itu.",
        "Sheet '{sheet}' (header on row {header_row}) lacks required column(s): "
        "{missing}. Download the full report from SIPD again or add the column(s).",
    ),
    "too_many_rows": Entry(
        "Terlalu banyak baris",
        "Too many rows",
        "Lembar '{sheet}' memiliki {rows} baris, melebihi batas {limit}. Pecah berkas "
        "per SKPD.",
        "Sheet '{sheet}' has {rows} rows, over the {limit} limit. Split it per SKPD.",
    ),
    "reader_crashed": Entry(
        "Berkas tidak dapat dibaca dengan aman",
        "File could not be read safely",
        "Berkas tidak dapat dibaca dengan aman ({detail}). Buka di Excel atau "
        "LibreOffice, simpan ulang sebagai .xlsx, lalu unggah lagi.",
        "The file could not be read safely ({detail}). Open it in Excel or "
        "LibreOffice, save it again as .xlsx, and upload it again.",
    ),
    # ---- other SIPD exports: recognised, not imported ----
    "rincian_belanja_export": Entry(
        "Berkas rincian belanja",
        "Spending detail (rincian belanja) file",
        "Lembar '{sheet}' (judul di baris {header_row}) adalah ekspor Rincian Belanja "
        "SIPD RI: satu baris per item belanja (harga satuan, total harga), dengan sumber "
        "dana hanya bernama, tanpa kode. Portal tidak membacanya sebagai pagu. "
        + RECAP_EXPORT_ID,
        "Sheet '{sheet}' (header on row {header_row}) is a SIPD RI Rincian Belanja "
        "export: one row per spending item (unit price, total price), with funding "
        "sources by name only, no code. The portal does not read it as a budget. "
        + RECAP_EXPORT_EN,
    ),
    "ssh_export": Entry(
        "Berkas daftar standar harga (SSH)",
        "Price list (SSH) file",
        "Lembar '{sheet}' (judul di baris {header_row}) adalah daftar standar harga "
        "(SSH/SBU/HSPK/ASB): harga barang dan jasa, bukan pagu sub kegiatan. "
        + RECAP_EXPORT_ID,
        "Sheet '{sheet}' (header on row {header_row}) is a standard price list "
        "(SSH/SBU/HSPK/ASB): prices of goods and services, not a sub kegiatan budget. "
        + RECAP_EXPORT_EN,
    ),
    "kua_ppas_export": Entry(
        "Berkas KUA-PPAS",
        "KUA-PPAS file",
        "Lembar '{sheet}' (judul di baris {header_row}) adalah daftar KUA-PPAS "
        "(plafon anggaran sementara): rencana sebelum APBD, tanpa rekening belanja. "
        + RECAP_EXPORT_ID,
        "Sheet '{sheet}' (header on row {header_row}) is a KUA-PPAS list (provisional "
        "budget ceilings): a plan before the APBD, with no spending accounts. "
        + RECAP_EXPORT_EN,
    ),
    "pagu_skpd_export": Entry(
        "Berkas pagu per SKPD",
        "Budget per SKPD file",
        "Lembar '{sheet}' (judul di baris {header_row}) adalah daftar pagu per SKPD: "
        "satu jumlah per perangkat daerah, tanpa sub kegiatan dan rekening. "
        + RECAP_EXPORT_ID,
        "Sheet '{sheet}' (header on row {header_row}) is a list of budgets per SKPD: "
        "one amount per agency, with no sub kegiatan and no account. "
        + RECAP_EXPORT_EN,
    ),
    # ---- cell / row level ----
    "control_chars_removed": Entry(
        "Karakter kendali dihapus",
        "Control characters removed",
        "Kolom {column}: {count} sel berisi karakter kendali (mis. U+0000, sering dari "
        "salinan PDF) yang tidak terlihat; karakter itu dihapus. Contoh baris {row}: "
        "dibaca sebagai '{cleaned}'.",
        "Column {column}: {count} cell(s) held invisible control characters (e.g. "
        "U+0000, often pasted from a PDF); they were removed. Example row {row}: read "
        "as '{cleaned}'.",
    ),
    "rak_months_mismatch": Entry(
        "Jumlah Bulan 1-12 tidak sama dengan Nilai Rincian",
        "Months 1-12 do not add up to Nilai Rincian",
        "Baris {row}: Bulan 1 sampai 12 berjumlah {months_total}, sedangkan Nilai "
        "Rincian {nilai}. Anggaran kas belum lengkap atau berbeda dari rinciannya; "
        "periksa di SIPD.",
        "Row {row}: months 1 to 12 add up to {months_total}, but Nilai Rincian is "
        "{nilai}. The cash plan is incomplete or differs from its detail; check it in "
        "SIPD.",
    ),
    "required_value_empty": Entry(
        "Sel wajib kosong",
        "Required cell empty",
        "Baris {row}, kolom {column}: sel kosong, padahal wajib diisi. Isi sesuai data "
        "di SIPD.",
        "Row {row}, column {column}: the cell is empty but required. Fill it in as in "
        "SIPD.",
    ),
    "code_format": Entry(
        "Format kode tidak sah",
        "Invalid code format",
        "Baris {row}, kolom {column}: '{value}' {problem_id}. Bentuk yang benar "
        "{pattern}, mis. {example}. Periksa kode di SIPD.",
        "Row {row}, column {column}: '{value}' {problem_en}. The right form is "
        "{pattern}, e.g. {example}. Check the code in SIPD.",
    ),
    "code_stored_as_number": Entry(
        "Kode tersimpan sebagai angka",
        "Code stored as a number",
        "Baris {row}, kolom {column}: kode '{value}' tersimpan sebagai angka di Excel "
        "sehingga nol di belakangnya bisa hilang (1.1 bisa berarti 1.10). Format kolom "
        "ini sebagai Text di Excel lalu ekspor ulang dari SIPD.",
        "Row {row}, column {column}: code '{value}' was stored by Excel as a number, "
        "so trailing zeros may be lost (1.1 could mean 1.10). Format the column as "
        "Text in Excel and export again from SIPD.",
    ),
    "code_inconsistent": Entry(
        "Kode tidak saling cocok",
        "Codes do not match",
        "Baris {row}, kolom {column}: '{value}' tidak cocok dengan {other_column} "
        "'{other_value}' (kode {column} harus menjadi awalan/bagian dari kode di "
        "bawahnya). Periksa kode di SIPD.",
        "Row {row}, column {column}: '{value}' does not match {other_column} "
        "'{other_value}' (the code must be the prefix of the lower-level code). Check "
        "the codes in SIPD.",
    ),
    "kegiatan_level_two_digits": Entry(
        "Digit tingkat kegiatan ditulis dua angka",
        "Kegiatan level written with two digits",
        "Baris {row}, kolom {column}: '{value}' menulis digit tingkat kegiatan dengan "
        "dua angka; dibaca sebagai '{normalised}' ({count} baris dengan nilai ini). "
        "Periksa bahwa ini benar.",
        "Row {row}, column {column}: '{value}' writes the kegiatan level digit with "
        "two digits; read as '{normalised}' ({count} rows with this value). Check "
        "that this is right.",
    ),
    "amount_empty": Entry(
        "Nilai kosong",
        "Amount empty",
        "Baris {row}, kolom {column}: nilai kosong. Isi nilainya (tulis 0 bila memang "
        "nol); sel rumus tanpa hasil tersimpan juga terbaca kosong: buka di Excel, "
        "hitung ulang dan simpan.",
        "Row {row}, column {column}: the amount is empty. Fill it in (write 0 if it "
        "really is zero); a formula cell with no saved result also reads as empty: "
        "open it in Excel, recalculate and save.",
    ),
    "amount_unreadable": Entry(
        "Nilai tidak terbaca",
        "Unreadable amount",
        "Baris {row}, kolom {column}: '{value}' bukan angka rupiah yang jelas. Tulis "
        "dengan titik pemisah ribuan dan koma desimal (mis. 1.250.000.000 atau "
        "1.250.000.000,50) atau sebagai angka biasa.",
        "Row {row}, column {column}: '{value}' is not an unambiguous Rupiah amount. "
        "Write it with dot thousands and comma decimals (e.g. 1.250.000.000 or "
        "1.250.000.000,50) or as a plain number.",
    ),
    "amount_precision": Entry(
        "Nilai lebih dari dua desimal",
        "Amount has more than two decimals",
        "Baris {row}, kolom {column}: '{value}' memiliki lebih dari dua angka di "
        "belakang koma. Bulatkan ke sen (2 desimal) di Excel.",
        "Row {row}, column {column}: '{value}' has more than two decimals. Round it "
        "to cents (2 decimals) in Excel.",
    ),
    "amount_negative": Entry(
        "Nilai negatif",
        "Negative amount",
        "Baris {row}, kolom {column}: nilai {value} negatif; pagu tidak boleh negatif.",
        "Row {row}, column {column}: {value} is negative; a budget cannot be negative.",
    ),
    "year_invalid": Entry(
        "Tahun tidak sah",
        "Invalid year",
        "Baris {row}, kolom {column}: '{value}' bukan tahun anggaran (2000-2100).",
        "Row {row}, column {column}: '{value}' is not a fiscal year (2000-2100).",
    ),
    "date_unreadable": Entry(
        "Tanggal tidak terbaca",
        "Unreadable date",
        "Baris {row}, kolom {column}: '{value}' bukan tanggal. Tulis sebagai tanggal "
        "Excel, 15/03/2024, 2024-03-15 atau 8 Januari 2025.",
        "Row {row}, column {column}: '{value}' is not a date. Write it as an Excel date, "
        "15/03/2024, 2024-03-15 or 8 Januari 2025.",
    ),
    "total_mismatch": Entry(
        "Jumlah tidak cocok",
        "Total does not match",
        "Baris {row}: baris jumlah berkas menyebut {file_total}, tetapi jumlah baris "
        "data {sum_total} (selisih {diff}). Periksa baris yang hilang, tersembunyi "
        "atau ganda.",
        "Row {row}: the file's total row says {file_total_en}, but the data lines add "
        "up to {sum_total_en} (difference {diff_en}). Look for missing, hidden or "
        "duplicated lines.",
    ),
}


def rupiah(d: Decimal | int | None) -> str:
    """Indonesian Rupiah format: Rp1.250.000.000 or Rp1.250.000,50 (negatives -Rp)."""
    if d is None:
        return "-"
    d = Decimal(d)
    neg = d < 0
    d = abs(d)
    whole = int(d)
    cents = d - whole
    s = f"{whole:,}".replace(",", ".")
    if cents:
        s += "," + f"{cents:.2f}"[2:]
    return ("-Rp" if neg else "Rp") + s


def rupiah_en(d: Decimal | int | None) -> str:
    if d is None:
        return "-"
    d = Decimal(d)
    return (
        ("-" if d < 0 else "")
        + "IDR "
        + (f"{abs(d):,.2f}" if d != int(d) else f"{int(abs(d)):,}")
    )


class _Default(dict):
    def __missing__(self, key):
        return ""


def render(code: str, **params) -> tuple[str, str]:
    """(Indonesian, English) sentence for `code` filled with `params`."""
    e = CATALOG[code]
    p = _Default(params)
    return e.text_id.format_map(p), e.text_en.format_map(p)


def rejected(code: str, **params):
    """A FileRejected for `code` (import here to avoid a cycle)."""
    from .types import FileRejected

    mid, men = render(code, **params)
    return FileRejected(code, mid, men)
