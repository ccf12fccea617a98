from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.province, name="province"),
    path("indikator/", views.indicator_upload, name="indicator-upload"),
    path("unduh/<slug:panel>/", views.panel_download, name="download"),
    path("<str:kode>/", views.region, name="region"),
]
