"""Call-offs in ranking order (rule 2): offered to the first-ranked supplier, passed down the ranking.

`draft → offered (to rank n, with an answer deadline) → accepted → contracted`. A decline (with a
reason) or a missed answer deadline passes the call-off to the next rank. Whether the current offer
has expired is computed from the clock when read (`offer_state`); the pass-on itself is made by
`ranking_offers_advance`, which every read of the call-off and a background task call, so the next
supplier is told even when nobody looks.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import Role, User
from innokop.accounts.permissions import actor_for
from innokop.agreements.models import LotSupplier
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.calendar import STOCKHOLM, add_working_days, at_local, local_date
from innokop.core.notifications import notify

from ..models import CallOff, CallOffInvitation, CallOffKind, CallOffStatus, OfferStatus, RankingOffer
from ..permissions import current_team
from . import CallOffError, _require_team_draft, _supplier_representatives, cleaning, publication_problems

DEFAULT_ANSWER_DAYS = 5
ANSWER_HOUR = 12


def default_answer_by(now: datetime, working_days: int = DEFAULT_ANSWER_DAYS) -> datetime:
    """Five working days from today, at 12:00 Swedish time."""
    return at_local(add_working_days(local_date(now), working_days), ANSWER_HOUR)


def ranked_suppliers(calloff: CallOff):
    return LotSupplier.objects.filter(lot_id=calloff.lot_id, rank__isnull=False).select_related("supplier") \
        .order_by("rank")


def offer_state(offer: RankingOffer, now: datetime) -> str:
    """The offer's status as the clock has it: an open offer past its answer deadline has expired."""
    if offer.status == OfferStatus.OFFERED:
        if offer.calloff.status == CallOffStatus.CANCELLED:
            return OfferStatus.WITHDRAWN
        if now >= offer.answer_by:
            return OfferStatus.EXPIRED
    return offer.status


def _detail_url(calloff: CallOff) -> str:
    return reverse("calloffs:calloff_detail", args=[calloff.pk])


def _answer_period(calloff: CallOff) -> tuple[int, int, int]:
    """The answer time the agency chose for the first offer (working days, hour, minute): later offers get the same."""
    first = calloff.offers.order_by("rank").first()
    if first is None:
        return DEFAULT_ANSWER_DAYS, ANSWER_HOUR, 0
    start, end = local_date(first.offered_at), local_date(first.answer_by)
    days, day = 0, add_working_days(start, 1)
    while day <= end:  # one step a day: a far deadline costs its length, not its square
        days, day = days + 1, add_working_days(day, 1)
    local = first.answer_by.astimezone(STOCKHOLM)
    return max(1, days), local.hour, local.minute


def _offer_to(calloff: CallOff, admission: LotSupplier, answer_by: datetime, now: datetime, actor: User) -> RankingOffer:
    offer = RankingOffer.objects.create(calloff=calloff, supplier=admission.supplier, rank=admission.rank,
                                        offered_at=now, answer_by=answer_by)
    # The invitation lets the supplier see the call-off; it stays when the offer passes on.
    CallOffInvitation.objects.get_or_create(calloff=calloff, supplier=admission.supplier, defaults={"invited_at": now})
    audit_log(actor=actor, verb="calloff.offer_made", obj=calloff, organisation=calloff.agency,
              payload={"offer": offer.pk, "supplier": admission.supplier_id, "rank": admission.rank,
                       "answer_by": answer_by.isoformat()})
    notify(recipients=_supplier_representatives([admission.supplier_id]), kind="calloff.offer_made",
           subject=gettext_lazy("Call-off offered to you: %(reference)s"),
           body=gettext_lazy("%(agency)s offers your company the call-off “%(title)s” in ranking order: you are "
                             "ranked %(rank)s on the lot. Accept or decline by %(answer_by)s; without an answer "
                             "it passes to the next supplier."),
           params={"reference": calloff.reference, "agency": calloff.agency.name, "title": calloff.title,
                   "rank": admission.rank, "answer_by": answer_by},
           url=_detail_url(calloff))
    transaction.on_commit(lambda: _schedule_advance(calloff.pk, answer_by))
    return offer


def _schedule_advance(calloff_id: int, answer_by: datetime) -> None:
    """With a queue that can wait (the database backend), the pass-on runs when the answer time is up."""
    from ..tasks import advance_ranking_offers

    if advance_ranking_offers.get_backend().supports_defer:
        advance_ranking_offers.using(run_after=answer_by).enqueue(calloff_id)


