"""Roadmap, action, obstacle and Rakor pages, with the access rule."""

import datetime

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditRecord
from roadmap.models import (
    LATE,
    Decision,
    FollowUpStatus,
    Meeting,
    Obstacle,
    ObstacleStatus,
    Roadmap,
    RoadmapAction,
)
from tests.factories import (
    DecisionFactory,
    MeetingFactory,
    ObstacleFactory,
    RoadmapActionFactory,
)

from .conftest import PDF

pytestmark = pytest.mark.django_db


def test_it_creates_a_roadmap_and_refuses_a_duplicate(client_for, lebak_coordinator, counts):
    client = client_for(lebak_coordinator)
    data = {"region": "36.02", "fiscal_year": "2025", "title": "Peta jalan Lebak 2025",
            "policy_direction": "Fokus desil 1"}
    response = client.post(reverse("roadmap:roadmap-create"), data)
    roadmap = Roadmap.objects.get(title="Peta jalan Lebak 2025")
    assert response.status_code == 302 and roadmap.region_id == "36.02"
    before = counts()
    again = client.post(reverse("roadmap:roadmap-create"), data)
    assert again.status_code == 400
    assert "sudah ada" in " ".join(again.context["form"].errors["fiscal_year"])
    crafted = client.post(reverse("roadmap:roadmap-create"), dict(data, region="36.03"))
    assert crafted.status_code == 400 and "region" in crafted.context["form"].errors
    assert counts() == before


def test_actions_are_created_with_units_of_the_region(
    client_for, lebak_coordinator, lebak_roadmap, lebak_unit, tangerang_unit, counts
):
    client = client_for(lebak_coordinator)
    url = reverse("roadmap:action-create", args=[lebak_roadmap.pk])
    data = {"title": "Verifikasi DTKS", "owner_unit": str(lebak_unit.pk),
            "target_quarter": "3", "status": "berjalan", "progress": "20"}
    assert client.post(url, data).status_code == 302
    action = RoadmapAction.objects.get(title="Verifikasi DTKS")
    assert action.target_year == 2024 and action.owner_unit == lebak_unit
    before = counts()
    for bad, field, message in (
        ({"owner_unit": str(tangerang_unit.pk)}, "owner_unit", "Masukkan pilihan yang valid"),
        ({"target_quarter": "5"}, "target_quarter", "Masukkan pilihan yang valid"),
        ({"progress": "101"}, "progress", "lebih kecil dari atau sama dengan 100"),
        ({"title": ""}, "title", "Bidang ini harus diisi."),
        ({"status": LATE}, "status", "Masukkan pilihan yang valid"),
    ):
        response = client.post(url, dict(data, **bad))
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors[field]), field
    assert counts() == before


def test_another_regions_roadmap_cannot_be_touched(
    client_for, lebak_coordinator, tangerang_roadmap, tangerang_action, lebak_unit, counts
):
    client = client_for(lebak_coordinator)
    before = counts()
    assert client.get(reverse("roadmap:roadmap-detail", args=[tangerang_roadmap.pk])
                      ).status_code == 404
    assert client.post(reverse("roadmap:action-create", args=[tangerang_roadmap.pk]), {
        "title": "x", "owner_unit": str(lebak_unit.pk), "target_quarter": "1",
        "status": "berjalan", "progress": "0"}).status_code == 404
    assert client.post(reverse("roadmap:action-update", args=[tangerang_action.pk]), {
        "title": "x"}).status_code == 404
    assert counts() == before


def test_late_status_is_shown_and_filterable(
    client_for, province_coordinator, lebak_roadmap
):
    late = RoadmapActionFactory(roadmap=lebak_roadmap, target_year=2024, target_quarter=1,
                                title="Aksi lewat")
    done = RoadmapActionFactory(roadmap=lebak_roadmap, target_year=2024, target_quarter=1,
                                status="selesai", title="Aksi tuntas")
    future_year = datetime.date.today().year + 1
    future = RoadmapActionFactory(roadmap=lebak_roadmap, target_year=future_year,
                                  target_quarter=4, title="Aksi nanti")
    client = client_for(province_coordinator)
    page = client.get(reverse("roadmap:roadmap-detail", args=[lebak_roadmap.pk]))
    shown = {a.title: a.shown_status for a in page.context["actions"]}
    assert shown == {"Aksi lewat": LATE, "Aksi tuntas": "selesai", "Aksi nanti": "belum_mulai"}
    assert "Terlambat" in page.content.decode()
    only_late = client.get(reverse("roadmap:roadmap-detail", args=[lebak_roadmap.pk]),
                           {"status": LATE})
    assert [a.pk for a in only_late.context["actions"]] == [late.pk]
    listing = client.get(reverse("roadmap:roadmap-list"), {"status": LATE})
    assert [a.pk for a in listing.context["actions"]] == [late.pk]
    not_started = client.get(reverse("roadmap:roadmap-list"), {"status": "belum_mulai"})
    assert [a.pk for a in not_started.context["actions"]] == [future.pk]
    assert done.effective_status() == "selesai"


