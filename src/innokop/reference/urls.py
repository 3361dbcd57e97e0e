from django.urls import path

from . import views

app_name = "reference"
urlpatterns = [path("cpv/", views.cpv_lookup, name="cpv_lookup")]
