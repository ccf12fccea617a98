"""A batch is one stage of one year: each stage a snapshot beside the others,
chosen on upload (service, API, command) or read from a TAHAPAN column; a
partial file (one SKPD) compares and replaces only that SKPD's lines."""

import io
import json
from decimal import Decimal

import pytest

from django.core.management import call_command
from django.db.models import Sum

from budgets.models import BudgetLine, ImportBatch, ImportStatus
from budgets.stages import Stage, parse_stage, shift_code
from tests.importers.workbooks import REKAP_HEADERS, Sheet, rekap_rows, xlsx_bytes

from .import_helpers import upload
from .real_files import (
    MURNI_2024,
    SHIFT_2024,
    key_sums,
    pagu_column_sum,
    recap_copy,
    records,
    stored_lines,
)

pytestmark = pytest.mark.django_db

TOTAL_2024 = Decimal("866035384427")
SHIFT_1 = shift_code(1)


def lines_of(stage, year=2024) -> list[tuple]:
    fields = [f.attname for f in BudgetLine._meta.concrete_fields]
    return sorted(BudgetLine.objects.filter(fiscal_year=year, stage=stage)
                  .values_list(*fields))


def total(stage, year=2024) -> Decimal:
    return BudgetLine.objects.filter(fiscal_year=year, stage=stage).aggregate(
        s=Sum("pagu"))["s"]


def test_stage_codes_sort_in_the_order_of_the_year_and_parse_as_people_write_them():
    order = [Stage.MURNI, shift_code(1), shift_code(2), shift_code(10), Stage.PERUBAHAN,
             shift_code(1, after_change=True), shift_code(12, after_change=True)]
    assert sorted(order) == order
    assert parse_stage("Pergeseran 2") == parse_stage("pergeseran ke-2") == "pergeseran-02"
    assert parse_stage("APBD Murni") == Stage.MURNI
    assert parse_stage("Pergeseran setelah perubahan ke-1") == "perubahan-pergeseran-01"
    assert parse_stage("Perubahan") == Stage.PERUBAHAN
    assert parse_stage("pergeseran 16") is None and parse_stage("tahap lain") is None


def test_a_later_stage_is_a_new_snapshot_that_never_changes_the_murni_lines(data_staff):
    murni = upload(data_staff, MURNI_2024, name=MURNI_2024.name, commit=True)
    before = lines_of(Stage.MURNI)
    shift = upload(data_staff, SHIFT_2024, name=SHIFT_2024.name, stage="pergeseran-01",
                   commit=True)
    assert shift.status == ImportStatus.COMMITTED and shift.errors == []
    assert (murni.stage, shift.stage) == (Stage.MURNI, SHIFT_1)
    assert shift.created == len(key_sums(SHIFT_2024)) and shift.removed == 0
    assert lines_of(Stage.MURNI) == before
    assert total(Stage.MURNI) == total(SHIFT_1) == TOTAL_2024 == pagu_column_sum(SHIFT_2024)
    # Both stages are stored, never added: the year is not Rp1,73 T.
    assert set(BudgetLine.objects.values_list("stage", flat=True)) == {Stage.MURNI, SHIFT_1}
    assert stored_lines(SHIFT_1, year=2024) == {k: v[0] for k, v in key_sums(SHIFT_2024).items()}


def shift_ids() -> dict:
    return {tuple(k): pk for pk, *k in BudgetLine.objects.filter(stage=SHIFT_1).values_list(
        "pk", "unit__code", "sub_unit__code", "sub_kegiatan__code", "funding_source__code",
        "account__code")}


def test_importing_the_same_stage_again_replaces_its_lines_line_by_line(data_staff):
    upload(data_staff, MURNI_2024, name=MURNI_2024.name, commit=True)
    upload(data_staff, SHIFT_2024, name=SHIFT_2024.name, stage="pergeseran-01", commit=True)
    murni_lines = lines_of(Stage.MURNI)
    ids = shift_ids()
    old, new = key_sums(SHIFT_2024), key_sums(MURNI_2024)
    # The murni file imported again as pergeseran-01: the stage now reads as murni.
    again = upload(data_staff, MURNI_2024, name="again.xlsx", stage="Pergeseran 1", commit=True)
    assert again.status == ImportStatus.COMMITTED and again.stage == SHIFT_1
    assert again.created == len(new.keys() - old.keys())
    assert again.removed == len(old.keys() - new.keys())
    assert again.updated == sum(1 for k in new.keys() & old.keys() if new[k][0] != old[k][0])
    assert again.updated > 0 and again.unchanged > 4000
    assert stored_lines(SHIFT_1, year=2024) == {k: v[0] for k, v in new.items()}
    # Line by line: the lines of keys in both files keep their ids.
    kept = shift_ids()
    assert all(kept[k] == ids[k] for k in new.keys() & old.keys())
    assert lines_of(Stage.MURNI) == murni_lines


def tahapan_bytes(*values, n=3):
    headers = [*REKAP_HEADERS, "TAHAPAN"]
    rows = rekap_rows(n, headers)
    for i, row in enumerate(rows):
        row[-1] = values[i % len(values)]
    return xlsx_bytes([Sheet("Sheet1", [headers, *rows])])


def test_a_tahapan_column_sets_the_stage_when_none_is_chosen(data_staff):
    batch = upload(data_staff, tahapan_bytes("Pergeseran 2"), commit=True)
    assert batch.status == ImportStatus.COMMITTED
    assert batch.stage == "pergeseran-02" and not batch.stage_chosen
    assert batch.preview["stage_from_file"] is True
    assert set(BudgetLine.objects.values_list("stage", flat=True)) == {"pergeseran-02"}
    assert not any(w["code"] == "stage_unknown" for w in batch.warnings)


