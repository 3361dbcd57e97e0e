from django.urls import path

from . import views

app_name = "agreements"
urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/publish/", views.agreement_publish, name="agreement_publish"),
    path("agreements/<int:pk>/terminate/", views.agreement_terminate, name="agreement_terminate"),
    path("agreements/<int:pk>/documents/", views.agreement_document_add, name="agreement_document_add"),
    path("agreements/<int:pk>/questions/", views.agreement_questions, name="agreement_questions"),
    path("agreements/<int:pk>/requirements/", views.requirement_list, name="requirement_list"),
    path("agreements/<int:pk>/lots/new/", views.lot_create, name="lot_create"),
    path("agreement-questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("lots/<int:pk>/", views.lot_detail, name="lot_detail"),
    path("lots/<int:pk>/edit/", views.lot_edit, name="lot_edit"),
    path("lots/<int:pk>/criteria/", views.lot_criterion_add, name="lot_criterion_add"),
    path("lots/<int:pk>/prices/", views.lot_price_row_add, name="lot_price_row_add"),
    path("lots/<int:pk>/suppliers/", views.lot_supplier_add, name="lot_supplier_add"),
    path("criteria/<int:pk>/remove/", views.criterion_remove, name="criterion_remove"),
    path("price-rows/<int:pk>/remove/", views.price_row_remove, name="price_row_remove"),
    path("admissions/<int:pk>/remove/", views.lot_supplier_remove, name="lot_supplier_remove"),
    path("requirements/<int:pk>/remove/", views.requirement_remove, name="requirement_remove"),
]
