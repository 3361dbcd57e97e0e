"""Pre-studies of the purchasing body and the agencies' needs, with other agencies joining them (demand
aggregation).

A pre-study is the purchasing body's case: its status moves only through `move_to` and the table below.
A need belongs to one agency and describes a problem, not a product; its budget is for the agency and
the purchasing body only (OSL 19:3, `permissions.may_see_budget`). Surveys, market entries, RFIs and the
report are later parts that hang off `PreStudy` and `Need` in their own models.
"""

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.agreements.models import FrameworkAgreement
from innokop.core import formats
from innokop.core.states import StateMachine


class PreStudyStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    COLLECTING = "collecting", _("Collecting needs and knowledge")
    ANALYSING = "analysing", _("Analysing")
    CONCLUDED = "concluded", _("Concluded")
    PROCUREMENT_STARTED = "procurement_started", _("Procurement started")
    NOT_PURSUED = "not_pursued", _("Not pursued")


OPEN_STATUSES = {PreStudyStatus.PLANNING, PreStudyStatus.COLLECTING, PreStudyStatus.ANALYSING}
DECIDED_STATUSES = {PreStudyStatus.PROCUREMENT_STARTED, PreStudyStatus.NOT_PURSUED}


class PreStudyQuerySet(models.QuerySet):
    def managed_by(self, actor):
        """The pre-studies of the purchasing bodies where the actor is a framework manager: theirs to change."""
        return self.filter(owner_id__in=actor.managed_organisation_ids)

    def visible_to(self, actor):
        """Its purchasing body's framework managers, and the team while they belong to that body."""
        if not actor.user.is_authenticated:
            return self.none()
        on_team = Q(team=actor.user, owner_id__in=actor.organisation_ids)
        return self.filter(Q(owner_id__in=actor.managed_organisation_ids) | on_team).distinct()


