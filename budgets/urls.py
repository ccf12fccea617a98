from django.urls import path

from . import views

app_name = "budgets"

urlpatterns = [
    path("baris/", views.line_list, name="line-list"),
    path("baris/<int:pk>/", views.line_detail, name="line-detail"),
]
