"""Call-offs from a lot of a framework agreement, and the suppliers invited to them.

The stored status only moves through `move_to`, which checks `CallOff.TRANSITIONS`; the services
call it. The time-driven states, and what the clock allows in each (`may_ask`, `may_tender`,
`may_open` ...), are derived when read (`CallOff.effective_state(now)`), so they never depend on a
scheduler having run.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation
from innokop.agreements.models import EvaluationModel, Lot, LotCriterion, Requirement
from innokop.core import clock
from innokop.core.states import StateMachine

from .sealing import deadline_passed

DECISION_LANGUAGE = "sv"
"""The award decision, and the reasons for rejection sent with it, are legal text in Swedish as sent. A
reader of another language gets a version of it in theirs: what Innoköp wrote (from the evaluation's
facts) written again in their language, and what the agency wrote in its own words as written."""


def reads_decision_language() -> bool:
    return (translation.get_language() or DECISION_LANGUAGE).split("-")[0] == DECISION_LANGUAGE


class CallOffKind(models.TextChoices):
    """The method a call-off uses: a lot's method, or for a combination lot the one its value decides."""

    RANKING = "ranking", _("Ranking order")
    RENEWED_COMPETITION = "renewed_competition", _("Renewed competition")
    RENEWED_COMPETITION_DIALOGUE = "renewed_competition_dialogue", _("Renewed competition with dialogue")


class CallOffStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled for publication")
    OPEN = "open", _("Open for questions and dialogue")
    TENDERING = "tendering", _("Questions closed, awaiting tenders")
    AWAITING_OPENING = "awaiting_opening", _("Tender deadline passed, awaiting opening")
    OPENED = "opened", _("Tenders opened, under evaluation")
    EVALUATED = "evaluated", _("Evaluated, decision not yet sent")
    AWARDED = "awarded", _("Award decision sent")
    OFFERED = "offered", _("Offered in ranking order")
    ACCEPTED = "accepted", _("Accepted by a supplier")
    CONTRACTED = "contracted", _("Contract signed")
    CANCELLED = "cancelled", _("Cancelled")


# Evaluation models whose criteria carry weights that, with the price weight, sum to 100.
WEIGHTED_MODELS = {EvaluationModel.PRICE_QUALITY, EvaluationModel.FIXED_PRICE}


def effective_state_expression(now: datetime) -> models.Case:
    """`CallOff.effective_state` as SQL: an open call-off is scheduled, awaiting tenders or awaiting opening by
    the clock (the deadline passes strictly after its instant, as calloffs.sealing.deadline_passed says)."""
    return models.Case(
        models.When(status=CallOffStatus.OPEN, published_at__gt=now, then=models.Value(CallOffStatus.SCHEDULED.value)),
        models.When(status=CallOffStatus.OPEN, tender_deadline__lt=now,
                    then=models.Value(CallOffStatus.AWAITING_OPENING.value)),
        models.When(status=CallOffStatus.OPEN, questions_close__lte=now,
                    then=models.Value(CallOffStatus.TENDERING.value)),
        default=models.F("status"),
        output_field=models.CharField(),
    )


class CallOffQuerySet(models.QuerySet):
    def of_agencies(self, organisation_ids):
        return self.filter(agency_id__in=organisation_ids)

    def published(self, now: datetime | None = None):
        """Published call-offs: a scheduled one counts from its publication moment, computed from the clock."""
        return self.filter(published_at__lte=now or clock.now())

    def invitations_of(self, organisation_ids, now: datetime | None = None):
        """Published call-offs a supplier is invited to; drafts and scheduled ones are never shown to suppliers."""
        return self.published(now).filter(invitations__supplier_id__in=organisation_ids).distinct()

    def visible_to(self, actor, now: datetime | None = None):
        """The agency's own call-offs, and the published ones the actor's company is invited to (from the moment
        of publication: before a scheduled call-off's moment, an invited supplier sees nothing of it)."""
        ids = actor.organisation_ids
        invited = CallOffInvitation.objects.filter(supplier_id__in=ids).values("calloff_id")
        return self.filter(Q(agency_id__in=ids) | Q(pk__in=invited, published_at__lte=now or clock.now()))

    def changeable_by(self, actor):
        """Only the call-off's team changes it; colleagues in the agency may read it.

        Membership decides at the moment of the action: someone on the team who has left the agency (their
        membership removed) or whose account is deactivated has none of the team's rights, though the team still
        lists them. `permissions.current_team` is the same rule seen from the call-off.
        """
        user = actor.user
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(team=user, agency_id__in=actor.organisation_ids)


