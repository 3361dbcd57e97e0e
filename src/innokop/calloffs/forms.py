from django import forms
from django.utils.translation import gettext_lazy as _

from innokop.agreements.forms import DateInput
from innokop.agreements.models import EvaluationModel, Lot

from . import rules


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
    """The evaluation model and what it needs: weights, the value of evaluated requirements, or the fixed price."""

    VALUE_KINDS = [("amount", _("An amount in SEK")), ("percent", _("A percentage of the tender price"))]

    evaluation_model = forms.ChoiceField(label=_("Evaluation model"), widget=forms.RadioSelect)
    price_weight = forms.IntegerField(label=_("Price weight (%)"), min_value=0, max_value=100, required=False,
                                      help_text=_("Used with price and quality, weighted points. Price and the "
                                                  "criteria together make 100 %."))

    def __init__(self, *args, lot: Lot, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(lot.criteria.all())
        self.fields["evaluation_model"].choices = [
            (value, EvaluationModel(value).label) for value in lot.evaluation_models if value in EvaluationModel.values]
        for criterion in self.criteria:
            self.fields[f"weight_{criterion.pk}"] = forms.IntegerField(
                label=_("Weight for %(name)s (%(min)s–%(max)s %%)") % {
                    "name": criterion.name, "min": criterion.min_weight, "max": criterion.max_weight},
                min_value=0, max_value=100, required=False, help_text=criterion.description)
        self.evaluated = list(requirements) if EvaluationModel.VALUE_ADDED in lot.evaluation_models else []
        for requirement in self.evaluated:
            self._add_value_fields(requirement)
        if EvaluationModel.FIXED_PRICE in lot.evaluation_models:
            self.fields["fixed_price"] = forms.DecimalField(
                label=_("Fixed price, SEK excluding VAT"), min_value=0, max_digits=14, decimal_places=2,
                required=False, help_text=_("Used with fixed price, best quality: every tender is for this price, "
                                            "and the best quality wins."))

    def _add_value_fields(self, requirement) -> None:
        names = {"identifier": requirement.identifier}
        self.fields[f"value_kind_{requirement.pk}"] = forms.ChoiceField(
            label=_("What is %(identifier)s worth when a tender meets it?") % names, choices=self.VALUE_KINDS,
            widget=forms.RadioSelect, required=False, help_text=requirement.text)
        self.fields[f"value_{requirement.pk}"] = forms.DecimalField(
            label=_("Value of %(identifier)s") % names, min_value=0, max_digits=14, decimal_places=2, required=False,
            help_text=_("In SEK excluding VAT, or in percent of the tender price, as chosen above. It is deducted "
                        "from the price of a tender that meets the requirement."))

    @property
    def weight_fields(self) -> list:
        return [self["price_weight"]] + [self[f"weight_{c.pk}"] for c in self.criteria]

    @property
    def value_rows(self) -> list:
        return [(r, self[f"value_kind_{r.pk}"], self[f"value_{r.pk}"]) for r in self.evaluated]

    def clean(self):
        """A pre-check with the service's own rules, so every field's problem shows at once; the service decides."""
        data = super().clean()
        model = data.get("evaluation_model")
        problems = {}
        if model == EvaluationModel.VALUE_ADDED:
            for requirement in self.evaluated:
                problems |= rules.requirement_value_problems(requirement, data.get(f"value_kind_{requirement.pk}"),
                                                             data.get(f"value_{requirement.pk}"))
        if model == EvaluationModel.FIXED_PRICE and "fixed_price" in self.fields:
            problems |= rules.fixed_price_problems(data.get("fixed_price"))
        for field, message in problems.items():
            if field not in self.errors:  # a figure that could not be read already says so
                self.add_error(field, message)
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        values = {}
        for requirement in self.evaluated:
            kind, value = data.get(f"value_kind_{requirement.pk}"), data.get(f"value_{requirement.pk}")
            if kind and value is not None:
                values[str(requirement.pk)] = {kind: str(value)}
        return {"evaluation_model": data["evaluation_model"], "price_weight": data.get("price_weight"),
                "weights": {c.pk: data.get(f"weight_{c.pk}") for c in self.criteria},
                "requirement_values": values, "fixed_price": data.get("fixed_price")}


CONTRACT_END_HELP = _("Awarded while the framework agreement is in force, the contract may run past its end, within "
                      "the limits the agreement states; at most four years as a main rule.")
LONG_REASON_LABEL = _("Reasons for a contract over four years (only if it is longer)")


class TimetableForm(forms.Form):
    publish_on = forms.DateField(label=_("Publication date"), widget=DateInput(),
                                 help_text=_("Today publishes the call-off as soon as you publish it; a later day "
                                             "schedules it for the start of that day (Swedish time), and the "
                                             "suppliers are invited then. The tender period is counted from this "
                                             "day."))
    questions_close = forms.DateTimeField(label=_("Last time for questions"), widget=DateTimeInput())
    answers_by = forms.DateTimeField(label=_("Last time for answers"), widget=DateTimeInput())
    tender_deadline = forms.DateTimeField(label=_("Tender deadline"), widget=DateTimeInput(),
                                          help_text=_("Swedish time. Tenders after it are refused."))
    opening_at = forms.DateTimeField(label=_("Opening of tenders"), widget=DateTimeInput())
    decision_on = forms.DateField(label=_("Planned award decision"), widget=DateInput())
    contract_start = forms.DateField(label=_("Contract starts"), widget=DateInput())
    contract_end = forms.DateField(label=_("Contract ends"), widget=DateInput(), help_text=CONTRACT_END_HELP)
    long_contract_reason = forms.CharField(label=LONG_REASON_LABEL, required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}))


class ContractPeriodForm(forms.Form):
    """Ranking order has no tender period: the timetable step asks only for the contract period."""

    contract_start = forms.DateField(label=_("Contract starts"), widget=DateInput())
    contract_end = forms.DateField(label=_("Contract ends"), widget=DateInput(), help_text=CONTRACT_END_HELP)
    long_contract_reason = forms.CharField(label=LONG_REASON_LABEL, required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}))


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
