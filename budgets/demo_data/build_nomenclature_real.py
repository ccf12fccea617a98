"""Rebuild ``nomenclature_real.csv`` from the real SIPD RI recaps of Kabupaten Buru.

    python budgets/demo_data/build_nomenclature_real.py PATH/buru_2024_rekap_murni.xlsx \
        [PATH/buru_2024_rekap_perubahan_1.xlsx ...]

The codes the demo uses are chosen here (codes only); every name comes from the
files, trimmed as the importer trims cell text. A code missing from the first file,
or named differently in a later file of the same year, stops the script. Not used at
run time: the demo reads the CSV. Needs python-calamine (a dependency of the
importer).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

# Sub kegiatan per bidang, all under one poverty-relevant program of that bidang
# (so each OPD's lines roll up to one program, as they always have). Where the
# files hold fewer than four sub kegiatan under the program, the demo cycles them.
SUB_KEGIATAN = {
    "1.06": ["1.06.05.2.02.0001", "1.06.05.2.02.0002", "1.06.05.2.02.0003", "1.06.05.2.02.0004"],
    "1.02": ["1.02.02.2.02.0026", "1.02.02.2.02.0015", "1.02.02.2.02.0001", "1.02.02.2.02.0004"],
    "1.04": ["1.04.02.2.03.0001", "1.04.02.2.03.0004", "1.04.02.2.01.0010", "1.04.02.2.05.0003"],
    "2.07": ["2.07.04.2.01.0002", "2.07.04.2.01.0003", "2.07.04.2.03.0001"],
    "2.09": ["2.09.03.2.01.0002", "2.09.03.2.01.0003", "2.09.03.2.02.0003", "2.09.03.2.04.0002"],
    "2.13": ["2.13.05.2.01.0003", "2.13.05.2.01.0005", "2.13.05.2.01.0009", "2.13.05.2.01.0011"],
    "2.17": ["2.17.07.2.01.0002", "2.17.07.2.01.0003", "2.17.07.2.01.0004", "2.17.07.2.01.0015"],
    "3.27": ["3.27.03.2.02.0002", "3.27.03.2.02.0003", "3.27.03.2.02.0009", "3.27.03.2.02.0010"],
    "3.25": ["3.25.03.2.01.0002", "3.25.03.2.02.0001"],
    "1.01": ["1.01.02.2.01.0021", "1.01.02.2.02.0032", "1.01.02.2.03.0011", "1.01.02.2.04.0010"],
    "1.03": ["1.03.07.2.01.0021", "1.03.07.2.01.0036"],
    "2.08": ["2.08.02.2.01.0002", "2.08.02.2.02.0002"],
    "2.12": ["2.12.02.2.01.0001", "2.12.02.2.01.0002", "2.12.02.2.01.0004", "2.12.02.2.03.0003"],
    "3.31": ["3.31.02.2.01.0003", "3.31.02.2.01.0004", "3.31.02.2.01.0005", "3.31.02.2.01.0006"],
    "5.01": ["5.01.02.2.01.0007", "5.01.02.2.02.0001", "5.01.02.2.03.0001", "5.01.02.2.03.0003"],
    "3.26": ["3.26.02.2.01.0007", "3.26.02.2.01.0009", "3.26.02.2.03.0003"],
}
# Accounts in the order the demo rotates them; their groups (5.1.06, 5.1.02 x3,
# 5.2.03) are the ones the demo always had.
REKENING = [
    "5.1.06.01.01.0001",  # bantuan sosial uang kepada individu
    "5.1.02.01.01.0052",  # makanan dan minuman rapat
    "5.1.02.02.01.0026",  # jasa tenaga administrasi
    "5.1.02.03.03.0001",  # pemeliharaan bangunan gedung
    "5.2.03.01.02.0012",  # belanja modal rumah (tempat tinggal)
]
# A PAD source and the DAU, in the order the demo alternates them.
SUMBER_DANA = ["1.1.01", "1.2.01.01.02"]

LEVEL_COLUMNS = [
    ("urusan", "KODE URUSAN", "NAMA URUSAN"),
    ("bidang", "KODE BIDANG URUSAN", "NAMA BIDANG URUSAN"),
    ("program", "KODE PROGRAM", "NAMA PROGRAM"),
    ("kegiatan", "KODE KEGIATAN", "NAMA KEGIATAN"),
    ("sub_kegiatan", "KODE SUB KEGIATAN", "NAMA SUB KEGIATAN"),
    ("rekening", "KODE REKENING", "NAMA REKENING"),
    ("sumber_dana", "KODE SUMBER DANA", "NAMA SUMBER DANA"),
]
OUT = Path(__file__).with_name("nomenclature_real.csv")


def _names(path: Path) -> tuple[int, dict[tuple[str, str], str]]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = [str(h).strip() for h in rows[0]]
    pos = {h: i for i, h in enumerate(header)}
    names: dict[tuple[str, str], str] = {}
    years = set()
    for row in rows[1:]:
        years.add(int(row[pos["TAHUN"]]))
        for level, code_col, name_col in LEVEL_COLUMNS:
            code = str(row[pos[code_col]]).strip()
            name = str(row[pos[name_col]]).strip()
            if code and names.setdefault((level, code), name) != name:
                raise SystemExit(f"{path.name}: {level} {code} has two names")
    if len(years) != 1:
        raise SystemExit(f"{path.name}: more than one year {sorted(years)}")
    return years.pop(), names


def wanted() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for codes in SUB_KEGIATAN.values():
        for code in codes:
            parts = code.split(".")
            for level, n in (("urusan", 1), ("bidang", 2), ("program", 3), ("kegiatan", 5)):
                key = (level, ".".join(parts[:n]))
                if key not in out:
                    out.append(key)
            out.append(("sub_kegiatan", code))
    out += [("rekening", c) for c in REKENING]
    out += [("sumber_dana", c) for c in SUMBER_DANA]
    return out


def main(paths: list[str]) -> None:
    first, *others = [Path(p) for p in paths]
    year, names = _names(first)
    missing = [k for k in wanted() if k not in names]
    if missing:
        raise SystemExit(f"not in {first.name}: {missing}")
    for other in others:
        other_year, other_names = _names(other)
        for key in wanted():
            if other_year == year and other_names.get(key, names[key]) != names[key]:
                raise SystemExit(f"{other.name} names {key} otherwise")
    with OUT.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["year", "level", "code", "name", "source"])
        for level, code in wanted():
            writer.writerow([year, level, code, names[(level, code)], first.name])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    main(sys.argv[1:])
