from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("intervensi/", views.intervention_list, name="intervention-list"),
    path("intervensi/tambah/", views.intervention_create, name="intervention-create"),
    path("intervensi/<int:pk>/", views.intervention_detail, name="intervention-detail"),
    path("intervensi/<int:pk>/ubah/", views.intervention_update, name="intervention-update"),
    path("intervensi/<int:pk>/tutup/", views.intervention_close, name="intervention-close"),
    path("intervensi/<int:pk>/capaian/", views.intervention_progress,
         name="intervention-progress"),
    path("intervensi/<int:pk>/baris/", views.intervention_lines, name="intervention-lines"),
    path("intervensi/<int:pk>/bukti/", views.evidence_upload, name="evidence-upload"),
    path("intervensi/bukti/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("intervensi/bukti/<int:pk>/hapus/", views.evidence_delete, name="evidence-delete"),
]
