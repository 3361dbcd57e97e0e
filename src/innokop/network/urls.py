from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("network/", views.home, name="home"),
    path("network/feed.json", views.feed_json, name="feed"),
    path("network/cases/new/", views.case_create, name="case_create"),
    path("network/cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("network/cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("network/cases/<int:pk>/submit/", views.case_submit, name="case_submit"),
    path("network/cases/<int:pk>/review/", views.case_review, name="case_review"),
    path("network/items/<int:pk>/", views.item_detail, name="item_detail"),
    path("network/subscriptions/", views.subscriptions, name="subscriptions"),
    path("network/subscriptions/<int:pk>/import/", views.subscription_import, name="subscription_import"),
    path("network/subscriptions/<int:pk>/delete/", views.subscription_delete, name="subscription_delete"),
    path(".well-known/innokop-network-keys.json", views.keys_json, name="keys_json"),
    path("network/keys/", views.signing_keys, name="keys"),
    path("network/keys/rotate/", views.signing_key_rotate, name="key_rotate"),
    path("network/keys/end-transition/", views.signing_key_transition_end, name="key_transition_end"),
]
