from django.urls import path

from .views import public, review, supplier

app_name = "catalogue"
urlpatterns = [
    # Public
    path("solutions/", public.solution_list, name="solution_list"),
    path("solutions/feed.atom", public.solution_feed, name="solution_feed"),
    path("solutions/<int:pk>/", public.solution_detail, name="solution_detail"),
    path("solutions/<int:pk>/files/<uuid:document_id>/", public.solution_file, name="solution_file"),
    path("suppliers/<int:pk>/", public.supplier_detail, name="supplier_detail"),
    path("collections/", public.collection_list, name="collection_list"),
    path("collections/<slug:slug>/", public.collection_detail, name="collection_detail"),
    # The supplier's own solutions
    path("my/solutions/", supplier.my_solutions, name="my_solutions"),
    path("my/solutions/new/", supplier.solution_create, name="solution_create"),
    path("my/solutions/<int:pk>/", supplier.solution_tasks, name="solution_tasks"),
    path("my/solutions/<int:pk>/edit/<slug:section>/", supplier.solution_section, name="solution_section"),
    path("my/solutions/<int:pk>/evidence/new/", supplier.evidence_add, name="evidence_add"),
    path("my/solutions/<int:pk>/references/new/", supplier.reference_case_add, name="reference_case_add"),
    path("my/solutions/<int:pk>/files/new/", supplier.attachment_add, name="attachment_add"),
    path("my/solutions/<int:pk>/check/", supplier.solution_check, name="solution_check"),
    path("my/solutions/<int:pk>/submitted/", supplier.solution_submitted, name="solution_submitted"),
    path("my/solutions/<int:pk>/archive/", supplier.solution_archive, name="solution_archive"),
    # The purchasing body's review and curation
    path("review/solutions/", review.review_queue, name="review_queue"),
    path("review/solutions/<int:pk>/", review.review_solution, name="review_solution"),
    path("review/solutions/<int:pk>/action/", review.review_action, name="review_action"),
    path("review/evidence/<int:pk>/", review.evidence_review, name="evidence_review"),
    path("review/collections/", review.collection_manage, name="collection_manage"),
    path("review/collections/new/", review.collection_create, name="collection_create"),
    path("review/collections/<int:pk>/", review.collection_edit, name="collection_edit"),
    path("review/collections/<int:pk>/items/", review.collection_items, name="collection_items"),
]
