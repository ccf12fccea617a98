from django.urls import path

from . import import_views, line_views, views

app_name = "budgets"

urlpatterns = [
    path("baris/", views.line_list, name="line-list"),
    path("baris/tambah/", line_views.line_create, name="line-create"),
    path("baris/tandai/", line_views.line_tag, name="line-tag"),
    path("baris/<int:pk>/", views.line_detail, name="line-detail"),
    path("baris/<int:pk>/ubah/", line_views.line_update, name="line-update"),
    path("baris/<int:pk>/hapus/", line_views.line_delete, name="line-delete"),
    path("impor/", import_views.import_list, name="import-list"),
    path("impor/unggah/", import_views.import_create, name="import-create"),
    path("impor/<int:pk>/", import_views.import_detail, name="import-detail"),
    path("impor/<int:pk>/progres/", import_views.import_progress, name="import-progress"),
    path("impor/<int:pk>/simpan/", import_views.import_commit, name="import-commit"),
    path("impor/<int:pk>/batalkan/", import_views.import_rollback, name="import-rollback"),
    path("impor/<int:pk>/buang/", import_views.import_discard, name="import-discard"),
    path("impor/<int:pk>/kesalahan.xlsx", import_views.import_errors, name="import-errors"),
    path("impor/<int:pk>/berkas/", import_views.import_file, name="import-file"),
]
