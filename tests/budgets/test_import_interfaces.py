"""The three doors of the import: the management command, the API and the pages."""

import io
import json

import pytest
from openpyxl import load_workbook

from django.core.management import call_command
from django.urls import reverse

from budgets.models import BudgetLine, ImportBatch, ImportStatus
from tests.importers.workbooks import REKAP_HEADERS, Sheet, rekap_rows, xlsx_bytes

from .import_helpers import sample_path

pytestmark = pytest.mark.django_db


def bad_bytes():
    rows = rekap_rows(3)
    rows[1][REKAP_HEADERS.index("PAGU")] = "tidak tahu"
    return xlsx_bytes([Sheet("Sheet1", [list(REKAP_HEADERS)] + rows)])


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_sipd", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


# --- command -----------------------------------------------------------------


def test_command_commits_and_prints_the_json_shape(data_staff):
    code, out, _err = run(str(sample_path()), "--region", "36", "--user", data_staff.username,
                          "--json")
    assert code == 0
    report = json.loads(out)
    assert report["status"] == "committed" and report["kind"] == "rekap"
    assert report["fiscal_year"] == 2024 and report["rows"] == 60
    assert (report["created"], report["updated"], report["unchanged"], report["removed"],
            report["skipped"]) == (60, 0, 0, 0, 0)
    assert report["total_pagu"] == "25000000000.00" and report["errors"] == []
    assert BudgetLine.objects.count() == 60
    code, out, _err = run(str(sample_path()), "--region", "36", "--user", data_staff.username,
                          "--json")
    assert code == 0 and json.loads(out)["unchanged"] == 60


def test_command_dry_run_writes_nothing(data_staff):
    code, out, _ = run(str(sample_path()), "--dry-run", "--user", data_staff.username, "--json")
    assert code == 0 and json.loads(out)["status"] == "preview"
    assert BudgetLine.objects.count() == 0


def test_command_lists_every_error_and_exits_1(data_staff, tmp_path):
    path = tmp_path / "salah.xlsx"
    path.write_bytes(bad_bytes())
    code, out, _ = run(str(path), "--user", data_staff.username, "--json")
    report = json.loads(out)
    assert code == 1 and report["status"] == "rejected"
    assert report["errors"][0]["row"] == 3 and report["errors"][0]["column"] == "PAGU"
    assert "Traceback" not in out
    assert BudgetLine.objects.count() == 0


def test_command_usage_errors_exit_2(data_staff, tmp_path):
    assert run(str(tmp_path / "tidak-ada.xlsx"), "--user", data_staff.username)[0] == 2
    assert run(str(sample_path()), "--user", "nobody")[0] == 2
    path = tmp_path / "x.xlsx"
    path.write_bytes(bad_bytes())
    assert run(str(path), "--user", data_staff.username, "--region", "99")[0] == 2


def test_command_refuses_a_region_outside_the_scope(lebak_coordinator):
    code, out, _ = run(str(sample_path()), "--region", "36", "--user",
                       lebak_coordinator.username, "--json")
    assert code == 1 and "tidak berwenang" in json.loads(out)["message"]


# --- API -----------------------------------------------------------------------


def api_upload(client, data, **extra):
    return client.post("/api/v1/imports/", {"file": io.BytesIO(data), **extra},
                       format="multipart")


@pytest.fixture
def api(data_staff):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(data_staff)
    return client