def test_obstacles_province_sees_all_and_lebak_only_its_own(
    client_for, province_coordinator, lebak_coordinator, banten
):
    mine = ObstacleFactory(region_id="36.02")
    theirs = ObstacleFactory(region_id="36.03", status=ObstacleStatus.RESOLVED)
    province = client_for(province_coordinator).get(reverse("roadmap:obstacle-list"))
    assert {o.pk for o in province.context["page"]} == {mine.pk, theirs.pk}
    lebak = client_for(lebak_coordinator).get(reverse("roadmap:obstacle-list"))
    assert [o.pk for o in lebak.context["page"]] == [mine.pk]
    filtered = client_for(province_coordinator).get(
        reverse("roadmap:obstacle-list"), {"region": "36.03", "status": "selesai",
                                           "category": "data"})
    assert [o.pk for o in filtered.context["page"]] == [theirs.pk]


def test_obstacle_create_and_resolve(
    client_for, lebak_coordinator, lebak_intervention, tangerang_action, tangerang_intervention,
    counts,
):
    client = client_for(lebak_coordinator)
    data = {"region": "36.02", "fiscal_year": "2024", "title": "Data desil belum padan",
            "category": "data", "status": "terbuka",
            "intervention": str(lebak_intervention.pk), "responsible": "Dinsos"}
    assert client.post(reverse("roadmap:obstacle-create"), data).status_code == 302
    obstacle = Obstacle.objects.get(title="Data desil belum padan")
    assert obstacle.raised_by == lebak_coordinator
    before = counts()
    for bad, field in (
        ({"action": str(tangerang_action.pk)}, "action"),
        ({"intervention": str(tangerang_intervention.pk)}, "intervention"),
        ({"region": "36.03"}, "region"),
        ({"category": ""}, "category"),
    ):
        response = client.post(reverse("roadmap:obstacle-create"), dict(data, **bad))
        assert response.status_code == 400 and field in response.context["form"].errors
    unresolved = client.post(reverse("roadmap:obstacle-update", args=[obstacle.pk]),
                             dict(data, status="selesai", resolution=""))
    assert "Tuliskan penyelesaiannya" in " ".join(
        unresolved.context["form"].errors["resolution"])
    assert counts() == before
    done = client.post(reverse("roadmap:obstacle-update", args=[obstacle.pk]),
                       dict(data, status="selesai", resolution="Dipadankan", reason="Rakor"))
    assert done.status_code == 302
    obstacle.refresh_from_db()
    assert obstacle.resolved_at is not None
    page = client.get(reverse("roadmap:obstacle-detail", args=[obstacle.pk]))
    assert "Dipadankan" in page.content.decode()
    assert len(page.context["history"]) == 2


