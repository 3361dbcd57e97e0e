from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.documents import document_create
from innokop.core.forms import DocumentForm, add_service_errors
from innokop.core.models import Document
from innokop.core.permissions import get_for_actor

from . import services
from .forms import (
    AgreementForm,
    AnswerForm,
    CriterionForm,
    LotForm,
    LotSupplierForm,
    PriceRowForm,
    QuestionForm,
    RequirementForm,
    TerminateForm,
)
from .models import (
    AgreementQuestion,
    AgreementStatus,
    FrameworkAgreement,
    LotCriterion,
    LotSupplier,
    PriceListRow,
    Requirement,
)
from .permissions import (
    entitled_organisations_of,
    get_agreement_for_actor,
    get_lot_for_actor,
    get_lot_part_for_actor,
    require_framework_manager,
)


def _today():
    return local_date(clock.now())


@require_safe
def agreement_list(request):
    today = _today()
    agreements = list(FrameworkAgreement.objects.visible_to(request.actor).select_related("owner")
                      .prefetch_related("lots"))
    status = request.GET.get("status", "")
    rows = [(a, a.status(today)) for a in agreements]
    if status in AgreementStatus.values:
        rows = [(a, s) for a, s in rows if s == status]
    return render(request, "agreements/agreement_list.html", {
        "rows": rows, "status": status, "statuses": AgreementStatus.choices,
        "can_create": request.user.is_authenticated and request.actor.is_framework_manager,
    })


def _agreement_page_context(request, agreement: FrameworkAgreement) -> dict:
    today = _today()
    lots = agreement.lots.prefetch_related(
        "cpv_codes", "criteria", "price_rows",
        Prefetch("lot_suppliers", queryset=LotSupplier.objects.select_related("supplier")))
    documents = Document.objects.filter(attached_to=agreement.document_key).prefetch_related("versions")
    manages = FrameworkAgreement.objects.managed_by(request.actor).filter(pk=agreement.pk).exists()
    if not manages:
        documents = documents.filter(is_public=True)
    return {
        "agreement": agreement, "status": agreement.status(today), "lots": lots, "documents": documents,
        "manages": manages, "entitled_as": entitled_organisations_of(request.actor, agreement, today),
        "requirements": agreement.requirements.select_related("lot"),
        "problems": services.publication_problems(agreement) if manages and not agreement.published_at else [],
        "answered": agreement.questions.exclude(answer="")[:20],
    }


@require_safe
def agreement_detail(request, pk: int):
    agreement = get_agreement_for_actor(request.actor, pk)
    return render(request, "agreements/agreement_detail.html", _agreement_page_context(request, agreement))