class PreStudy(StateMachine, models.Model):
    # prestudy_advance (planning → collecting → analysing → concluded, analysing back to collecting),
    # prestudy_decide (the go/no-go decision on a concluded pre-study).
    TRANSITIONS = {
        PreStudyStatus.PLANNING: {PreStudyStatus.COLLECTING},
        PreStudyStatus.COLLECTING: {PreStudyStatus.ANALYSING},
        PreStudyStatus.ANALYSING: {PreStudyStatus.CONCLUDED, PreStudyStatus.COLLECTING},
        PreStudyStatus.CONCLUDED: {PreStudyStatus.PROCUREMENT_STARTED, PreStudyStatus.NOT_PURSUED},
        PreStudyStatus.PROCUREMENT_STARTED: set(),
        PreStudyStatus.NOT_PURSUED: set(),
    }

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="prestudies",
                              limit_choices_to={"kind": OrganisationKind.CPB})
    reference = models.CharField(_("reference number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    area = models.TextField(_("area"), help_text=_("What the pre-study covers: the field, the problems and the "
                                                  "development going on in it."))
    cpv_codes = models.ManyToManyField("reference.CpvCode", related_name="prestudies", verbose_name=_("CPV codes"))
    questions = models.TextField(_("questions the pre-study must answer"))
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="prestudies", verbose_name=_("pre-study team"))
    starts_on = models.DateField(_("start"))
    needs_until = models.DateField(_("last day to collect needs"))
    concludes_on = models.DateField(_("planned conclusion"))
    status = models.CharField(_("status"), max_length=20, choices=PreStudyStatus.choices,
                              default=PreStudyStatus.PLANNING, db_index=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    # The framework agreement the procurement led to, where one exists in Innoköp.
    agreement = models.ForeignKey(FrameworkAgreement, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="prestudies", verbose_name=_("resulting framework agreement"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = PreStudyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pre-study")
        verbose_name_plural = _("pre-studies")
        constraints = [
            models.CheckConstraint(condition=Q(needs_until__gte=models.F("starts_on"))
                                   & Q(concludes_on__gte=models.F("needs_until")), name="prestudy_timeline_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def question_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.questions.splitlines() if line.strip(" -•\t")]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_STATUSES


class PreStudyStep(models.Model):
    """A status change of a pre-study as the page shows it; the audit log keeps the same with its hash chain."""

    prestudy = models.ForeignKey(PreStudy, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=20, choices=PreStudyStatus.choices)
    to_status = models.CharField(max_length=20, choices=PreStudyStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["prestudy", "at", "id"]


class Urgency(models.TextChoices):
    LOW = "low", _("Low: within a few years")
    MEDIUM = "medium", _("Medium: within a year or two")
    HIGH = "high", _("High: as soon as possible")


class NeedQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def visible_to(self, actor):
        """Public needs for everyone; internal ones for their agency and the purchasing body (DESIGN.md §5)."""
        if actor.is_framework_manager:
            return self.all()
        return self.filter(Q(is_public=True) | Q(agency_id__in=actor.organisation_ids))

    def of_agencies(self, actor):
        """The needs of the agencies the actor belongs to: theirs to change."""
        agencies = [m.organisation_id for m in actor.memberships if m.organisation.kind == OrganisationKind.AGENCY]
        return self.filter(agency_id__in=agencies)


class Need(models.Model):
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="needs",
                               limit_choices_to={"kind": OrganisationKind.AGENCY})
    title = models.CharField(_("short name of the need"), max_length=200)
    problem = models.TextField(_("the problem"))
    current_situation = models.TextField(_("how it is done today"))
    desired_effects = models.TextField(_("the effects you want"))
    effect_measures = models.TextField(_("how the effects will be measured"))
    affected = models.TextField(_("who is affected"))
    volume = models.PositiveIntegerField(_("volume per year"), validators=[MinValueValidator(1)])
    volume_unit = models.CharField(_("unit of the volume"), max_length=60)
    # Secret: the agency and the purchasing body only (OSL 19:3). Never in a public total.
    budget = models.DecimalField(_("budget per year (SEK, excluding VAT)"), max_digits=14, decimal_places=0,
                                 null=True, blank=True)
    needed_year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000),
                                                                           MaxValueValidator(2100)])
    needed_quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True,
                                                      validators=[MinValueValidator(1), MaxValueValidator(4)])
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    cpv_codes = models.ManyToManyField("reference.CpvCode", related_name="needs", verbose_name=_("CPV codes"))
    # None: the whole of Sweden.
    region = models.ForeignKey("reference.NutsRegion", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="needs", verbose_name=_("region"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM)
    is_public = models.BooleanField(_("public"), default=True)
    prestudy = models.ForeignKey(PreStudy, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs",
                                 verbose_name=_("pre-study"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(condition=Q(needed_quarter__isnull=True) | Q(needed_quarter__gte=1,
                                                                               needed_quarter__lte=4),
                                   name="need_quarter_1_to_4"),
            models.CheckConstraint(condition=Q(volume__gte=1), name="need_volume_positive"),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0), name="need_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"B-{self.pk:05d}"

    @property
    def when(self) -> str:
        if self.needed_quarter:
            return f"{self.needed_year} Q{self.needed_quarter}"
        return str(self.needed_year)


class NeedInterestQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class NeedInterest(models.Model):
    """Another agency that has the same need ("vi har också det här behovet"), with its own volume and time."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="interests")
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="need_interests",
                               limit_choices_to={"kind": OrganisationKind.AGENCY})
    volume = models.PositiveIntegerField(_("your volume per year"), validators=[MinValueValidator(1)])
    needed_year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000),
                                                                           MaxValueValidator(2100)])
    needed_quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True,
                                                      validators=[MinValueValidator(1), MaxValueValidator(4)])
    # None: the need's own region.
    region = models.ForeignKey("reference.NutsRegion", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("your region"))
    comment = models.TextField(_("comment"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    objects = NeedInterestQuerySet.as_manager()

    class Meta:
        ordering = ["need", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "agency"], condition=Q(withdrawn_at__isnull=True),
                                    name="need_interest_one_active_per_agency"),
            models.CheckConstraint(condition=Q(volume__gte=1), name="need_interest_volume_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} → {self.need}"

    @property
    def when(self) -> str:
        if self.needed_quarter:
            return f"{self.needed_year} Q{self.needed_quarter}"
        return str(self.needed_year)


# --- needs surveys ---------------------------------------------------------------------------------------------


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Free text")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    NUMBER = "number", _("A number")


class Survey(StateMachine, models.Model):
    """A needs survey the purchasing body sends to agencies. Open for answers while the clock is before the
    deadline (`is_open`): no task closes it."""

    # survey_send (draft → sent); closed is read from the clock.
    TRANSITIONS = {SurveyStatus.DRAFT: {SurveyStatus.SENT}, SurveyStatus.SENT: set()}

    prestudy = models.ForeignKey(PreStudy, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), help_text=_("Why you ask, and what the answers are used for."))
    deadline = models.DateTimeField(_("last time to answer"))
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    # How the recipients were chosen, for the page and the audit log: "chosen" or "sector:<sector>" / "sector:all".
    recipient_rule = models.CharField(max_length=40, default="chosen")
    recipients = models.ManyToManyField(Organisation, related_name="surveys_received", blank=True,
                                        limit_choices_to={"kind": OrganisationKind.AGENCY})
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["prestudy", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now) -> bool:
        return self.status == SurveyStatus.SENT and now <= self.deadline


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind of question"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    # One choice per line, for the choice questions.
    choices = models.TextField(_("choices"), blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)

    class Meta:
        ordering = ["survey", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="survey_question_position")]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class SurveyAnswer(models.Model):
    """One agency's answer to a survey: one per agency, changed until the deadline."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="survey_answers")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["survey", "agency__name", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "agency"], name="survey_answer_one_per_agency")]


class SurveyAnswerItem(models.Model):
    answer = models.ForeignKey(SurveyAnswer, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="items")
    text = models.TextField(blank=True)
    number = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    chosen = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["answer", "question__position"]
        constraints = [models.UniqueConstraint(fields=["answer", "question"], name="survey_item_one_per_question")]


class SurveyReminder(models.Model):
    """A reminder sent to an agency that had not answered: each (survey, agency, kind) once."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="reminders")
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "agency", "kind"], name="survey_reminder_once")]


# --- the market: requests for information (RFI), meetings, the equal-treatment log, market entries ---------------


class DialogueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class MarketDialogueQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=DialogueStatus.PUBLISHED)

    def visible_to(self, actor):
        """Published ones for everyone; drafts for the purchasing body that owns the pre-study."""
        return self.filter(Q(status=DialogueStatus.PUBLISHED)
                           | Q(prestudy__owner_id__in=actor.managed_organisation_ids))


class MarketDialogue(StateMachine, models.Model):
    """A request for information ("tidig dialog"): public once published; answers are the purchasing body's and
    each answering supplier's own (DESIGN.md §5). Open for answers while the clock is before the deadline."""

    # market_dialogue_publish (draft → published); closed is read from the clock.
    TRANSITIONS = {DialogueStatus.DRAFT: {DialogueStatus.PUBLISHED}, DialogueStatus.PUBLISHED: set()}

    prestudy = models.ForeignKey(PreStudy, on_delete=models.CASCADE, related_name="dialogues")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what the purchasing body wants to know"))
    questions = models.TextField(_("questions to the market"), help_text=_("One question per line."))
    deadline = models.DateTimeField(_("last time to answer"))
    status = models.CharField(_("status"), max_length=10, choices=DialogueStatus.choices,
                              default=DialogueStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(_("anonymised summary"), blank=True)
    summary_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = MarketDialogueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"RFI-{self.pk:04d}"

    @property
    def document_key(self) -> str:
        return f"prestudy.marketdialogue:{self.pk}"

    @property
    def question_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.questions.splitlines() if line.strip(" -•\t")]

    def is_open(self, now) -> bool:
        return self.status == DialogueStatus.PUBLISHED and now <= self.deadline


class RfiResponseQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The purchasing body that owns the pre-study, and the answering supplier: nobody else (DESIGN.md §5)."""
        return self.filter(Q(dialogue__prestudy__in=PreStudy.objects.visible_to(actor).values("pk"))
                           | Q(supplier_id__in=actor.organisation_ids))


class RfiResponse(models.Model):
    """A supplier's answer to a request for information: one per supplier, changed until the deadline. A public
    document once received; the supplier may ask for secrecy on parts of it (OSL 31:16), recorded here and
    reviewed when someone asks for the document."""

    dialogue = models.ForeignKey(MarketDialogue, on_delete=models.CASCADE, related_name="responses")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="rfi_responses",
                                 limit_choices_to={"kind": OrganisationKind.SUPPLIER})
    answers = models.JSONField(default=list)  # [{"question": ..., "answer": ...}] in the dialogue's order
    secrecy_requested = models.BooleanField(_("secrecy requested"), default=False)
    secrecy_parts = models.TextField(_("the parts that should be secret"), blank=True)
    secrecy_reasons = models.TextField(_("why their disclosure would harm the supplier"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = RfiResponseQuerySet.as_manager()

    class Meta:
        ordering = ["dialogue", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["dialogue", "supplier"], name="rfi_response_one_per_supplier")]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.dialogue}"


class MeetingSlot(models.Model):
    """A one-to-one meeting offered on equal terms to every answering supplier; booked by one supplier, which
    books one slot per dialogue; minutes by the purchasing body."""

    dialogue = models.ForeignKey(MarketDialogue, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    minutes_long = models.PositiveSmallIntegerField(_("length in minutes"), default=60)
    place = models.CharField(_("place or link"), max_length=300)
    supplier = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    booked_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    # What the supplier was told or given at the meeting that others were not: listed for the procurement
    # documents (article 41 of directive 2014/24).
    shared = models.TextField(_("information shared with this supplier only"), blank=True)
    minutes_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["dialogue", "starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["dialogue", "supplier"], condition=Q(supplier__isnull=False),
                                               name="meeting_one_booking_per_supplier")]


class ContactKind(models.TextChoices):
    RFI_PUBLISHED = "rfi_published", _("Request for information published")
    ANSWER = "answer", _("Answer received")
    MEETING_OFFERED = "meeting_offered", _("Meetings offered")
    MEETING_BOOKED = "meeting_booked", _("Meeting booked")
    MEETING = "meeting", _("Meeting held")
    QUESTION = "question", _("Question from a supplier")
    OTHER = "other", _("Other contact")


class ContactLogEntry(models.Model):
    """The equal-treatment log: every contact with a supplier during the pre-study, for the purchasing body. An
    entry with `shared` text records information one supplier had that the others should get too."""

    prestudy = models.ForeignKey(PreStudy, on_delete=models.CASCADE, related_name="contacts")
    dialogue = models.ForeignKey(MarketDialogue, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind.choices)
    # What people wrote (a recorded contact, a meeting's minutes); the platform's own entries keep their facts in
    # `details` and are worded when read, in the reader's language.
    summary = models.TextField(_("what it was about"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    shared = models.TextField(_("information shared with this supplier only"), blank=True)
    document = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["prestudy", "at", "id"]

    def describe(self) -> str:
        """The entry in the reader's language: the platform's own entries are worded from their facts."""
        details = self.details or {}
        starts = formats.when(datetime.fromisoformat(details["starts"])) if details.get("starts") else ""
        names = ", ".join(details.get("told", [])) or "–"
        if self.kind == ContactKind.RFI_PUBLISHED:
            return gettext("Published on its public page; the suppliers with matching CPV codes were told: "
                           "%(names)s.") % {"names": names}
        if self.kind == ContactKind.ANSWER:
            text = gettext("Answer changed.") if details.get("changed") else gettext("Answer received.")
            return text + (" " + gettext("The supplier asks for secrecy on parts of it.") if details.get("secrecy")
                           else "")
        if self.kind == ContactKind.MEETING_OFFERED:
            return gettext("A meeting time, %(starts)s, offered to every supplier that had answered: %(names)s.") % {
                "starts": starts, "names": names}
        if self.kind == ContactKind.MEETING_BOOKED:
            return gettext("Meeting booked for %(starts)s.") % {"starts": starts}
        return self.summary


class MarketEntryKind(models.TextChoices):
    PROJECT = "project", _("Development project")
    PRODUCT = "product", _("Product or service")
    RESEARCH = "research", _("Research")
    TEST_BED = "test_bed", _("Test bed")
    PROCUREMENT = "procurement", _("Procurement in another country")


class MarketEntry(models.Model):
    """Ongoing development in the pre-study's area, with its source (kept as text: never fetched)."""

    prestudy = models.ForeignKey(PreStudy, on_delete=models.CASCADE, related_name="market_entries")
    kind = models.CharField(_("kind"), max_length=20, choices=MarketEntryKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    country = models.CharField(_("country"), max_length=2, default="SE")
    source = models.CharField(_("source"), max_length=500, help_text=_("A web address or a reference."))
    solution = models.ForeignKey("catalogue.Solution", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("solution in the catalogue"))
    supplier = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 limit_choices_to={"kind": OrganisationKind.SUPPLIER},
                                 verbose_name=_("supplier in Innoköp"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["prestudy", "kind", "title"]


# --- public documents and secrecy (allmän handling): requests, the part-by-part review, the redacted copy --------


class DocumentRequestStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    UNDER_REVIEW = "under_review", _("Secrecy under review")
    RELEASED = "released", _("Released")
    PARTLY_RELEASED = "partly_released", _("Partly released")
    REFUSED = "refused", _("Refused")


DOCUMENT_REQUEST_DECIDED = {DocumentRequestStatus.RELEASED, DocumentRequestStatus.PARTLY_RELEASED,
                            DocumentRequestStatus.REFUSED}


class SecrecyProvision(models.TextChoices):
    """The provisions of the Public Access to Information and Secrecy Act (OSL) a part may be withheld under."""

    BUSINESS_SECRET = "31:16", _("OSL 31:16 (the supplier's business and operating conditions)")
    PROCUREMENT = "19:3", _("OSL 19:3 (tenders until the award decision)")


class DocumentRequestQuerySet(models.QuerySet):
    def reviewed_by(self, actor):
        """The requests the actor reviews: RFI answers for the purchasing body's framework managers, tenders for the
        call-off's team while they belong to its agency."""
        if not actor.user.is_authenticated:
            return self.none()
        rfi = Q(dialogue__prestudy__owner_id__in=actor.managed_organisation_ids)
        tender = Q(calloff__team=actor.user, calloff__agency_id__in=actor.organisation_ids)
        return self.filter(rfi | tender).distinct()


class DocumentRequest(StateMachine, models.Model):
    """A request for a public document (begäran om allmän handling) from anyone, anonymous allowed: an answer to a
    request for information or a tender in a call-off. Registered with a deadline ("skyndsamt": a few working
    days, `settings.INNOKOP_DOCUMENT_REQUEST_DAYS`); the reviewers decide part by part and hand out a copy with the
    withheld parts redacted. The requester's name and e-mail are personal data: the reviewers only see them."""

    # document_request_review (registered → under review), document_request_decide (under review → released,
    # partly released or refused from the parts), document_request_refuse_sealed (a tender before the award
    # decision: refused under OSL 19:3 without review).
    TRANSITIONS = {
        DocumentRequestStatus.REGISTERED: {DocumentRequestStatus.UNDER_REVIEW, DocumentRequestStatus.REFUSED},
        DocumentRequestStatus.UNDER_REVIEW: {DocumentRequestStatus.RELEASED, DocumentRequestStatus.PARTLY_RELEASED,
                                             DocumentRequestStatus.REFUSED},
        DocumentRequestStatus.RELEASED: set(),
        DocumentRequestStatus.PARTLY_RELEASED: set(),
        DocumentRequestStatus.REFUSED: set(),
    }

    # What the requester names: a published request for information, or a call-off by its reference ...
    dialogue = models.ForeignKey(MarketDialogue, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="document_requests")
    calloff = models.ForeignKey("calloffs.CallOff", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="document_requests")
    # ... and the document of it the reviewers take up when the review starts.
    rfi_response = models.ForeignKey(RfiResponse, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="document_requests")
    tender = models.ForeignKey("calloffs.Tender", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="document_requests")
    description = models.TextField(_("what is asked for"))
    requester_name = models.CharField(_("name"), max_length=200, blank=True)
    requester_email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(max_length=10, default="sv")
    status = models.CharField(_("status"), max_length=20, choices=DocumentRequestStatus.choices,
                              default=DocumentRequestStatus.REGISTERED, db_index=True)
    registered_at = models.DateTimeField()
    due_on = models.DateField(_("to be decided by"))
    review_started_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    copy = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = DocumentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=Q(dialogue__isnull=False, calloff__isnull=True, tender__isnull=True)
            | Q(dialogue__isnull=True, calloff__isnull=False, rfi_response__isnull=True),
            name="document_request_one_document")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"AH-{self.pk:04d}"

    @property
    def is_decided(self) -> bool:
        return self.status in DOCUMENT_REQUEST_DECIDED

    def is_overdue(self, today) -> bool:
        return not self.is_decided and today > self.due_on


class DocumentRequestPart(models.Model):
    """One part of the requested document, as stored when the review started, and the decision on it: released,
    or withheld under an OSL provision with reasons. The redacted copy is written from these texts."""

    request = models.ForeignKey(DocumentRequest, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=500)
    text = models.TextField(blank=True)
    released = models.BooleanField(null=True)
    provision = models.CharField(_("provision"), max_length=10, choices=SecrecyProvision.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)

    class Meta:
        ordering = ["request", "number"]
        constraints = [models.UniqueConstraint(fields=["request", "number"], name="document_request_part_unique")]


class TenderSecrecyRequest(models.Model):
    """A supplier's request for secrecy on parts of its tender (OSL 31:16): which parts and why. Kept apart from the
    sealed content, so the review after the award decision reads it; one per tender, changed by the supplier."""

    tender = models.OneToOneField("calloffs.Tender", on_delete=models.CASCADE, related_name="secrecy_request")
    parts = models.TextField(_("the parts that should be secret"))
    reasons = models.TextField(_("why their disclosure would harm the supplier"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()


# --- analysis and conclusion: the checklist of preconditions (owned by the analysis part) --------------------------


class ProcurementRoute(models.TextChoices):
    FRAMEWORK_DIALOGUE = "framework_dialogue", _("Framework agreement with call-offs by dialogue")
    INNOVATION_PARTNERSHIP = "innovation_partnership", _("Innovation partnership")
    DYNAMIC_PURCHASING = "dynamic_purchasing", _("Dynamic purchasing system")
    PRE_COMMERCIAL = "pre_commercial", _("Pre-commercial procurement")


class Recommendation(models.TextChoices):
    PROCURE = "procure", _("Start a procurement")
    NOT_NOW = "not_now", _("Do not procure now")


class Assessment(models.Model):
    """The purchasing body's checklist of preconditions for a procurement, with its recommendation. `facts`
    keeps what was computed when it was saved (suppliers, SMEs, the estimated value and the threshold row it was
    compared with), so the report says what the assessment was based on."""

    prestudy = models.OneToOneField(PreStudy, on_delete=models.CASCADE, related_name="assessment")
    route = models.CharField(_("procurement route"), max_length=30, choices=ProcurementRoute.choices)
    route_reasons = models.TextField(_("why this route"))
    competition = models.TextField(_("assessment of the competition"))
    contract_years = models.PositiveSmallIntegerField(_("years the agreement would run"), default=4,
                                                      validators=[MinValueValidator(1), MaxValueValidator(10)])
    value_note = models.TextField(_("comment on the estimated value"), blank=True)
    risks = models.TextField(_("risks"))
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices)
    recommendation_text = models.TextField(_("the recommendation and its grounds"))
    facts = models.JSONField(default=dict, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.prestudy.reference}: {self.get_recommendation_display()}"


class NeedCallOff(models.Model):
    """A call-off an agency names as answering a need (kept here, as `prestudy` sits above `calloffs`): the need
    shows it was met once the call-off's contract is signed."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="calloff_links")
    calloff = models.ForeignKey("calloffs.CallOff", on_delete=models.CASCADE, related_name="+")
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    named_at = models.DateTimeField()

    class Meta:
        ordering = ["need", "named_at", "id"]
        constraints = [models.UniqueConstraint(fields=["need", "calloff"], name="need_calloff_once")]

    @property
    def is_met(self) -> bool:
        return self.calloff.status == "contracted"