def _offer_next(calloff: CallOff, now: datetime, actor: User) -> RankingOffer | None:
    """Offers the call-off to the best-ranked supplier not yet asked; tells the agency when nobody is left."""
    asked = calloff.offers.values("supplier_id")
    admission = ranked_suppliers(calloff).exclude(supplier_id__in=asked).first()
    if admission is None:
        audit_log(actor=actor, verb="calloff.ranking_exhausted", obj=calloff, organisation=calloff.agency,
                  payload={"offers": calloff.offers.count()})
        notify(recipients=current_team(calloff), kind="calloff.ranking_exhausted",
               subject=gettext_lazy("No supplier has accepted %(reference)s"),
               body=gettext_lazy("Every ranked supplier on the lot has declined the call-off “%(title)s” or not "
                                 "answered in time. You may cancel the call-off."),
               params={"reference": calloff.reference, "title": calloff.title}, url=_detail_url(calloff))
        return None
    days, hour, minute = _answer_period(calloff)
    answer_by = at_local(add_working_days(local_date(now), days), hour, minute)
    return _offer_to(calloff, admission, answer_by, now, actor)


def ranking_offer_first(*, actor: User, calloff: CallOff, answer_by: datetime) -> CallOff:
    """Publishes a call-off in ranking order: it is offered to the lot's first-ranked supplier."""
    _require_team_draft(actor, calloff)
    if calloff.method != CallOffKind.RANKING:
        raise CallOffError(_("Only call-offs in ranking order are offered to a ranked supplier."))
    answer_by = cleaning.one("answer_by", answer_by, cleaning.moment(local_date(clock.now())))  # naive: Swedish time
    problems = publication_problems(calloff)
    if problems:
        raise CallOffError(" ".join(problems))
    with transaction.atomic():
        calloff = (CallOff.objects.select_for_update(no_key=True, of=("self",)).select_related("agency", "lot")
                   .get(pk=calloff.pk))
        now = clock.now()
        if not calloff.can_move_to(CallOffStatus.OFFERED):
            raise CallOffError(_("The call-off is already published."))
        if answer_by <= now:
            raise ValidationError({"answer_by": _("The answer deadline has passed. Choose a time in the future.")})
        first = ranked_suppliers(calloff).first()
        if first is None:
            raise CallOffError(_("No supplier on the lot has a rank, so there is nobody to offer the call-off to."))
        calloff.move_to(CallOffStatus.OFFERED)
        calloff.published_at, calloff.publish_on = now, local_date(now)
        calloff.save(update_fields=["status", "published_at", "publish_on", "updated_at"])
        audit_log(actor=actor, verb="calloff.published", obj=calloff, organisation=calloff.agency,
                  payload={"reference": calloff.reference, "method": calloff.method,
                           "answer_by": answer_by.isoformat()})
        _offer_to(calloff, first, answer_by, now, actor)
    return calloff


def current_offer(calloff: CallOff) -> RankingOffer | None:
    return calloff.offers.filter(status=OfferStatus.OFFERED).select_related("supplier").first()


def ranking_offers_advance(*, calloff: CallOff) -> list[RankingOffer]:
    """Passes an offer whose answer deadline has passed to the next rank; safe to call on every read.

    Returns the offers that expired. A cancelled call-off's open offer is marked withdrawn.
    """
    if calloff.method != CallOffKind.RANKING or calloff.status not in {CallOffStatus.OFFERED,
                                                                       CallOffStatus.CANCELLED}:
        return []
    now = clock.now()
    if not calloff.offers.filter(status=OfferStatus.OFFERED).exclude(
            answer_by__gt=now, calloff__status=CallOffStatus.OFFERED).exists():
        return []  # the common read: nothing to do, and no lock taken
    expired = []
    with transaction.atomic():
        calloff = (CallOff.objects.select_for_update(no_key=True, of=("self",)).select_related("agency")
                   .get(pk=calloff.pk))
        offer = current_offer(calloff)
        if offer is None:
            return []
        if calloff.status == CallOffStatus.CANCELLED:
            offer.move_to(OfferStatus.WITHDRAWN)
            offer.save(update_fields=["status"])
            audit_log(actor=None, verb="calloff.offer_withdrawn", obj=calloff, organisation=calloff.agency,
                      payload={"offer": offer.pk, "supplier": offer.supplier_id, "rank": offer.rank})
            return []
        if calloff.status == CallOffStatus.OFFERED and now >= offer.answer_by:
            offer.move_to(OfferStatus.EXPIRED)
            offer.save(update_fields=["status"])
            audit_log(actor=None, verb="calloff.offer_expired", obj=calloff, organisation=calloff.agency,
                      payload={"offer": offer.pk, "supplier": offer.supplier_id, "rank": offer.rank,
                               "answer_by": offer.answer_by.isoformat()})
            notify(recipients=_supplier_representatives([offer.supplier_id]), kind="calloff.offer_expired",
                   subject=gettext_lazy("The offer of %(reference)s has passed on"),
                   body=gettext_lazy("Your company did not answer the offer of the call-off “%(title)s” by the "
                                     "deadline, so it has been offered to the next supplier in the ranking."),
                   params={"reference": calloff.reference, "title": calloff.title}, url=_detail_url(calloff))
            _tell_team(calloff, offer, declined=False)
            expired.append(offer)
            _offer_next(calloff, now, None)
    return expired


