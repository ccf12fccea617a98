"""The import service: preview, commit, idempotence, replacement, rollback, tags,
realisasi, reference data, the task's attempt cap."""

from decimal import Decimal

import pytest

from django.db.models import Sum

from audit.models import AuditAction, AuditRecord
from budgets import imports
from budgets.models import (
    Account,
    BudgetLine,
    ImportBatch,
    ImportStatus,
    LineOrigin,
    Nomenclature,
    RealisationDocument,
    Tag,
    Unit,
    UnitKind,
)
from tests.importers.workbooks import (
    REALISASI_HEADERS,
    REKAP_HEADERS,
    Sheet,
    realisasi_row,
    rekap_row,
    rekap_rows,
    xlsx_bytes,
)

from .import_helpers import line_state, sample_path, upload

pytestmark = pytest.mark.django_db


def rekap_bytes(n=3, rows=None, headers=REKAP_HEADERS, title=None):
    rows = rows if rows is not None else rekap_rows(n, headers)
    data = [list(headers)] + rows
    if title:
        data = [[title]] + [[]] + data
    return xlsx_bytes([Sheet("Sheet1", data)])


def test_preview_writes_nothing_then_commit_writes_every_line(data_staff):
    batch = upload(data_staff, sample_path())
    assert batch.status == ImportStatus.PREVIEW
    assert batch.kind == "rekap" and batch.fiscal_year == 2024
    assert (batch.rows, batch.created, batch.updated, batch.removed) == (60, 60, 0, 0)
    assert batch.total_pagu == Decimal("25000000000")
    assert BudgetLine.objects.count() == 0
    assert Unit.objects.count() == 0  # reference data waits for the confirmation too
    imports.import_batch_commit(user=data_staff, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    lines = BudgetLine.objects.all()
    assert lines.count() == 60
    assert lines.aggregate(s=Sum("pagu"))["s"] == Decimal("25000000000")
    assert set(lines.values_list("origin", flat=True)) == {LineOrigin.IMPORT}
    assert set(lines.values_list("import_batch_id", flat=True)) == {batch.pk}
    # Reference data recorded for the year; sub units named UPTD are kind UPTD.
    assert Unit.objects.filter(kind=UnitKind.UPTD).count() == 9
    assert Unit.objects.filter(kind=UnitKind.OPD).count() == 9
    assert Nomenclature.objects.filter(fiscal_year=2024, level="sub_kegiatan").exists()
    assert all(a.group == ".".join(a.code.split(".")[:3]) for a in Account.objects.all())
    # One BULK audit record for the commit, not one per line.
    bulk = AuditRecord.objects.filter(action=AuditAction.BULK, batch_id=batch.pk)
    assert bulk.count() == 1 and bulk.get().changes["created"] == 60


def test_the_same_file_again_changes_nothing_and_names_the_earlier_batch(data_staff):
    first = upload(data_staff, sample_path(), commit=True)
    before = line_state()
    second = upload(data_staff, sample_path(), commit=True)
    assert (second.created, second.updated, second.removed, second.unchanged) == (0, 0, 0, 60)
    assert "Tidak ada perubahan" in second.message
    assert any(w["code"] == "same_file" and f"#{first.pk}" in w["message"]
               for w in second.warnings)
    assert line_state() == before


def test_a_newer_export_replaces_line_by_line_and_rollback_restores_exactly(data_staff):
    upload(data_staff, rekap_bytes(4), commit=True)
    before = line_state()
    rows = rekap_rows(4)
    rows[0][REKAP_HEADERS.index("PAGU")] = 999_000_000  # changed
    del rows[3]  # gone
    rows.append([rekap_row(7).get(h) for h in REKAP_HEADERS])  # new
    newer = upload(data_staff, rekap_bytes(rows=rows))
    assert (newer.created, newer.updated, newer.unchanged, newer.removed) == (1, 1, 2, 1)
    assert newer.preview["changed"][0]["old"] == "1250000000.00"
    assert newer.preview["changed"][0]["new"] == "999000000.00"
    imports.import_batch_commit(user=data_staff, batch=newer)
    assert BudgetLine.objects.count() == 4
    assert BudgetLine.objects.filter(pagu=Decimal("999000000"), import_batch=newer).exists()
    imports.import_batch_rollback(user=data_staff, batch=newer)
    assert line_state() == before


def test_lines_without_a_package_commit_and_come_back_unchanged(data_staff):
    """Blank PAKET/KELOMPOK cells are an empty package, not a missing value (on
    PostgreSQL the COPY once read them as NULL and the commit failed)."""
    batch = upload(data_staff, rekap_bytes(rows=rekap_rows(
        3, **{"PAKET/KELOMPOK": None, "NAMA PAKET/KELOMPOK": None})), commit=True)
    assert batch.status == ImportStatus.COMMITTED and batch.created == 3
    assert all(items == [] for items in BudgetLine.objects.values_list("items", flat=True))
    before = line_state()
    again = upload(data_staff, rekap_bytes(rows=rekap_rows(
        3, **{"PAKET/KELOMPOK": None, "NAMA PAKET/KELOMPOK": None})), commit=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert line_state() == before
    imports.import_batch_rollback(user=data_staff, batch=batch)
    assert BudgetLine.objects.count() == 0


def test_rollback_of_the_first_import_removes_its_lines_and_keeps_demo_lines(data_staff):
    from tests.factories import BudgetLineFactory

    kept = BudgetLineFactory(region_id="36", fiscal_year=2024)
    batch = upload(data_staff, sample_path(), commit=True)
    assert BudgetLine.objects.count() == 61
    # A later import that changes nothing does not block the rollback.
    upload(data_staff, sample_path(), commit=True)
    imports.import_batch_rollback(user=data_staff, batch=batch)
    assert list(BudgetLine.objects.values_list("pk", flat=True)) == [kept.pk]
    batch.refresh_from_db()
    assert batch.status == ImportStatus.ROLLED_BACK
    with pytest.raises(imports.ImportRefused):
        imports.import_batch_rollback(user=data_staff, batch=batch)


def test_rollback_of_an_older_batch_waits_for_the_newer_one(data_staff):
    old = upload(data_staff, rekap_bytes(2), commit=True)
    rows = rekap_rows(2)
    rows[0][REKAP_HEADERS.index("PAGU")] = 5
    upload(data_staff, rekap_bytes(rows=rows), commit=True)
    with pytest.raises(imports.ImportRefused) as info:
        imports.import_batch_rollback(user=data_staff, batch=old)
    assert "lebih dahulu" in info.value.message


def test_errors_refuse_the_whole_file_unless_commit_valid_only(data_staff):
    rows = rekap_rows(3)
    rows[1][REKAP_HEADERS.index("PAGU")] = "satu juta"
    refused = upload(data_staff, rekap_bytes(rows=rows), commit=True)
    assert refused.status == ImportStatus.REJECTED
    assert BudgetLine.objects.count() == 0
    assert refused.errors[0]["row"] == 3 and refused.errors[0]["column"] == "PAGU"
    partial = upload(data_staff, rekap_bytes(rows=rows), commit=True, commit_valid_only=True)
    assert partial.status == ImportStatus.COMMITTED
    assert BudgetLine.objects.count() == 2 and partial.skipped == 1
    assert partial.errors  # the skipped rows stay listed


def test_pillar_and_strategy_columns_become_import_tags(data_staff):
    headers = REKAP_HEADERS + ["PILAR", "STRATEGI"]
    rows = rekap_rows(2, headers)
    rows[0][-2:] = ["jaminan_sosial", "Peningkatan Pendapatan Masyarakat"]
    rows[1][-2:] = ["Pilar Tidak Ada", ""]
    batch = upload(data_staff, rekap_bytes(rows=rows, headers=headers), commit=True,
                   commit_valid_only=True)
    assert [e["code"] for e in batch.errors] == ["pillar_unknown"]
    tag = Tag.objects.get()
    assert tag.source == "import" and tag.import_batch_id == batch.pk
    line = tag.budget_line
    assert line.pillar.code == "jaminan_sosial"
    assert line.strategy.code == "peningkatan_pendapatan"
    imports.import_batch_rollback(user=data_staff, batch=batch)
    assert not Tag.objects.exists() and not BudgetLine.objects.exists()


def test_realisasi_is_summed_and_spread_over_matching_lines(data_staff):
    rows = rekap_rows(1)
    second = rekap_row(1, **{"KODE SUMBER DANA": "2.1", "PAGU": 3_750_000_000})
    rows.append([second.get(h) for h in REKAP_HEADERS])
    upload(data_staff, rekap_bytes(rows=rows), commit=True)
    real = [
        [realisasi_row(i, **{"Nilai Realisasi": 1_000_000}).get(h) for h in REALISASI_HEADERS]
        for i in (1, 2)
    ]
    orphan = realisasi_row(3, **{"Kode Rekening": "5.1.02.01.01.0024"})
    real.append([orphan.get(h) for h in REALISASI_HEADERS])
    data = xlsx_bytes([Sheet("Laporan", [["PEMERINTAH PROVINSI BANTEN"],
                                         ["TAHUN ANGGARAN 2024"], [], [],
                                         REALISASI_HEADERS] + real)])
    batch = upload(data_staff, data, commit=True, commit_valid_only=True)
    assert batch.kind == "realisasi" and batch.status == ImportStatus.COMMITTED
    # Spending on a key with no budget line is kept, never dropped: realisasi tanpa pagu.
    assert batch.errors == []
    assert [w["code"] for w in batch.warnings if w["code"] == "realisasi_without_pagu"]
    assert RealisationDocument.objects.count() == 3
    values = sorted(BudgetLine.objects.values_list("pagu", "realisasi"))
    # 2.000.000 spread 1:3 by pagu.
    assert values == [(Decimal("1250000000.00"), Decimal("500000.00")),
                      (Decimal("3750000000.00"), Decimal("1500000.00"))]
    imports.import_batch_rollback(user=data_staff, batch=batch)
    assert set(BudgetLine.objects.values_list("realisasi", flat=True)) == {Decimal("0")}
    assert not RealisationDocument.objects.exists()


def test_spread_rounding_keeps_the_exact_total():
    lines = [(1, Decimal("1")), (2, Decimal("1")), (3, Decimal("1"))]
    shares = dict(imports.spread(Decimal("100.00"), lines))
    assert sum(shares.values()) == Decimal("100.00")
    assert sorted(shares.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_a_known_code_with_another_name_is_reported_not_overwritten(data_staff):
    upload(data_staff, rekap_bytes(1), commit=True)
    rows = rekap_rows(1)
    rows[0][REKAP_HEADERS.index("NAMA SUMBER DANA")] = "PAD LAIN"
    batch = upload(data_staff, rekap_bytes(rows=rows), commit=True)
    assert any(w["code"] == "name_differs" for w in batch.warnings)
    from budgets.models import FundingSource

    assert FundingSource.objects.get(code="1.1").name == "PENDAPATAN ASLI DAERAH"


def test_the_task_stops_after_the_attempt_cap(data_staff, settings):
    from budgets.tasks import import_batch_process

    settings.IMPORT_MAX_ATTEMPTS = 2
    batch = upload(data_staff, rekap_bytes(1), process=False)
    # Two workers died mid-parse: the batch is still "parsing" with two attempts.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.PARSING, attempts=2)
    import_batch_process(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and "percobaan" in batch.message
    assert BudgetLine.objects.count() == 0


def test_a_batch_left_parsing_by_a_dead_worker_runs_again(data_staff):
    from budgets.tasks import import_batch_process

    batch = upload(data_staff, rekap_bytes(2), process=False)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.PARSING, attempts=1)
    import_batch_process(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW and batch.attempts == 2


def test_importing_into_a_region_outside_the_scope_is_refused(lebak_coordinator):
    before = BudgetLine.objects.count()
    with pytest.raises(imports.ImportRefused) as info:
        upload(lebak_coordinator, rekap_bytes(1), region="36")
    assert info.value.status == 403 and "tidak berwenang" in info.value.message
    assert not ImportBatch.objects.exists() and BudgetLine.objects.count() == before


def test_a_kecamatan_is_not_an_import_region(admin_user):
    with pytest.raises(imports.ImportRefused) as info:
        upload(admin_user, rekap_bytes(1), region="36.02.01")
    assert "kabupaten/kota" in info.value.message


def test_title_rows_naming_another_pemda_are_refused(admin_user):
    batch = upload(admin_user, rekap_bytes(2, title="PEMERINTAH KABUPATEN LEBAK"),
                   region="36.03")
    assert batch.status == ImportStatus.REJECTED
    assert "KABUPATEN LEBAK" in batch.message and "36.03" in batch.message
    ok = upload(admin_user, rekap_bytes(2, title="PEMERINTAH KABUPATEN LEBAK"),
                region="36.02")
    assert ok.status == ImportStatus.PREVIEW


def test_regions_offered_are_importable_province_or_kabkota(data_staff, lebak_coordinator):
    assert [r.code for r in imports.importable_region_choices(user=data_staff)] == [
        "36", "36.01", "36.02", "36.03"]
    assert [r.code for r in imports.importable_region_choices(user=lebak_coordinator)] == [
        "36.02"]


def test_grouped_errors_count_rows_per_kind():
    errors = [{"row": i, "code": "amount_unreadable", "message": "m"} for i in range(2, 30)]
    errors.append({"row": 3, "code": "code_format", "message": "x"})
    groups = imports.errors_grouped(errors)
    assert groups[0]["rows"] == 28 and groups[0]["title"] == "Nilai tidak terbaca"
    assert groups[0]["more"] == 8


def test_commit_reuses_the_preview_parse_without_reading_the_workbook(
    data_staff, monkeypatch
):
    import os

    from budgets import importers

    batch = upload(data_staff, sample_path())
    kept = imports.parsed_path(batch)
    assert batch.status == ImportStatus.PREVIEW and os.path.exists(kept)

    def no_second_read(*a, **kw):
        raise AssertionError("the workbook was read again at commit")

    monkeypatch.setattr(importers, "parse_file", no_second_read)
    imports.import_batch_commit(user=data_staff, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert BudgetLine.objects.count() == 60
    assert not os.path.exists(kept)  # removed once committed


def test_a_tampered_or_foreign_kept_parse_is_ignored_and_the_file_read_again(data_staff):
    import os

    first = upload(data_staff, sample_path())
    other = upload(data_staff, rekap_bytes(3), name="lain.xlsx")
    # The other batch's kept parse (valid signature, but for other content) put
    # in place of the first's must not be taken: the file is read again.
    os.replace(imports.parsed_path(other), imports.parsed_path(first))
    imports.import_batch_commit(user=data_staff, batch=first)
    first.refresh_from_db()
    assert first.status == ImportStatus.COMMITTED and first.created == 60
    assert BudgetLine.objects.count() == 60
    # A damaged one too.
    third = upload(data_staff, rekap_bytes(3), name="lagi.xlsx", region="36.02")
    path = imports.parsed_path(third)
    with open(path, "r+b") as f:
        f.seek(100)
        f.write(b"\x00" * 16)
    imports.import_batch_commit(user=data_staff, batch=third)
    third.refresh_from_db()
    assert third.status == ImportStatus.COMMITTED and third.created == 3


def test_a_rejected_preview_keeps_no_parse(data_staff):
    import os

    rows = rekap_rows(3, REKAP_HEADERS)
    rows[1][REKAP_HEADERS.index("PAGU")] = "bukan angka"
    batch = upload(data_staff, rekap_bytes(rows=rows))
    assert batch.status == ImportStatus.REJECTED
    assert not os.path.exists(imports.parsed_path(batch))
