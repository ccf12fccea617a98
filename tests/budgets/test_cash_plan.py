"""The DPA / RAK export (anggaran kas, Bulan 1..12) imports as the monthly cash
plan of its stage: CashPlanLine rows, re-import unchanged, rollback."""

from decimal import Decimal

import pytest

from budgets import imports
from budgets.models import CashPlanLine, ImportKind, ImportStatus, Unit
from tests.importers.workbooks import Sheet, xlsx_bytes

from .import_helpers import upload

pytestmark = pytest.mark.django_db

# The headers SIPD's DPA / RAK export writes (budgets/importers/headers.py RAK_COLUMNS).
RAK = [
    "Kode SKPD", "Nama SKPD", "Kode Sub Unit", "Nama Sub Unit", "Kode Urusan",
    "Kode Bidang Urusan", "Kode Program", "Kode Kegiatan", "Kode Sub Kegiatan",
    "Nama Sub Kegiatan", "Kode Akun", "Nama Akun", "Sumber Dana", "Nilai Rincian",
    "Total Rincian Anggaran Kegiatan", *[f"Bulan {m}" for m in range(1, 13)],
    "Tipe Dokumen",
]  # fmt: skip
UPTD = "1.02.0.00.0.00.01.0010"


def rak_row(i, months):
    d = {
        "Kode SKPD": "1.02.0.00.0.00.01.0000", "Nama SKPD": "Dinas Kesehatan",
        "Kode Sub Unit": UPTD, "Nama Sub Unit": "UPTD Puskesmas Contoh",
        "Kode Urusan": "1", "Kode Bidang Urusan": "1.02", "Kode Program": "1.02.02",
        "Kode Kegiatan": "1.02.02.2.01", "Kode Sub Kegiatan": "1.02.02.2.01.0020",
        "Nama Sub Kegiatan": "Penyediaan Fasilitas Pelayanan Kesehatan",
        "Kode Akun": f"5.1.02.01.01.{i:04d}", "Nama Akun": "Belanja Alat Tulis Kantor",
        "Sumber Dana": "DAU yang Ditentukan Penggunaannya Bidang Kesehatan",
        "Nilai Rincian": sum(months), "Total Rincian Anggaran Kegiatan": 9_999_999,
        "Tipe Dokumen": "DPA",
    }
    d.update({f"Bulan {m}": v for m, v in enumerate(months, 1)})
    return [d.get(h) for h in RAK]


MONTHS = {1: [100_000 * m for m in range(1, 13)], 2: [0] * 11 + [5_000_000],
          3: [250_000.5] * 12}


def rak_bytes(months=MONTHS) -> bytes:
    return xlsx_bytes([Sheet("RAK", [RAK, *[rak_row(i, m) for i, m in months.items()]])])


def test_a_rak_export_imports_as_twelve_months_of_cash_plan_per_line(data_staff):
    batch = upload(data_staff, rak_bytes(), name="rak.xlsx", fiscal_year=2024,
                   stage="murni", commit=True)
    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert batch.kind == ImportKind.RAK and batch.errors == [] and batch.created == 3
    plans = {p.account.code: p for p in CashPlanLine.objects.select_related("account")}
    assert len(plans) == 3
    for i, months in MONTHS.items():
        plan = plans[f"5.1.02.01.01.{i:04d}"]
        assert [Decimal(m) for m in plan.months] == [Decimal(str(m)) for m in months]
        assert plan.total == sum(Decimal(str(m)) for m in months)
        assert (plan.fiscal_year, plan.stage, plan.document_type) == (2024, "murni", "DPA")
        assert plan.sub_unit.code == UPTD and plan.unit.code == "1.02.0.00.0.00.01.0000"
    assert Unit.objects.get(code=UPTD).parent.code == "1.02.0.00.0.00.01.0000"
    assert Decimal(batch.total_pagu) == sum(p.total for p in plans.values())


def test_the_same_rak_again_changes_nothing_and_a_changed_month_replaces_the_plan(data_staff):
    upload(data_staff, rak_bytes(), name="rak.xlsx", fiscal_year=2024, commit=True)
    again = upload(data_staff, rak_bytes(), name="rak.xlsx", fiscal_year=2024, commit=True)
    assert again.status == ImportStatus.COMMITTED
    assert (again.created, again.updated, again.removed, again.unchanged) == (0, 0, 0, 3)
    assert "Tidak ada perubahan" in again.message
    ids = set(CashPlanLine.objects.values_list("pk", flat=True))
    changed = dict(MONTHS)
    changed[2] = [0] * 10 + [1_000_000, 4_000_000]
    del changed[3]
    later = upload(data_staff, rak_bytes(changed), name="rak2.xlsx", fiscal_year=2024,
                   commit=True)
    assert (later.created, later.updated, later.removed) == (0, 1, 1)
    assert CashPlanLine.objects.count() == 2
    assert set(CashPlanLine.objects.values_list("pk", flat=True)) < ids
    plan = CashPlanLine.objects.get(account__code="5.1.02.01.01.0002")
    assert [Decimal(m) for m in plan.months][-2:] == [Decimal("1000000"), Decimal("4000000")]


def test_rollback_of_a_rak_batch_restores_the_plan_before_it(data_staff):
    first = upload(data_staff, rak_bytes(), name="rak.xlsx", fiscal_year=2024, commit=True)

    def state():
        return sorted(CashPlanLine.objects.values_list(
            "pk", "account_id", "total", "months", "import_batch_id"))

    before = state()
    changed = {1: MONTHS[1], 2: [1] * 12}
    later = upload(data_staff, rak_bytes(changed), name="rak2.xlsx", fiscal_year=2024,
                   commit=True)
    assert state() != before
    with pytest.raises(imports.ImportRefused):
        imports.import_batch_rollback(user=data_staff, batch=first)  # the later one first
    imports.import_batch_rollback(user=data_staff, batch=later)
    assert state() == before
    imports.import_batch_rollback(user=data_staff, batch=first)
    assert not CashPlanLine.objects.exists()
