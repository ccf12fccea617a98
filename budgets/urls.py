from django.urls import path

from . import line_views, views

app_name = "budgets"

urlpatterns = [
    path("baris/", views.line_list, name="line-list"),
    path("baris/tambah/", line_views.line_create, name="line-create"),
    path("baris/tandai/", line_views.line_tag, name="line-tag"),
    path("baris/<int:pk>/", views.line_detail, name="line-detail"),
    path("baris/<int:pk>/ubah/", line_views.line_update, name="line-update"),
    path("baris/<int:pk>/hapus/", line_views.line_delete, name="line-delete"),
]
