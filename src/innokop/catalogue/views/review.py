"""The purchasing body's pages: the review queue, a solution's review, evidence, collections."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.agreements.permissions import require_framework_manager

from .. import services
from ..forms import CollectionForm, EvidenceReviewForm, ReasonForm
from ..models import Collection, Evidence, ReviewStatus, Solution, SolutionStatus
from ..permissions import get_collection_for_actor, get_evidence_for_review, get_solution_for_review
from .public import _detail_context


@login_required
@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    require_framework_manager(request.actor)
    submitted = Solution.objects.filter(status=SolutionStatus.SUBMITTED).select_related("supplier")
    changes = Solution.objects.published().filter(pending_submitted_at__isnull=False).select_related("supplier")
    evidence = (Evidence.objects.filter(status=ReviewStatus.PENDING)
                .exclude(solution__status__in=[SolutionStatus.DRAFT, SolutionStatus.ARCHIVED])
                .select_related("solution__supplier"))
    return render(request, "catalogue/review_queue.html", {
        "submitted": submitted.order_by("submitted_at"), "changes": changes.order_by("pending_submitted_at"),
        "evidence": evidence.order_by("created_at"),
    })


def _changes(solution: Solution) -> list[dict]:
    """The proposed changes next to the published values, as text for the review page."""
    rows = []
    for name, proposed in (solution.pending_changes or {}).items():
        field = Solution._meta.get_field(name)
        if field.many_to_many:
            model = field.related_model
            current = ", ".join(str(item) for item in getattr(solution, name).all())
            proposed = ", ".join(str(item) for item in model.objects.filter(pk__in=proposed))
        else:
            current = getattr(solution, f"get_{name}_display", lambda: getattr(solution, name))()
            if field.choices:
                proposed = dict(field.flatchoices).get(proposed, proposed)
        rows.append({"label": field.verbose_name, "current": current, "proposed": proposed})
    return rows


@login_required
@require_safe
def review_solution(request: HttpRequest, pk: int) -> HttpResponse:
    solution = get_solution_for_review(request.actor, pk, write=True)
    return _review_page(request, solution)


def _review_page(request: HttpRequest, solution: Solution, *, missing: dict | None = None) -> HttpResponse:
    """The review page; `missing` marks the field a refused decision lacks ({"id", "message", "value", "action" or
    "evidence"}): the error summary links to it and the field says what to write, instead of a message banner."""
    context = _detail_context(request, solution)
    context.update(changes=_changes(solution), history=list(solution.reviews.select_related("actor")),
                   reason_form=ReasonForm(), missing=missing)
    return render(request, "catalogue/review_solution.html", context)


def _missing(error: services.CatalogueError, field: str, value: str, **where) -> dict | None:
    """The refusal as the field it names, or None when it names no field of the decision's form."""
    message = next((problem.message for problem in error.problems if problem.field == field), None)
    return None if message is None else {"message": message, "value": value, **where}


ACTIONS: dict[str, Callable] = {
    "publish": services.solution_publish,
    "return": services.solution_return,
    "verify": services.solution_verify,
    "unverify": services.solution_unverify,
    "approve_changes": services.solution_changes_approve,
    "reject_changes": services.solution_changes_reject,
    "archive": services.solution_archive,
}
DONE = {
    "publish": gettext_lazy("The solution is published."),
    "return": gettext_lazy("The solution has been returned to the supplier."),
    "verify": gettext_lazy("The solution is marked as verified."),
    "unverify": gettext_lazy("The verification has been withdrawn."),
    "approve_changes": gettext_lazy("The changes are published."),
    "reject_changes": gettext_lazy("The changes have been rejected."),
    "archive": gettext_lazy("The solution has been archived."),
    "feature": gettext_lazy("The solution is featured on the start page."),
    "unfeature": gettext_lazy("The solution is no longer featured."),
}


