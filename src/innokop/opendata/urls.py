from django.urls import path

from . import views, views_statistics

app_name = "opendata"

urlpatterns = [
    path("open-data/", views.home, name="home"),
    path("open-data/publication-policy/", views.policy, name="policy"),
    path("open-data/statistics/", views_statistics.statistics_page, name="statistics"),
    path("open-data/statistics/<slug:table>.csv", views_statistics.statistics_csv, name="statistics_csv"),
    path("open-data/bulk/", views.bulk_rebuild, name="bulk_rebuild"),
    path("open-data/bulk/<int:pk>/", views.bulk_status, name="bulk_status"),
    path("open-data/bulk/<int:pk>/download/", views.bulk_download, name="bulk_download"),
]