@require_safe
def lot_detail(request, pk: int):
    lot = get_lot_for_actor(request.actor, pk)
    context = _agreement_page_context(request, lot.agreement)
    context["lot"] = next(item for item in context["lots"] if item.pk == lot.pk)
    return render(request, "agreements/lot_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    require_framework_manager(request.actor)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        owner = next(m.organisation for m in request.actor.memberships if m.organisation.kind == "cpb")
        try:
            agreement = services.agreement_create(actor=request.user, owner=owner, **form.cleaned_data)
        except (ValidationError, services.AgreementError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The agreement is saved as a draft. Add its lots next."))
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return render(request, "agreements/agreement_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk: int):
    agreement = get_agreement_for_actor(request.actor, pk, write=True)
    initial = {field: getattr(agreement, field) for field in services.AGREEMENT_FIELDS}
    initial |= {"cpv_codes": agreement.cpv_codes.all(), "entitled_organisations": agreement.entitled_organisations.all()}
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(actor=request.user, agreement=agreement, **form.cleaned_data)
        except (ValidationError, services.AgreementError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return render(request, "agreements/agreement_form.html", {"form": form, "agreement": agreement})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_publish(request, pk: int):
    agreement = get_agreement_for_actor(request.actor, pk, write=request.method == "POST")
    if request.method == "POST":
        try:
            services.agreement_publish(actor=request.user, agreement=agreement)
        except services.AgreementError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The agreement %(reference)s is published.") % {"reference": agreement.reference})
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    context = _agreement_page_context(request, agreement)
    if not context["manages"]:
        raise PermissionDenied
    context["problems"] = services.publication_problems(agreement)
    return render(request, "agreements/agreement_publish.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_terminate(request, pk: int):
    agreement = get_agreement_for_actor(request.actor, pk, write=True)
    form = TerminateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_terminate(actor=request.user, agreement=agreement, reason=form.cleaned_data["reason"])
        except services.AgreementError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The agreement is terminated."))
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return render(request, "agreements/agreement_terminate.html", {"agreement": agreement, "form": form})


@login_required
@require_POST
def agreement_document_add(request, pk: int):
    agreement = get_agreement_for_actor(request.actor, pk, write=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document_create(actor=request.user, owner=agreement.owner, attached_to=agreement.document_key,
                            title=form.cleaned_data["title"], uploaded=form.cleaned_data["file"],
                            is_public=form.cleaned_data["is_public"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The document has been uploaded."))
    else:
        messages.error(request, _("Give the document a title and choose a file."))
    return redirect("agreements:agreement_detail", pk=agreement.pk)


@require_http_methods(["GET", "POST"])
def agreement_questions(request, pk: int):
    agreement = get_agreement_for_actor(request.actor, pk)
    today = _today()
    entitled = entitled_organisations_of(request.actor, agreement, today)
    manages = FrameworkAgreement.objects.managed_by(request.actor).filter(pk=agreement.pk).exists()
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not entitled:
            raise PermissionDenied
        if form.is_valid():
            services.question_ask(actor=request.user, agreement=agreement, organisation=entitled[0],
                                  question=form.cleaned_data["question"])
            messages.success(request, _("Your question is sent. You will be notified when it is answered."))
            return redirect("agreements:agreement_questions", pk=agreement.pk)
    questions = agreement.questions.select_related("organisation")
    if not manages:
        questions = questions.exclude(answer="") | questions.filter(organisation_id__in=request.actor.organisation_ids)
    return render(request, "agreements/agreement_questions.html", {
        "agreement": agreement, "questions": questions.order_by("-asked_at"), "form": form,
        "can_ask": bool(entitled), "manages": manages, "answer_form": AnswerForm(),
    })


@login_required
@require_POST
def question_answer(request, pk: int):
    visible = AgreementQuestion.objects.filter(agreement__in=FrameworkAgreement.objects.visible_to(request.actor))
    writable = AgreementQuestion.objects.filter(agreement__in=FrameworkAgreement.objects.managed_by(request.actor))
    item = get_for_actor(visible, writable, pk, write=True)
    form = AnswerForm(request.POST)
    if form.is_valid():
        services.question_answer(actor=request.user, item=item, answer=form.cleaned_data["answer"])
        messages.success(request, _("The answer is published to every agency."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect("agreements:agreement_questions", pk=item.agreement_id)


def _lot_initial(lot) -> dict:
    return {"number": lot.number, "title": lot.title, "description": lot.description,
            "cpv_codes": lot.cpv_codes.all(), "call_off_method": lot.call_off_method,
            "value_threshold": lot.value_threshold, "evaluation_models": lot.evaluation_models,
            "min_tender_days": lot.min_tender_days}


def _render_lot_edit(request, agreement, lot=None, *, status: int = 200, **forms):
    context = {"agreement": agreement, "lot": lot,
               "form": forms.get("form") or LotForm(initial=_lot_initial(lot) if lot else {
                   "number": agreement.lots.count() + 1, "min_tender_days": 10})}
    if lot is not None:
        context |= {
            "criterion_form": forms.get("criterion_form") or CriterionForm(prefix="criterion"),
            "price_form": forms.get("price_form") or PriceRowForm(prefix="price"),
            "supplier_form": forms.get("supplier_form") or LotSupplierForm(prefix="supplier"),
            "criteria": lot.criteria.all(), "price_rows": lot.price_rows.all(),
            "admissions": lot.lot_suppliers.select_related("supplier"),
        }
    return render(request, "agreements/lot_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lot_create(request, pk: int):
    agreement = get_agreement_for_actor(request.actor, pk, write=True)
    form = LotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lot = services.lot_save(actor=request.user, agreement=agreement, **form.cleaned_data)
        except (ValidationError, services.AgreementError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Lot %(number)s is saved. Add criteria, prices and suppliers.")
                             % {"number": lot.number})
            return redirect("agreements:lot_edit", pk=lot.pk)
    return _render_lot_edit(request, agreement, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def lot_edit(request, pk: int):
    lot = get_lot_for_actor(request.actor, pk, write=True)
    form = LotForm(request.POST or None, initial=_lot_initial(lot))
    if request.method == "POST" and form.is_valid():
        try:
            services.lot_save(actor=request.user, agreement=lot.agreement, lot=lot, **form.cleaned_data)
        except (ValidationError, services.AgreementError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The lot is saved."))
            return redirect("agreements:lot_edit", pk=lot.pk)
    return _render_lot_edit(request, lot.agreement, lot, form=form)


def _lot_part_add(request, pk: int, form_class, prefix: str, form_key: str, add):
    """Adds a criterion, a price row or a supplier to a lot; errors re-render the lot page."""
    lot = get_lot_for_actor(request.actor, pk, write=True)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            add(lot, form.cleaned_data)
        except (ValidationError, services.AgreementError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added to lot %(number)s.") % {"number": lot.number})
            return redirect("agreements:lot_edit", pk=lot.pk)
    return _render_lot_edit(request, lot.agreement, lot, status=422, **{form_key: form})


@login_required
@require_POST
def lot_criterion_add(request, pk: int):
    return _lot_part_add(request, pk, CriterionForm, "criterion", "criterion_form",
                         lambda lot, data: services.criterion_add(actor=request.user, lot=lot, **data))


@login_required
@require_POST
def lot_price_row_add(request, pk: int):
    return _lot_part_add(request, pk, PriceRowForm, "price", "price_form",
                         lambda lot, data: services.price_row_add(actor=request.user, lot=lot, **data))


@login_required
@require_POST
def lot_supplier_add(request, pk: int):
    return _lot_part_add(request, pk, LotSupplierForm, "supplier", "supplier_form",
                         lambda lot, data: services.lot_supplier_add(actor=request.user, lot=lot, **data))


def _lot_part_remove(request, model, pk: int, remove):
    thing = get_lot_part_for_actor(request.actor, model, pk, write=True)
    remove(thing)
    messages.success(request, _("Removed."))
    return redirect("agreements:lot_edit", pk=thing.lot_id)


@login_required
@require_POST
def criterion_remove(request, pk: int):
    return _lot_part_remove(request, LotCriterion, pk,
                            lambda thing: services.criterion_remove(actor=request.user, criterion=thing))


@login_required
@require_POST
def price_row_remove(request, pk: int):
    return _lot_part_remove(request, PriceListRow, pk,
                            lambda thing: services.price_row_remove(actor=request.user, row=thing))


@login_required
@require_POST
def lot_supplier_remove(request, pk: int):
    return _lot_part_remove(request, LotSupplier, pk,
                            lambda thing: services.lot_supplier_remove(actor=request.user, admission=thing))


@require_http_methods(["GET", "POST"])
def requirement_list(request, pk: int):
    agreement = get_agreement_for_actor(request.actor, pk, write=request.method == "POST")
    manages = FrameworkAgreement.objects.managed_by(request.actor).filter(pk=agreement.pk).exists()
    form = RequirementForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_add(actor=request.user, agreement=agreement, **form.cleaned_data)
        except (ValidationError, services.AgreementError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The requirement is added."))
            return redirect("agreements:requirement_list", pk=agreement.pk)
    return render(request, "agreements/requirement_list.html", {
        "agreement": agreement, "requirements": agreement.requirements.select_related("lot"),
        "form": form, "manages": manages,
    })


@login_required
@require_POST
def requirement_remove(request, pk: int):
    visible = Requirement.objects.filter(agreement__in=FrameworkAgreement.objects.visible_to(request.actor))
    writable = Requirement.objects.filter(agreement__in=FrameworkAgreement.objects.managed_by(request.actor))
    requirement = get_for_actor(visible, writable, pk, write=True)
    try:
        services.requirement_remove(actor=request.user, requirement=requirement)
    except services.AgreementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The requirement is removed."))
    return redirect("agreements:requirement_list", pk=requirement.agreement_id)