def test_a_chosen_stage_the_tahapan_column_contradicts_is_refused(data_staff):
    batch = upload(data_staff, tahapan_bytes("Perubahan"), stage="murni", commit=True)
    assert batch.status == ImportStatus.REJECTED
    assert [e["code"] for e in batch.errors] == ["stage_conflict"]
    assert "Perubahan" in batch.message and "Murni" in batch.message
    assert not BudgetLine.objects.exists()
    same = upload(data_staff, tahapan_bytes("Perubahan"), stage="perubahan", commit=True)
    assert same.status == ImportStatus.COMMITTED and same.stage == Stage.PERUBAHAN


def test_two_stages_in_one_tahapan_column_are_refused(data_staff):
    batch = upload(data_staff, tahapan_bytes("Murni", "Pergeseran 1"), commit=True)
    assert batch.status == ImportStatus.REJECTED
    assert [e["code"] for e in batch.errors] == ["stage_conflict"]
    assert "lebih dari satu tahapan" in batch.message
    assert not BudgetLine.objects.exists()


def test_the_api_takes_the_stage_as_people_write_it(data_staff, django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(data_staff)
    f = io.BytesIO(xlsx_bytes([Sheet("Sheet1", [REKAP_HEADERS, *rekap_rows(3)])]))
    f.name = "rekap.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        resp = api.post("/api/v1/imports/", {"file": f, "region": "36", "stage": "Pergeseran 2"},
                        format="multipart")
    assert resp.status_code == 201, resp.content
    detail = api.get(f"/api/v1/imports/{resp.json()['id']}/").json()
    assert detail["stage"] == "pergeseran-02" and detail["status"] == "preview"
    f.seek(0)
    resp = api.post("/api/v1/imports/", {"file": f, "region": "36", "stage": "tahap lain"},
                    format="multipart")
    assert resp.status_code == 400 and "stage" in resp.json()["errors"]


def test_the_command_takes_the_stage_flag(data_staff, tmp_path):
    path = tmp_path / "rekap.xlsx"
    path.write_bytes(xlsx_bytes([Sheet("Sheet1", [REKAP_HEADERS, *rekap_rows(3)])]))
    out = io.StringIO()
    call_command("import_sipd", str(path), "--region", "36", "--user", data_staff.username,
                 "--stage", "perubahan", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["status"] == "committed" and report["stage"] == Stage.PERUBAHAN
    assert set(BudgetLine.objects.values_list("stage", flat=True)) == {Stage.PERUBAHAN}
    assert ImportBatch.objects.get().stage_chosen


SKPD = "1.02.0.00.0.00.01.0000"  # Dinas Kesehatan with its puskesmas


def test_a_partial_file_replaces_only_the_lines_of_the_skpd_it_names(data_staff):
    upload(data_staff, MURNI_2024, name=MURNI_2024.name, commit=True)
    others = lines_of(Stage.MURNI)
    skpd_rows = [r for r in records(MURNI_2024) if r["KODE SKPD"] == SKPD and r["PAGU"] != ""]
    dropped, changed = skpd_rows[0], skpd_rows[1]

    def keep(r):
        return r["KODE SKPD"] == SKPD and r["NO"] != dropped["NO"]

    def pagu(r):  # one line of the SKPD gets another pagu
        if r["PAGU"] == "":
            return None
        return int(r["PAGU"]) + 1000 if r["NO"] == changed["NO"] else r["PAGU"]

    data = recap_copy(MURNI_2024, keep=keep, drop=("PAGU",), add=("PAGU", pagu))
    batch = upload(data_staff, data, name="dinkes.xlsx", commit=True)
    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert [s["code"] for s in batch.preview["skpd"]] == [SKPD]
    assert batch.preview["skpd"][0]["name"] == changed["NAMA SKPD"]
    assert any(w["code"] == "partial_file" for w in batch.warnings)
    assert (batch.created, batch.updated, batch.removed) == (0, 1, 1)
    after = lines_of(Stage.MURNI)
    unit_ids = set(BudgetLine.objects.filter(unit__code=SKPD).values_list("unit_id", flat=True))
    untouched = [t for t in others if t[4] not in unit_ids]
    assert untouched and [t for t in after if t[4] not in unit_ids] == untouched
    assert total(Stage.MURNI) == TOTAL_2024 + 1000 - Decimal(repr(dropped["PAGU"]))


def test_the_first_file_of_a_later_stage_covering_few_skpd_says_what_the_stage_holds(
    data_staff,
):
    """A one-SKPD export as the first file of a pergeseran: that stage becomes the
    budget in force, so the preview says the other SKPD are not in it yet."""
    upload(data_staff, MURNI_2024, name=MURNI_2024.name, commit=True)
    data = recap_copy(MURNI_2024, keep=lambda r: r["KODE SKPD"] == SKPD)
    batch = upload(data_staff, data, name="dinkes-pergeseran.xlsx", stage="pergeseran-01")
    assert batch.status == ImportStatus.PREVIEW
    first = [w for w in batch.warnings if w["code"] == "partial_file"]
    assert len(first) == 1 and "berkas pertama tahapan Pergeseran ke-1" in first[0]["message"]
    assert "Murni" in first[0]["message"]
