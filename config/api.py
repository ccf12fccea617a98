"""The REST API at /api/v1/: one router; each app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from django.urls import include, path

router = DefaultRouter()

urlpatterns = [
    path("", include(router.urls)),
]
