"""Pages for follow-up plans: the plans and requests, a plan with its traffic lights and KPI charts, its items and
their history, requesting a round, and one page per round where both sides read the same history and act."""

from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.agreements.models import FrameworkAgreement
from innokop.calloffs.models import Contract
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.charts import Chart, Series
from innokop.core.forms import add_service_errors, posted
from innokop.core.models import Document, DocumentVersion
from innokop.core.refusals import REFUSALS, refusal_message

from .. import traffic
from ..models import DeviationStatus, FollowUpPlan, RoundKind, RoundStatus
from ..permissions import (
    answers_for_supplier,
    follows_up,
    get_agreement_for_manager,
    get_contract_for_followup,
    get_plan_for_actor,
    get_round_for_actor,
    get_round_for_buyer,
    get_round_for_supplier,
    member_supplier_ids,
    plans_visible_to,
    rounds_visible_to,
)
from ..plan_forms import (
    ActionForm,
    AnswerForm,
    AssessForm,
    AuditReportForm,
    DecideForm,
    EscalateForm,
    ItemEditForm,
    ItemForm,
    RequestForm,
)
from ..services import plans as services


def _today():
    return local_date(clock.now())


def _people(plan: FollowUpPlan):
    return get_user_model().objects.filter(memberships__organisation=plan.buyer, is_active=True).distinct()


@login_required
@require_safe
def plans_home(request):
    actor = request.actor
    plans = list(plans_visible_to(actor))
    supplier_ids = member_supplier_ids(actor)
    if not plans and not supplier_ids and not actor.is_agency and not actor.is_framework_manager:
        raise PermissionDenied
    services.rounds_open_for(actor)
    contracts = (Contract.objects.filter(agency_id__in=actor.organisation_ids, followup_plan__isnull=True)
                 .select_related("calloff", "supplier"))
    agreements = FrameworkAgreement.objects.managed_by(actor).filter(followup_plan__isnull=True)
    requests = (rounds_visible_to(actor).filter(supplier_id__in=supplier_ids).select_related("deviation")
                if supplier_ids else [])
    now = clock.now()
    rows = [(plan, traffic.lights(traffic.rounds_for_lights(plan.rounds.all()), now)["all"]) for plan in plans]
    return render(request, "followup/plans/home.html", {
        "plans": rows, "contracts": contracts, "agreements": agreements, "requests": requests, "now": now})


@login_required
@require_POST
def plan_create_for_contract(request, contract_pk: int):
    contract = get_contract_for_followup(request.actor, contract_pk, write=True)
    try:
        plan = services.plan_create_for_contract(actor=request.user, contract=contract)
    except REFUSALS as error:
        messages.error(request, refusal_message(error))
        return redirect("followup:plans_home")
    messages.success(request, _("The follow-up plan is made from the contract's requirements and the winning "
                                "tender's promises."))
    return redirect("followup:plan_detail", plan.pk)


@login_required
@require_POST
def plan_create_for_agreement(request, agreement_pk: int):
    agreement = get_agreement_for_manager(request.actor, agreement_pk)
    try:
        plan = services.plan_create_for_agreement(actor=request.user, agreement=agreement)
    except REFUSALS as error:
        messages.error(request, refusal_message(error))
        return redirect("followup:plans_home")
    messages.success(request, _("The follow-up plan is made from the agreement's requirements."))
    return redirect("followup:plan_detail", plan.pk)


def kpi_charts(plan: FollowUpPlan, rounds) -> list[Chart]:
    """One chart per KPI item: its measured values over the rounds (a line per supplier) against the target."""
    charts = []
    for item in plan.items.filter(method="kpi").order_by("id"):
        measured = sorted((r for r in rounds if r.item_id == item.pk and r.value is not None
                           and r.status != RoundStatus.REQUESTED), key=lambda r: (r.scheduled_on, r.pk))
        days = sorted({r.scheduled_on for r in measured})
        suppliers = sorted({r.supplier for r in measured}, key=lambda s: s.name)
        series = [Series(s.name, [next((r.value for r in measured if r.supplier_id == s.pk and r.scheduled_on == d),
                                       None) for d in days]) for s in suppliers]
        charts.append(Chart(
            title=f"{item.identifier}: {item.text[:80]}",
            description=_("Measured values per round against the target %(direction)s %(target)s %(unit)s.") % {
                "direction": item.get_target_direction_display(), "target": item.target, "unit": item.unit},
            categories=[d.isoformat() for d in days], series=series, kind="line", unit=item.unit,
            target=item.target, category_label=_("Round")))
    return charts


