from django.urls import path

from . import views
from .views import market, surveys

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
    path("prestudies/<int:pk>/market-dialogues/new/", market.rfi_create, name="rfi_create"),
    path("prestudies/<int:pk>/contacts/", market.contact_log, name="contact_log"),
    path("prestudies/<int:pk>/market/new/", market.market_entry_add, name="market_entry_add"),
    path("market-dialogues/", market.rfi_list, name="rfi_list"),
    path("market-dialogues/<int:pk>/", market.rfi_detail, name="rfi_detail"),
    path("market-dialogues/<int:pk>/documents/new/", market.rfi_document_add, name="rfi_document_add"),
    path("market-dialogues/<int:pk>/publish/", market.rfi_publish, name="rfi_publish"),
    path("market-dialogues/<int:pk>/answer/", market.rfi_answer, name="rfi_answer"),
    path("market-dialogues/<int:pk>/answers/", market.rfi_responses, name="rfi_responses"),
    path("market-dialogues/<int:pk>/summary/", market.rfi_summary, name="rfi_summary"),
    path("market-dialogues/<int:pk>/meetings/new/", market.meeting_offer, name="meeting_offer"),
    path("market-dialogues/<int:pk>/meetings/<int:slot_pk>/book/", market.meeting_book, name="meeting_book"),
    path("market-dialogues/<int:pk>/meetings/<int:slot_pk>/minutes/", market.meeting_minutes, name="meeting_minutes"),
    path("market-dialogues/answers/<int:pk>/", market.rfi_response, name="rfi_response"),
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