class CallOff(StateMachine, models.Model):
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="calloffs")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="calloffs")
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="calloff_teams", verbose_name=_("team"))
    method = models.CharField(_("call-off method"), max_length=40, choices=CallOffKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=CallOffStatus.choices, default=CallOffStatus.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    need = models.TextField(_("the need"), blank=True)
    estimated_value = models.DecimalField(_("estimated value (SEK, excluding VAT)"), max_digits=14, decimal_places=0,
                                          null=True, blank=True)
    evaluation_model = models.CharField(_("evaluation model"), max_length=30, choices=EvaluationModel.choices,
                                        blank=True)
    price_weight = models.PositiveSmallIntegerField(_("price weight (%)"), null=True, blank=True)
    requirements = models.ManyToManyField(Requirement, blank=True, related_name="calloffs",
                                          verbose_name=_("requirements of the agreement"))
    publish_on = models.DateField(_("publication date"), null=True, blank=True)
    questions_close = models.DateTimeField(_("last time for questions"), null=True, blank=True)
    answers_by = models.DateTimeField(_("last time for answers"), null=True, blank=True)
    tender_deadline = models.DateTimeField(_("tender deadline"), null=True, blank=True)
    opening_at = models.DateTimeField(_("opening of tenders"), null=True, blank=True)
    decision_on = models.DateField(_("planned award decision"), null=True, blank=True)
    contract_start = models.DateField(_("contract starts"), null=True, blank=True)
    contract_end = models.DateField(_("contract ends"), null=True, blank=True)
    long_contract_reason = models.TextField(_("reasons for a contract over four years"), blank=True)
    # Value-added method: what each evaluated requirement is worth, {requirement pk: {"amount"|"percent": "…"}}.
    requirement_values = models.JSONField(_("value of evaluated requirements"), default=dict, blank=True)
    fixed_price = models.DecimalField(_("fixed price (SEK, excluding VAT)"), max_digits=14, decimal_places=2,
                                      null=True, blank=True)
    # Stated before opening, in order (evaluation.TieRule values); drawing lots, if used, last.
    tie_rules = models.JSONField(_("tie rules"), default=list, blank=True)
    # The call-off's data key, wrapped by the KEK (sealing.py); made at publication.
    data_key = models.CharField(max_length=200, blank=True, editable=False)
    # The moment the call-off is (or becomes) public: the publishing moment, or the start of a later publication
    # day (a scheduled publication, `is_scheduled`). None for a draft.
    published_at = models.DateTimeField(null=True, blank=True)
    # When the invited suppliers were told (calloff_invitations_send claims it once, so they are never told twice).
    invitations_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallOffQuerySet.as_manager()

    # Stored transitions and the service that makes each one. Scheduled, tendering and awaiting opening
    # are not stored: they follow from the clock (see `effective_state`). Cancelled is allowed from every
    # state before contracted (rule 10).
    TRANSITIONS = {
        # calloff_publish (renewed competition: at once, or scheduled for a later day) or ranking_offer_first
        # (ranking order), calloff_cancel
        CallOffStatus.DRAFT: {CallOffStatus.OPEN, CallOffStatus.OFFERED, CallOffStatus.CANCELLED},
        # opening_confirm; calloff_unschedule takes a call-off back to a draft, only while it is still scheduled
        CallOffStatus.OPEN: {CallOffStatus.OPENED, CallOffStatus.CANCELLED, CallOffStatus.DRAFT},
        CallOffStatus.OPENED: {CallOffStatus.EVALUATED, CallOffStatus.CANCELLED},  # evaluation_complete
        # evaluation_reopen goes back; award_decision_send moves on
        CallOffStatus.EVALUATED: {CallOffStatus.OPENED, CallOffStatus.AWARDED, CallOffStatus.CANCELLED},
        CallOffStatus.AWARDED: {CallOffStatus.CONTRACTED, CallOffStatus.CANCELLED},  # contract_sign
        CallOffStatus.OFFERED: {CallOffStatus.ACCEPTED, CallOffStatus.CANCELLED},  # ranking_offer_accept
        CallOffStatus.ACCEPTED: {CallOffStatus.CONTRACTED, CallOffStatus.CANCELLED},  # contract_sign
        CallOffStatus.CONTRACTED: set(),
        CallOffStatus.CANCELLED: set(),
    }

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("call-off")
        verbose_name_plural = _("call-offs")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def effective_state(self, now: datetime) -> str:
        """The stored status, moved on by the clock where time decides."""
        if self.status != CallOffStatus.OPEN:
            return self.status
        if self.is_scheduled(now):
            return CallOffStatus.SCHEDULED
        if self.is_past_deadline(now):
            return CallOffStatus.AWAITING_OPENING
        if self.questions_close and now >= self.questions_close:
            return CallOffStatus.TENDERING
        return CallOffStatus.OPEN

    def state_label(self, now: datetime) -> str:
        return CallOffStatus(self.effective_state(now)).label

    # What the clock allows, beside the state it moves on. At the deadline itself a tender is still
    # taken (the server clock decides, rule 6), so the state still reads "awaiting tenders" and nothing
    # can be opened; one microsecond later the state, the tenders and the opening turn together.

    def is_scheduled(self, now: datetime) -> bool:
        """Published with a later publication day that has not come yet: the suppliers see nothing and are not told.

        At its moment the call-off is published (the instant itself counts as published)."""
        return self.status == CallOffStatus.OPEN and self.published_at is not None and now < self.published_at

    def _is_live(self, now: datetime) -> bool:
        return self.status == CallOffStatus.OPEN and not self.is_scheduled(now)

    def is_past_deadline(self, now: datetime) -> bool:
        """Strictly after the tender deadline (`sealing.deadline_passed`): the state, the taking of tenders, the
        sealing and the opening all turn on this one predicate."""
        return self.tender_deadline is not None and deadline_passed(self.tender_deadline, now)

    def may_ask(self, now: datetime) -> bool:
        """Questions are taken while the call-off is open, up to (not at) the last time for questions."""
        return self.effective_state(now) == CallOffStatus.OPEN

    def may_answer(self, now: datetime) -> bool:
        """Answers are given while the call-off is published and not cancelled, before the last time for answers."""
        return self._is_live(now) and (self.answers_by is None or now < self.answers_by)

    def may_clarify(self, now: datetime) -> bool:
        """Clarifications (and a new deadline) are published while the call-off is open, before the tender deadline."""
        return self._is_live(now) and self.tender_deadline is not None and now < self.tender_deadline

    def may_tender(self, now: datetime) -> bool:
        """Tenders are taken, changed and withdrawn while the call-off is open, up to and at the deadline."""
        return self._is_live(now) and self.tender_deadline is not None and not self.is_past_deadline(now)

    def may_open(self, now: datetime) -> bool:
        """Opening is possible once the deadline has passed (not at the deadline: tenders may still arrive)."""
        return self.status == CallOffStatus.OPEN and self.is_past_deadline(now)

    @property
    def is_renewed_competition(self) -> bool:
        return self.method != CallOffKind.RANKING

    @property
    def uses_weights(self) -> bool:
        return self.evaluation_model in WEIGHTED_MODELS

    def steps_done(self) -> dict[str, bool]:
        """Which steps of the guided flow have been saved (the task list shows them)."""
        ranking = self.method == CallOffKind.RANKING  # no evaluation and no tender period in ranking order
        return {
            "need": bool(self.title and self.need and self.estimated_value is not None),
            "evaluation": ranking or bool(self.evaluation_model),
            "timetable": (ranking or self.tender_deadline is not None) and self.contract_start is not None,
        }


class CallOffCriterion(models.Model):
    """One of the lot's criteria as this call-off uses it: a weight in the lot's range, maybe made more precise."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="criteria")
    lot_criterion = models.ForeignKey(LotCriterion, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(_("weight (%)"), null=True, blank=True)

    class Meta:
        ordering = ["calloff", "lot_criterion_id"]
        constraints = [models.UniqueConstraint(fields=["calloff", "lot_criterion"], name="calloff_criterion_unique")]

    def __str__(self) -> str:
        return f"{self.lot_criterion.name} {self.weight} %"


class CallOffInvitation(models.Model):
    """The written invitation of one admitted supplier (rule 3: every supplier of the lot)."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="calloff_invitations")
    invited_at = models.DateTimeField()

    class Meta:
        ordering = ["calloff", "supplier__name"]
        constraints = [models.UniqueConstraint(fields=["calloff", "supplier"], name="calloff_invitation_unique")]

    def __str__(self) -> str:
        return f"{self.supplier} ({self.calloff.reference})"


class CallOffQuestionQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(answered_at__isnull=False)

    def for_supplier(self, organisation_ids):
        """What a supplier sees (rule 5): every published answer, and its own questions still unanswered."""
        return self.filter(Q(answered_at__isnull=False) | Q(supplier_id__in=organisation_ids))

    def unanswered_first(self):
        return self.order_by(models.F("answered_at").asc(nulls_first=True), "asked_at", "pk")


class CallOffQuestion(models.Model):
    """A supplier's question in an open call-off; its answer is published to every invited supplier (rule 5).

    Who asked is kept for the agency and the procurement record, never shown to other suppliers.
    """

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="questions")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="calloff_questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField()
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True)
    # The answer is published to every invited supplier the moment it is given.
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = CallOffQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["calloff", "asked_at", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"{self.calloff.reference}: {self.text[:50]}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


# --- clarifications and dialogue meetings (rule 5) ------------------------------------------------


class ClarificationKind(models.TextChoices):
    ADDENDUM = "addendum", _("Addendum")
    DOCUMENT = "document", _("New document or document version")


class Clarification(models.Model):
    """An addendum or a document (version) the agency publishes to every invited supplier."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="clarifications")
    kind = models.CharField(_("kind"), max_length=20, choices=ClarificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    document_version = models.ForeignKey("core.DocumentVersion", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["calloff", "published_at", "pk"]
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")

    def __str__(self) -> str:
        return f"{self.calloff.reference}: {self.title}"


class DialogueSlot(models.Model):
    """A dialogue meeting time offered to every invited supplier; one supplier books it (rule 5)."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place or link"), max_length=300)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField()
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    booked_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    minutes_shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["calloff", "starts_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["calloff", "supplier"], name="dialogue_one_booking_each")]
        verbose_name = _("dialogue meeting")
        verbose_name_plural = _("dialogue meetings")

    def __str__(self) -> str:
        return f"{self.calloff.reference} {self.starts_at:%Y-%m-%d %H:%M}"


# --- ranking order (rule 2) -------------------------------------------------------------------------


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("Offered, awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("No answer by the deadline")
    WITHDRAWN = "withdrawn", _("Withdrawn (call-off cancelled)")


class RankingOffer(StateMachine, models.Model):
    """The call-off offered to one ranked supplier; a decline or a missed deadline passes it to the next."""

    # ranking_offer_accept, ranking_offer_decline; ranking_offers_advance marks an unanswered offer
    # expired, or withdrawn when the call-off was cancelled. Every answer is final.
    TRANSITIONS = {
        OfferStatus.OFFERED: {OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED, OfferStatus.WITHDRAWN},
        OfferStatus.ACCEPTED: set(),
        OfferStatus.DECLINED: set(),
        OfferStatus.EXPIRED: set(),
        OfferStatus.WITHDRAWN: set(),
    }

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="offers")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ranking_offers")
    rank = models.PositiveSmallIntegerField(_("rank"))
    offered_at = models.DateTimeField()
    answer_by = models.DateTimeField(_("answer by"))
    status = models.CharField(_("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.OFFERED)
    reason = models.TextField(_("reason"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["calloff", "rank"]
        constraints = [models.UniqueConstraint(fields=["calloff", "supplier"], name="ranking_offer_unique")]

    def __str__(self) -> str:
        return f"{self.calloff.reference} → {self.supplier} ({self.rank})"


# --- tenders (rule 6) -------------------------------------------------------------------------------


class TenderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # "Anbud" is neuter in Swedish: "inskickat", like "återkallat", where a solution is "inskickad".
    SUBMITTED = "submitted", pgettext_lazy("tender status", "Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    QUALIFIED = "qualified", _("Qualified")
    REJECTED = "rejected", _("Rejected")


class Tender(StateMachine, models.Model):
    """One supplier's tender in one call-off.

    The draft is the supplier's working copy, encrypted with a key of its own (`draft_key`) that the
    application uses only for that supplier. What is submitted is sealed with the call-off's key in
    a `TenderSubmission`, which nobody can read before the deadline has passed and two people open.
    """

    TRANSITIONS = {
        TenderStatus.DRAFT: {TenderStatus.SUBMITTED},  # tender_submit
        # A replacement (tender_submit again) keeps it submitted; tender_withdraw; after opening,
        # tender_qualify and tender_reject.
        TenderStatus.SUBMITTED: {TenderStatus.SUBMITTED, TenderStatus.WITHDRAWN, TenderStatus.QUALIFIED,
                                 TenderStatus.REJECTED},
        TenderStatus.WITHDRAWN: {TenderStatus.SUBMITTED},  # submitted again before the deadline
        # Qualification may be decided again, with new reasons, until the evaluation is completed.
        TenderStatus.QUALIFIED: {TenderStatus.QUALIFIED, TenderStatus.REJECTED},
        TenderStatus.REJECTED: {TenderStatus.REJECTED, TenderStatus.QUALIFIED},
    }

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="tenders")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="tenders")
    status = models.CharField(_("status"), max_length=20, choices=TenderStatus.choices, default=TenderStatus.DRAFT)
    draft_key = models.CharField(max_length=200, editable=False)
    draft = models.TextField(blank=True, editable=False)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # Why a rejection was proposed, when the team kept the reason Innoköp wrote: facts such as
    # {"kind": "mandatory", "id": "K1", "text": "..."}; empty for a reason the team wrote itself.
    rejection_grounds = models.JSONField(default=list, blank=True)
    qualified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    qualified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["calloff", "supplier__name"]
        constraints = [models.UniqueConstraint(fields=["calloff", "supplier"], name="tender_one_per_supplier")]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")

    def __str__(self) -> str:
        return f"{self.calloff.reference}: {self.supplier}"

    @property
    def rejection_reason_text(self) -> str:
        """The reason for rejection in the active language: as sent in the decision's language (Swedish), and in
        another language written again from its grounds; a reason the team wrote reads as written."""
        if not self.rejection_grounds or reads_decision_language():
            return self.rejection_reason
        return rejection_grounds_text(self.rejection_grounds)


REJECTION_GROUNDS = {
    "unreadable": gettext_noop("The tender could not be read: %(problem)s"),
    "mandatory": gettext_noop("The tender does not meet the mandatory requirement %(id)s: %(text)s."),
    "no_price": gettext_noop("The tender states no total price, so it cannot be evaluated."),
}


def rejection_grounds_text(grounds: list[dict]) -> str:
    """Grounds for rejecting a tender (`Tender.rejection_grounds`) in words, in the active language."""
    return " ".join(gettext(REJECTION_GROUNDS[ground["kind"]]) % ground for ground in grounds)


class TenderSubmission(models.Model):
    """A sealed version of a tender and the receipt of it; a replacement supersedes the one before."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveSmallIntegerField()
    sealed = models.TextField(editable=False)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["tender", "number"]
        constraints = [models.UniqueConstraint(fields=["tender", "number"], name="tender_submission_unique")]

    def __str__(self) -> str:
        return f"{self.tender} #{self.number}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None and self.withdrawn_at is None


# --- opening (rule 7), evaluation (rule 8), decision (rule 9), contract --------------------------------


class OpeningRecord(models.Model):
    """Two named people of the agency open the tenders together: one starts, another confirms."""

    calloff = models.OneToOneField(CallOff, on_delete=models.CASCADE, related_name="opening")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    opened_at = models.DateTimeField(null=True, blank=True)
    # What was opened: [{"tender": pk, "supplier": name, "submitted_at": iso, "sha256": hex, "verified": bool}]
    tenders = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.calloff.reference} opening"

    @property
    def openers(self) -> list[int]:
        return [pk for pk in (self.started_by_id, self.confirmed_by_id) if pk]


class ConflictDeclaration(models.Model):
    """An evaluator's declaration of no conflict of interest; scoring is refused without it."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="declarations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(_("statement"))
    declared_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["calloff", "evaluator"], name="declaration_unique")]


class Score(models.Model):
    """One evaluator's score of one tender on one criterion."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(CallOffCriterion, on_delete=models.CASCADE, related_name="scores")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("reasons"), blank=True)
    scored_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tender", "criterion", "evaluator"], name="score_unique")]


class ConsensusScore(models.Model):
    """The score the evaluators agree on; the evaluation uses this one."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="consensus_scores")
    criterion = models.ForeignKey(CallOffCriterion, on_delete=models.CASCADE, related_name="consensus_scores")
    score = models.PositiveSmallIntegerField(_("consensus score"))
    reason = models.TextField(_("reasons"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tender", "criterion"], name="consensus_unique")]


class Evaluation(models.Model):
    """The completed evaluation: the ranking as computed, kept as it was when completed."""

    calloff = models.OneToOneField(CallOff, on_delete=models.CASCADE, related_name="evaluation")
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField()
    # [{"tender": pk, "supplier": name, "position": n, "figure": str, "explanation": str}] and notes
    ranking = models.JSONField(default=list)
    notes = models.JSONField(default=list, blank=True)
    winner = models.ForeignKey(Tender, on_delete=models.PROTECT, null=True, blank=True, related_name="+")


class AwardDecision(models.Model):
    """The award decision (tilldelningsbeslut), sent to every tenderer with the reasons (rule 9)."""

    calloff = models.OneToOneField(CallOff, on_delete=models.CASCADE, related_name="decision")
    winner = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField(_("reasons for the decision"))
    advantages = models.TextField(_("the winning tender's relative advantages"))
    # True where the team sent the text Innoköp wrote from the evaluation (stored above in Swedish, the
    # legal text): a reader of another language reads it written again in theirs (`award.decision_content`).
    reasons_generated = models.BooleanField(default=False)
    advantages_generated = models.BooleanField(default=False)
    standstill = models.BooleanField(_("standstill period"), default=True)
    standstill_ends = models.DateField(_("standstill ends"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()


class Contract(models.Model):
    """The call-off contract: parties, value, period and the requirements inherited for follow-up."""

    calloff = models.OneToOneField(CallOff, on_delete=models.PROTECT, related_name="contract")
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="calloff_contracts")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="supplier_contracts")
    value = models.DecimalField(_("contract value (SEK, excluding VAT)"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    long_contract_reason = models.TextField(_("reasons for a contract over four years"), blank=True)
    requirements = models.ManyToManyField(Requirement, related_name="contracts", verbose_name=_("requirements"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("call-off contract")
        verbose_name_plural = _("call-off contracts")

    def __str__(self) -> str:
        return f"{self.calloff.reference}: {self.supplier}"


class RecordExport(models.Model):
    """A procurement record ZIP being built in the background; the page polls its progress."""

    calloff = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failed = models.TextField(blank=True)
    file = models.FileField(upload_to="exports/", max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at"]