@login_required
@require_safe
def plan_detail(request, pk: int):
    plan = get_plan_for_actor(request.actor, pk)
    now = clock.now()
    services.rounds_open_due([plan], now)
    rounds = list(traffic.rounds_for_lights(plan.rounds.all()).select_related("deviation").order_by("-scheduled_on",
                                                                                                     "-id"))
    lights = traffic.lights(rounds, now, name_suppliers=plan.agreement_id is not None)
    items = list(plan.items.select_related("responsible", "requirement").order_by("id"))
    suppliers = services.plan_suppliers(plan)
    return render(request, "followup/plans/plan_detail.html", {
        "plan": plan, "items": [(item, lights.get(("item", item.pk), traffic.worst([])),
                                 services.next_round_day(item, _today())) for item in items],
        "overall": lights["all"], "supplier_lights": [(s, lights.get(("supplier", s.pk), traffic.worst([])))
                                                      for s in suppliers],
        "rounds": rounds, "due": services.due_rounds(plan, _today()), "now": now,
        "charts": kpi_charts(plan, rounds), "may_follow_up": follows_up(request.actor, plan)})


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, pk: int):
    plan = get_plan_for_actor(request.actor, pk, write=True)
    form = ItemForm(posted(request), people=_people(plan), initial={"responsible": request.user.pk})
    if form.is_valid():
        try:
            item = services.plan_item_add(actor=request.user, plan=plan, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(item)s is added to the plan.") % {"item": item.identifier})
            return redirect("followup:plan_detail", plan.pk)
    return render(request, "followup/plans/item_form.html", {"plan": plan, "form": form, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int, item_pk: int):
    plan = get_plan_for_actor(request.actor, pk, write=request.method == "POST")
    item = get_object_or_404(plan.items.select_related("responsible"), pk=item_pk)
    initial = {name: getattr(item, name) for name in services.EDITABLE_FIELDS}
    initial["responsible"] = item.responsible_id
    form = ItemEditForm(posted(request), people=_people(plan), initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        changed = {name: data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS}
        try:
            services.plan_item_change(actor=request.user, item=item, reason=data["reason"], **changed)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The change to %(item)s is saved with its reason.") % {"item": item.identifier})
            return redirect("followup:plan_detail", plan.pk)
    return render(request, "followup/plans/item_form.html", {
        "plan": plan, "form": form, "item": item, "changes": item.changes.select_related("changed_by"),
        "may_follow_up": follows_up(request.actor, plan)})


@login_required
@require_http_methods(["GET", "POST"])
def round_request(request, pk: int, item_pk: int):
    plan = get_plan_for_actor(request.actor, pk, write=True)
    item = get_object_or_404(plan.items, pk=item_pk)
    suppliers = services.plan_suppliers(plan)
    day = request.GET.get("day") or request.POST.get("day") or ""
    form = RequestForm(posted(request), suppliers=suppliers, initial={
        "deadline": services.default_deadline(_today()), "supplier": request.GET.get("supplier"),
        "audit": item.method == "audit", "audit_area": item.audit_area})
    if form.is_valid():
        data = form.cleaned_data
        supplier = next(s for s in suppliers if s.pk == data["supplier"])
        try:
            scheduled = local_date(clock.now()) if not day else _parse_day(day)
            created = services.round_request(
                actor=request.user, item=item, supplier=supplier, scheduled_on=scheduled, deadline=data["deadline"],
                question=data["question"], kind=RoundKind.AUDIT if data["audit"] else RoundKind.REGULAR,
                audit_area=data["audit_area"], auditor=data["auditor"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The request %(reference)s is sent to %(supplier)s.")
                             % {"reference": created.reference, "supplier": supplier.name})
            return redirect("followup:round_detail", created.pk)
    return render(request, "followup/plans/request_form.html", {"plan": plan, "item": item, "form": form, "day": day})


def _parse_day(value: str):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise services.FollowUpError(_("The day in the schedule is not a date."), code="bad_day") from None


@login_required
@require_safe
def round_detail(request, pk: int):
    followup_round = get_round_for_actor(request.actor, pk)
    deviation = getattr(followup_round, "deviation", None)
    now = clock.now()
    buyer = follows_up(request.actor, followup_round.plan)
    supplier = answers_for_supplier(request.actor, followup_round.supplier)
    documents = (Document.objects.filter(attached_to=followup_round.document_key)
                 .prefetch_related("versions").order_by("created_at"))
    return render(request, "followup/plans/round_detail.html", {
        "round": followup_round, "deviation": deviation, "now": now, "buyer": buyer, "supplier": supplier,
        "events": followup_round.events.select_related("actor", "organisation"), "documents": documents,
        "overdue": followup_round.is_overdue(now),
        "light": traffic.lights([followup_round], now)["all"],
        "may_answer": supplier and followup_round.status == RoundStatus.REQUESTED and not followup_round.is_audit,
        "may_record_report": buyer and followup_round.status == RoundStatus.REQUESTED and followup_round.is_audit,
        "may_assess": buyer and (followup_round.status == RoundStatus.ANSWERED
                                 or followup_round.is_overdue(now)),
        "may_propose": supplier and deviation is not None and deviation.status == DeviationStatus.OPEN,
        "may_decide": buyer and deviation is not None and deviation.status == DeviationStatus.ACTION_PLANNED,
        "may_escalate": buyer and deviation is not None and deviation.is_open})


@login_required
@require_safe
def round_document(request, pk: int, document_pk):
    followup_round = get_round_for_actor(request.actor, pk)
    document = get_object_or_404(Document, pk=document_pk, attached_to=followup_round.document_key)
    version = get_object_or_404(DocumentVersion, document=document, number=document.versions.count())
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.safe_name,
                            content_type=version.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _round_form(request, followup_round, form, title: str, done, success: str):
    """A round's action page: validate, call the service, back to the round; a refusal on the form."""
    if form.is_valid():
        try:
            done(form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("followup:round_detail", followup_round.pk)
    return render(request, "followup/plans/round_form.html", {"round": followup_round, "form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def round_answer(request, pk: int):
    followup_round = get_round_for_supplier(request.actor, pk)
    form = AnswerForm(posted(request), request.FILES or None, item=followup_round.item)
    return _round_form(request, followup_round, form, _("Answer the follow-up request"), lambda data: services.round_answer(
        actor=request.user, followup_round=followup_round, answer=data["answer"], value=data.get("value"),
        files=[data["evidence"]] if data.get("evidence") else []), _("Your answer is sent."))


@login_required
@require_http_methods(["GET", "POST"])
def round_audit_report(request, pk: int):
    followup_round = get_round_for_buyer(request.actor, pk)
    form = AuditReportForm(posted(request), request.FILES or None)
    return _round_form(request, followup_round, form, _("Record the auditor's report"), lambda data: services.round_audit_report(
        actor=request.user, followup_round=followup_round, summary=data["summary"], report=data["report"]),
        _("The auditor's report is recorded."))


@login_required
@require_http_methods(["GET", "POST"])
def round_assess(request, pk: int):
    followup_round = get_round_for_buyer(request.actor, pk)
    form = AssessForm(posted(request))
    return _round_form(request, followup_round, form, _("Assess the answer"), lambda data: services.round_assess(
        actor=request.user, followup_round=followup_round, met=data["outcome"] == "met", reason=data["reason"]),
        _("The assessment is saved and the supplier is told."))


def _deviation(followup_round):
    deviation = getattr(followup_round, "deviation", None)
    if deviation is None:
        raise services.FollowUpError(_("The round has no deviation."), code="no_deviation", status=409)
    return deviation


@login_required
@require_http_methods(["GET", "POST"])
def deviation_action(request, pk: int):
    followup_round = get_round_for_supplier(request.actor, pk)
    form = ActionForm(posted(request))
    return _round_form(request, followup_round, form, _("Propose a corrective action"),
                       lambda data: services.deviation_action_propose(
                           actor=request.user, deviation=_deviation(followup_round), action=data["action"],
                           deadline=data["deadline"]), _("Your corrective action is sent."))


@login_required
@require_http_methods(["GET", "POST"])
def deviation_decide(request, pk: int):
    followup_round = get_round_for_buyer(request.actor, pk)
    form = DecideForm(posted(request))

    def done(data):
        deviation = _deviation(followup_round)
        if data["decision"] == "close":
            return services.deviation_close(actor=request.user, deviation=deviation, note=data["note"])
        return services.deviation_action_reject(actor=request.user, deviation=deviation, reason=data["note"])

    return _round_form(request, followup_round, form, _("Verify the corrective action"), done, _("The decision is saved and the "
                                                                                  "supplier is told."))


@login_required
@require_http_methods(["GET", "POST"])
def deviation_escalate(request, pk: int):
    followup_round = get_round_for_buyer(request.actor, pk)
    form = EscalateForm(posted(request), agreement=followup_round.plan.framework)
    return _round_form(request, followup_round, form, _("Escalate the deviation"), lambda data: services.deviation_escalate(
        actor=request.user, deviation=_deviation(followup_round), sanction=data["sanction"], reason=data["note"],
        amount=data["amount"]), _("The deviation is escalated and the supplier is told."))

