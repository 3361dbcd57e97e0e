from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("organisations/<int:pk>/webhooks/", views.endpoint_list, name="endpoints"),
    path("webhooks/<int:pk>/", views.endpoint_detail, name="endpoint"),
    path("webhooks/<int:pk>/rotate/", views.endpoint_rotate, name="endpoint_rotate"),
    path("webhooks/<int:pk>/deactivate/", views.endpoint_deactivate, name="endpoint_deactivate"),
    path("webhooks/<int:pk>/ping/", views.endpoint_ping, name="endpoint_ping"),
    path("webhooks/deliveries/<uuid:pk>/resend/", views.delivery_resend, name="delivery_resend"),
]