def test_api_upload_preview_commit_rollback(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        f = io.BytesIO(sample_path().read_bytes())
        f.name = "sipd.xlsx"
        resp = api.post("/api/v1/imports/", {"file": f, "region": "36"}, format="multipart")
    assert resp.status_code == 201, resp.content
    batch_id = resp.json()["id"]
    detail = api.get(f"/api/v1/imports/{batch_id}/").json()
    assert detail["status"] == "preview" and detail["created"] == 60
    assert detail["progress"] == {"done": 60, "total": 60} and detail["errors"] == []
    assert BudgetLine.objects.count() == 0
    # The commit is queued to the worker after the request's transaction (here
    # the test's): 202, and the batch is committed once the task has run.
    with django_capture_on_commit_callbacks(execute=True):
        resp = api.post(f"/api/v1/imports/{batch_id}/commit/")
    assert resp.status_code == 202 and resp.json()["status"] == "preview"
    assert api.get(f"/api/v1/imports/{batch_id}/").json()["status"] == "committed"
    assert BudgetLine.objects.count() == 60
    resp = api.post(f"/api/v1/imports/{batch_id}/rollback/")
    assert resp.status_code == 200 and resp.json()["state"] == "rolled_back"
    assert BudgetLine.objects.count() == 0
    assert api.post(f"/api/v1/imports/{batch_id}/rollback/").status_code == 409


def test_api_errors_and_error_workbook(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        f = io.BytesIO(bad_bytes())
        f.name = "salah.xlsx"
        batch_id = api.post("/api/v1/imports/", {"file": f}, format="multipart").json()["id"]
    detail = api.get(f"/api/v1/imports/{batch_id}/").json()
    assert detail["status"] == "rejected"
    assert detail["errors"][0]["row"] == 3 and "message" in detail["errors"][0]
    assert api.post(f"/api/v1/imports/{batch_id}/commit/").status_code == 409
    resp = api.get(f"/api/v1/imports/{batch_id}/errors.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0][-1] == "KETERANGAN KESALAHAN" and "Baris 3" in rows[2][-1]


def test_api_refuses_anonymous_and_other_regions(client, tangerang_coordinator, data_staff):
    assert client.get("/api/v1/imports/").status_code in (401, 403)
    from rest_framework.test import APIClient

    anon = APIClient()
    assert anon.get("/api/v1/imports/").status_code == 401
    other = APIClient()
    other.force_authenticate(tangerang_coordinator)
    f = io.BytesIO(bad_bytes())
    f.name = "x.xlsx"
    resp = other.post("/api/v1/imports/", {"file": f, "region": "36"}, format="multipart")
    assert resp.status_code == 403 and "tidak berwenang" in resp.json()["detail"]
    ImportBatch.objects.create(region_id="36", uploaded_by=data_staff, original_name="a",
                               sha256="0" * 64)
    assert other.get("/api/v1/imports/").json()["count"] == 0


# --- pages ---------------------------------------------------------------------


def test_pages_upload_preview_confirm_rollback(client_for, data_staff,
                                               django_capture_on_commit_callbacks):
    c = client_for(data_staff)
    page = c.get(reverse("budgets:import-create"))
    assert page.status_code == 200 and b'name="region"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        with sample_path().open("rb") as fh:
            resp = c.post(reverse("budgets:import-create"),
                          {"file": fh, "region": "36", "stage": "murni"})
    assert resp.status_code == 302
    batch = ImportBatch.objects.get()
    detail = c.get(resp["Location"])
    text = detail.content.decode()
    assert "Pratinjau" in text and "Konfirmasi dan simpan" in text
    # Every new row, a page of 50 at a time: the second page holds the last 10.
    assert "halaman 1 dari 2" in text and "(60)" in text
    second = c.get(resp["Location"] + "?baru=2").content.decode()
    assert "halaman 2 dari 2" in second and second.count('<td class="num">Rp') >= 10
    progress = c.get(reverse("budgets:import-progress", args=[batch.pk])).json()
    assert progress["done"] == 60 and progress["running"] is False
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("budgets:import-commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and BudgetLine.objects.count() == 60
    history = c.get(reverse("budgets:import-list")).content.decode()
    assert "sipd_rekap_pagu_sample.xlsx" in history and "Tersimpan" in history
    assert c.get(reverse("budgets:import-file", args=[batch.pk])).status_code == 200
    c.post(reverse("budgets:import-rollback", args=[batch.pk]))  # no confirmation
    assert BudgetLine.objects.count() == 60
    c.post(reverse("budgets:import-rollback", args=[batch.pk]), {"confirm": "yes"})
    assert BudgetLine.objects.count() == 0


def test_page_groups_errors(client_for, data_staff, django_capture_on_commit_callbacks):
    c = client_for(data_staff)
    with django_capture_on_commit_callbacks(execute=True):
        f = io.BytesIO(bad_bytes())
        f.name = "salah.xlsx"
        resp = c.post(reverse("budgets:import-create"), {"file": f, "region": "36",
                                                         "stage": "murni"})
    text = c.get(resp["Location"]).content.decode()
    assert "1 baris: Nilai tidak terbaca" in text and "kesalahan.xlsx" in text


def test_upload_form_refuses_region_outside_scope(client_for, lebak_coordinator):
    c = client_for(lebak_coordinator)
    resp = c.post(reverse("budgets:import-create"),
                  {"file": io.BytesIO(b"x"), "region": "36", "stage": "murni"})
    assert resp.status_code == 400 and not ImportBatch.objects.exists()


def test_import_pages_are_closed_to_officials(client_for, official):
    assert client_for(official).get(reverse("budgets:import-list")).status_code == 403
