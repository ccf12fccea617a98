"""Hand-entered budget lines and bulk tagging pages."""

from decimal import Decimal

import pytest

from django.urls import reverse

from audit.models import AuditRecord
from budgets.models import BudgetLine, FundingSource, LineOrigin, Tag, TagSource
from tests.factories import TagFactory, pillar

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(db):
    return FundingSource.objects.get_or_create(code="1.1", defaults={"name": "PAD"})[0]


def _payload(unit, source, **extra):
    data = {
        "region": "36.02", "fiscal_year": "2024", "stage": "murni", "unit": str(unit.pk),
        "sub_kegiatan_code": "1.06.05.2.02.0007", "sub_kegiatan_name": "Rehabilitasi RTLH",
        "funding_source": str(source.pk), "account_code": "5.1.06.01.01.0001",
        "account_name": "Belanja Bantuan Sosial", "pagu": "250000000", "realisasi": "0",
        "reason": "Belum ada di SIPD",
    }
    data.update(extra)
    return data


def test_a_coordinator_records_a_line_by_hand(client_for, lebak_coordinator, lebak_unit,
                                              source):
    response = client_for(lebak_coordinator).post(reverse("budgets:line-create"),
                                                  _payload(lebak_unit, source))
    line = BudgetLine.objects.get()
    assert response.status_code == 302
    assert line.origin == LineOrigin.MANUAL and line.entered_by == lebak_coordinator
    assert line.pagu == Decimal("250000000") and line.sub_unit == lebak_unit
    record = AuditRecord.objects.get(model="budgets.BudgetLine")
    assert record.reason == "Belum ada di SIPD" and record.via == "web"


@pytest.mark.parametrize("extra, field, message", [
    ({"sub_kegiatan_code": "1.06.05"}, "sub_kegiatan_code", "bukan kode sub kegiatan"),
    ({"pagu": "-1"}, "pagu", "lebih besar dari atau sama dengan 0"),
    ({"realisasi": "300000000"}, "realisasi", "Realisasi melebihi pagu"),
    ({"reason": ""}, "reason", "Bidang ini harus diisi."),
    ({"region": "36.03"}, "region", "Masukkan pilihan yang valid"),
])
def test_line_form_errors(client_for, lebak_coordinator, lebak_unit, source, counts,
                          extra, field, message):
    before = counts()
    response = client_for(lebak_coordinator).post(reverse("budgets:line-create"),
                                                  _payload(lebak_unit, source, **extra))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert counts() == before


def test_a_crafted_unit_of_another_region_changes_nothing(
    client_for, lebak_coordinator, tangerang_unit, source, counts, province_unit
):
    before = counts()
    client = client_for(lebak_coordinator)
    for unit in (tangerang_unit, province_unit):
        response = client.post(reverse("budgets:line-create"), _payload(unit, source))
        assert response.status_code == 400
        assert "unit" in response.context["form"].errors
    assert counts() == before


def test_edit_and_delete_with_reason_and_scope(
    client_for, lebak_coordinator, tangerang_coordinator, lebak_lines, lebak_unit, source,
    counts,
):
    line = lebak_lines[0]
    client = client_for(lebak_coordinator)
    before = counts()
    other = client_for(tangerang_coordinator)
    assert other.get(reverse("budgets:line-update", args=[line.pk])).status_code == 404
    assert other.post(reverse("budgets:line-delete", args=[line.pk]),
                      {"reason": "x"}).status_code == 404
    assert counts() == before
    edit = client.post(reverse("budgets:line-update", args=[line.pk]),
                       _payload(lebak_unit, source, pagu="123", reason="Koreksi DPA"))
    assert edit.status_code == 302
    line.refresh_from_db()
    assert line.pagu == Decimal("123")
    no_reason = client.post(reverse("budgets:line-delete", args=[line.pk]), {"reason": ""})
    assert no_reason.status_code == 400
    assert client.post(reverse("budgets:line-delete", args=[line.pk]),
                       {"reason": "Ganda"}).status_code == 302
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    reasons = list(AuditRecord.objects.filter(model="budgets.BudgetLine", object_id=str(line.pk))
                   .order_by("id").values_list("action", "reason"))
    assert reasons == [("update", "Koreksi DPA"), ("delete", "Ganda")]


def test_bulk_tag_keeps_imported_tags_apart(client_for, lebak_coordinator, lebak_lines):
    imported = TagFactory(budget_line=lebak_lines[0], source=TagSource.IMPORT,
                          pillar=pillar("budaya_usaha"))
    client = client_for(lebak_coordinator)
    url = reverse("budgets:line-tag") + "?region=36.02"
    missing = client.post(url, {"reason": "x", "expected": "3"})
    assert missing.status_code == 400
    assert "Pilih pilar atau strategi" in missing.content.decode()
    stale = client.post(url, {"pillar": str(pillar().pk), "reason": "x", "expected": "2"})
    assert stale.status_code == 400 and "berubah" in stale.content.decode()
    assert client.post(url, {"pillar": str(pillar().pk), "reason": "Kepmendagri",
                             "expected": "3"}).status_code == 302
    imported.refresh_from_db()
    assert imported.pillar.code == "budaya_usaha"  # never overwritten
    assert Tag.objects.filter(source=TagSource.PERSON).count() == 3
    lebak_lines[0].refresh_from_db()
    assert lebak_lines[0].pillar.code == "jaminan_sosial"  # hand tag is effective


def test_bulk_tag_only_touches_lines_the_user_may_change(
    client_for, lebak_coordinator, lebak_lines, tangerang_line
):
    page = client_for(lebak_coordinator).get(reverse("budgets:line-tag"))
    assert page.context["count"] == 3
    client_for(lebak_coordinator).post(reverse("budgets:line-tag"), {
        "pillar": str(pillar().pk), "reason": "x", "expected": "3"})
    assert not Tag.objects.filter(budget_line=tangerang_line).exists()


def test_an_official_cannot_open_the_line_pages(client_for, official, lebak_lines):
    client = client_for(official)
    assert client.get(reverse("budgets:line-create")).status_code == 403
    assert client.get(reverse("budgets:line-tag")).status_code == 403
    assert client.get(reverse("budgets:line-update", args=[lebak_lines[0].pk])).status_code == 403
