"""Every create, update and delete through the services leaves a record, with the
path it came through; the record cannot be changed from the application."""

from decimal import Decimal

import pytest

from django.urls import reverse

from audit.context import audit_via
from audit.models import AuditRecord
from budgets import services as budget_services
from budgets.models import BudgetLine, Tag
from programs import services as program_services
from roadmap import services
from tests.factories import pillar

pytestmark = pytest.mark.django_db


def _actions(model):
    return list(AuditRecord.objects.filter(model=model).order_by("id").values_list(
        "action", "via"))


def test_every_entity_is_recorded_on_create_update_delete(
    lebak_coordinator, lebak_unit, lebak_roadmap, banten
):
    user = lebak_coordinator
    with audit_via("command"):
        line = budget_services.budget_line_create(
            user=user, region_code="36.02", fiscal_year=2024, stage="murni", unit=lebak_unit,
            sub_unit=lebak_unit,
            sub_kegiatan=budget_services.nomenclature_ensure(
                fiscal_year=2024, code="1.06.05.2.02.0001", name="Sub"),
            funding_source=budget_services.funding_source_ensure(code="1.1", name="PAD"),
            account=budget_services.account_ensure(code="5.1.02.01.01.0001", name="Bel"),
            pagu=Decimal("10"), reason="baru")
        budget_services.budget_line_update(user=user, line=line, pagu=Decimal("11"))
        budget_services.budget_lines_tag(user=user, lines=BudgetLine.objects.filter(pk=line.pk),
                                         pillar=pillar(), reason="tandai")
        budget_services.tag_delete(user=user, tag=Tag.objects.get(), reason="salah")
        budget_services.budget_line_delete(user=user, line=line, reason="hapus")

        item = program_services.intervention_create(user=user, region_code="36.02",
                                                    fiscal_year=2024, name="I")
        program_services.intervention_update(user=user, intervention=item, name="I2")
        program_services.intervention_delete(user=user, intervention=item)

        action = services.action_create(user=user, roadmap=lebak_roadmap, title="A",
                                        target_quarter=4)
        services.action_update(user=user, action=action, progress=10)
        services.action_delete(user=user, action=action)

        obstacle = services.obstacle_create(user=user, region_code="36.02", fiscal_year=2024,
                                            title="O", category="data")
        services.obstacle_update(user=user, obstacle=obstacle, status="ditangani")
        services.obstacle_delete(user=user, obstacle=obstacle)

        meeting = services.meeting_create(user=user, region_code="36.02", title="M",
                                          date="2024-01-01")
        services.meeting_update(user=user, meeting=meeting, place="Rangkasbitung")
        decision = services.decision_create(user=user, meeting=meeting, text="D")
        services.decision_update(user=user, decision=decision, follow_up_status="selesai")
        services.decision_delete(user=user, decision=decision)
        services.meeting_delete(user=user, meeting=meeting)

    crud = [("create", "command"), ("update", "command"), ("delete", "command")]
    assert _actions("budgets.BudgetLine") == crud
    assert _actions("budgets.Tag") == [("bulk", "command"), ("delete", "command")]
    assert _actions("programs.Intervention") == crud
    assert _actions("roadmap.RoadmapAction") == crud
    assert _actions("roadmap.Obstacle") == crud
    assert _actions("roadmap.Meeting") == crud
    assert _actions("roadmap.Decision") == crud
    update = AuditRecord.objects.get(model="budgets.BudgetLine", action="update")
    assert update.changes["pagu"] == ["10", "11"]
    assert update.region_code == "36.02" and update.username == "t.koordinator.lebak"


def test_bulk_tagging_records_the_batch(client_for, lebak_coordinator, lebak_lines):
    client = client_for(lebak_coordinator)
    url = reverse("budgets:line-tag") + "?region=36.02&fiscal_year=2024"
    page = client.get(url)
    assert page.status_code == 200 and page.context["count"] == 3
    response = client.post(url, {"pillar": str(pillar().pk), "reason": "Sesuai Kepmendagri",
                                 "expected": "3"})
    assert response.status_code == 302
    record = AuditRecord.objects.get(model="budgets.Tag")
    assert record.action == "bulk" and record.via == "web"
    assert sorted(record.changes["lines"]) == sorted(line.pk for line in lebak_lines)
    assert record.reason == "Sesuai Kepmendagri"
    assert Tag.objects.filter(source="person").count() == 3


def test_the_record_is_read_only_in_the_admin(client_for, admin_user):
    record = AuditRecord.objects.create(action="create", model="x.Y", object_id="1")
    client = client_for(admin_user)
    change = client.post(reverse("admin:audit_auditrecord_change", args=[record.pk]),
                         {"reason": "edited"})
    record.refresh_from_db()
    assert record.reason == ""
    assert change.status_code in (302, 403)
    client.post(reverse("admin:audit_auditrecord_delete", args=[record.pk]), {"post": "yes"})
    assert AuditRecord.objects.filter(pk=record.pk).exists()
