"""Forms validate input; the services decide. One form per section of a solution's task list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from innokop.agreements.models import Lot
from innokop.reference.forms import CpvCodesField
from innokop.reference.models import NutsRegion

from .models import TRL_CHOICES, AttachmentKind, DataLocation, EvidenceKind, PricingModel, ReviewStatus

RICH_TEXT_HINT = _("Separate paragraphs with a blank line. You may use simple HTML: <strong>, <em>, lists and links.")


class SolutionStartForm(forms.Form):
    title = forms.CharField(label=_("Name of the solution"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=400, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One or two sentences that an agency reads first (at most 400 characters)."))


class DescriptionForm(SolutionStartForm):
    problem = forms.CharField(label=_("The problem it solves"), widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=RICH_TEXT_HINT)
    how_it_works = forms.CharField(label=_("How it works"), widget=forms.Textarea(attrs={"rows": 6}),
                                   help_text=RICH_TEXT_HINT)


class EffectsForm(forms.Form):
    effects = forms.CharField(
        label=_("Effects, and the evidence behind them"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What gets better for the agency and the people it serves, by how much, and how you know. "
                    "Separate paragraphs with a blank line."),
    )


def trl_help() -> str:
    return _("The EU's technology readiness levels: TRL 1 – basic principles observed; TRL 4 – technology "
             "validated in lab; TRL 7 – system prototype demonstration in operational environment; TRL 9 – actual "
             "system proven in operational environment.")


class ClassificationForm(forms.Form):
    trl = forms.TypedChoiceField(label=_("Technology readiness level (TRL)"), choices=TRL_CHOICES, coerce=int,
                                 widget=forms.RadioSelect, help_text=trl_help())
    cpv_codes = CpvCodesField()
    nationwide = forms.BooleanField(label=_("Available in all of Sweden"), required=False)
    regions = forms.ModelMultipleChoiceField(label=_("Regions where it is available"), required=False,
                                             queryset=NutsRegion.objects.all(),
                                             widget=forms.CheckboxSelectMultiple)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("nationwide") and not data.get("regions"):
            self.add_error("regions", _("Choose at least one region, or tick “Available in all of Sweden”."))
        return data


class CommercialForm(forms.Form):
    pricing_model = forms.ChoiceField(label=_("Pricing model"), choices=PricingModel.choices,
                                      widget=forms.RadioSelect)
    pricing_details = forms.CharField(label=_("Pricing details"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text=_("For example the price per unit, volume discounts, what is included."))
    data_location = forms.ChoiceField(label=_("Where data is stored"), choices=DataLocation.choices,
                                      widget=forms.RadioSelect)
    accessibility = forms.CharField(
        label=_("Accessibility"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How the solution meets accessibility requirements, for example EN 301 549 / WCAG 2.1 AA."),
    )
    lots = forms.ModelMultipleChoiceField(label=_("Lots it can be called off through"), required=False,
                                          queryset=Lot.objects.none(), widget=forms.CheckboxSelectMultiple,
                                          help_text=_("Only lots your company is admitted to."))

    def __init__(self, *args, supplier=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lots"].queryset = Lot.objects.filter(
            lot_suppliers__supplier=supplier, agreement__published_at__isnull=False,
            agreement__terminated_at__isnull=True).select_related("agreement")


SECTION_FORMS = {
    "description": DescriptionForm,
    "effects": EffectsForm,
    "classification": ClassificationForm,
    "commercial": CommercialForm,
}


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=EvidenceKind.choices, widget=forms.RadioSelect)
    provided_by = forms.CharField(label=_("By whom"), max_length=200,
                                  help_text=_("The organisation that ran the pilot, test or certification."))
    date = forms.DateField(label=_("When"), help_text=_("For example 2026-11-30."))
    description = forms.CharField(label=_("What was shown"), widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(label=_("Document (a report or certificate)"), required=False)


class ReferenceCaseForm(forms.Form):
    customer = forms.CharField(label=_("Customer"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200)
    story = forms.CharField(label=_("What was done and what it gave"), widget=forms.Textarea(attrs={"rows": 6}),
                            help_text=RICH_TEXT_HINT)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of file"), choices=AttachmentKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), help_text=_("Images: PNG or JPEG. Documents: PDF, Word, OpenDocument."))
    alt_text = forms.CharField(label=_("Description of the image"), max_length=300, required=False,
                               help_text=_("For people who cannot see the image. Required for images."))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             help_text=_("The supplier sees the reason."))


class EvidenceReviewForm(forms.Form):
    status = forms.ChoiceField(choices=[(ReviewStatus.ACCEPTED, _("Accept")), (ReviewStatus.REJECTED, _("Reject"))])
    note = forms.CharField(required=False)


class CollectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(label=_("Address (slug)"), max_length=80,
                           help_text=_("Lower-case letters, digits and hyphens, for example energy-efficiency."))
    introduction = forms.CharField(label=_("Introduction"), widget=forms.Textarea(attrs={"rows": 6}),
                                   required=False, help_text=RICH_TEXT_HINT)
    published = forms.BooleanField(label=_("Published"), required=False)
    featured = forms.BooleanField(label=_("Featured on the start page"), required=False)