def _tell_team(calloff: CallOff, offer: RankingOffer, *, declined: bool) -> None:
    if declined:
        subject = gettext_lazy("%(supplier)s declined %(reference)s")
        body = gettext_lazy("%(supplier)s (rank %(rank)s) declined the call-off “%(title)s”. The reason: "
                            "%(reason)s")
    else:
        subject = gettext_lazy("%(supplier)s did not answer %(reference)s in time")
        body = gettext_lazy("%(supplier)s (rank %(rank)s) did not answer the offer of the call-off “%(title)s” "
                            "by the deadline.")
    notify(recipients=current_team(calloff), kind="calloff.offer_declined" if declined else "calloff.offer_expired",
           subject=subject, body=body,
           params={"reference": calloff.reference, "title": calloff.title, "supplier": offer.supplier.name,
                   "rank": offer.rank, "reason": offer.reason},
           url=_detail_url(calloff))


def answering_offer(actor: User, calloff: CallOff) -> RankingOffer | None:
    """The open offer to a supplier the actor represents, or None."""
    represented = {m.organisation_id for m in actor_for(actor).memberships if m.role == Role.SUPPLIER_REPRESENTATIVE}
    return calloff.offers.filter(status=OfferStatus.OFFERED, supplier_id__in=represented) \
        .select_related("supplier", "calloff").first()


def _locked_answer(actor: User, offer: RankingOffer) -> tuple[CallOff, RankingOffer]:
    calloff = (CallOff.objects.select_for_update(no_key=True, of=("self",)).select_related("agency")
               .get(pk=offer.calloff_id))
    offer = RankingOffer.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=offer.pk)
    represented = {m.organisation_id for m in actor_for(actor).memberships if m.role == Role.SUPPLIER_REPRESENTATIVE}
    if offer.supplier_id not in represented:
        raise CallOffError(_("Only a representative of the supplier the call-off is offered to can answer."))
    if calloff.status != CallOffStatus.OFFERED or offer.status != OfferStatus.OFFERED:
        raise CallOffError(_("The offer is no longer open, so it cannot be answered."))
    if clock.now() >= offer.answer_by:
        raise CallOffError(_("The answer deadline has passed and the call-off has passed to the next supplier."))
    return calloff, offer


def ranking_offer_accept(*, actor: User, offer: RankingOffer) -> RankingOffer:
    """The offered supplier accepts: the call-off is accepted and the contract can be signed."""
    with transaction.atomic():
        calloff, offer = _locked_answer(actor, offer)
        if not calloff.can_move_to(CallOffStatus.ACCEPTED):
            raise CallOffError(_("The call-off can no longer be accepted."))
        now = clock.now()
        offer.move_to(OfferStatus.ACCEPTED)
        offer.answered_by, offer.answered_at = actor, now
        offer.save(update_fields=["status", "answered_by", "answered_at"])
        calloff.move_to(CallOffStatus.ACCEPTED)
        calloff.save(update_fields=["status", "updated_at"])
        audit_log(actor=actor, verb="calloff.offer_accepted", obj=calloff, organisation=calloff.agency,
                  payload={"offer": offer.pk, "supplier": offer.supplier_id, "rank": offer.rank})
        notify(recipients=current_team(calloff), kind="calloff.offer_accepted",
               subject=gettext_lazy("%(supplier)s accepted %(reference)s"),
               body=gettext_lazy("%(supplier)s (rank %(rank)s) accepted the call-off “%(title)s”. Sign the "
                                 "contract in Innoköp."),
               params={"reference": calloff.reference, "title": calloff.title, "supplier": offer.supplier.name,
                       "rank": offer.rank},
               url=_detail_url(calloff))
    return offer


def ranking_offer_decline(*, actor: User, offer: RankingOffer, reason: str) -> RankingOffer:
    """The offered supplier declines with a reason: the call-off is offered to the next rank."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for declining; the agency is told it.")})
    with transaction.atomic():
        calloff, offer = _locked_answer(actor, offer)
        now = clock.now()
        offer.move_to(OfferStatus.DECLINED)
        offer.reason = reason.strip()
        offer.answered_by, offer.answered_at = actor, now
        offer.save(update_fields=["status", "reason", "answered_by", "answered_at"])
        audit_log(actor=actor, verb="calloff.offer_declined", obj=calloff, organisation=calloff.agency,
                  payload={"offer": offer.pk, "supplier": offer.supplier_id, "rank": offer.rank,
                           "reason": offer.reason})
        _tell_team(calloff, offer, declined=True)
        _offer_next(calloff, now, actor)
    return offer
