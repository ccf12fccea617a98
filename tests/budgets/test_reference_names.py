"""Reference names come from SIPD's files: a demo or hand-typed name of a code is
replaced (and said), two SIPD files that disagree are reported, the same account
written with other part widths is one canonical code, and a code typed by hand
is checked like an imported one."""

import pytest

from django.core.exceptions import ValidationError
from django.urls import reverse

from budgets import services
from budgets.codes import canonical_code
from budgets.models import (
    Account,
    BudgetLine,
    FundingSource,
    ImportStatus,
    NameSource,
    Nomenclature,
    Unit,
    UnitKind,
)
from tests.importers.workbooks import REKAP_HEADERS, Sheet, rekap_rows, xlsx_bytes

from .import_helpers import upload

pytestmark = pytest.mark.django_db

ACCOUNT = "5.1.06.01.01.0001"
SUB_KEGIATAN = "1.06.05.2.02.0001"
SKPD = "1.06.0.00.0.00.01.0000"
SIPD_ACCOUNT = "Belanja Bantuan Sosial Uang kepada Individu"
SIPD_SUB_KEGIATAN = "Pendataan Fakir Miskin Cakupan Daerah Kabupaten/Kota"


def recap(n=1, **over) -> bytes:
    return xlsx_bytes([Sheet("Sheet1", [REKAP_HEADERS, *rekap_rows(n, **over)])])


def codes(batch, code):
    return [w for w in batch.warnings if w["code"] == code]


def hand_typed():
    Account.objects.create(code=ACCOUNT, name="Belanja Contoh Demo", group="5.1.06",
                           canonical_code=canonical_code(ACCOUNT), name_source=NameSource.DEMO)
    services.nomenclature_ensure(fiscal_year=2024, code=SUB_KEGIATAN, name="Ketikan koordinator")
    Unit.objects.create(region_id="36", code=SKPD, name="dinsos (ketik)", kind=UnitKind.OPD,
                        name_source=NameSource.MANUAL)


def test_a_demo_or_hand_typed_name_of_a_code_is_replaced_by_the_sipd_files_name(data_staff):
    hand_typed()
    assert Nomenclature.objects.get(code=SUB_KEGIATAN).name_source == NameSource.MANUAL
    batch = upload(data_staff, recap(), commit=True)
    assert batch.status == ImportStatus.COMMITTED
    replaced = {w["value"] for w in codes(batch, "name_replaced")}
    assert {SIPD_ACCOUNT, SIPD_SUB_KEGIATAN, "DINAS SOSIAL"} <= replaced
    account = Account.objects.get(code=ACCOUNT)
    assert (account.name, account.name_source) == (SIPD_ACCOUNT, NameSource.SIPD)
    node = Nomenclature.objects.get(fiscal_year=2024, code=SUB_KEGIATAN)
    assert (node.name, node.name_source) == (SIPD_SUB_KEGIATAN, NameSource.SIPD)
    unit = Unit.objects.get(code=SKPD)
    assert (unit.name, unit.name_source) == ("DINAS SOSIAL", NameSource.SIPD)
    # the ancestors typed as bare codes get SIPD's names too
    program = Nomenclature.objects.get(fiscal_year=2024, level="program", code="1.06.05")
    assert program.name == "PROGRAM PERLINDUNGAN DAN JAMINAN SOSIAL"


def test_the_preview_says_a_hand_typed_name_will_be_replaced(data_staff):
    hand_typed()
    batch = upload(data_staff, recap())
    assert batch.status == ImportStatus.PREVIEW
    assert codes(batch, "name_replaced")


def test_a_sipd_name_another_sipd_file_names_otherwise_is_kept_and_reported(data_staff):
    upload(data_staff, recap(), commit=True)
    other = recap(**{"NAMA REKENING": "Belanja Bansos Uang (nama lain)",
                     "NAMA SUB KEGIATAN": "Pendataan Fakir Miskin (nama lain)", "PAGU": 7})
    batch = upload(data_staff, other, commit=True)
    assert batch.status == ImportStatus.COMMITTED
    differs = {w["value"] for w in codes(batch, "name_differs")}
    assert differs == {"Belanja Bansos Uang (nama lain)", "Pendataan Fakir Miskin (nama lain)"}
    assert not codes(batch, "name_replaced")
    assert Account.objects.get(code=ACCOUNT).name == SIPD_ACCOUNT
    assert Nomenclature.objects.get(code=SUB_KEGIATAN).name == SIPD_SUB_KEGIATAN


def test_one_account_written_with_other_part_widths_gets_one_canonical_code(data_staff):
    narrow = services.account_ensure(code="5.1.02.03.03.0001", name="Belanja Contoh")
    wide = services.account_ensure(code="5.1.02.03.003.00001", name="Belanja Contoh")
    assert narrow.pk != wide.pk
    assert narrow.canonical_code == wide.canonical_code != ""
    # through imports of two years: the lines keep the code as written
    upload(data_staff, recap(**{"KODE REKENING": "5.1.02.01.01.0024"}, tahun=2025), commit=True)
    upload(data_staff, recap(**{"KODE REKENING": "5.1.02.01.001.00024"}, tahun=2026),
           commit=True)
    by_year = dict(BudgetLine.objects.values_list("fiscal_year", "account__code"))
    assert by_year == {2025: "5.1.02.01.01.0024", 2026: "5.1.02.01.001.00024"}
    canon = set(Account.objects.filter(code__in=by_year.values())
                .values_list("canonical_code", flat=True))
    assert len(canon) == 1
    source = FundingSource.objects.get(code="1.1")
    assert source.canonical_code == canonical_code("1.1")


