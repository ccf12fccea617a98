"""Two-tier quarterly verification and what a submitted/verified quarter locks."""

from decimal import Decimal

import pytest

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditRecord
from budgets import services as budget_services
from budgets.models import BudgetLine
from programs import services as program_services
from roadmap import services
from roadmap.models import QuarterSubmission, SubmissionStatus, VerificationEvent
from tests.factories import RoadmapActionFactory, pillar

pytestmark = pytest.mark.django_db


@pytest.fixture
def q1(lebak_coordinator):
    return services.submission_open(user=lebak_coordinator, region_code="36.02",
                                    fiscal_year=2024, quarter=1)


def _verify(submission, lebak, province):
    services.submission_submit(user=lebak, submission=submission)
    return services.submission_verify(user=province, submission=submission, comment="OK")


def test_the_full_cycle_records_who_when_and_why(
    client_for, lebak_coordinator, province_coordinator, q1
):
    lebak, province = client_for(lebak_coordinator), client_for(province_coordinator)
    transition = lambda a: reverse("roadmap:submission-transition", args=[q1.pk, a])  # noqa: E731
    assert lebak.post(transition("ajukan"), {"comment": "Data T1"}).status_code == 302
    no_comment = province.post(transition("kembalikan"), {"comment": ""})
    assert no_comment.status_code == 400
    assert "Catatan wajib diisi" in no_comment.content.decode()
    assert province.post(transition("kembalikan"),
                         {"comment": "Realisasi Dinsos belum diisi"}).status_code == 302
    q1.refresh_from_db()
    assert q1.status == SubmissionStatus.RETURNED
    assert lebak.post(transition("ajukan"), {"comment": "Sudah diperbaiki"}).status_code == 302
    assert lebak.post(transition("verifikasi"), {}).status_code == 400  # not a verifier
    assert province.post(transition("verifikasi"), {"comment": "Sesuai"}).status_code == 302
    q1.refresh_from_db()
    assert q1.status == SubmissionStatus.VERIFIED and q1.verified_at is not None
    assert province.post(transition("buka-kembali"), {"comment": ""}).status_code == 400
    assert province.post(transition("buka-kembali"),
                         {"comment": "Koreksi pagu"}).status_code == 302
    events = list(VerificationEvent.objects.filter(submission=q1).order_by("id"))
    assert [(e.action, e.username, e.comment) for e in events] == [
        ("open", "t.koordinator.lebak", ""),
        ("submit", "t.koordinator.lebak", "Data T1"),
        ("return", "t.koordinator.provinsi", "Realisasi Dinsos belum diisi"),
        ("submit", "t.koordinator.lebak", "Sudah diperbaiki"),
        ("verify", "t.koordinator.provinsi", "Sesuai"),
        ("reopen", "t.koordinator.provinsi", "Koreksi pagu"),
    ]
    records = AuditRecord.objects.filter(model="roadmap.QuarterSubmission", object_id=str(q1.pk))
    assert records.count() == 6
    page = lebak.get(reverse("roadmap:submission-detail", args=[q1.pk])).content.decode()
    assert "Realisasi Dinsos belum diisi" in page


def test_only_a_province_coordinator_verifies(
    lebak_coordinator, tangerang_coordinator, official, q1, province_coordinator
):
    services.submission_submit(user=lebak_coordinator, submission=q1)
    for user in (lebak_coordinator, tangerang_coordinator, official):
        with pytest.raises(PermissionDenied):
            services.submission_verify(user=user, submission=q1)
    with pytest.raises(PermissionDenied):
        services.submission_submit(user=tangerang_coordinator, submission=q1)
    with pytest.raises(ValidationError):
        services.submission_open(user=province_coordinator, region_code="36",
                                 fiscal_year=2024, quarter=1)


def test_quarters_open_in_order(lebak_coordinator, province_coordinator, q1):
    with pytest.raises(ValidationError, match="belum diverifikasi"):
        services.submission_open(user=lebak_coordinator, region_code="36.02",
                                 fiscal_year=2024, quarter=2)
    _verify(q1, lebak_coordinator, province_coordinator)
    q2 = services.submission_open(user=lebak_coordinator, region_code="36.02",
                                  fiscal_year=2024, quarter=2)
    assert q2.status == SubmissionStatus.DRAFT


def test_a_lebak_coordinator_cannot_open_tangerangs_quarter(
    client_for, lebak_coordinator, counts
):
    before = counts()
    response = client_for(lebak_coordinator).post(reverse("roadmap:submission-open"), {
        "region": "36.03", "fiscal_year": "2024", "quarter": "1"})
    assert response.status_code == 302
    assert counts() == before


