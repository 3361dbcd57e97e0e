from django import forms
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation, OrganisationKind, Sector, User
from innokop.agreements.models import FrameworkAgreement
from innokop.calloffs.forms import DateTimeInput
from innokop.catalogue.models import Solution
from innokop.reference.forms import CpvCodesField
from innokop.reference.models import NutsRegion

from .models import ContactKind, MarketEntryKind, Need, PreStudy, PreStudyStatus, QuestionKind, Urgency
from .services import NeedInput, PreStudyInput
from .services.market import RECORDED_KINDS
from .services.surveys import ALL_AGENCIES

QUARTERS = [("", _("Not stated")), ("1", _("Q1 (January–March)")), ("2", _("Q2 (April–June)")),
            ("3", _("Q3 (July–September)")), ("4", _("Q4 (October–December)"))]


def _date(label, help_text=""):
    return forms.DateField(label=label, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"}))


class RegionField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset=NutsRegion.objects.all(), empty_label=_("The whole of Sweden"), **kwargs)

    def label_from_instance(self, obj):
        return obj.label


class PreStudyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    area = forms.CharField(label=_("Area"), widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("The field the pre-study covers, the problems in it and the development "
                                       "going on."))
    cpv_codes = CpvCodesField()
    questions = forms.CharField(label=_("Questions the pre-study must answer"), widget=forms.Textarea(attrs={"rows": 5}),
                                help_text=_("One question per line."))
    team = forms.ModelMultipleChoiceField(label=_("Pre-study team"), queryset=User.objects.none(),
                                          widget=forms.CheckboxSelectMultiple, required=False,
                                          help_text=_("People of the purchasing body who work on the pre-study. "
                                                      "They are told when it moves on. Without a choice, you are "
                                                      "the team."))
    starts_on = _date(_("Start"))
    needs_until = _date(_("Last day to collect needs"))
    concludes_on = _date(_("Planned conclusion"))

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = User.objects.filter(memberships__organisation=owner, is_active=True).distinct()

    @classmethod
    def initial_from(cls, prestudy: PreStudy) -> dict:
        return {"title": prestudy.title, "area": prestudy.area, "cpv_codes": prestudy.cpv_codes.all(),
                "questions": prestudy.questions, "team": prestudy.team.all(), "starts_on": prestudy.starts_on,
                "needs_until": prestudy.needs_until, "concludes_on": prestudy.concludes_on}

    def prestudy_input(self) -> PreStudyInput:
        data = self.cleaned_data
        return PreStudyInput(title=data["title"], area=data["area"], questions=data["questions"],
                             starts_on=data["starts_on"], needs_until=data["needs_until"],
                             concludes_on=data["concludes_on"], cpv_codes=data["cpv_codes"], team=list(data["team"]))


class AdvanceForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Kept with the step and sent to the team. Needed when the pre-study goes back "
                                       "to collecting."))


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (PreStudyStatus.PROCUREMENT_STARTED, _("Start a procurement")),
        (PreStudyStatus.NOT_PURSUED, _("Do not pursue"))])
    reasons = forms.CharField(label=_("Reasons for the decision"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("The agencies whose needs the pre-study took up read them."))
    agreement = forms.ModelChoiceField(label=_("Framework agreement it led to"), required=False,
                                       queryset=FrameworkAgreement.objects.none(), empty_label=_("None yet"),
                                       help_text=_("Where the procurement has already led to one of your "
                                                   "agreements in Innoköp."))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = FrameworkAgreement.objects.managed_by(actor)


class NeedForm(forms.Form):
    title = forms.CharField(label=_("Short name of the need"), max_length=200,
                            help_text=_("Name the problem, not a product: “Fewer overfull recycling stations”, not "
                                        "a brand."))
    problem = forms.CharField(label=_("The problem"), widget=forms.Textarea(attrs={"rows": 4}))
    current_situation = forms.CharField(label=_("How it is done today"), widget=forms.Textarea(attrs={"rows": 3}))
    desired_effects = forms.CharField(label=_("The effects you want"), widget=forms.Textarea(attrs={"rows": 3}))
    effect_measures = forms.CharField(label=_("How the effects will be measured"),
                                      widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text=_("For example: share of overfull containers, handling time in "
                                                  "days, hours saved per year."))
    affected = forms.CharField(label=_("Who is affected"), widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("Residents, patients, staff, other agencies …"))
    volume = forms.IntegerField(label=_("Volume per year"), min_value=1, max_value=2_000_000_000)
    volume_unit = forms.CharField(label=_("Unit of the volume"), max_length=60,
                                  help_text=_("For example users, containers, cases or vehicles."))
    budget = forms.DecimalField(label=_("Budget per year (SEK, excluding VAT)"), required=False, min_value=0,
                                max_digits=14, decimal_places=0, localize=True,
                                help_text=_("Seen only by your agency and the purchasing body, never shown to other "
                                            "agencies, suppliers or the public."))
    needed_year = forms.IntegerField(label=_("Year the need should be met"), min_value=2000, max_value=2100)
    needed_quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int, empty_value=None,
                                            required=False)
    needed_by = forms.DateField(label=_("Needed by (a date)"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    cpv_codes = CpvCodesField()
    region = RegionField(label=_("Region"))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect)
    is_public = forms.TypedChoiceField(label=_("Who may read the need"), widget=forms.RadioSelect, coerce=lambda v: v == "1",
                                       choices=[("1", _("Public: anyone may read it and other agencies may join it "
                                                        "(the budget stays hidden)")),
                                                ("0", _("Internal: your agency and the purchasing body only"))])

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(agencies) > 1:  # someone in several agencies says which one the need is for
            self.fields = {"agency": forms.ModelChoiceField(
                label=_("Your agency"), empty_label=None,
                queryset=Organisation.objects.filter(pk__in=[a.pk for a in agencies]))} | dict(self.fields)

    @classmethod
    def initial_from(cls, need: Need) -> dict:
        initial = {name: getattr(need, name) for name in (
            "title", "problem", "current_situation", "desired_effects", "effect_measures", "affected", "volume",
            "volume_unit", "budget", "needed_year", "needed_quarter", "needed_by", "region", "urgency")}
        return initial | {"cpv_codes": need.cpv_codes.all(), "is_public": "1" if need.is_public else "0"}

    def need_input(self) -> NeedInput:
        data = self.cleaned_data
        return NeedInput(**{name: data[name] for name in (
            "title", "problem", "current_situation", "desired_effects", "effect_measures", "affected", "volume",
            "volume_unit", "budget", "needed_year", "needed_quarter", "needed_by", "region", "urgency", "is_public",
            "cpv_codes")})

    def texts(self) -> list[str]:
        return [self.cleaned_data.get(name) or "" for name in (
            "title", "problem", "current_situation", "desired_effects", "effect_measures", "affected")]


class JoinForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Your agency"), queryset=None, empty_label=None)
    volume = forms.IntegerField(label=_("Your volume per year"), min_value=1, max_value=2_000_000_000)
    needed_year = forms.IntegerField(label=_("Year you need it"), min_value=2000, max_value=2100)
    needed_quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int, empty_value=None,
                                            required=False)
    region = RegionField(label=_("Your region"), help_text=_("Leave it as it is if it is the need's own region."))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agencies, need, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Organisation.objects.filter(pk__in=[a.pk for a in agencies])
        self.agencies = agencies
        if len(agencies) == 1:
            self.fields["agency"].widget = forms.HiddenInput()
            self.fields["agency"].required = False
        self.fields["volume"].label = _("Your volume per year (%(unit)s)") % {"unit": need.volume_unit}
        self.fields["region"].empty_label = _("The need's region")

    def clean_agency(self):
        return self.cleaned_data.get("agency") or self.agencies[0]


class LinkForm(forms.Form):
    prestudy = forms.ModelChoiceField(label=_("Pre-study"), queryset=PreStudy.objects.none(), empty_label=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prestudy"].queryset = PreStudy.objects.managed_by(actor).filter(status__in=[
            PreStudyStatus.PLANNING, PreStudyStatus.COLLECTING, PreStudyStatus.ANALYSING])


