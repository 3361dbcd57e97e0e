from django.urls import path

from . import views
from .views import award, dialogue, evaluation, opening, ranking, record, summary, tenders

app_name = "calloffs"
urlpatterns = [
    path("lots/<int:pk>/call-off/", views.calloff_start, name="calloff_start"),
    path("call-offs/<int:pk>/", views.calloff_detail, name="calloff_detail"),
    path("call-offs/<int:pk>/need/", views.calloff_need, name="calloff_need"),
    path("call-offs/<int:pk>/evaluation/", views.calloff_evaluation, name="calloff_evaluation"),
    path("call-offs/<int:pk>/timetable/", views.calloff_timetable, name="calloff_timetable"),
    path("call-offs/<int:pk>/check/", views.calloff_check, name="calloff_check"),
    path("call-offs/<int:pk>/published/", views.calloff_published, name="calloff_published"),
    path("call-offs/<int:pk>/unschedule/", views.calloff_unschedule, name="calloff_unschedule"),
    path("call-offs/<int:pk>/team/", views.calloff_team_add, name="calloff_team_add"),
    path("call-offs/<int:pk>/cancel/", views.calloff_cancel, name="calloff_cancel"),
    path("call-offs/<int:pk>/questions/", views.question_ask, name="question_ask"),
    path("call-offs/<int:pk>/questions/<int:question_pk>/answer/", views.question_answer, name="question_answer"),
    *ranking.urlpatterns,
    *dialogue.urlpatterns,
    *tenders.urlpatterns,
    *opening.urlpatterns,
    *evaluation.urlpatterns,
    *award.urlpatterns,
    *record.urlpatterns,
    *summary.urlpatterns,
]
