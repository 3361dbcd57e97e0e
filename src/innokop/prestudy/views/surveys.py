"""Pages of needs surveys: the purchasing body writes, sends and reads them; the agencies asked answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.core import clock
from innokop.core.charts import Chart, Series
from innokop.core.forms import add_service_errors, posted, service_button
from innokop.core.refusals import REFUSALS

from ..forms import QuestionForm, SurveyAnswerForm, SurveyForm
from ..models import PreStudy, SurveyAnswer, SurveyQuestion, SurveyStatus
from ..permissions import answering_agencies, get_prestudy_for_actor, get_survey_for_cpb, get_survey_to_answer
from ..services import surveys as services


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request, pk: int):
    prestudy = get_prestudy_for_actor(request.actor, pk, write=True)
    form = SurveyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_create(actor=request.user, prestudy=prestudy, title=data["title"],
                                            introduction=data["introduction"], deadline=data["deadline"],
                                            agencies=list(data["agencies"]), sector=data["sector"] or None)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The survey is saved as a draft. Add its questions, then send it."))
            return redirect("prestudy:survey_detail", survey.pk)
    return render(request, "prestudy/survey_form.html", {"prestudy": prestudy, "form": form},
                  status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, pk: int):
    survey = get_survey_for_cpb(request.actor, pk, write=True)
    sector = survey.recipient_rule.partition(":")[2]
    form = SurveyForm(posted(request), initial={
        "title": survey.title, "introduction": survey.introduction, "deadline": survey.deadline, "sector": sector,
        "agencies": survey.recipients.all()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.survey_update(actor=request.user, survey=survey, title=data["title"],
                                   introduction=data["introduction"], deadline=data["deadline"],
                                   agencies=list(data["agencies"]), sector=data["sector"] or None)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("prestudy:survey_detail", survey.pk)
    return render(request, "prestudy/survey_form.html", {"prestudy": survey.prestudy, "form": form, "survey": survey},
                  status=422 if form.errors else 200)


def _rate_chart(results: services.SurveyResults) -> Chart:
    return Chart(title=_("Agencies asked and answers so far"),
                 description=_("For each sector, how many agencies were asked and how many have answered."),
                 categories=[label for label, _asked, _answered in results.by_sector],
                 series=[Series(_("Asked"), [asked for _label, asked, _answered in results.by_sector]),
                         Series(_("Answered"), [answered for _label, _asked, answered in results.by_sector])],
                 category_label=_("Sector"))


def _choice_chart(result: services.QuestionResult) -> Chart:
    return Chart(title=result.question.text, description=_("How many agencies chose each choice."),
                 categories=[choice for choice, _count in result.counts],
                 series=[Series(_("Agencies"), [count for _choice, count in result.counts])],
                 category_label=_("Choice"))


@login_required
@require_safe
def survey_detail(request, pk: int):
    survey = get_survey_for_cpb(request.actor, pk)
    manages = PreStudy.objects.managed_by(request.actor).filter(pk=survey.prestudy_id).exists()
    results = services.survey_results(survey)
    for result in results.questions:
        result.chart = _choice_chart(result) if result.counts else None
    return render(request, "prestudy/survey_detail.html", {
        "survey": survey, "prestudy": survey.prestudy, "manages": manages, "is_draft": survey.status == "draft",
        "is_open": survey.is_open(clock.now()), "rule": services.rule_label(survey), "results": results,
        "rate_chart": _rate_chart(results), "recipients": survey.recipients.order_by("name"),
        "answered_ids": {a.agency_id for a in survey.answers.all()},
        "question_form": QuestionForm() if manages and survey.status == SurveyStatus.DRAFT else None})


@login_required
@require_http_methods(["GET", "POST"])
def survey_question_add(request, pk: int):
    survey = get_survey_for_cpb(request.actor, pk, write=True)
    form = QuestionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_question_add(actor=request.user, survey=survey, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The question is added."))
            return redirect("prestudy:survey_detail", survey.pk)
    return render(request, "prestudy/survey_question.html", {"survey": survey, "form": form},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def survey_question_remove(request, pk: int, question_pk: int):
    survey = get_survey_for_cpb(request.actor, pk, write=True)
    question = get_object_or_404(SurveyQuestion, pk=question_pk, survey=survey)
    service_button(request, services.survey_question_remove, _("The question is removed."), question=question)
    return redirect("prestudy:survey_detail", survey.pk)


@login_required
@require_POST
def survey_send(request, pk: int):
    survey = get_survey_for_cpb(request.actor, pk, write=True)
    service_button(request, services.survey_send, _("The survey is sent. The agencies are told."), survey=survey)
    return redirect("prestudy:survey_detail", survey.pk)


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request, pk: int):
    survey = get_survey_to_answer(request.actor, pk)
    agencies = answering_agencies(request.actor, survey)
    questions = list(survey.questions.all())
    chosen = agencies[0]
    if request.method == "POST" and len(agencies) > 1:
        chosen = next((a for a in agencies if str(a.pk) == request.POST.get("agency")), agencies[0])
    earlier = (SurveyAnswer.objects.filter(survey=survey, agency=chosen).prefetch_related("items__question").first())
    form = SurveyAnswerForm(posted(request), survey=survey, agencies=agencies, questions=questions,
                            initial=SurveyAnswerForm.initial_from(earlier) | {"agency": chosen.pk})
    now = clock.now()
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(actor=request.user, survey=survey, agency=form.cleaned_data["agency"],
                                   values=form.values())
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your agency's answer is saved. You may change it until the last time to "
                                        "answer."))
            return redirect("prestudy:survey_answer", survey.pk)
    return render(request, "prestudy/survey_answer.html", {
        "survey": survey, "form": form, "earlier": earlier, "is_open": survey.is_open(now)},
        status=422 if form.errors else 200)