def test_verified_quarter_locks_lines_tags_and_interventions_of_the_year(
    client_for, lebak_coordinator, province_coordinator, q1, lebak_lines, lebak_intervention
):
    line = lebak_lines[0]
    _verify(q1, lebak_coordinator, province_coordinator)
    with pytest.raises(ValidationError, match="terkunci"):
        budget_services.budget_line_update(user=lebak_coordinator, line=line, pagu=Decimal(5))
    with pytest.raises(ValidationError, match="terkunci"):
        budget_services.budget_lines_tag(user=lebak_coordinator,
                                         lines=BudgetLine.objects.filter(pk=line.pk),
                                         pillar=pillar(), reason="x")
    with pytest.raises(ValidationError, match="terkunci"):
        budget_services.budget_line_delete(user=lebak_coordinator, line=line)
    with pytest.raises(ValidationError, match="terkunci"):
        program_services.intervention_update(user=lebak_coordinator,
                                             intervention=lebak_intervention, name="x")
    with pytest.raises(ValidationError, match="diverifikasi provinsi"):
        program_services.intervention_progress_set(
            user=lebak_coordinator, intervention=lebak_intervention, fiscal_year=2024,
            quarter=1, reached=3)
    # the province itself is bound by the lock too, until it reopens
    with pytest.raises(ValidationError):
        budget_services.budget_line_update(user=province_coordinator, line=line,
                                           pagu=Decimal(5))
    # pages show the message, nothing changes
    page = client_for(lebak_coordinator).post(
        reverse("programs:intervention-close", args=[lebak_intervention.pk]), {"reason": "x"})
    assert page.status_code == 400 and "terkunci" in page.content.decode()
    lebak_intervention.refresh_from_db()
    assert lebak_intervention.status != "selesai"
    # another year is not locked
    other = lebak_lines[1]
    other.fiscal_year = 2025
    other.save()
    budget_services.budget_line_update(user=lebak_coordinator, line=other, pagu=Decimal(7))
    # reopening lifts the lock
    services.submission_reopen(user=province_coordinator, submission=q1, comment="koreksi")
    budget_services.budget_line_update(user=lebak_coordinator, line=line, pagu=Decimal(5))


def test_a_submitted_quarter_locks_while_under_review(
    lebak_coordinator, province_coordinator, q1, lebak_lines
):
    services.submission_submit(user=lebak_coordinator, submission=q1)
    with pytest.raises(ValidationError, match="sedang diperiksa"):
        budget_services.budget_line_update(user=lebak_coordinator, line=lebak_lines[0],
                                           pagu=Decimal(1))
    services.submission_return(user=province_coordinator, submission=q1, comment="perbaiki")
    budget_services.budget_line_update(user=lebak_coordinator, line=lebak_lines[0],
                                       pagu=Decimal(1))


def test_opening_the_next_quarter_unlocks_year_data_but_not_earlier_actions(
    lebak_coordinator, province_coordinator, q1, lebak_lines, lebak_roadmap
):
    early = RoadmapActionFactory(roadmap=lebak_roadmap, target_year=2024, target_quarter=1)
    later = RoadmapActionFactory(roadmap=lebak_roadmap, target_year=2024, target_quarter=3)
    _verify(q1, lebak_coordinator, province_coordinator)
    with pytest.raises(ValidationError):
        services.action_update(user=lebak_coordinator, action=early, progress=50)
    services.action_update(user=lebak_coordinator, action=later, progress=50)
    with pytest.raises(ValidationError):  # cannot move a later action into a locked quarter
        services.action_update(user=lebak_coordinator, action=later, target_quarter=1)
    with pytest.raises(ValidationError):
        services.action_create(user=lebak_coordinator, roadmap=lebak_roadmap, title="x",
                               target_quarter=1)
    services.submission_open(user=lebak_coordinator, region_code="36.02", fiscal_year=2024,
                             quarter=2)
    budget_services.budget_line_update(user=lebak_coordinator, line=lebak_lines[0],
                                       pagu=Decimal(9))
    with pytest.raises(ValidationError):
        services.action_update(user=lebak_coordinator, action=early, progress=60)
    q1.refresh_from_db()
    assert Decimal(q1.verified_totals["pagu"]) == Decimal("3000000.00")


def test_the_province_data_is_never_locked_by_a_kabkota(
    lebak_coordinator, province_coordinator, q1, province_unit
):
    from tests.factories import BudgetLineFactory

    line = BudgetLineFactory(region_id="36", unit=province_unit, sub_unit=province_unit)
    _verify(q1, lebak_coordinator, province_coordinator)
    budget_services.budget_line_update(user=province_coordinator, line=line, pagu=Decimal(2))


def test_board_counts_changes_since_the_last_verification(
    client_for, lebak_coordinator, province_coordinator, q1, lebak_lines
):
    _verify(q1, lebak_coordinator, province_coordinator)
    services.submission_open(user=lebak_coordinator, region_code="36.02", fiscal_year=2024,
                             quarter=2)
    budget_services.budget_line_update(user=lebak_coordinator, line=lebak_lines[0],
                                       pagu=Decimal(9))
    budget_services.budget_line_update(user=lebak_coordinator, line=lebak_lines[1],
                                       pagu=Decimal(8))
    page = client_for(province_coordinator).get(reverse("roadmap:verification-list"),
                                                {"fiscal_year": 2024})
    rows = {row["region"].code: row for row in page.context["board"]}
    assert rows["36.02"]["changed_since"] == 2
    assert rows["36.03"]["changed_since"] == 0
    assert rows["36.02"]["quarters"][0].status == SubmissionStatus.VERIFIED
    assert QuarterSubmission.objects.count() == 2


def test_locked_records_are_read_only_in_the_admin(
    client_for, admin_user, lebak_coordinator, province_coordinator, q1, lebak_roadmap
):
    early = RoadmapActionFactory(roadmap=lebak_roadmap, target_year=2024, target_quarter=1)
    client = client_for(admin_user)
    url = reverse("admin:roadmap_roadmapaction_change", args=[early.pk])
    _verify(q1, lebak_coordinator, province_coordinator)
    response = client.post(url, {"title": "diubah lewat admin"})
    early.refresh_from_db()
    assert early.title != "diubah lewat admin"
    assert response.status_code in (200, 403)
    submission_url = reverse("admin:roadmap_quartersubmission_change", args=[q1.pk])
    assert client.get(submission_url).status_code == 200
