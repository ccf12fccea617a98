"""The realisation sample (SIPD Penatausahaan's "Laporan Realisasi Per Dokumen",
tests/fixtures_files/real) after the real 2024 murni recap: documents stored
once, booked to the sub unit that spent them, split by pagu over sumber dana,
realisasi tanpa pagu kept, NIP and names not kept, rollback exact."""

import hashlib
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from django.db.models import Sum

from budgets import imports, selectors
from budgets.imports.realisation import spread
from budgets.models import (
    BudgetLine,
    ImportKind,
    ImportStatus,
    RealisationDocument,
)
from budgets.stages import Stage, shift_code

from .import_helpers import line_state, upload
from .real_files import (
    MURNI_2024,
    REALISASI,
    SHIFT_2024,
    realisasi_bytes,
    realisasi_records,
)

pytestmark = pytest.mark.django_db

REALISED = Decimal("3676209587.00")
REFUND = Decimal("204945.00")
SKPD_DIKBUD = "1.01.2.22.0.00.01.0000"
UPTD_SKB = "1.01.2.22.0.00.01.0001"  # Satuan PNF Sanggar Kegiatan Belajar
WITHOUT_PAGU = ("1.01.02.2.02.0038", "5.2.03.01.01.0010")


@pytest.fixture
def murni(data_staff):
    batch = upload(data_staff, MURNI_2024, name=MURNI_2024.name, commit=True)
    assert batch.status == ImportStatus.COMMITTED
    return batch


def realise(user, data=REALISASI, name="realisasi.xlsx", **kw):
    return upload(user, data, name=name, **kw)


def lines(sub_unit, sub_kegiatan, account, stage=Stage.MURNI):
    return list(BudgetLine.objects.filter(
        fiscal_year=2024, stage=stage, sub_unit__code=sub_unit,
        sub_kegiatan__code=sub_kegiatan, account__code=account,
    ).order_by("pk"))


def test_the_realisation_sample_stores_its_38_documents_with_their_totals(data_staff, murni):
    batch = realise(data_staff, commit=True)
    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert batch.kind == ImportKind.REALISASI and batch.fiscal_year == 2024
    assert batch.errors == [] and batch.created == 38
    docs = RealisationDocument.objects.all()
    assert docs.count() == 38
    assert docs.values("document_number").distinct().count() == 30
    agg = docs.aggregate(a=Sum("amount"), r=Sum("refund"))
    assert (agg["a"], agg["r"]) == (REALISED, REFUND)
    assert Decimal(batch.total_realisasi) == REALISED
    assert Decimal(batch.preview["total_refund"]) == REFUND
    # Per document: its kind, transaction kind and date (so month and quarter).
    doc = docs.get(document_number__contains="/000007/UP/")
    assert (doc.document_kind, doc.transaction_kind) == ("TBP", "UP")
    assert doc.document_date.isoformat() == "2024-06-10"
    # The lines carry the documents; what no line budgets is kept aside.
    on_lines = BudgetLine.objects.aggregate(s=Sum("realisasi"))["s"]
    assert on_lines == REALISED - Decimal("3000000")


def test_nilai_spd_and_sp2d_are_never_summed_as_spending(data_staff, murni):
    realise(data_staff, commit=True)
    spd = sum(Decimal(r["Nilai SPD"].replace(".", "").replace(",", "."))
              for r in realisasi_records())
    assert RealisationDocument.objects.aggregate(s=Sum("amount"))["s"] == REALISED != spd
    # a document over three rekening: its Nilai SP2D is on every row, its spending once each
    rows = RealisationDocument.objects.filter(document_number__contains="/000001/LS/")
    assert rows.count() == 3
    assert rows.aggregate(s=Sum("amount"))["s"] == Decimal("630000") + Decimal(
        "23174760") + Decimal("30365370")


def test_the_uptd_spending_is_on_the_uptd_line_never_the_parent_opd(data_staff, murni):
    key = ("1.01.01.2.06.0004", "5.1.02.01.01.0024")
    [own] = lines(UPTD_SKB, *key)
    [parent] = lines(SKPD_DIKBUD, *key)  # the OPD budgets the same key itself
    realise(data_staff, commit=True)
    own.refresh_from_db()
    parent.refresh_from_db()
    assert own.realisasi == Decimal("10558254.00")
    assert parent.realisasi == Decimal("0.00")
    doc = RealisationDocument.objects.get(account__code=key[1], sub_kegiatan__code=key[0])
    assert (doc.unit.code, doc.sub_unit.code) == (SKPD_DIKBUD, UPTD_SKB)
    # three documents of the UPTD on one rekening: the line is their sum
    [own_27] = lines(UPTD_SKB, "1.01.01.2.06.0004", "5.1.02.01.01.0027")
    [parent_27] = lines(SKPD_DIKBUD, "1.01.01.2.06.0004", "5.1.02.01.01.0027")
    own_27.refresh_from_db()
    parent_27.refresh_from_db()
    assert own_27.realisasi == Decimal("468180") + Decimal("137700") + Decimal("633420")
    assert parent_27.realisasi == 0


