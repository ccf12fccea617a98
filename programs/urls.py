from django.urls import path  # noqa: F401  (pages are added by the coordination work)

app_name = "programs"

urlpatterns: list = []