# --- surveys ---------------------------------------------------------------------------------------------------


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    introduction = forms.CharField(label=_("Introduction"), widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text=_("Why you ask, and what the answers are used for."))
    deadline = forms.DateTimeField(label=_("Last time to answer"), widget=DateTimeInput(),
                                   help_text=_("Swedish time. Agencies that have not answered are reminded a week "
                                               "and a day before."))
    sector = forms.ChoiceField(label=_("Who is asked"), widget=forms.RadioSelect, required=False,
                               help_text=_("Every agency of a sector is read when the survey is sent; or choose the "
                                           "agencies below."))
    agencies = forms.ModelMultipleChoiceField(label=_("Chosen agencies"), queryset=Organisation.objects.none(),
                                              widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("The agencies I choose below")),
                                         (ALL_AGENCIES, _("Every agency in Innoköp")),
                                         *[(value, _("Every agency of the sector: %(sector)s") % {"sector": label})
                                           for value, label in Sector.choices]]
        self.fields["agencies"].queryset = Organisation.objects.filter(kind=OrganisationKind.AGENCY).order_by("name")


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=QuestionKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Question"), max_length=500)
    choices = forms.CharField(label=_("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("For a choice question: one choice per line."))
    required = forms.BooleanField(label=_("An answer is required"), required=False)


class SurveyAnswerForm(forms.Form):
    """One field per question of the survey, named q_<id>, filled from the agency's earlier answer."""

    agency = forms.ModelChoiceField(label=_("Your agency"), queryset=Organisation.objects.none(), empty_label=None)

    def __init__(self, *args, survey, agencies, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = agencies
        self.fields["agency"].queryset = Organisation.objects.filter(pk__in=[a.pk for a in agencies])
        if len(agencies) == 1:
            self.fields["agency"].widget = forms.HiddenInput()
            self.fields["agency"].required = False
        self.questions = questions
        for question in questions:
            name, label = f"q_{question.pk}", f"{question.position}. {question.text}"
            required = question.required
            if question.kind == QuestionKind.TEXT:
                field = forms.CharField(label=label, required=required, max_length=5000,
                                        widget=forms.Textarea(attrs={"rows": 4}))
            elif question.kind == QuestionKind.NUMBER:
                field = forms.DecimalField(label=label, required=required, max_digits=16, decimal_places=2)
            elif question.kind == QuestionKind.SINGLE:
                field = forms.ChoiceField(label=label, required=required, widget=forms.RadioSelect,
                                          choices=[(c, c) for c in question.choice_list])
            else:
                field = forms.MultipleChoiceField(label=label, required=required, widget=forms.CheckboxSelectMultiple,
                                                  choices=[(c, c) for c in question.choice_list])
            self.fields[name] = field

    def clean_agency(self):
        return self.cleaned_data.get("agency") or self.agencies[0]

    def values(self) -> dict:
        return {question.pk: self.cleaned_data.get(f"q_{question.pk}") for question in self.questions}

    @staticmethod
    def initial_from(answer) -> dict:
        if answer is None:
            return {}
        initial = {}
        for item in answer.items.all():
            value = item.text or item.number
            if item.question.kind == QuestionKind.SINGLE:
                value = item.chosen[0] if item.chosen else None
            elif item.question.kind == QuestionKind.MULTIPLE:
                value = item.chosen
            initial[f"q_{item.question_id}"] = value
        return initial


# --- the market ------------------------------------------------------------------------------------------------


class DialogueForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What you want to know"), widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("Shown on the public page. Describe the area and the needs, not a "
                                              "product."))
    questions = forms.CharField(label=_("Questions to the market"), widget=forms.Textarea(attrs={"rows": 6}),
                                help_text=_("One question per line."))
    deadline = forms.DateTimeField(label=_("Last time to answer"), widget=DateTimeInput(),
                                   help_text=_("Swedish time."))


class DialogueDocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, OpenDocument, PNG, JPEG or plain text. "
                                                        "Public once the request is published."))


