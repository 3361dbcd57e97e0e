from django import forms
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.reference.forms import CpvCodesField

from .models import (
    BuyerCategory,
    CallOffMethod,
    EvaluationModel,
    FollowUpFrequency,
    FollowUpMethod,
    Lot,
    RequirementCategory,
    RequirementKind,
    SanctionKind,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AgreementForm(forms.Form):
    reference = forms.CharField(label=_("Reference number (diarienummer)"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("One or two sentences: what agencies can buy through the agreement."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("Simple formatting is kept: paragraphs, lists, bold, links."))
    cpv_codes = CpvCodesField()
    start_date = forms.DateField(label=_("Valid from"), widget=DateInput())
    end_date = forms.DateField(label=_("Valid until"), widget=DateInput(),
                               help_text=_("At most four years after the start, unless you record special reasons."))
    special_reasons = forms.CharField(label=_("Special reasons for a period over four years"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    max_value = forms.DecimalField(label=_("Maximum value, SEK excluding VAT"), min_value=1, max_digits=14,
                                   decimal_places=0,
                                   help_text=_("It binds: once the call-off contracts reach it, the agreement can no "
                                               "longer be used."))
    latest_contract_end = forms.DateField(
        label=_("Call-off contracts may run until"), required=False, widget=DateInput(),
        help_text=_("A contract awarded while the agreement is in force may run past its end. State the latest day "
                    "a call-off contract may run to, or leave empty."))
    max_contract_months = forms.IntegerField(
        label=_("Longest call-off contract, in months"), required=False, min_value=1, max_value=240,
        help_text=_("A call-off contract runs for at most four years as a main rule."))
    entitled_categories = forms.MultipleChoiceField(
        label=_("Who may call off: categories"), required=False, choices=BuyerCategory.choices,
        widget=forms.CheckboxSelectMultiple)
    entitled_organisations = forms.ModelMultipleChoiceField(
        label=_("Who may call off: named organisations"), required=False,
        queryset=Organisation.objects.filter(kind=OrganisationKind.AGENCY), widget=forms.CheckboxSelectMultiple)
    call_off_guidance = forms.CharField(
        label=_("Call-off guidance"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("How an agency calls off: steps, templates, what to think about."))
    sanctions = forms.MultipleChoiceField(
        label=_("Sanctions the agreement provides"), required=False, choices=SanctionKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What a deviation found in follow-up can be escalated to. If none is chosen, only a remark can "
                    "be given."))
    liquidated_damages_terms = forms.CharField(
        label=_("Liquidated damages (vite): the amount or the rule"), required=False, max_length=300,
        help_text=_("For example: 1 000 kronor per started week of delay, at most 10 per cent of the contract "
                    "value."))

    def clean(self):
        data = super().clean()
        if not data.get("entitled_categories") and not data.get("entitled_organisations"):
            self.add_error("entitled_categories", _("Choose at least one option for “%(categories)s” or for “%(organisations)s”.")
                           % {"categories": self.fields["entitled_categories"].label,
                              "organisations": self.fields["entitled_organisations"].label})
        return data


class TerminateForm(forms.Form):
    reason = forms.CharField(label=_("Reason for terminating the agreement"), widget=forms.Textarea(attrs={"rows": 3}))


class LotForm(forms.Form):
    number = forms.IntegerField(label=_("Lot number"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    cpv_codes = CpvCodesField(required=False)
    call_off_method = forms.ChoiceField(label=_("Call-off method"), choices=CallOffMethod.choices,
                                        widget=forms.RadioSelect)
    value_threshold = forms.DecimalField(
        label=_("For a combination: value above which renewed competition is required (SEK)"), required=False,
        min_value=1, max_digits=14, decimal_places=0)
    evaluation_models = forms.MultipleChoiceField(
        label=_("Evaluation models a call-off may use"), required=False, choices=EvaluationModel.choices,
        widget=forms.CheckboxSelectMultiple)
    min_tender_days = forms.IntegerField(label=_("Minimum tender period in call-offs (days)"), min_value=1,
                                         max_value=120, initial=10)


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(label=_("What it covers"), required=False, max_length=1000)
    min_weight = forms.IntegerField(label=_("Lowest weight (%)"), min_value=0, max_value=100)
    max_weight = forms.IntegerField(label=_("Highest weight (%)"), min_value=0, max_value=100)

    def clean(self):
        data = super().clean()
        low, high = data.get("min_weight"), data.get("max_weight")
        if low is not None and high is not None and low > high:
            self.add_error("max_weight", _("The highest weight must be at least the lowest weight."))
        return data


class PriceRowForm(forms.Form):
    label = forms.CharField(label=_("Item"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=50, help_text=_("For example: hour, licence per year, unit."))
    ceiling_price = forms.DecimalField(label=_("Ceiling price, SEK excluding VAT"), min_value=0.01, max_digits=12,
                                       decimal_places=2)


class LotSupplierForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Organisation.objects.filter(kind=OrganisationKind.SUPPLIER))
    rank = forms.IntegerField(label=_("Rank (ranking order lots)"), required=False, min_value=1, max_value=99)
    agreement_number = forms.CharField(label=_("The supplier's agreement number"), max_length=50)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    contact_phone = forms.CharField(label=_("Contact telephone"), max_length=40, required=False)


class RequirementForm(forms.Form):
    identifier = forms.CharField(label=_("Id"), max_length=20, help_text=_("For example K1 or IS-3."))
    text = forms.CharField(label=_("Requirement"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Kind"), choices=RequirementKind.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("Category"), choices=RequirementCategory.choices)
    lot = forms.ModelChoiceField(label=_("Lot"), required=False, queryset=Lot.objects.none(),
                                 empty_label=_("Every lot"))
    followup_method = forms.ChoiceField(label=_("How it is followed up"), choices=FollowUpMethod.choices)
    followup_frequency = forms.ChoiceField(label=_("How often"), choices=FollowUpFrequency.choices)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = agreement.lots.all()


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=8000)