def test_spending_on_a_key_without_a_line_is_kept_as_realisasi_tanpa_pagu(data_staff, murni):
    sub_kegiatan, account = WITHOUT_PAGU
    assert not lines(SKPD_DIKBUD, sub_kegiatan, account)
    batch = realise(data_staff)
    assert batch.status == ImportStatus.PREVIEW
    assert batch.preview["line_effects"]["without_pagu"] == 1
    assert Decimal(batch.preview["line_effects"]["without_pagu_amount"]) == Decimal("3000000")
    assert any(w["code"] == "realisasi_without_pagu" for w in batch.warnings)
    imports.import_batch_commit(user=data_staff, batch=batch)
    [row] = list(selectors.realisation_without_pagu(region_id="36", fiscal_year=2024))
    assert (row["sub_unit__code"], row["sub_kegiatan__code"], row["account__code"]) == (
        SKPD_DIKBUD, sub_kegiatan, account)
    assert row["amount"] == Decimal("3000000") and row["documents"] == 1
    assert not BudgetLine.objects.filter(account__code=account,
                                         sub_kegiatan__code=sub_kegiatan).exists()


def test_a_key_with_several_sumber_dana_lines_is_split_by_pagu_exactly(data_staff, murni):
    key = ("1.01.02.2.01.0021", "5.2.02.88.88.8888")
    split = lines(SKPD_DIKBUD, *key)
    assert len(split) == 2
    batch = realise(data_staff)
    assert batch.preview["line_effects"]["split"] == 2
    assert any(w["code"] == "split_by_pagu" for w in batch.warnings)
    imports.import_batch_commit(user=data_staff, batch=batch)
    spent = Decimal("19606050.00")
    expected = dict(spread(spent, [(x.pk, x.pagu) for x in split]))
    for x in split:
        x.refresh_from_db()
        assert x.realisasi == expected[x.pk]
    assert sum(x.realisasi for x in split) == spent
    big, small = sorted(split, key=lambda x: -x.pagu)
    assert big.realisasi / small.realisasi == pytest.approx(big.pagu / small.pagu, rel=1e-6)


def test_a_second_import_of_the_same_report_adds_nothing(data_staff, murni):
    realise(data_staff, commit=True)
    before = line_state()
    again = realise(data_staff, commit=True)
    assert again.status == ImportStatus.COMMITTED
    assert (again.created, again.updated, again.unchanged) == (0, 0, 38)
    assert "Tidak ada perubahan" in again.message
    assert any(w["code"] == "same_file" for w in again.warnings)
    assert RealisationDocument.objects.count() == 38
    assert line_state() == before


def _later_report(extra: int = 2, changed: dict | None = None) -> bytes:
    rows = realisasi_records()
    new = []
    for i, r in enumerate(rows[:extra]):
        n = dict(r, **{"Nomor": str(39 + i),
                       "Nomor Dokumen": r["Nomor Dokumen"].replace("/M/", "/N/"),
                       "Tanggal Dokumen": "3 Des 2024", "Nilai Realisasi": "1.000,00"})
        new.append(n)
    if changed:
        rows = [dict(r, **changed[r["Nomor"]]) if r["Nomor"] in changed else r for r in rows]
    return realisasi_bytes(rows + new)


def test_a_later_report_with_the_same_documents_and_new_ones_adds_only_the_new(
    data_staff, murni
):
    realise(data_staff, commit=True)
    later = realise(data_staff, _later_report(extra=2), name="jan-des.xlsx", commit=True)
    assert later.status == ImportStatus.COMMITTED, later.message
    assert (later.created, later.updated, later.unchanged) == (2, 0, 38)
    assert RealisationDocument.objects.count() == 40
    assert RealisationDocument.objects.aggregate(s=Sum("amount"))["s"] == REALISED + 2000
    new = RealisationDocument.objects.filter(import_batch=later)
    assert {d.document_date.isoformat() for d in new} == {"2024-12-03"}


def test_a_changed_amount_of_a_known_document_shows_as_a_change(data_staff, murni):
    realise(data_staff, commit=True)
    data = _later_report(extra=0, changed={"13": {"Nilai Realisasi": "10.000.000,00"}})
    batch = realise(data_staff, data, name="koreksi.xlsx")
    assert batch.status == ImportStatus.PREVIEW
    assert (batch.created, batch.updated, batch.unchanged) == (0, 1, 37)
    [change] = batch.preview["changed"]
    assert change["sub_unit"] == UPTD_SKB
    assert (Decimal(change["old"]), Decimal(change["new"])) == (Decimal("10558254"),
                                                                Decimal("10000000"))
    imports.import_batch_commit(user=data_staff, batch=batch)
    [own] = lines(UPTD_SKB, "1.01.01.2.06.0004", "5.1.02.01.01.0024")
    assert own.realisasi == Decimal("10000000")


