from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from innokop.config.api import api

admin.site.site_header = "Innoköp"

urlpatterns = [
    path("", include("innokop.core.urls")),
    path("", include("innokop.accounts.urls")),
    path("", include("innokop.reference.urls")),
    path("", include("innokop.agreements.urls")),
    path("", include("innokop.catalogue.urls")),
    path("", include("innokop.calloffs.urls")),
    path("", include("innokop.prestudy.urls")),
    path("", include("innokop.followup.urls")),
    path("", include("innokop.opendata.urls")),
    path("", include("innokop.network.urls")),
    path("", include("innokop.webhooks.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "innokop.core.errors.not_found"
handler403 = "innokop.core.errors.forbidden"
handler500 = "innokop.core.errors.server_error"
