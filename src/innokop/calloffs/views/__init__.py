"""Pages for starting, preparing, publishing and following a call-off.

The guided flow is four pages before publication: the need (which starts the draft), evaluation,
timetable, and check your answers. Every step saves the draft; the call-off page is its task list.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from innokop.agreements.models import RequirementKind
from innokop.agreements.permissions import get_lot_for_actor, may_start
from innokop.core import clock
from innokop.core.calendar import at_local, local_date
from innokop.core.forms import add_service_errors
from innokop.core.html import html_to_text
from innokop.core.ratelimit import rate_limit
from innokop.core.refusals import REFUSALS, refusal_message

from .. import rules, services
from ..forms import (
    AnswerForm,
    CancelForm,
    ContractPeriodForm,
    EvaluationForm,
    NeedForm,
    QuestionForm,
    TeamForm,
    TimetableForm,
)
from ..models import CallOff, CallOffKind, CallOffStatus
from ..permissions import (
    current_team,
    get_calloff_for_actor,
    get_calloff_for_agency,
    get_representing_supplier,
    is_agency_member,
    is_team_member,
    represented_supplier,
)
from ..services import ranking as ranking_services

STEP_COUNT = 4
QUESTIONS_PER_PAGE = 50
DECIDED = {CallOffStatus.AWARDED, CallOffStatus.CONTRACTED}


def _today():
    return local_date(clock.now())


@login_required
@require_http_methods(["GET", "POST"])
def calloff_start(request, pk: int):
    """Step 1 of 4: the need. Saving it creates the draft."""
    lot = get_lot_for_actor(request.actor, pk)
    if not may_start(request.actor, lot, _today()):
        raise PermissionDenied
    solution = _solution_of(request, lot)
    form = NeedForm(request.POST or None, initial={"need": html_to_text(solution.problem)} if solution else None)
    if request.method == "POST" and form.is_valid():
        try:
            calloff = services.calloff_start(actor=request.user, lot=lot, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft %(reference)s is saved.") % {"reference": calloff.reference})
            return redirect("calloffs:calloff_evaluation", pk=calloff.pk)
    return render(request, "calloffs/step_need.html", {"form": form, "lot": lot, "step": 1, "steps": STEP_COUNT,
                                                       "solution": solution})


def _solution_of(request, lot):
    """A published solution offered through the lot, when the call-off is started from the catalogue."""
    from innokop.catalogue.models import Solution

    pk = request.GET.get("solution", "")
    if not pk.isdigit():
        return None
    return Solution.objects.published().filter(pk=pk, lots=lot).select_related("supplier").first()


def _detail_queryset_parts(calloff: CallOff) -> dict:
    return {
        "criteria": calloff.criteria.select_related("lot_criterion"),
        "requirements": calloff.requirements.all(),
    }


@login_required
def calloff_detail(request, pk: int):
    calloff = get_calloff_for_actor(request.actor, pk)
    services.calloff_invitations_send(calloff=calloff)  # a scheduled publication's invitations, if a task missed them
    now = clock.now()
    context = {"calloff": calloff, "state": calloff.effective_state(now), "state_label": calloff.state_label(now),
               "timeline": timeline(calloff), "tie_rules": rules.tie_rule_labels(calloff),
               } | _detail_queryset_parts(calloff)
    if not is_agency_member(request.actor, calloff):
        own = request.actor.organisation_ids
        context |= {"answered": _question_page(request, calloff.questions.answered()),
                    "own_unanswered": calloff.questions.filter(supplier_id__in=own, answered_at__isnull=True),
                    "may_ask": calloff.may_ask(now) and represented_supplier(request.actor, calloff) is not None,
                    "question_form": QuestionForm()}
        context |= _sections(request, calloff, now, agency=False)
        return render(request, "calloffs/detail_supplier.html", context)
    is_team = is_team_member(request.actor, calloff)
    context |= {
        "questions": _question_page(
            request, calloff.questions.select_related("supplier", "asked_by", "answered_by").unanswered_first()),
        "may_answer": is_team and calloff.may_answer(now),
        "is_team": is_team, "steps_done": calloff.steps_done(),
        "team": current_team(calloff), "invitations": calloff.invitations.select_related("supplier"),
        "team_form": TeamForm(agency=calloff.agency),
    } | _sections(request, calloff, now, agency=True)
    return render(request, "calloffs/detail_agency.html", context)


def _question_page(request, questions):
    """One page of a call-off's questions (?page=): a call-off can draw hundreds, and the page stays quick to
    load and to read. The agency's list has the unanswered first, so what needs an answer is on the first page."""
    return Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))