class RfiAnswerForm(forms.Form):
    """One field per question of the request (answer_1 ...), the secrecy request, and the supplier answering."""

    supplier = forms.ModelChoiceField(label=_("Your company"), queryset=Organisation.objects.none(), empty_label=None)

    def __init__(self, *args, dialogue, suppliers, **kwargs):
        super().__init__(*args, **kwargs)
        self.suppliers = suppliers
        self.fields["supplier"].queryset = Organisation.objects.filter(pk__in=[s.pk for s in suppliers])
        if len(suppliers) == 1:
            self.fields["supplier"].widget = forms.HiddenInput()
            self.fields["supplier"].required = False
        self.count = len(dialogue.question_list)
        for number, question in enumerate(dialogue.question_list, start=1):
            self.fields[f"answer_{number}"] = forms.CharField(
                label=f"{number}. {question}", required=False, max_length=20000,
                widget=forms.Textarea(attrs={"rows": 5}))
        self.fields["secrecy_parts"] = forms.CharField(
            label=_("Parts you ask to keep secret (optional)"), required=False, max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Your answer becomes a public document once received. Name the parts that are business "
                        "secrets, for example “answer 2, the prices”."))
        self.fields["secrecy_reasons"] = forms.CharField(
            label=_("Why disclosing them would harm your company (optional)"), required=False, max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Public access to official documents and secrecy act (OSL) 31:16. The purchasing body "
                        "reviews the request if someone asks for the document."))

    def clean_supplier(self):
        return self.cleaned_data.get("supplier") or self.suppliers[0]

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(f"answer_{n}", "") for n in range(1, self.count + 1)]

    @staticmethod
    def initial_from(response) -> dict:
        if response is None:
            return {}
        initial = {f"answer_{n}": item.get("answer", "") for n, item in enumerate(response.answers, start=1)}
        return initial | {"secrecy_parts": response.secrecy_parts, "secrecy_reasons": response.secrecy_reasons}


class SummaryForm(forms.Form):
    summary = forms.CharField(label=_("Anonymised summary"), widget=forms.Textarea(attrs={"rows": 10}),
                              help_text=_("What the market said, without names of suppliers or their business "
                                          "secrets. Shown on the public page of the request."))


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput(), help_text=_("Swedish time."))
    minutes_long = forms.IntegerField(label=_("Length in minutes"), min_value=15, max_value=480, initial=60)
    place = forms.CharField(label=_("Place or link"), max_length=300)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}))
    shared = forms.CharField(label=_("Information shared with this supplier only (optional)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("What the supplier was told or given that the others were not. It is "
                                         "listed for the procurement documents, so every tenderer gets it."))


class ContactForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("Kind of contact"), widget=forms.RadioSelect)
    summary = forms.CharField(label=_("What it was about"), widget=forms.Textarea(attrs={"rows": 4}))
    shared = forms.CharField(label=_("Information shared with this supplier only (optional)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Listed for the procurement documents, so every tenderer gets it."))
    document_title = forms.CharField(label=_("Title of a document given to the supplier (optional)"),
                                     required=False, max_length=255)
    file = forms.FileField(label=_("The document (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).order_by("name")
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in map(ContactKind, RECORDED_KINDS)]


class MarketEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    country = forms.CharField(label=_("Country (two letters)"), max_length=2, initial="SE")
    source = forms.CharField(label=_("Source"), max_length=500,
                             help_text=_("A web address or a reference. Innoköp does not fetch it."))
    solution = forms.ModelChoiceField(label=_("Solution in the catalogue (optional)"), required=False,
                                      queryset=None)
    supplier = forms.ModelChoiceField(label=_("Supplier in Innoköp (optional)"), required=False,
                                      queryset=Organisation.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = MarketEntryKind.choices
        self.fields["solution"].queryset = Solution.objects.published().select_related("supplier").order_by("title")
        self.fields["supplier"].queryset = Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).order_by("name")
