"""What the follow-up task tells people, each once per round: requests of scheduled rounds, reminders to the
supplier before and after the deadline, and reminders to the buyer of answers waiting for an assessment."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy

from innokop.accounts.models import Membership
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.calendar import add_working_days, local_date
from innokop.core.notifications import notify

from ..models import EventKind, FollowUpPlan, FollowUpRound, RoundEvent, RoundKind, RoundStatus
from .plans import _event, _params, _round_url, _tell_requested, buyer_people, rounds_open_due, supplier_people

REMIND_WORKING_DAYS_BEFORE = 3
ASSESS_WORKING_DAYS = 5


def followup_reminders_send(*, now: datetime | None = None) -> int:
    """What the task tells people, each once per round; returns how many notifications went.

    First the scheduled rounds whose day has come are made (`rounds_open_due`) and their requests sent to the
    supplier; then suppliers are reminded of requests due within three working days and of overdue ones; then the
    buyer's person responsible is reminded of answers waiting five working days for an assessment, and of overdue
    rounds that can be assessed. Each step's history row is written in the same transaction as the notification
    under a unique constraint, so a task run twice, or two workers at once, send it once.
    """
    now = now or clock.now()
    today = local_date(now)
    rounds_open_due(FollowUpPlan.objects.select_related("agreement__owner", "contract__supplier", "contract__agency"),
                    now)
    sent, just_sent = 0, set()
    requested = (FollowUpRound.objects.filter(status=RoundStatus.REQUESTED, kind=RoundKind.REGULAR)
                 .select_related("plan", "item", "supplier"))
    for followup_round in requested.filter(requested_by__isnull=True).exclude(events__kind=EventKind.REQUEST_SENT):
        if _send_once(followup_round, EventKind.REQUEST_SENT, _tell_requested):
            sent += 1
            just_sent.add(followup_round.pk)
    for followup_round in requested:
        if now > followup_round.deadline:
            kind = EventKind.REMINDED_AFTER
        elif (add_working_days(today, REMIND_WORKING_DAYS_BEFORE) >= local_date(followup_round.deadline)
              and followup_round.pk not in just_sent):
            kind = EventKind.REMINDED_BEFORE
        else:
            continue
        if _remind(followup_round, kind):
            sent += 1
    return sent + _assessment_reminders_send(now)


def waiting_for_assessment(rounds, now: datetime):
    """Rounds the buyer should assess now: answered five working days ago or more, or unanswered past the
    deadline (which may be assessed as a deviation); not a commissioned audit still waiting for its report."""
    today = local_date(now)
    return [r for r in rounds
            if (r.status == RoundStatus.ANSWERED
                and add_working_days(local_date(r.answered_at), ASSESS_WORKING_DAYS) <= today)
            or (r.is_overdue(now) and not r.is_audit)]  # an audit waits for the buyer's own report


def _assessment_reminders_send(now: datetime) -> int:
    waiting = (FollowUpRound.objects.filter(Q(status=RoundStatus.ANSWERED) | Q(status=RoundStatus.REQUESTED,
                                                                               deadline__lt=now))
               .exclude(events__kind=EventKind.ASSESS_REMINDED)
               .select_related("plan__contract__calloff", "plan__agreement__owner", "item__responsible", "supplier"))
    return sum(_send_once(r, EventKind.ASSESS_REMINDED, _tell_assess) for r in waiting_for_assessment(waiting, now))


def _assessors(followup_round: FollowUpRound) -> list:
    """The item's person responsible while they belong to the buyer; otherwise everyone following the plan up."""
    plan, responsible = followup_round.plan, followup_round.item.responsible
    if responsible is not None and responsible.is_active and Membership.objects.filter(
            user=responsible, organisation=plan.buyer).exists():
        return [responsible]
    return buyer_people(plan)


def _tell_assess(followup_round: FollowUpRound) -> None:
    if followup_round.status == RoundStatus.ANSWERED:
        subject = gettext_lazy("Follow-up %(reference)s is waiting for your assessment")
        body = gettext_lazy("%(supplier)s answered the follow-up of %(item)s (%(plan)s). Assess the answer as met or "
                            "as a deviation.")
    else:
        subject = gettext_lazy("Follow-up %(reference)s was not answered in time")
        body = gettext_lazy("%(supplier)s has not answered the follow-up of %(item)s (%(plan)s), due %(deadline)s. "
                            "You can assess it as a deviation.")
    notify(recipients=_assessors(followup_round), kind="followup.assess_reminder", subject=subject, body=body,
           params=_params(followup_round) | {"deadline": followup_round.deadline}, url=_round_url(followup_round))


def _send_once(followup_round: FollowUpRound, kind: str, tell) -> bool:
    """One step of the task for one round: its history row (unique per round and kind), the notification and the
    audit event, together or not at all."""
    try:
        with transaction.atomic():
            if RoundEvent.objects.filter(round=followup_round, kind=kind).exists():
                return False
            _event(followup_round, kind, None, None)
            tell(followup_round)
            audit_log(actor=None, verb=f"followup_round.{kind}", obj=followup_round,
                      organisation=followup_round.plan.buyer, payload={})
    except IntegrityError:
        return False
    return True


def _remind(followup_round: FollowUpRound, kind: str) -> bool:
    if kind == EventKind.REMINDED_BEFORE:
        subject = gettext_lazy("Follow-up request %(reference)s is due %(deadline)s")
        body = gettext_lazy("Answer the follow-up of %(item)s (%(plan)s) by %(deadline)s.")
    else:
        subject = gettext_lazy("Follow-up request %(reference)s is overdue")
        body = gettext_lazy("The answer to the follow-up of %(item)s (%(plan)s) was due %(deadline)s. Answer now: "
                            "an unanswered round can be assessed as a deviation.")
    try:
        with transaction.atomic():
            if RoundEvent.objects.filter(round=followup_round, kind=kind).exists():
                return False
            _event(followup_round, kind, None, None)
            notify(recipients=supplier_people(followup_round.supplier), kind=f"followup.round_{kind}",
                   subject=subject, body=body, params=_params(followup_round) | {"deadline": followup_round.deadline},
                   url=_round_url(followup_round))
            audit_log(actor=None, verb=f"followup_round.{kind}", obj=followup_round,
                      organisation=followup_round.supplier, payload={})
    except IntegrityError:
        return False
    return True