def test_meeting_decisions_and_follow_up(
    client_for, province_coordinator, lebak_coordinator, lebak_roadmap, banten
):
    client = client_for(province_coordinator)
    response = client.post(reverse("roadmap:meeting-create"), {
        "region": "36", "title": "Rakor TKPKD Triwulan II", "date": "2024-06-10",
        "place": "Serang", "minutes": SimpleUploadedFile("Notulen Rakor.pdf", PDF)})
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Rakor TKPKD Triwulan II")
    assert meeting.minutes_name == "Notulen Rakor.pdf"
    assert "Notulen" not in meeting.minutes.name
    bad = client.post(reverse("roadmap:meeting-create"), {
        "region": "36", "title": "x", "date": "2024-06-10",
        "minutes": SimpleUploadedFile("notulen.pdf", b"<html>")})
    assert bad.status_code == 400 and "bukan PDF" in bad.content.decode()
    assert client.get(reverse("roadmap:meeting-minutes", args=[meeting.pk])).status_code == 200
    client.post(reverse("roadmap:decision-create", args=[meeting.pk]),
                {"text": "Percepat verifikasi DTKS Lebak", "responsible": "Dinsos"})
    decision = Decision.objects.get()
    empty = client.post(reverse("roadmap:decision-create", args=[meeting.pk]), {"text": ""})
    assert empty.status_code == 400
    # Lebak cannot add decisions to a province meeting, nor see it as editable
    assert client_for(lebak_coordinator).post(
        reverse("roadmap:decision-create", args=[meeting.pk]), {"text": "x"}
    ).status_code == 404
    response = client.post(reverse("roadmap:decision-to-action", args=[decision.pk]), {
        "roadmap": str(lebak_roadmap.pk), "target_quarter": "3"})
    assert response.status_code == 302
    action = RoadmapAction.objects.get(decision=decision)
    decision.refresh_from_db()
    assert action.roadmap == lebak_roadmap
    assert decision.follow_up_status == FollowUpStatus.IN_PROGRESS
    obstacle = ObstacleFactory(region_id="36.02")
    response = client.post(reverse("roadmap:decision-resolves", args=[decision.pk]), {
        "obstacle": str(obstacle.pk), "resolution": "Disepakati realokasi"})
    assert response.status_code == 302
    obstacle.refresh_from_db()
    assert obstacle.status == ObstacleStatus.RESOLVED and obstacle.decision == decision
    client.post(reverse("roadmap:decision-follow-up", args=[decision.pk]), {
        "follow_up_status": "selesai", "follow_up_notes": "Tuntas"})
    decision.refresh_from_db()
    assert decision.follow_up_status == FollowUpStatus.DONE
    page = client.get(reverse("roadmap:meeting-detail", args=[meeting.pk]))
    assert page.status_code == 200
    models = {r.model for r in page.context["history"]}
    assert models == {"roadmap.Meeting", "roadmap.Decision"}


def test_lebak_cannot_turn_a_decision_into_another_regions_action(
    client_for, lebak_coordinator, tangerang_roadmap, counts, banten
):
    decision = DecisionFactory(meeting=MeetingFactory(region_id="36.02"))
    before = counts()
    response = client_for(lebak_coordinator).post(
        reverse("roadmap:decision-to-action", args=[decision.pk]),
        {"roadmap": str(tangerang_roadmap.pk), "target_quarter": "2"})
    assert response.status_code == 400 and "roadmap" in response.context["form"].errors
    assert counts() == before
    assert not AuditRecord.objects.filter(model="roadmap.RoadmapAction").exists()


def test_list_pages_render_for_every_persona(
    client_for, admin_user, province_coordinator, lebak_coordinator, official, unscoped_user,
    lebak_roadmap,
):
    for user in (admin_user, province_coordinator, lebak_coordinator, official, unscoped_user):
        client = client_for(user)
        for name in ("roadmap:roadmap-list", "roadmap:obstacle-list", "roadmap:meeting-list",
                     "roadmap:verification-list", "roadmap:report",
                     "programs:intervention-list"):
            assert client.get(reverse(name)).status_code == 200, (user, name)
    unscoped = client_for(unscoped_user).get(reverse("roadmap:roadmap-list"))
    assert len(unscoped.context["page"]) == 0


@pytest.mark.parametrize("name", [
    "programs:intervention-list", "roadmap:roadmap-list", "roadmap:obstacle-list",
    "roadmap:meeting-list", "roadmap:verification-list",
])
def test_list_pages_use_a_bounded_number_of_queries(
    client_for, province_coordinator, lebak_roadmap, django_assert_max_num_queries, name
):
    from tests.factories import InterventionFactory

    for region in ("36.02", "36.03"):
        InterventionFactory.create_batch(5, region_id=region)
        ObstacleFactory.create_batch(5, region_id=region)
        MeetingFactory.create_batch(3, region_id=region)
    RoadmapActionFactory.create_batch(5, roadmap=lebak_roadmap)
    client = client_for(province_coordinator)
    with django_assert_max_num_queries(25):
        assert client.get(reverse(name), {"fiscal_year": 2024}).status_code == 200
