from django import forms
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.catalogue.models import ReferenceCase

CASE_FIELDS = ("title", "need", "route", "solution", "results", "lessons")
LABELS = {"title": (_("Title in Swedish"), _("Title in English")),
          "need": (_("The need, in Swedish"), _("The need, in English")),
          "route": (_("The route, in Swedish"), _("The route, in English")),
          "solution": (_("The solution, in Swedish"), _("The solution, in English")),
          "results": (_("The results, in Swedish"), _("The results, in English")),
          "lessons": (_("The lessons, in Swedish"), _("The lessons, in English"))}
HELP = {"need": _("What the buyer needed, and why nothing on the market met it."),
        "route": _("The procedure: pre-study, market dialogue, the call-off or procurement, the contract."),
        "solution": _("What was bought and how it works."),
        "results": _("The effects achieved, with the evidence behind them."),
        "lessons": _("What others can learn: what worked, and what you would do differently.")}


class CaseForm(forms.Form):
    """A good-practice case: six parts, each in Swedish and in English."""

    organisation = forms.ModelChoiceField(label=_("Written by"), queryset=Organisation.objects.none(),
                                          empty_label=None)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        # The buyer's own reference case on a solution, approved in the catalogue, that no other case tells yet.
        self.fields["reference_case"] = forms.ModelChoiceField(
            label=_("The reference case in the catalogue (optional)"), required=False,
            help_text=_("A reference case your organisation wrote after the contract, on the solution it bought."),
            queryset=ReferenceCase.objects.filter(buyer__in=[o.pk for o in organisations], pending=False)
            .select_related("solution"))
        for part in CASE_FIELDS:
            for language, label in zip(("sv", "en"), LABELS[part], strict=True):
                if part == "title":
                    field = forms.CharField(label=label, max_length=200)
                else:
                    field = forms.CharField(label=label, max_length=20_000, help_text=HELP[part],
                                            widget=forms.Textarea(attrs={"rows": 5}))
                self.fields[f"{part}_{language}"] = field

    def case_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "organisation"}


class SubscriptionForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner body"), empty_label=None,
                                     queryset=Organisation.objects.filter(kind=OrganisationKind.PARTNER))
    feed_url = forms.URLField(label=_("Address of the feed"), max_length=500, assume_scheme="https",
                              help_text=_("The partner's feed, for example https://example.org/network/feed.json"))
    public_key = forms.CharField(label=_("Public key"), max_length=60,
                                 help_text=_("The partner's Ed25519 public key in base64, as its network page shows "
                                             "it. If the partner body's key is already known (see the list of "
                                             "partner bodies), enter that key."))
