"""Forms of the opening, evaluation, award decision and contract pages. Forms validate; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from innokop.agreements.forms import DateInput

from .forms import CONTRACT_END_HELP, LONG_REASON_LABEL
from .services.evaluating import MAX_SCORE

SCORE_CHOICES = [(str(n), str(n)) for n in range(MAX_SCORE + 1)]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejecting the tender"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("The supplier is sent the reason with the award decision."))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the evaluation reopened?"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Kept in the procurement record. The stored ranking is removed; scores and "
                                         "qualification stay and can be changed."))


class DeclarationForm(forms.Form):
    confirm = forms.BooleanField(label=_("I confirm the declaration above"), required=False)


class ScoresForm(forms.Form):
    """A score 0–5 and reasons per criterion; the consensus form requires the reasons."""

    def __init__(self, *args, criteria, reasons_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            name = criterion.lot_criterion.name
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Score for %(name)s (weight %(weight)s %%)") % {"name": name, "weight": criterion.weight},
                choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect,
                help_text=_("0 is the lowest, %(max)s the highest.") % {"max": MAX_SCORE},
                error_messages={"required": _("Give %(name)s a score from 0 to %(max)s.") % {
                    "name": name, "max": MAX_SCORE}})
            self.fields[f"reason_{criterion.pk}"] = forms.CharField(
                label=_("Reasons for the score on %(name)s") % {"name": name}, max_length=4000,
                required=reasons_required, widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": _("Give the reasons for the consensus score on %(name)s.") % {
                    "name": name}})

    def pairs(self):
        """The fields criterion by criterion, for the template's fieldsets."""
        return [(c, self[f"score_{c.pk}"], self[f"reason_{c.pk}"]) for c in self.criteria]

    def service_data(self) -> dict[int, tuple[int, str]]:
        data = self.cleaned_data
        return {c.pk: (data[f"score_{c.pk}"], data.get(f"reason_{c.pk}", "")) for c in self.criteria}


class LotDrawForm(forms.Form):
    """The drawn place of each tied tender, and the witness of the draw."""

    witness = forms.CharField(label=_("Witness of the draw"), max_length=200,
                              help_text=_("The name of the person, outside the evaluation, who saw the lots drawn."))

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        for group in groups:
            names = []
            for opened in group:
                name = f"position_{opened.pk}"
                self.fields[name] = forms.TypedChoiceField(
                    label=_("Drawn place of %(supplier)s") % {"supplier": opened.tender.supplier.name},
                    choices=[("", "–")] + [(str(n), str(n)) for n in range(1, len(group) + 1)], coerce=int)
                names.append(name)
            self.groups.append([self[name] for name in names])
        self.order_fields([name for name in self.fields if name != "witness"] + ["witness"])

    def draw(self) -> dict[int, int]:
        return {int(name.removeprefix("position_")): value for name, value in self.cleaned_data.items()
                if name.startswith("position_")}


class DecisionForm(forms.Form):
    # Which completed evaluation the text was written from: sending refuses if it has changed since.
    evaluation = forms.CharField(widget=forms.HiddenInput, required=False)
    reasons = forms.CharField(label=_("Reasons for the decision"), max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 12}),
                              help_text=_("Prefilled from the evaluation. Every tenderer is sent them."))
    advantages = forms.CharField(label=_("The winning tender's relative advantages"), max_length=20000,
                                 widget=forms.Textarea(attrs={"rows": 8}),
                                 help_text=_("What made the winning tender better than the others."))
    standstill = forms.TypedChoiceField(
        label=_("Standstill period"), widget=forms.RadioSelect, coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes: signing is locked for at least 10 days after sending")),
                 ("no", _("No: the contract may be signed once the decision is sent"))],
        help_text=_("Optional for call-offs. Day 0 is the sending day; a period ending on a weekend or public "
                    "holiday ends on the next working day."))


class ContractForm(forms.Form):
    value = forms.DecimalField(label=_("Contract value, SEK excluding VAT"), min_value=0, max_digits=14,
                               decimal_places=2, help_text=_("Prefilled with the winner's tendered price."))
    starts_on = forms.DateField(label=_("Contract starts"), widget=DateInput())
    ends_on = forms.DateField(label=_("Contract ends"), widget=DateInput(), help_text=CONTRACT_END_HELP)
    long_contract_reason = forms.CharField(label=LONG_REASON_LABEL, required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}))
