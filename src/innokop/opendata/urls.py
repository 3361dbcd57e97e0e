from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("open-data/", views.home, name="home"),
    path("open-data/publication-policy/", views.policy, name="policy"),
    path("open-data/bulk/", views.bulk_rebuild, name="bulk_rebuild"),
    path("open-data/bulk/<int:pk>/", views.bulk_status, name="bulk_status"),
    path("open-data/bulk/<int:pk>/download/", views.bulk_download, name="bulk_download"),
]