@pytest.mark.parametrize("bad", ["5.1.02.x", "5..1.02.01.01.0001", "5.1.02.01.01.0001a", ""])
def test_a_malformed_account_typed_by_hand_gets_a_clear_message_like_an_import(
    data_staff, bad
):
    with pytest.raises(ValidationError) as info:
        services.account_ensure(code=bad, name="Belanja")
    [message] = info.value.message_dict["account_code"]
    assert message and not message.startswith(("Baris", "Row")) and "Traceback" not in message
    assert not Account.objects.exists()
    batch = upload(data_staff, recap(**{"KODE REKENING": bad}))
    assert batch.status == ImportStatus.REJECTED
    assert [e["column"] for e in batch.errors] == ["KODE REKENING"]


def test_a_malformed_sub_kegiatan_typed_by_hand_gets_a_clear_message():
    with pytest.raises(ValidationError) as info:
        services.nomenclature_ensure(fiscal_year=2024, code="1.06.05.2.02.x1", name="Contoh")
    [message] = info.value.message_dict["sub_kegiatan_code"]
    assert message and not message.startswith(("Baris", "Row"))
    assert not Nomenclature.objects.exists()


def test_the_line_form_shows_the_message_of_a_malformed_account(client_for,
                                                                 province_coordinator):
    unit = Unit.objects.create(region_id="36", code=SKPD, name="DINAS SOSIAL",
                               kind=UnitKind.OPD)
    source = FundingSource.objects.create(code="1.1", name="PAD", canonical_code="1.1")
    c = client_for(province_coordinator)
    resp = c.post(reverse("budgets:line-create"), {
        "region": "36", "fiscal_year": 2024, "stage": "murni", "unit": unit.pk,
        "sub_kegiatan_code": SUB_KEGIATAN, "sub_kegiatan_name": "Pendataan",
        "funding_source": source.pk, "account_code": "5.1.06.x", "account_name": "Belanja",
        "pagu": "1000", "realisasi": "0", "reason": "uji",
    })
    assert resp.status_code == 400
    errors = resp.context["form"].errors
    assert list(errors) == ["account_code"] and errors["account_code"][0]
    assert not BudgetLine.objects.exists() and not Account.objects.exists()
    # nothing of the refused entry is left behind, not even its sub kegiatan
    assert not Nomenclature.objects.exists()


@pytest.mark.xfail(strict=True, reason=(
    "Nomenclature is one table for every region: the first region to type a new code "
    "names it for all (nomenclature_ensure keeps a stored name), so another region's "
    "line page reads that name until a SIPD import of the year corrects it"))
def test_a_name_typed_in_one_region_never_decides_how_another_regions_pages_read(
    client_for, lebak_coordinator, tangerang_coordinator
):
    source = FundingSource.objects.create(code="1.1", name="PAD", canonical_code="1.1")
    lines = {}
    for user, region, name in ((lebak_coordinator, "36.02", "Nama ketikan Lebak"),
                               (tangerang_coordinator, "36.03", "Nama ketikan Tangerang")):
        unit = Unit.objects.create(region_id=region, code=SKPD, name="DINAS SOSIAL",
                                   kind=UnitKind.OPD)
        resp = client_for(user).post(reverse("budgets:line-create"), {
            "region": region, "fiscal_year": 2024, "stage": "murni", "unit": unit.pk,
            "sub_kegiatan_code": SUB_KEGIATAN, "sub_kegiatan_name": name,
            "funding_source": source.pk, "account_code": ACCOUNT, "account_name": "Belanja",
            "pagu": "1000", "realisasi": "0", "reason": "uji",
        })
        assert resp.status_code == 302, resp.content.decode()[:300]
        lines[region] = BudgetLine.objects.get(region_id=region)
    page = client_for(tangerang_coordinator).get(lines["36.03"].get_absolute_url())
    assert page.status_code == 200
    assert "Nama ketikan Lebak" not in page.content.decode()


def test_the_page_of_a_hand_entered_line_shows_its_history(client_for, province_coordinator):
    unit = Unit.objects.create(region_id="36", code=SKPD, name="DINAS SOSIAL",
                               kind=UnitKind.OPD)
    source = FundingSource.objects.create(code="1.1", name="PAD", canonical_code="1.1")
    c = client_for(province_coordinator)
    resp = c.post(reverse("budgets:line-create"), {
        "region": "36", "fiscal_year": 2024, "stage": "murni", "unit": unit.pk,
        "sub_kegiatan_code": SUB_KEGIATAN, "sub_kegiatan_name": "Pendataan",
        "funding_source": source.pk, "account_code": ACCOUNT, "account_name": "Belanja",
        "pagu": "1000", "realisasi": "0", "reason": "catatan koordinator",
    })
    assert resp.status_code == 302
    line = BudgetLine.objects.get()
    assert Nomenclature.objects.get(code=SUB_KEGIATAN).name_source == NameSource.MANUAL
    page = c.get(line.get_absolute_url())
    assert page.status_code == 200
    assert "catatan koordinator" in page.content.decode()  # the history row's reason
