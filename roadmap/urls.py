from django.urls import path

from . import views

app_name = "roadmap"

urlpatterns = [
    path("peta-jalan/", views.roadmap_list, name="roadmap-list"),
    path("peta-jalan/tambah/", views.roadmap_create, name="roadmap-create"),
    path("peta-jalan/<int:pk>/", views.roadmap_detail, name="roadmap-detail"),
    path("peta-jalan/<int:pk>/ubah/", views.roadmap_update, name="roadmap-update"),
    path("peta-jalan/<int:pk>/aksi/tambah/", views.action_create, name="action-create"),
    path("peta-jalan/aksi/<int:pk>/", views.action_detail, name="action-detail"),
    path("peta-jalan/aksi/<int:pk>/ubah/", views.action_update, name="action-update"),
    path("hambatan/", views.obstacle_list, name="obstacle-list"),
    path("hambatan/tambah/", views.obstacle_create, name="obstacle-create"),
    path("hambatan/<int:pk>/", views.obstacle_detail, name="obstacle-detail"),
    path("hambatan/<int:pk>/ubah/", views.obstacle_update, name="obstacle-update"),
    path("rakor/", views.meeting_list, name="meeting-list"),
    path("rakor/tambah/", views.meeting_create, name="meeting-create"),
    path("rakor/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("rakor/<int:pk>/ubah/", views.meeting_update, name="meeting-update"),
    path("rakor/<int:pk>/notulen/", views.meeting_minutes, name="meeting-minutes"),
    path("rakor/<int:pk>/keputusan/", views.decision_create, name="decision-create"),
    path("rakor/keputusan/<int:pk>/tindak-lanjut/", views.decision_follow_up,
         name="decision-follow-up"),
    path("rakor/keputusan/<int:pk>/jadikan-aksi/", views.decision_to_action,
         name="decision-to-action"),
    path("rakor/keputusan/<int:pk>/selesaikan-hambatan/", views.decision_resolves,
         name="decision-resolves"),
    path("verifikasi/", views.verification_list, name="verification-list"),
    path("verifikasi/buka/", views.submission_open, name="submission-open"),
    path("verifikasi/<int:pk>/", views.submission_detail, name="submission-detail"),
    path("verifikasi/<int:pk>/<slug:action>/", views.submission_transition,
         name="submission-transition"),
    path("laporan/triwulan/", views.report, name="report"),
]
