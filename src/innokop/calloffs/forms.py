from django import forms
from django.utils.translation import gettext_lazy as _

from innokop.agreements.forms import DateInput
from innokop.agreements.models import EvaluationModel, Lot


class DateTimeInput(forms.DateTimeInput):
    """A date and a time in one field, read as Swedish time (TIME_ZONE is Europe/Stockholm)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class NeedForm(forms.Form):
    title = forms.CharField(label=_("Title of the call-off"), max_length=200,
                            help_text=_("Suppliers see it in their invitation. For example: AI support for case handling."))
    need = forms.CharField(label=_("The need"), widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("What problem should be solved, for whom, and what effect you want."))
    estimated_value = forms.DecimalField(
        label=_("Estimated value, SEK excluding VAT"), min_value=0, max_digits=14, decimal_places=0,
        help_text=_("The whole contract period, options included. It decides the method where the lot has a threshold."))


class EvaluationForm(forms.Form):
    evaluation_model = forms.ChoiceField(label=_("Evaluation model"), widget=forms.RadioSelect)
    price_weight = forms.IntegerField(label=_("Price weight (%)"), min_value=0, max_value=100, required=False,
                                      help_text=_("Used with price and quality, weighted points. Price and the "
                                                  "criteria together make 100 %."))

    def __init__(self, *args, lot: Lot, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(lot.criteria.all())
        self.fields["evaluation_model"].choices = [
            (value, EvaluationModel(value).label) for value in lot.evaluation_models if value in EvaluationModel.values]
        for criterion in self.criteria:
            self.fields[f"weight_{criterion.pk}"] = forms.IntegerField(
                label=_("Weight for %(name)s (%(min)s–%(max)s %%)") % {
                    "name": criterion.name, "min": criterion.min_weight, "max": criterion.max_weight},
                min_value=0, max_value=100, required=False, help_text=criterion.description)

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"evaluation_model": data["evaluation_model"], "price_weight": data.get("price_weight"),
                "weights": {c.pk: data.get(f"weight_{c.pk}") for c in self.criteria}}


class TimetableForm(forms.Form):
    publish_on = forms.DateField(label=_("Publication date"), widget=DateInput(),
                                 help_text=_("The tender period is counted from the day you publish."))
    questions_close = forms.DateTimeField(label=_("Last time for questions"), widget=DateTimeInput())
    answers_by = forms.DateTimeField(label=_("Last time for answers"), widget=DateTimeInput())
    tender_deadline = forms.DateTimeField(label=_("Tender deadline"), widget=DateTimeInput(),
                                          help_text=_("Swedish time. Tenders after it are refused."))
    opening_at = forms.DateTimeField(label=_("Opening of tenders"), widget=DateTimeInput())
    decision_on = forms.DateField(label=_("Planned award decision"), widget=DateInput())
    contract_start = forms.DateField(label=_("Contract starts"), widget=DateInput())
    contract_end = forms.DateField(label=_("Contract ends"), widget=DateInput(),
                                   help_text=_("Within the framework agreement's period."))


class TeamForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Colleague"), queryset=None)

    def __init__(self, *args, agency, **kwargs):
        from innokop.accounts.models import User

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(memberships__organisation=agency).distinct()


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is the call-off cancelled?"), widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Every invited supplier is sent the reason."))


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Your question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("The agency answers every invited supplier. Other suppliers never see who "
                                       "asked."))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("The answer is published to every invited supplier, without the asker."))
