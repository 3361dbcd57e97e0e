"""Forms of follow-up plans, rounds and deviations. They validate input; the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from innokop.agreements.models import SANCTIONS_NEEDING_AMOUNT

from .models import AuditArea, PlanFrequency, PlanMethod, Sanction, TargetDirection

DATE = forms.DateInput(attrs={"type": "date"})


def _reason(label=_("Why do you change the plan?")) -> forms.CharField:
    return forms.CharField(label=label, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("The reason is kept with the change and shown in the item's history."))


class ItemForm(forms.Form):
    text = forms.CharField(label=_("What is followed up"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.ChoiceField(label=_("Method"), choices=PlanMethod.choices)
    frequency = forms.ChoiceField(label=_("How often"), choices=PlanFrequency.choices)
    responsible = forms.ModelChoiceField(label=_("Person responsible"), queryset=get_user_model().objects.none(),
                                         required=False)
    target = forms.DecimalField(label=_("Target (KPI)"), max_digits=14, decimal_places=2, required=False,
                                localize=True, help_text=_("For a KPI measurement: the value to reach."))
    target_direction = forms.ChoiceField(label=_("The measured value should be"), choices=TargetDirection.choices)
    unit = forms.CharField(label=_("Unit (KPI)"), max_length=30, required=False,
                           help_text=_("For example per cent, days or number of users."))
    audit_area = forms.ChoiceField(label=_("Audit area"), choices=[("", _("Not an audit"))] + AuditArea.choices,
                                   required=False)
    reason = _reason()

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["responsible"].queryset = people
        self.fields["responsible"].label_from_instance = lambda user: user.full_name or user.email


class ItemEditForm(ItemForm):
    active = forms.BooleanField(label=_("Followed up"), required=False,
                                help_text=_("Untick to stop following this up; its rounds and history are kept."))
    field_order = ["text", "method", "frequency", "responsible", "target", "target_direction", "unit", "audit_area",
                   "active", "reason"]


class RequestForm(forms.Form):
    supplier = forms.TypedChoiceField(label=_("Supplier"), coerce=int)
    deadline = forms.DateField(label=_("Answer by"), widget=DATE,
                               help_text=_("At least five working days from today; the answer is due by the end of "
                                           "the day."))
    question = forms.CharField(label=_("What the supplier is asked for"), max_length=4000, required=False,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("Leave empty to ask about the item as written in the plan."))
    audit = forms.BooleanField(label=_("A commissioned audit by an external auditor"), required=False)
    audit_area = forms.ChoiceField(label=_("Audit area"), choices=[("", _("Not an audit"))] + AuditArea.choices,
                                   required=False)
    auditor = forms.CharField(label=_("External auditor"), max_length=200, required=False)

    def __init__(self, *args, suppliers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [(s.pk, s.name) for s in suppliers]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6}),
                             help_text=_("How the requirement is met, and what your evidence shows."))
    value = forms.DecimalField(label=_("Measured value"), max_digits=14, decimal_places=2, required=False,
                               localize=True)
    evidence = forms.FileField(label=_("Evidence (document)"), required=False,
                               help_text=_("PDF, Word, Excel, OpenDocument, PNG, JPEG or plain text."))

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None and item.is_kpi:
            self.fields["value"].required = True
            self.fields["value"].help_text = _("In %(unit)s; the target is %(direction)s %(target)s.") % {
                "unit": item.unit, "direction": item.get_target_direction_display(), "target": item.target}
        elif item is not None:
            del self.fields["value"]


class AuditReportForm(forms.Form):
    summary = forms.CharField(label=_("The auditor's findings"), max_length=8000,
                              widget=forms.Textarea(attrs={"rows": 5}))
    report = forms.FileField(label=_("The auditor's report"),
                             help_text=_("PDF, Word, Excel, OpenDocument, PNG, JPEG or plain text."))


class AssessForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Assessment"), widget=forms.RadioSelect, choices=[
        ("met", _("Met")), ("deviation", _("A deviation: not met"))])
    reason = forms.CharField(label=_("Reasons"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("The supplier reads them. For a deviation, say what is not met."))


class ActionForm(forms.Form):
    action = forms.CharField(label=_("Corrective action"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("What you will do so that the requirement is met."))
    deadline = forms.DateField(label=_("Done by"), widget=DATE)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Is the corrective action done?"), widget=forms.RadioSelect, choices=[
        ("close", _("Yes: verified, close the deviation")),
        ("reject", _("No: send it back for a new corrective action"))])
    note = forms.CharField(label=_("How you verified it, or why it is not enough"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class EscalateForm(forms.Form):
    sanction = forms.ChoiceField(label=_("Sanction"), widget=forms.RadioSelect)
    amount = forms.DecimalField(label=_("Amount (SEK), for a price reduction or liquidated damages"), max_digits=14,
                                decimal_places=2, required=False, localize=True)
    note = forms.CharField(label=_("Reasons for the escalation"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, agreement, **kwargs):
        """Only the sanctions the framework agreement provides (a remark only when it states none)."""
        super().__init__(*args, **kwargs)
        offered = agreement.offered_sanctions
        self.fields["sanction"].choices = [(kind, Sanction(kind).label) for kind in offered]
        if not agreement.sanctions:
            self.fields["sanction"].help_text = _("The agreement %(agreement)s states no sanctions, so only a remark "
                                                  "can be given.") % {"agreement": agreement.reference}
        else:
            self.fields["sanction"].help_text = _("The sanctions the agreement %(agreement)s provides.") % {
                "agreement": agreement.reference}
        if Sanction.LIQUIDATED_DAMAGES in offered and agreement.liquidated_damages_terms:
            self.fields["amount"].help_text = _("Liquidated damages under the agreement: %(terms)s") % {
                "terms": agreement.liquidated_damages_terms}
        if not any(kind in SANCTIONS_NEEDING_AMOUNT for kind in offered):
            del self.fields["amount"]

    def clean(self):
        data = super().clean()
        data.setdefault("amount", None)
        return data
