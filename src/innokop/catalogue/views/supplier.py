"""The supplier's pages: my solutions, a task list per solution, sections, evidence, files, check and submit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import services
from ..forms import SECTION_FORMS, AttachmentForm, CommercialForm, EvidenceForm, ReferenceCaseForm, SolutionStartForm
from ..models import Solution, SolutionStatus, represented_suppliers
from ..permissions import get_represented_supplier, get_solution_for_actor
from .public import _detail_context


@login_required
@require_safe
def my_solutions(request: HttpRequest) -> HttpResponse:
    supplier = get_represented_supplier(request.actor)
    solutions = Solution.objects.filter(supplier_id__in=represented_suppliers(request.actor)).order_by("-updated_at")
    return render(request, "catalogue/my_solutions.html", {"supplier": supplier, "solutions": solutions})


@login_required
@require_http_methods(["GET", "POST"])
def solution_create(request: HttpRequest) -> HttpResponse:
    supplier = get_represented_supplier(request.actor)
    form = SolutionStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            solution = services.solution_create(actor=request.user, supplier=supplier, **form.cleaned_data)
        except services.CatalogueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The solution has been created. Fill in the sections below."))
            return redirect("catalogue:solution_tasks", pk=solution.pk)
    return render(request, "catalogue/solution_create.html", {"form": form, "supplier": supplier})


SECTION_NAMES = {
    "description": gettext_lazy("Name, summary, problem and how it works"),
    "effects": gettext_lazy("Effects and the evidence behind them"),
    "classification": gettext_lazy("Readiness level, CPV codes and regions"),
    "commercial": gettext_lazy("Price, data, accessibility and lots"),
}


def tasks(solution: Solution, *, editable: bool) -> list[dict]:
    done = section_status(solution)
    return [{"key": key, "name": name, "done": done[key],
             "url": reverse("catalogue:solution_section", args=[solution.pk, key]) if editable else ""}
            for key, name in SECTION_NAMES.items()]


def section_status(solution: Solution) -> dict[str, bool]:
    """Which sections of the task list are complete."""
    return {
        "description": bool(solution.summary and solution.problem and solution.how_it_works),
        "effects": bool(solution.effects),
        "classification": solution.trl is not None and bool(solution.cpv_codes.all())
        and (solution.nationwide or bool(solution.regions.all())),
        "commercial": bool(solution.pricing_model and solution.data_location),
    }


@login_required
@require_safe
def solution_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    solution = get_solution_for_actor(request.actor, pk, write=True)
    context = _detail_context(request, solution)
    context["editable"] = solution.status in {SolutionStatus.DRAFT, SolutionStatus.PUBLISHED}
    context["tasks"] = tasks(solution, editable=context["editable"])
    return render(request, "catalogue/solution_tasks.html", context)


def _initial(solution: Solution, section: str) -> dict:
    values = services.current_values(solution)
    if section == "classification":
        values["cpv_codes"] = ", ".join(str(code) for code in values.get("cpv_codes", []))
    return values


@login_required
@require_http_methods(["GET", "POST"])
def solution_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    if section not in SECTION_FORMS:
        raise Http404
    solution = get_solution_for_actor(request.actor, pk, write=True)
    form_class = SECTION_FORMS[section]
    extra = {"supplier": solution.supplier} if form_class is CommercialForm else {}
    form = form_class(request.POST or None, initial=_initial(solution, section), **extra)
    if request.method == "POST" and form.is_valid():
        try:
            services.solution_update(actor=request.user, solution=solution, **form.cleaned_data)
        except services.CatalogueError as error:
            form.add_error(None, str(error))
        else:
            if solution.is_published:
                messages.success(request, _("Your changes have been sent to the purchasing body. "
                                            "The published text stays until they are approved."))
            return redirect("catalogue:solution_tasks", pk=solution.pk)
    return render(request, "catalogue/solution_section.html",
                  {"solution": solution, "form": form, "section": section})


def _add_page(request: HttpRequest, pk: int, form_class, add, template: str) -> HttpResponse:
    """Shared by the evidence, reference case and file pages: a form whose valid data goes to `add`."""
    solution = get_solution_for_actor(request.actor, pk, write=True)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            add(solution, form.cleaned_data)
        except ValidationError as error:
            form.add_error("file" if "file" in form.fields else None, error)
        except services.CatalogueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("catalogue:solution_tasks", pk=solution.pk)
    return render(request, template, {"solution": solution, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    def add(solution: Solution, data: dict) -> None:
        services.evidence_add(actor=request.user, solution=solution, kind=data["kind"], date=data["date"],
                              provided_by=data["provided_by"], description=data["description"],
                              uploaded=data.get("file"))

    return _add_page(request, pk, EvidenceForm, add, "catalogue/evidence_add.html")


@login_required
@require_http_methods(["GET", "POST"])
def reference_case_add(request: HttpRequest, pk: int) -> HttpResponse:
    def add(solution: Solution, data: dict) -> None:
        services.reference_case_add(actor=request.user, solution=solution, **data)

    return _add_page(request, pk, ReferenceCaseForm, add, "catalogue/reference_case_add.html")


@login_required
@require_http_methods(["GET", "POST"])
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    def add(solution: Solution, data: dict) -> None:
        services.attachment_add(actor=request.user, solution=solution, kind=data["kind"], title=data["title"],
                                uploaded=data["file"], alt_text=data["alt_text"])

    return _add_page(request, pk, AttachmentForm, add, "catalogue/attachment_add.html")


@login_required
@require_http_methods(["GET", "POST"])
def solution_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers, then submit for review."""
    solution = get_solution_for_actor(request.actor, pk, write=True)
    error = ""
    if request.method == "POST":
        try:
            services.solution_submit(actor=request.user, solution=solution)
        except services.CatalogueError as refused:
            error = str(refused)
        else:
            return redirect("catalogue:solution_submitted", pk=solution.pk)
    context = _detail_context(request, solution)
    context.update(missing=services.missing_sections(solution), error=error)
    return render(request, "catalogue/solution_check.html", context, status=400 if error else 200)


@login_required
@require_safe
def solution_submitted(request: HttpRequest, pk: int) -> HttpResponse:
    solution = get_solution_for_actor(request.actor, pk, write=True)
    return render(request, "catalogue/solution_submitted.html", {"solution": solution})


@login_required
@require_POST
def solution_archive(request: HttpRequest, pk: int) -> HttpResponse:
    solution = get_solution_for_actor(request.actor, pk, write=True)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the solution is to be archived."))
        return redirect("catalogue:solution_tasks", pk=solution.pk)
    try:
        services.solution_archive(actor=request.user, solution=solution, reason=request.POST.get("reason", ""))
    except services.CatalogueError as error:
        messages.error(request, str(error))
        return redirect("catalogue:solution_tasks", pk=solution.pk)
    messages.success(request, _("The solution has been archived."))
    return redirect("catalogue:my_solutions")
