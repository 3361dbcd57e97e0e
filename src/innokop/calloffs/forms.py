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
        data = super().clean()
        model = data.get("evaluation_model")
        if model == EvaluationModel.VALUE_ADDED:
            for requirement in self.evaluated:
                self._clean_value(data, requirement)
        if model == EvaluationModel.FIXED_PRICE and "fixed_price" in self.fields and not data.get("fixed_price") \
                and "fixed_price" not in self.errors:
            self.add_error("fixed_price", _("State the fixed price in SEK excluding VAT, above 0."))
        return data

    def _clean_value(self, data: dict, requirement) -> None:
        names = {"identifier": requirement.identifier}
        kind_name, value_name = f"value_kind_{requirement.pk}", f"value_{requirement.pk}"
        kind, value = data.get(kind_name), data.get(value_name)
        if not kind:
            self.add_error(kind_name, _("Choose whether %(identifier)s is worth an amount or a percentage.")
                           % names)
        if value_name in self.errors:
            return
        if value is None or value <= 0:
            self.add_error(value_name, _("Give what %(identifier)s is worth, above 0.") % names)
        elif kind == "percent" and value > 100:
            self.add_error(value_name, _("A percentage of the price can be at most 100."))

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


class ContractPeriodForm(forms.Form):
    """Ranking order has no tender period: the timetable step asks only for the contract period."""

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