def _sections(request, calloff: CallOff, now, *, agency: bool) -> dict:
    """The context of the detail page's sections: ranking order, dialogue, tenders, opening to contract.

    Each section module has `detail_context(request, calloff, now, *, agency)`; its templates are
    `calloffs/<section>/section_agency.html` and `section_supplier.html`, included by the detail pages.
    """
    from . import award, dialogue, ranking, tenders

    context: dict = {}
    for section in (ranking, dialogue, tenders, award):
        context |= section.detail_context(request, calloff, now, agency=agency)
    return context


def timeline(calloff: CallOff) -> list[dict]:
    """The call-off's steps in order, with their dates: the picture and its text are the same list.

    Dialogue meetings appear once offered (from the first to the last time); the standstill end is
    the real one once the decision is sent, else the one the planned decision day would give.
    """
    now = clock.now()
    published = calloff.published_at
    slots = list(calloff.slots.order_by("starts_at").values_list("starts_at", flat=True)) if published else []
    decision = getattr(calloff, "decision", None) if calloff.status in DECIDED else None
    if decision is not None:
        decided_on, standstill_ends = local_date(decision.sent_at), decision.standstill_ends
    else:
        decided_on = calloff.decision_on
        standstill_ends = rules.standstill_end(decided_on) if decided_on and calloff.is_renewed_competition else None
    rows = [
        _publication_row(calloff, now),
        (gettext_lazy("Dialogue meetings"), slots[0] if slots else None, None),
        (gettext_lazy("Last time for questions"), calloff.questions_close, None),
        (gettext_lazy("Last time for answers"), calloff.answers_by, None),
        (gettext_lazy("Tender deadline"), calloff.tender_deadline, None),
        (gettext_lazy("Opening of tenders"), calloff.opening_at, None),
        (gettext_lazy("Award decision") if decision else gettext_lazy("Planned award decision"), None, decided_on),
        (gettext_lazy("Standstill ends"), None, standstill_ends),
        (gettext_lazy("Contract starts"), None, calloff.contract_start),
    ]
    rows = [(label, moment, day) for label, moment, day in rows if moment or day]
    rows.sort(key=lambda row: row[1] if row[1] else at_local(row[2], 0))
    return [{"label": label, "moment": moment, "day": day,
             "past": bool(moment and moment <= now) or bool(day and not moment and day < local_date(now))}
            for label, moment, day in rows]


def _publication_row(calloff: CallOff, now) -> tuple:
    """The timeline's first step, in the tense the clock gives it: published, to be published on a later day, or
    (a draft whose publication day is today or has passed) published the moment the agency publishes it."""
    moment = calloff.published_at
    if moment is None and calloff.status == CallOffStatus.DRAFT and calloff.publish_on:
        moment = rules.publication_moment(calloff.publish_on, now)
        if moment == now:
            return (gettext_lazy("Published as soon as you publish, every supplier on the lot invited"), None,
                    local_date(now))
    if moment is not None and moment > now:
        return gettext_lazy("To be published, every supplier on the lot invited"), moment, None
    # A call-off cancelled before its publication day was never published: no step.
    return gettext_lazy("Published, every supplier on the lot invited"), moment, None


