"""Pages of the analysis and conclusion (the purchasing body): the dashboard, the checklist of preconditions,
the report and "start the procurement"."""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.calloffs.models import CallOff
from innokop.core import clock
from innokop.core.forms import add_service_errors, posted, service_button
from innokop.core.refusals import REFUSALS

from .. import analysis
from ..models import Assessment, PreStudy, PreStudyStatus, ProcurementRoute, Recommendation
from ..permissions import agency_memberships, get_need_for_its_agencies, get_prestudy_for_actor
from ..services import procurement


class AssessmentForm(forms.Form):
    route = forms.ChoiceField(label=gettext_lazy("Procurement route"), choices=ProcurementRoute.choices,
                              widget=forms.RadioSelect)
    route_reasons = forms.CharField(label=gettext_lazy("Why this route"), widget=forms.Textarea(attrs={"rows": 3}))
    competition = forms.CharField(label=gettext_lazy("Your assessment of the competition"),
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=gettext_lazy("The number of potential suppliers and SMEs is computed "
                                                         "and shown above."))
    contract_years = forms.IntegerField(label=gettext_lazy("Years the agreement would run"), min_value=1,
                                        max_value=10, initial=analysis.DEFAULT_YEARS)
    value_note = forms.CharField(label=gettext_lazy("Comment on the estimated value"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    risks = forms.CharField(label=gettext_lazy("Risks"), widget=forms.Textarea(attrs={"rows": 3}))
    recommendation = forms.ChoiceField(label=gettext_lazy("Recommendation"), choices=Recommendation.choices,
                                       widget=forms.RadioSelect)
    recommendation_text = forms.CharField(label=gettext_lazy("The recommendation and its grounds"),
                                          widget=forms.Textarea(attrs={"rows": 4}))

    @staticmethod
    def initial_from(assessment: Assessment | None) -> dict:
        if assessment is None:
            return {"contract_years": analysis.DEFAULT_YEARS}
        return {name: getattr(assessment, name) for name in (
            "route", "route_reasons", "competition", "contract_years", "value_note", "risks", "recommendation",
            "recommendation_text")}


class StartForm(forms.Form):
    reasons = forms.CharField(label=gettext_lazy("Reasons for the decision"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=gettext_lazy("The agencies whose needs the pre-study took up read them."))
    start_date = forms.DateField(label=gettext_lazy("The agreement would be valid from"))
    end_date = forms.DateField(label=gettext_lazy("The agreement would be valid until"))


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@login_required
@require_safe
def prestudy_dashboard(request, pk: int):
    prestudy = get_prestudy_for_actor(request.actor, pk)
    needs = analysis.prestudy_needs(prestudy)
    found = analysis.facts(prestudy, needs=needs)
    return render(request, "prestudy/analysis/dashboard.html", {
        "prestudy": prestudy, "charts": analysis.dashboard(prestudy, needs=needs, found=found), "facts": found,
        "manages": PreStudy.objects.managed_by(request.actor).filter(pk=prestudy.pk).exists()})


@login_required
@require_http_methods(["GET", "POST"])
def prestudy_checklist(request, pk: int):
    prestudy = get_prestudy_for_actor(request.actor, pk, write=True)
    assessment = Assessment.objects.filter(prestudy=prestudy).first()
    form = AssessmentForm(posted(request), initial=AssessmentForm.initial_from(assessment))
    if request.method == "POST" and form.is_valid():
        try:
            procurement.assessment_save(actor=request.user, prestudy=prestudy,
                                        given=procurement.AssessmentInput(**form.cleaned_data))
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The checklist is saved."))
            return redirect("prestudy:prestudy_detail", prestudy.pk)
    years = form.cleaned_data.get("contract_years") if form.is_bound and form.is_valid() else (
        assessment.contract_years if assessment else analysis.DEFAULT_YEARS)
    found = analysis.facts(prestudy, years=years or analysis.DEFAULT_YEARS)
    return render(request, "prestudy/analysis/checklist.html", {
        "prestudy": prestudy, "form": form, "facts": found, "assessment": assessment,
        "possible": prestudy.status in procurement.ASSESSED_STATUSES,
        "threshold_sentences": [analysis.threshold_sentence(row, found.estimated_value) for row in found.thresholds]},
        status=422 if form.errors else 200)


@login_required
@require_POST
def report_generate(request, pk: int):
    prestudy = get_prestudy_for_actor(request.actor, pk, write=True)
    service_button(request, procurement.report_generate, _("The report and the drafted requirements are saved as "
                                                           "documents of the pre-study."), prestudy=prestudy)
    return redirect("prestudy:prestudy_detail", prestudy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def procurement_start(request, pk: int):
    prestudy = get_prestudy_for_actor(request.actor, pk, write=True)
    today = clock.now().date()
    years = getattr(getattr(prestudy, "assessment", None), "contract_years", analysis.DEFAULT_YEARS)
    form = StartForm(posted(request), initial={"start_date": today,
                                                     "end_date": _add_years(today, years) - timedelta(days=1)})
    if request.method == "POST" and form.is_valid():
        try:
            agreement = procurement.procurement_start(actor=request.user, prestudy=prestudy, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("A draft framework agreement is created from the pre-study. Check and change "
                                        "it before it is published."))
            return redirect("agreements:agreement_detail", agreement.pk)
    needs = analysis.prestudy_needs(prestudy) if prestudy.status == PreStudyStatus.CONCLUDED else []
    return render(request, "prestudy/analysis/start.html", {
        "prestudy": prestudy, "form": form, "possible": prestudy.status == PreStudyStatus.CONCLUDED,
        "lots": procurement.proposed_lots(needs), "requirements": analysis.drafted_requirements(needs)},
        status=422 if form.errors else 200)


# --- the need met ----------------------------------------------------------------------------------------------


class NeedCallOffForm(forms.Form):
    calloff = forms.ModelChoiceField(label=gettext_lazy("The call-off that answers the need"),
                                     queryset=CallOff.objects.none(), widget=forms.RadioSelect,
                                     help_text=gettext_lazy("Your agency's call-offs from the framework agreement "
                                                            "the need's pre-study led to."))

    def __init__(self, *args, calloffs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calloff"].queryset = calloffs
        self.fields["calloff"].label_from_instance = lambda calloff: f"{calloff.reference} {calloff.title} " \
                                                                     f"({calloff.get_status_display()})"


@login_required
@require_http_methods(["GET", "POST"])
def need_calloffs(request, pk: int):
    need = get_need_for_its_agencies(request.actor, pk)
    own = [agency.pk for agency in agency_memberships(request.actor)]
    agreement_id = need.prestudy.agreement_id if need.prestudy else None
    calloffs = (CallOff.objects.filter(agency_id__in=own, lot__agreement_id=agreement_id).exclude(status="cancelled")
                .exclude(pk__in=need.calloff_links.values("calloff_id")).order_by("reference"))
    form = NeedCallOffForm(posted(request), calloffs=calloffs)
    if request.method == "POST" and form.is_valid():
        try:
            procurement.need_calloff_name(actor=request.user, need=need, calloff=form.cleaned_data["calloff"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The call-off is named for the need. The need shows it was met once the "
                                        "contract is signed."))
            return redirect("prestudy:need_detail", need.pk)
    return render(request, "prestudy/analysis/need_calloffs.html", {
        "need": need, "form": form, "possible": agreement_id is not None and calloffs.exists()},
        status=422 if form.errors else 200)