@login_required
@require_POST
def review_action(request: HttpRequest, pk: int) -> HttpResponse:
    solution = get_solution_for_review(request.actor, pk, write=True)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    try:
        if action in {"feature", "unfeature"}:
            services.solution_feature(actor=request.user, solution=solution, featured=action == "feature")
        elif action in ACTIONS:
            ACTIONS[action](actor=request.user, solution=solution, reason=reason)
        else:
            raise services.CatalogueError(_("Choose what to do with the solution."))
    except services.CatalogueError as error:
        missing = _missing(error, "reason", reason, id=f"reason-{action}", action=action)
        if missing:
            return _review_page(request, solution, missing=missing)
        messages.error(request, str(error))
    else:
        messages.success(request, str(DONE[action]))
    return redirect("catalogue:review_solution", pk=solution.pk)


@login_required
@require_POST
def evidence_review(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_evidence_for_review(request.actor, pk)
    form = EvidenceReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept or reject the evidence."))
    else:
        try:
            services.evidence_review(actor=request.user, evidence=evidence, **form.cleaned_data)
        except services.CatalogueError as error:
            missing = _missing(error, "note", form.cleaned_data["note"], id=f"note-{evidence.pk}",
                               evidence=evidence.pk)
            if missing:
                return _review_page(request, get_solution_for_review(request.actor, evidence.solution_id, write=True),
                                    missing=missing)
            messages.error(request, str(error))
        else:
            messages.success(request, _("The evidence has been reviewed."))
    return redirect("catalogue:review_solution", pk=evidence.solution_id)


@login_required
@require_safe
def collection_manage(request: HttpRequest) -> HttpResponse:
    require_framework_manager(request.actor)
    collections = Collection.objects.prefetch_related("items")
    return render(request, "catalogue/collection_manage.html", {"collections": collections})


@login_required
@require_http_methods(["GET", "POST"])
def collection_create(request: HttpRequest) -> HttpResponse:
    require_framework_manager(request.actor)
    form = CollectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            collection = services.collection_save(actor=request.user, **form.cleaned_data)
        except services.CatalogueError as error:
            form.add_error("slug", str(error))
        else:
            messages.success(request, _("The collection has been created. Add solutions to it."))
            return redirect("catalogue:collection_edit", pk=collection.pk)
    return render(request, "catalogue/collection_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def collection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_framework_manager(request.actor)
    collection = get_collection_for_actor(request.actor, pk, write=True)
    initial = {name: getattr(collection, name) for name in services.COLLECTION_FIELDS}
    form = CollectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.collection_save(actor=request.user, collection=collection, **form.cleaned_data)
        except services.CatalogueError as error:
            form.add_error("slug", str(error))
        else:
            messages.success(request, _("The collection has been saved."))
            return redirect("catalogue:collection_edit", pk=collection.pk)
    items = collection.items.select_related("solution__supplier").order_by("position", "id")
    candidates = Solution.objects.published().exclude(pk__in=items.values("solution_id")).order_by("title")
    return render(request, "catalogue/collection_form.html",
                  {"form": form, "collection": collection, "items": items, "candidates": candidates})


@login_required
@require_POST
def collection_items(request: HttpRequest, pk: int) -> HttpResponse:
    collection = get_collection_for_actor(request.actor, pk, write=True)
    action, solution_id = request.POST.get("action", ""), request.POST.get("solution", "")
    if not solution_id.isdigit():
        messages.error(request, _("Choose a solution."))
        return redirect("catalogue:collection_edit", pk=collection.pk)
    try:
        if action == "add":
            solution = Solution.objects.published().filter(pk=solution_id).first()
            if solution is None:
                raise services.CatalogueError(_("Only published solutions can be added."))
            services.collection_add_solution(actor=request.user, collection=collection, solution=solution)
        elif action == "remove":
            services.collection_remove_solution(actor=request.user, collection=collection, solution_id=int(solution_id))
        elif action in {"up", "down"}:
            services.collection_move_solution(actor=request.user, collection=collection,
                                              solution_id=int(solution_id), step=-1 if action == "up" else 1)
        else:
            raise services.CatalogueError(_("Choose what to do with the solution."))
    except services.CatalogueError as error:
        messages.error(request, str(error))
    return redirect("catalogue:collection_edit", pk=collection.pk)