def _step(request, pk: int, *, step, form_for, initial, template: str, number: int, next_name: str):
    """Steps 2 and 3 and the re-edit of step 1: show the form, save through the service, go on."""
    calloff = get_calloff_for_actor(request.actor, pk, write=True)
    if calloff.status != CallOffStatus.DRAFT:
        return redirect("calloffs:calloff_detail", pk=calloff.pk)
    form = form_for(calloff, request.POST or None, initial=initial(calloff))
    if request.method == "POST" and form.is_valid():
        data = form.service_data() if hasattr(form, "service_data") else form.cleaned_data
        try:
            services.calloff_update_step(actor=request.user, calloff=calloff,
                                         step=step(calloff) if callable(step) else step, data=data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answers are saved in the draft."))
            return redirect(next_name, pk=calloff.pk)
    return render(request, template, {"calloff": calloff, "lot": calloff.lot, "form": form, "step": number,
                                      "steps": STEP_COUNT} | _detail_queryset_parts(calloff))


@login_required
@require_http_methods(["GET", "POST"])
def calloff_need(request, pk: int):
    return _step(request, pk, step="need", form_for=lambda c, *a, **k: NeedForm(*a, **k),
                 initial=lambda c: {"title": c.title, "need": c.need, "estimated_value": c.estimated_value},
                 template="calloffs/step_need.html", number=1, next_name="calloffs:calloff_evaluation")


def _evaluation_initial(calloff: CallOff) -> dict:
    initial = {"evaluation_model": calloff.evaluation_model or (calloff.lot.evaluation_models or [""])[0],
               "price_weight": calloff.price_weight, "fixed_price": calloff.fixed_price}
    for pk, value in (calloff.requirement_values or {}).items():
        for kind, figure in value.items():
            initial |= {f"value_kind_{pk}": kind, f"value_{pk}": figure}
    return initial | {f"weight_{row.lot_criterion_id}": row.weight for row in calloff.criteria.all()}


def _evaluation_form(calloff: CallOff, *args, **kwargs) -> EvaluationForm:
    evaluated = calloff.requirements.filter(kind=RequirementKind.EVALUATED).order_by("identifier")
    return EvaluationForm(*args, lot=calloff.lot, requirements=evaluated, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def calloff_evaluation(request, pk: int):
    calloff = get_calloff_for_actor(request.actor, pk, write=True)
    if calloff.method == CallOffKind.RANKING and calloff.status == CallOffStatus.DRAFT:
        # Ranking order has no evaluation: the agreement's ranking decides who is offered the call-off.
        if request.method == "POST":
            return redirect("calloffs:calloff_timetable", pk=calloff.pk)
        return render(request, "calloffs/step_evaluation.html", {
            "calloff": calloff, "lot": calloff.lot, "step": 2, "steps": STEP_COUNT, "ranking": True,
            "suppliers": ranking_services.ranked_suppliers(calloff)} | _detail_queryset_parts(calloff))
    return _step(request, pk, step="evaluation", form_for=_evaluation_form,
                 initial=_evaluation_initial, template="calloffs/step_evaluation.html", number=2,
                 next_name="calloffs:calloff_timetable")


def _timetable_initial(calloff: CallOff) -> dict:
    suggested = rules.suggest_timetable(calloff.lot, _today())
    initial = {field: getattr(calloff, field) or getattr(suggested, field) for field in services.TIMETABLE_FIELDS}
    return initial | {"long_contract_reason": calloff.long_contract_reason}


@login_required
@require_http_methods(["GET", "POST"])
def calloff_timetable(request, pk: int):
    def form_for(calloff, *args, **kwargs):
        ranking = calloff.method == CallOffKind.RANKING
        return (ContractPeriodForm if ranking else TimetableForm)(*args, **kwargs)

    def step_of(calloff):
        return "contract_period" if calloff.method == CallOffKind.RANKING else "timetable"

    return _step(request, pk, step=step_of, form_for=form_for, initial=_timetable_initial,
                 template="calloffs/step_timetable.html", number=3, next_name="calloffs:calloff_check")


@login_required
@require_http_methods(["GET", "POST"])
def calloff_check(request, pk: int):
    """Step 4 of 4: check your answers, see the timeline and the warnings, and publish."""
    calloff = get_calloff_for_actor(request.actor, pk, write=True)
    if calloff.status != CallOffStatus.DRAFT:
        return redirect("calloffs:calloff_detail", pk=calloff.pk)
    if calloff.method == CallOffKind.RANKING:
        from .ranking import ranking_check

        return ranking_check(request, calloff, step=4, steps=STEP_COUNT)
    if request.method == "POST":
        try:
            services.calloff_publish(actor=request.user, calloff=calloff)
        except services.CallOffError as error:
            messages.error(request, str(error))
        else:
            return redirect("calloffs:calloff_published", pk=calloff.pk)
    timetable = services.timetable_of(calloff)
    now = clock.now()
    publishes_at = rules.publication_moment(calloff.publish_on, now)
    return render(request, "calloffs/step_check.html", {
        "calloff": calloff, "lot": calloff.lot, "step": 4, "steps": STEP_COUNT, "timeline": timeline(calloff),
        "scheduled_for": publishes_at if publishes_at > now else None,
        "problems": services.publication_problems(calloff),
        "warnings": rules.timetable_warnings(timetable) if timetable else [],
        "suppliers": calloff.lot.lot_suppliers.select_related("supplier"),
    } | _detail_queryset_parts(calloff))


@login_required
def calloff_published(request, pk: int):
    calloff = get_calloff_for_agency(request.actor, pk)
    if calloff.published_at is None:
        raise Http404
    return render(request, "calloffs/published.html", {"calloff": calloff, "invited": calloff.invitations.count(),
                                                       "scheduled": calloff.is_scheduled(clock.now())})


@login_required
@require_POST
def calloff_unschedule(request, pk: int):
    """A scheduled call-off back to a draft, to be changed before its publication day."""
    calloff = get_calloff_for_actor(request.actor, pk, write=True)
    try:
        services.calloff_unschedule(actor=request.user, calloff=calloff)
    except REFUSALS as error:
        messages.error(request, refusal_message(error))
        return redirect("calloffs:calloff_detail", pk=calloff.pk)
    messages.success(request, _("The call-off is a draft again and will not be published. Change it, then publish "
                                "it again on the check page."))
    return redirect("calloffs:calloff_detail", pk=calloff.pk)


@login_required
@require_POST
def calloff_team_add(request, pk: int):
    calloff = get_calloff_for_actor(request.actor, pk, write=True)
    form = TeamForm(request.POST, agency=calloff.agency)
    if form.is_valid():
        try:
            services.calloff_team_add(actor=request.user, calloff=calloff, user=form.cleaned_data["user"])
        except services.CallOffError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(name)s is in the team.") % {"name": form.cleaned_data["user"]})
    else:
        messages.error(request, _("Choose a colleague in your organisation."))
    return redirect("calloffs:calloff_detail", pk=calloff.pk)


@login_required
@require_http_methods(["GET", "POST"])
def calloff_cancel(request, pk: int):
    calloff = get_calloff_for_actor(request.actor, pk, write=True)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.calloff_cancel(actor=request.user, calloff=calloff, reason=form.cleaned_data["reason"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The call-off is cancelled and the invited suppliers are told why."))
            return redirect("calloffs:calloff_detail", pk=calloff.pk)
    return render(request, "calloffs/cancel.html", {"calloff": calloff, "form": form})


@login_required
@require_POST
@rate_limit("question")  # each question notifies the agency's team: no flood of them
def question_ask(request, pk: int):
    """Rule 5: an invited supplier asks; the agency's own members may read the call-off but not ask (403)."""
    calloff, _supplier = get_representing_supplier(request.actor, pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your question."))
    else:
        try:
            services.question_ask(actor=request.user, calloff=calloff, text=form.cleaned_data["text"])
        except REFUSALS as error:
            messages.error(request, refusal_message(error))
        else:
            messages.success(request, _("Your question is sent. The answer is published to every invited supplier."))
    return redirect("calloffs:calloff_detail", pk=calloff.pk)


@login_required
@require_POST
def question_answer(request, pk: int, question_pk: int):
    calloff = get_calloff_for_actor(request.actor, pk, write=True)
    question = get_object_or_404(calloff.questions.select_related("calloff__agency"), pk=question_pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer."))
    else:
        try:
            services.question_answer(actor=request.user, question=question, answer=form.cleaned_data["answer"])
        except REFUSALS as error:
            messages.error(request, refusal_message(error))
        else:
            messages.success(request, _("The answer is published to every invited supplier."))
    return redirect("calloffs:calloff_detail", pk=calloff.pk)
