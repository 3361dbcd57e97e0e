"""Forms of the contract register: each change asks for its reason; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ChangeReason, ContractKind, ContractState

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0, "localize": True}


class RegisterFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All"))] + list(ContractState.choices))
    agreement = forms.ChoiceField(label=_("Framework agreement"), required=False)

    def __init__(self, *args, agreements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].choices = [("", _("All"))] + [(str(a.pk), f"{a.reference} {a.title}")
                                                               for a in agreements]


class DetailsForm(forms.Form):
    registration_number = forms.CharField(label=_("Registration number (diarienummer)"), max_length=60,
                                          required=False, help_text=_("Your agency's own number for the contract"))
    kind = forms.ChoiceField(label=_("The contract is for"), choices=ContractKind.choices, widget=forms.RadioSelect,
                             help_text=_("Changes of low value may be up to 10 per cent of the original value for goods "
                                         "and services, 15 per cent for works (LOU 17 kap. 9 §)."))


class OptionForm(forms.Form):
    description = forms.CharField(label=_("Description of the option"), max_length=300,
                                  help_text=_("As the contract states it, for example “Extension 12 months”"))
    extension_months = forms.IntegerField(label=_("Extension (months)"), required=False, min_value=1, max_value=120)
    value = forms.DecimalField(label=_("Added value (SEK, excluding VAT)"), required=False, **MONEY)
    extension_months.conditionally_required = True
    value.conditionally_required = True


class OptionUseForm(forms.Form):
    reason = forms.CharField(label=_("Why is the option used?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    months = forms.IntegerField(label=_("Extension used (months)"), required=False, min_value=0, max_value=120,
                                help_text=_("Leave empty to use all of it"))
    value = forms.DecimalField(label=_("Value used (SEK, excluding VAT)"), required=False,
                               help_text=_("Leave empty to use all of it"), **MONEY)


class ChangeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Ground for the change"), choices=ChangeReason.choices,
                               widget=forms.RadioSelect)
    description = forms.CharField(label=_("What changes, and why"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    value_after = forms.DecimalField(label=_("The contract's value after the change (SEK, excluding VAT)"), **MONEY)
    # Shown only with a warning (LOU 17 kap. 9 §, 11–12 §§): the agency decides, and the warning is recorded.
    confirm = forms.BooleanField(label=_("I have read the warning and record the change anyway"), required=False)

    def __init__(self, *args, warned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not warned:
            del self.fields["confirm"]


class CompleteForm(forms.Form):
    final_amount = forms.DecimalField(label=_("Final amount paid (SEK, excluding VAT)"), **MONEY)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReferenceCaseForm(forms.Form):
    solution = forms.ChoiceField(label=_("The supplier's solution"))
    title = forms.CharField(label=_("Title"), max_length=200)
    story = forms.CharField(label=_("What was bought"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))
    effects = forms.CharField(label=_("Effects achieved"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))
    assessment = forms.CharField(label=_("Your assessment"), max_length=10000,
                                 widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("How well did the solution and the supplier meet your needs?"))

    def __init__(self, *args, solutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution"].choices = [(str(s.pk), s.title) for s in solutions]