def test_the_kept_file_has_no_nip_or_names_and_the_batch_keeps_the_original_sha256(
    data_staff, murni
):
    original = REALISASI.read_bytes()
    batch = realise(data_staff, commit=True)
    assert batch.sha256 == hashlib.sha256(original).hexdigest()
    rows = CalamineWorkbook.from_path(batch.file.path).get_sheet_by_index(0).to_python()
    header = rows[0]
    for column in ("NIP Pegawai", "Nama Pegawai"):
        j = header.index(column)
        assert {r[j] for r in rows[1:]} == {""}
    kept = open(batch.file.path, "rb").read()
    assert b"PEGAWAI CONTOH" not in kept and kept != original
    j = header.index("Nilai Realisasi")
    assert [r[j] for r in rows[1:]] == [
        r[j] for r in CalamineWorkbook.from_path(REALISASI).get_sheet_by_index(0).to_python()[1:]
    ]


def test_a_later_stage_carries_the_realisation_on_its_own_lines_too(data_staff, murni):
    realise(data_staff, commit=True)
    shift = upload(data_staff, SHIFT_2024, name=SHIFT_2024.name, stage="pergeseran-01",
                   commit=True)
    assert shift.status == ImportStatus.COMMITTED
    stage = shift_code(1)
    [own] = lines(UPTD_SKB, "1.01.01.2.06.0004", "5.1.02.01.01.0024", stage=stage)
    assert own.realisasi == Decimal("10558254")
    murni_total = BudgetLine.objects.filter(stage=Stage.MURNI).aggregate(s=Sum("realisasi"))
    shift_total = BudgetLine.objects.filter(stage=stage).aggregate(s=Sum("realisasi"))
    without = sum(r["amount"] for r in selectors.realisation_without_pagu(
        region_id="36", fiscal_year=2024))
    assert murni_total["s"] == REALISED - Decimal("3000000")
    assert shift_total["s"] + without == REALISED
    # the budget in force is now the pergeseran: the preview of a report reads it
    preview = realise(data_staff, name="again.xlsx")
    assert preview.preview["line_effects"]["stage"] == stage


def test_rollback_of_the_realisation_batch_restores_the_lines_and_removes_its_documents(
    data_staff, murni
):
    before = line_state()
    batch = realise(data_staff, commit=True)
    assert line_state() != before
    imports.import_batch_rollback(user=data_staff, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.ROLLED_BACK
    assert not RealisationDocument.objects.exists()
    assert line_state() == before


def test_a_realisation_batch_is_rolled_back_only_after_the_later_stage_that_carries_it(
    data_staff, murni
):
    """Documents set the realisation of every stage's lines: a pergeseran imported
    after the report carries its documents, so it is rolled back first (newest
    first), and then the report's rollback leaves no realisation anywhere."""
    batch = realise(data_staff, commit=True)
    shift = upload(data_staff, SHIFT_2024, name=SHIFT_2024.name, stage="pergeseran-01",
                   commit=True)
    stage = shift_code(1)
    assert BudgetLine.objects.filter(stage=stage).aggregate(s=Sum("realisasi"))["s"]
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_batch_rollback(user=data_staff, batch=batch)
    assert refused.value.status == 409 and f"#{shift.pk}" in refused.value.message
    imports.import_batch_rollback(user=data_staff, batch=shift)
    imports.import_batch_rollback(user=data_staff, batch=batch)
    assert not RealisationDocument.objects.exists()
    assert not BudgetLine.objects.filter(stage=stage).exists()
    assert BudgetLine.objects.filter(stage=Stage.MURNI).aggregate(s=Sum("realisasi"))["s"] == 0


def test_a_report_imported_before_the_recap_lands_on_the_lines_the_recap_brings(data_staff):
    first = realise(data_staff, commit=True)
    assert first.status == ImportStatus.COMMITTED
    keys = {(r["Kode Sub SKPD"], r["Kode Sub Kegiatan"], r["Kode Rekening"])
            for r in realisasi_records()}
    assert first.created == 38 and first.preview["line_effects"]["without_pagu"] == len(keys)
    assert not BudgetLine.objects.exists() and RealisationDocument.objects.count() == 38
    upload(data_staff, MURNI_2024, name=MURNI_2024.name, commit=True)
    [own] = lines(UPTD_SKB, "1.01.01.2.06.0004", "5.1.02.01.01.0024")
    assert own.realisasi == Decimal("10558254")
    on_lines = BudgetLine.objects.aggregate(s=Sum("realisasi"))["s"]
    assert on_lines == REALISED - Decimal("3000000")


def test_rollback_of_a_correction_gives_the_document_and_the_line_their_amount_back(
    data_staff, murni
):
    realise(data_staff, commit=True)
    before = line_state()
    data = _later_report(extra=0, changed={"13": {"Nilai Realisasi": "10.000.000,00"}})
    fix = realise(data_staff, data, name="koreksi.xlsx", commit=True)
    assert fix.updated == 1
    imports.import_batch_rollback(user=data_staff, batch=fix)
    doc = RealisationDocument.objects.get(document_number__contains="/000005/LS/")
    assert doc.amount == Decimal("10558254")
    assert RealisationDocument.objects.count() == 38
    assert line_state() == before
