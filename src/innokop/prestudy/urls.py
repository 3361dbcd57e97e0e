from django.urls import path

from . import views
from .views import surveys

app_name = "prestudy"
urlpatterns = [
    path("prestudies/", views.prestudy_list, name="prestudy_list"),
    path("prestudies/new/", views.prestudy_create, name="prestudy_create"),
    path("prestudies/<int:pk>/", views.prestudy_detail, name="prestudy_detail"),
    path("prestudies/<int:pk>/edit/", views.prestudy_edit, name="prestudy_edit"),
    path("prestudies/<int:pk>/move/<slug:status>/", views.prestudy_advance, name="prestudy_advance"),
    path("prestudies/<int:pk>/decide/", views.prestudy_decide, name="prestudy_decide"),
    path("prestudies/<int:pk>/surveys/new/", surveys.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/questions/new/", surveys.survey_question_add, name="survey_question_add"),
    path("surveys/<int:pk>/questions/<int:question_pk>/remove/", surveys.survey_question_remove,
         name="survey_question_remove"),
    path("surveys/<int:pk>/send/", surveys.survey_send, name="survey_send"),
    path("surveys/<int:pk>/answer/", surveys.survey_answer, name="survey_answer"),
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
