import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from budgets.exports import Column, write_csv, write_xlsx

COLUMNS = [Column("name", "NAMA"), Column("pagu", "PAGU", "money")]
ROWS = [
    {"name": "=HYPERLINK(\"http://x\")", "pagu": Decimal("1250000.50")},
    {"name": "+628123", "pagu": Decimal("0")},
    {"name": "@SUM(A1)", "pagu": Decimal("1")},
    {"name": "Dinas Sosial", "pagu": Decimal("2")},
]


def test_xlsx_never_stores_text_as_a_formula():
    data = write_xlsx(title="Uji", columns=COLUMNS, rows=ROWS, filters={"fiscal_year": 2024})
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Data"]
    assert [c.value for c in ws[1]] == ["NAMA", "PAGU"]
    assert ws["A2"].data_type == "s"
    assert ws["A2"].value == '=HYPERLINK("http://x")'
    assert ws["B2"].value == 1250000.5


def test_xlsx_stamps_filters_and_time():
    data = write_xlsx(title="Uji", columns=COLUMNS, rows=ROWS, filters={"fiscal_year": 2024})
    info = load_workbook(io.BytesIO(data))["Keterangan"]
    stamp = {row[0].value: row[1].value for row in info.iter_rows()}
    assert stamp["Filter"] == "fiscal_year=2024"
    assert stamp["Diekspor"].endswith("WIB")


def test_csv_prefixes_formula_like_text_and_stamps():
    text = write_csv(title="Uji", columns=COLUMNS, rows=ROWS, filters={"region": "36.02"})
    lines = text.splitlines()
    assert lines[0] == "# Judul: Uji"
    assert any(line == "# Filter: region=36.02" for line in lines)
    body = [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]
    assert body[0] == ["NAMA", "PAGU"]
    assert body[1][0].startswith("'=")
    assert body[2][0] == "'+628123"
    assert body[3][0] == "'@SUM(A1)"
    assert body[4] == ["Dinas Sosial", "2"]
