from django.urls import path

from . import views

app_name = "prestudy"
urlpatterns = [
    path("prestudies/", views.prestudy_list, name="prestudy_list"),
    path("prestudies/new/", views.prestudy_create, name="prestudy_create"),
    path("prestudies/<int:pk>/", views.prestudy_detail, name="prestudy_detail"),
    path("prestudies/<int:pk>/edit/", views.prestudy_edit, name="prestudy_edit"),
    path("prestudies/<int:pk>/move/<slug:status>/", views.prestudy_advance, name="prestudy_advance"),
    path("prestudies/<int:pk>/decide/", views.prestudy_decide, name="prestudy_decide"),
    path("needs/", views.need_list, name="need_list"),
    path("needs/mine/", views.my_needs, name="my_needs"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/join/", views.need_join, name="need_join"),
    path("needs/<int:pk>/link/", views.need_link, name="need_link"),
    path("needs/<int:pk>/unlink/", views.need_unlink, name="need_unlink"),
    path("needs/interests/<int:pk>/withdraw/", views.interest_withdraw, name="interest_withdraw"),
]
