"""Intervention pages: create, edit, close, progress, evidence, line linking."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditRecord
from programs.models import Intervention, InterventionEvidence, InterventionStatus
from programs.services import EVIDENCE_MAX_BYTES

from .conftest import PDF, PNG

pytestmark = pytest.mark.django_db


def _payload(**extra):
    data = {
        "region": "36.02", "fiscal_year": "2024", "name": "Bedah rumah Malingping",
        "pillar": "", "status": "berjalan", "beneficiaries_target": "120",
        "target_group": "Desil 1", "reason": "",
    }
    from programs.models import Pillar

    data["pillar"] = str(Pillar.objects.get(code="kebutuhan_pokok").pk)
    data.update(extra)
    return data


def test_it_creates_an_intervention_with_units_and_targets(
    client_for, lebak_coordinator, lebak_unit, province_unit, banten
):
    client = client_for(lebak_coordinator)
    response = client.post(reverse("programs:intervention-create"), _payload(
        lead_unit=str(lebak_unit.pk), partner_units=[str(province_unit.pk)],
        target_regions=["36.02.01", "36.02.01.2001"], start_date="2024-02-01",
        end_date="2024-11-30",
    ))
    item = Intervention.objects.get(name="Bedah rumah Malingping")
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:intervention-detail", args=[item.pk])
    assert item.region_id == "36.02"
    assert item.lead_unit == lebak_unit
    assert list(item.partner_units.all()) == [province_unit]
    assert sorted(item.target_regions.values_list("code", flat=True)) == [
        "36.02.01", "36.02.01.2001"]
    assert item.created_by == lebak_coordinator
    assert AuditRecord.objects.filter(model="programs.Intervention", object_id=str(item.pk),
                                      action="create", via="web").exists()
    page = client.get(reverse("programs:intervention-detail", args=[item.pk]))
    assert page.status_code == 200
    assert "Riwayat perubahan" in page.content.decode()


@pytest.mark.parametrize("extra, field, message", [
    ({"name": ""}, "name", "Bidang ini harus diisi."),
    ({"start_date": "2024-05-01", "end_date": "2024-04-01"}, "end_date",
     "Tanggal selesai tidak boleh sebelum mulai."),
    ({"beneficiaries_target": "-3"}, "beneficiaries_target", "lebih besar dari atau sama dengan 0"),
    ({"fiscal_year": "1999"}, "fiscal_year", "lebih besar dari atau sama dengan 2015"),
])
def test_it_refuses_invalid_input_with_a_message(
    client_for, lebak_coordinator, counts, extra, field, message
):
    before = counts()
    response = client_for(lebak_coordinator).post(
        reverse("programs:intervention-create"), _payload(**extra))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert counts() == before


def test_a_crafted_post_for_another_region_changes_nothing(
    client_for, lebak_coordinator, tangerang_unit, counts
):
    before = counts()
    client = client_for(lebak_coordinator)
    for payload in (
        _payload(region="36.03"),
        _payload(lead_unit=str(tangerang_unit.pk)),
        _payload(partner_units=[str(tangerang_unit.pk)]),
        _payload(target_regions=["36.03.01.2001"]),
    ):
        response = client.post(reverse("programs:intervention-create"), payload)
        assert response.status_code == 400
        assert response.context["form"].errors
    assert counts() == before


def test_another_regions_intervention_is_invisible_and_unchangeable(
    client_for, lebak_coordinator, tangerang_intervention, counts
):
    client = client_for(lebak_coordinator)
    pk = tangerang_intervention.pk
    before = counts()
    assert client.get(reverse("programs:intervention-detail", args=[pk])).status_code == 404
    assert client.get(reverse("programs:intervention-update", args=[pk])).status_code == 404
    assert client.post(reverse("programs:intervention-update", args=[pk]),
                       _payload(region="36.03")).status_code == 404
    assert client.post(reverse("programs:intervention-close", args=[pk]),
                       {"reason": "x"}).status_code == 404
    assert client.post(reverse("programs:intervention-progress", args=[pk]),
                       {"quarter": 1, "reached": 5}).status_code == 404
    assert counts() == before
    listing = client.get(reverse("programs:intervention-list")).content.decode()
    assert tangerang_intervention.name not in listing


def test_an_official_reads_but_cannot_edit(client_for, official, lebak_intervention):
    client = client_for(official)
    pk = lebak_intervention.pk
    page = client.get(reverse("programs:intervention-detail", args=[pk]))
    assert page.status_code == 200
    assert reverse("programs:intervention-update", args=[pk]) not in page.content.decode()
    assert client.get(reverse("programs:intervention-update", args=[pk])).status_code == 403
    assert client.get(reverse("programs:intervention-create")).status_code == 403


def test_it_edits_and_closes_with_history(client_for, lebak_coordinator, lebak_intervention):
    client = client_for(lebak_coordinator)
    pk = lebak_intervention.pk
    response = client.post(reverse("programs:intervention-update", args=[pk]), _payload(
        name="Nama baru", reason="Nama resmi dari SK"))
    assert response.status_code == 302
    response = client.post(reverse("programs:intervention-close", args=[pk]),
                           {"reason": "Program tuntas"})
    assert response.status_code == 302
    lebak_intervention.refresh_from_db()
    assert lebak_intervention.name == "Nama baru"
    assert lebak_intervention.status == InterventionStatus.CLOSED
    records = AuditRecord.objects.filter(model="programs.Intervention", object_id=str(pk))
    assert [r.reason for r in records.order_by("id")] == ["Nama resmi dari SK", "Program tuntas"]
    assert records.order_by("id").first().changes["name"][1] == "Nama baru"
    page = client.get(reverse("programs:intervention-detail", args=[pk])).content.decode()
    assert "Program tuntas" in page and "Nama resmi dari SK" in page


def test_close_needs_a_reason(client_for, lebak_coordinator, lebak_intervention):
    response = client_for(lebak_coordinator).post(
        reverse("programs:intervention-close", args=[lebak_intervention.pk]), {"reason": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]


def test_progress_per_quarter_sums_to_reached(
    client_for, lebak_coordinator, lebak_intervention
):
    client = client_for(lebak_coordinator)
    url = reverse("programs:intervention-progress", args=[lebak_intervention.pk])
    assert client.post(url, {"quarter": "1", "reached": "40"}).status_code == 302
    assert client.post(url, {"quarter": "2", "reached": "25", "note": "x"}).status_code == 302
    lebak_intervention.refresh_from_db()
    assert lebak_intervention.beneficiaries_reached == 65
    bad = client.post(url, {"quarter": "5", "reached": "-1"})
    assert bad.status_code == 400
    assert set(bad.context["progress_form"].errors) == {"quarter", "reached"}


def test_lines_are_linked_from_the_regions_lines_only(
    client_for, lebak_coordinator, lebak_intervention, lebak_lines, tangerang_line
):
    client = client_for(lebak_coordinator)
    url = reverse("programs:intervention-lines", args=[lebak_intervention.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["candidates"]) == 3
    response = client.post(url, {"add": [str(lebak_lines[0].pk), str(lebak_lines[1].pk)]})
    assert response.status_code == 302
    assert set(lebak_intervention.budget_lines.values_list("pk", flat=True)) == {
        lebak_lines[0].pk, lebak_lines[1].pk}
    crafted = client.post(url, {"add": [str(tangerang_line.pk)]})
    assert crafted.status_code == 400
    assert "bukan milik wilayah" in crafted.content.decode()
    assert tangerang_line.pk not in lebak_intervention.budget_lines.values_list("pk", flat=True)
    client.post(url, {"remove": [str(lebak_lines[0].pk)]})
    assert list(lebak_intervention.budget_lines.values_list("pk", flat=True)) == [
        lebak_lines[1].pk]


def test_evidence_upload_checks_bytes_and_keeps_the_original_name(
    client_for, lebak_coordinator, lebak_intervention, tangerang_coordinator,
    province_coordinator,
):
    client = client_for(lebak_coordinator)
    url = reverse("programs:evidence-upload", args=[lebak_intervention.pk])
    ok = client.post(url, {"kind": "berita_acara", "description": "BA serah terima",
                           "file": SimpleUploadedFile("BA serah terima.pdf", PDF)})
    assert ok.status_code == 302
    evidence = InterventionEvidence.objects.get()
    assert evidence.original_name == "BA serah terima.pdf"
    assert evidence.content_type == "application/pdf"
    assert "serah" not in evidence.file.name and evidence.file.name.endswith(".pdf")
    photo = client.post(url, {"kind": "foto", "file": SimpleUploadedFile("foto.png", PNG)})
    assert photo.status_code == 302

    fake = client.post(url, {"kind": "berita_acara",
                             "file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00binary")})
    assert fake.status_code == 400
    assert "bukan PDF, JPG atau PNG" in fake.content.decode()
    renamed = client.post(url, {"kind": "foto", "file": SimpleUploadedFile("foto.jpg", PNG)})
    assert renamed.status_code == 400
    assert "Ganti nama berkas" in renamed.content.decode()
    big = client.post(url, {"kind": "berita_acara", "file": SimpleUploadedFile(
        "besar.pdf", PDF + b"0" * EVIDENCE_MAX_BYTES)})
    assert big.status_code == 400
    assert "terlalu besar" in big.content.decode()
    assert InterventionEvidence.objects.count() == 2

    download = reverse("programs:evidence-download", args=[evidence.pk])
    assert client_for(province_coordinator).get(download).status_code == 200
    assert client_for(tangerang_coordinator).get(download).status_code == 404
    assert AuditRecord.objects.filter(model="programs.InterventionEvidence").count() == 2
    assert client_for(tangerang_coordinator).post(
        reverse("programs:evidence-delete", args=[evidence.pk])).status_code == 404
    assert client.post(reverse("programs:evidence-delete", args=[evidence.pk])).status_code == 302
    assert not InterventionEvidence.objects.filter(pk=evidence.pk).exists()


def test_list_filters_by_region_status_and_query(
    client_for, province_coordinator, lebak_intervention, tangerang_intervention
):
    client = client_for(province_coordinator)
    url = reverse("programs:intervention-list")
    assert len(client.get(url).context["page"]) == 2
    assert [i.pk for i in client.get(url, {"region": "36.03"}).context["page"]] == [
        tangerang_intervention.pk]
    assert len(client.get(url, {"status": "selesai"}).context["page"]) == 0
    assert len(client.get(url, {"q": lebak_intervention.name}).context["page"]) == 1
    assert len(client.get(url, {"pillar": "jaminan_sosial"}).context["page"]) == 2
    bad = client.get(url, {"status": "nonsense"})
    assert bad.status_code == 200 and len(bad.context["page"]) == 0
