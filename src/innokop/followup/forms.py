from django import forms
from django.utils.translation import gettext_lazy as _

ROW_FIELDS = ("org_number", "buyer_name", "lot", "amount")  # in the order of sheets.COLUMNS


class SalesRowForm(forms.Form):
    """One buyer's turnover. Blank rows are left out; the values are checked as a file's rows are."""

    org_number = forms.CharField(label=_("Buyer's organisation number"), max_length=20, required=False,
                                 help_text=_("NNNNNN-NNNN"))
    buyer_name = forms.CharField(label=_("Buyer"), max_length=200, required=False)
    lot = forms.ChoiceField(label=_("Lot"), required=False)
    amount = forms.CharField(label=_("Amount excluding VAT (SEK)"), max_length=30, required=False,
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def __init__(self, *args, lots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].choices = [("", _("Not stated"))] + [(str(lot.number), str(lot)) for lot in lots]

    def cells(self) -> list[str]:
        return [str(self.cleaned_data.get(name) or "") for name in ROW_FIELDS]

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) for name in ("org_number", "buyer_name", "amount"))


SalesRowFormSet = forms.formset_factory(SalesRowForm, extra=0, max_num=200, absolute_max=200)


class CorrectionForm(forms.Form):
    correction_reason = forms.CharField(
        label=_("Why do you correct the report?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The purchasing body reads the reason with the new version."))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("The filled-in file"), help_text=_("CSV (separated by ; or ,) or Excel (.xlsx), "
                                                                     "with the columns of the template."))


class FeeRateForm(forms.Form):
    rate = forms.DecimalField(label=_("Fee rate (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100, localize=True,
                              help_text=_("For example 0.70"))
    valid_from = forms.DateField(label=_("Valid from"), help_text=_("The first day of a quarter, for example "
                                                                   "2027-07-01"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
