from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

admin.site.site_header = "Portal TKPKD · Admin"
admin.site.site_title = "Portal TKPKD"
admin.site.index_title = "Administrasi"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            authentication_form=views.LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("anggaran/", include("budgets.urls")),
    path("dasbor/", include("dashboards.urls")),
    path("", include("programs.urls")),
    path("", include("roadmap.urls")),
    path("api/v1/", include("config.api")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
