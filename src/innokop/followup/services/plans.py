"""Every change to follow-up plans, rounds and deviations (DESIGN.md §3): one service each, audited, with the
round's history for both sides and the other side told on commit.

Rounds are scheduled from each item's frequency on Swedish working days (`schedule`). A scheduled round counts as
requested from its working day, whoever reads first (`rounds_open_due`, called by every page, API operation and
traffic light that reads rounds, and by the task): its deadline is computed from that day, not from when it was
read. A buyer can still request a round when needed (or a scheduled day from before the plan was made). Whether a
round is overdue or a corrective action late is read from the clock; the task (`followup_reminders_send`, run by
`send_followup_reminders` and `innokop followup_reminders`) only tells people: the request of a scheduled round,
the reminders before and after its deadline, and the buyer's reminder of a round waiting to be assessed, each
once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import Membership, Organisation, Role
from innokop.agreements.models import SANCTIONS_NEEDING_AMOUNT, FrameworkAgreement, LotSupplier, RequirementKind
from innokop.calloffs.models import Contract, EvaluationModel
from innokop.calloffs.permissions import current_team
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.calendar import add_working_days, end_of_day, local_date, roll_to_working_day, start_of_day
from innokop.core.documents import document_create
from innokop.core.notifications import notify
from innokop.core.refusals import Problem, Refused

from ..models import (
    Deviation,
    DeviationStatus,
    EventKind,
    FollowUpPlan,
    FollowUpRound,
    ItemSource,
    PlanFrequency,
    PlanItem,
    PlanItemChange,
    PlanMethod,
    RoundEvent,
    RoundKind,
    RoundStatus,
    Sanction,
)
from ..models.plans import FREQUENCY_FROM_AGREEMENT, METHOD_FROM_AGREEMENT
from ..permissions import answers_for_supplier, follows_up, member_supplier_ids, plans_visible_to

ANSWER_WORKING_DAYS = 15
"""A supplier answers a request within three working weeks unless the buyer gives another deadline."""
MIN_ANSWER_WORKING_DAYS = 5
"""An answer not assessed within five working days reminds the buyer's person responsible."""
MONTHS = {PlanFrequency.MONTHLY: 1, PlanFrequency.QUARTERLY: 3, PlanFrequency.HALF_YEARLY: 6,
          PlanFrequency.ANNUALLY: 12}
EDITABLE_FIELDS = ("text", "method", "frequency", "responsible", "target", "target_direction", "unit", "audit_area",
                   "active")


class FollowUpError(Refused):
    code = "followup_refused"


# --- The schedule -----------------------------------------------------------------------------------------

def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def schedule(frequency: str, start: date, end: date) -> list[date]:
    """The days a round is requested: at the end of each period from `start` (a month, a quarter, six months,
    a year), or once a month after the start; each on the working day on or after it, and none after `end`.
    Nothing is scheduled when needed (`on_demand`): those rounds are requested by hand."""
    if frequency == PlanFrequency.ON_DEMAND:
        return []
    if frequency == PlanFrequency.ONCE:
        days = [_add_months(start, 1)]
    else:
        step, days, n = MONTHS[frequency], [], 1
        while (day := _add_months(start, step * n)) <= end + timedelta(days=1):
            days.append(day)
            n += 1
    return [roll_to_working_day(day) for day in days if day <= end + timedelta(days=1)]


def plan_suppliers(plan: FollowUpPlan) -> list[Organisation]:
    """Who is followed up: the contract's supplier, or every supplier admitted to the agreement."""
    return plans_suppliers([plan])[0]


def plans_suppliers(plans) -> list[list[Organisation]]:
    """`plan_suppliers` for many plans, in their order, in one query for all the agreements' admitted suppliers
    (a contract's supplier is read from the plan: select it with the plans)."""
    plans = list(plans)
    agreement_ids = {plan.agreement_id for plan in plans if not plan.contract_id}
    admitted: dict[int, dict[int, Organisation]] = {pk: {} for pk in agreement_ids}
    if agreement_ids:
        for row in (LotSupplier.objects.filter(lot__agreement_id__in=agreement_ids)
                    .select_related("supplier").annotate(agreement_pk=F("lot__agreement_id"))):
            admitted[row.agreement_pk][row.supplier_id] = row.supplier
    return [[plan.contract.supplier] if plan.contract_id
            else sorted(admitted[plan.agreement_id].values(), key=lambda o: o.name) for plan in plans]


def due_rounds(plan: FollowUpPlan, today: date) -> list[tuple[PlanItem, Organisation, date]]:
    """(item, supplier, day) for every scheduled day up to today with no round yet: what the buyer should request."""
    suppliers = plan_suppliers(plan)
    requested = set(FollowUpRound.objects.filter(plan=plan).values_list("item_id", "supplier_id", "scheduled_on"))
    due = []
    for item in plan.items.filter(active=True).order_by("id"):
        for day in schedule(item.frequency, plan.starts_on, plan.ends_on):
            if day > today:
                break
            due.extend((item, supplier, day) for supplier in suppliers
                       if (item.pk, supplier.pk, day) not in requested)
    return due


def scheduled_round_deadline(day: date) -> datetime:
    """A scheduled round's answer deadline: the end of the working day fifteen working days after its day."""
    return end_of_day(add_working_days(roll_to_working_day(day), ANSWER_WORKING_DAYS))


def rounds_open_due(plans, now: datetime | None = None) -> int:
    """Makes the row of every round the schedule has requested by itself up to today (`automatic_days`); returns
    how many were made.

    Idempotent and safe when two readers race: one round per item, supplier and day (a unique constraint). The
    round counts as requested from the start of its day and its deadline is computed from that day, so the state is
    the same whenever, and by whom, it is first read. Nobody is told here: the task sends the request once
    (`followup_reminders_send`)."""
    today = local_date(now or clock.now())
    plans = {plan.pk: plan for plan in plans}
    if not plans:
        return 0
    # A bounded number of queries whatever the number of plans: their items (with their changes) at once, the
    # suppliers and the rounds already made of the plans with a day that has come at once; then a round is made
    # only for what is missing.
    items_of: dict[int, list[PlanItem]] = {pk: [] for pk in plans}
    for item in PlanItem.objects.filter(plan_id__in=plans).prefetch_related("changes").order_by("plan_id", "id"):
        if item.active or item.changes.all():
            items_of[item.plan_id].append(item)
    days = {item.pk: automatic_days(item, plans[pk], today) for pk, items in items_of.items() for item in items}
    due = [plan for pk, plan in plans.items() if any(days[item.pk] for item in items_of[pk])]
    if not due:
        return 0
    made_before = set(FollowUpRound.objects.filter(plan_id__in=[plan.pk for plan in due])
                      .values_list("item_id", "supplier_id", "scheduled_on"))
    made = 0
    for plan, suppliers in zip(due, plans_suppliers(due), strict=True):
        for item in items_of[plan.pk]:
            for day in days[item.pk]:
                for supplier in suppliers:
                    if (item.pk, supplier.pk, day) not in made_before:
                        made += _round_open_scheduled(plan, item, supplier, day)
    return made


def automatic_days(item: PlanItem, plan: FollowUpPlan, today: date) -> list[date]:
    """The days up to today on which the item's schedule requested a round by itself: from the day the item was put
    in the plan, on the schedule of the frequency it had on each day (a change of frequency, or following the item
    up again, starts a new schedule after the day of the change; the days the old one had reached stay requested).
    Earlier days, before the item was in the plan, are for the buyer to request if they are needed."""
    steps = sorted((c for c in item.changes.all() if {"frequency", "active"} & set(c.changes)),
                   key=lambda c: (c.changed_at, c.pk))
    frequency = next((c.changes["frequency"][0] for c in steps if "frequency" in c.changes), item.frequency)
    active = next((c.changes["active"][0] == "True" for c in steps if "active" in c.changes), item.active)
    periods = [(local_date(item.created_at), frequency, active)]
    for change in steps:
        frequency = change.changes["frequency"][1] if "frequency" in change.changes else frequency
        active = change.changes["active"][1] == "True" if "active" in change.changes else active
        periods.append((local_date(change.changed_at) + timedelta(days=1), frequency, active))
    days = set()
    for n, (since, frequency, active) in enumerate(periods):
        until = min(periods[n + 1][0] - timedelta(days=1), today) if n + 1 < len(periods) else today
        if active:
            days |= {d for d in schedule(frequency, plan.starts_on, plan.ends_on) if since <= d <= until}
    return sorted(days)


def _round_open_scheduled(plan: FollowUpPlan, item: PlanItem, supplier: Organisation, day: date) -> int:
    requested_at = start_of_day(day)
    try:
        with transaction.atomic():
            followup_round = FollowUpRound.objects.create(
                plan=plan, item=item, supplier=supplier, scheduled_on=day, question=item.text,
                deadline=scheduled_round_deadline(day), requested_by=None, requested_at=requested_at)
            _event(followup_round, EventKind.SCHEDULED, None, plan.buyer, item.text, at=requested_at,
                   deadline=local_date(followup_round.deadline))
            audit_log(actor=None, verb="followup_round.scheduled", obj=followup_round, organisation=plan.buyer,
                      payload={"item": item.pk, "supplier": supplier.pk, "scheduled_on": day.isoformat(),
                               "deadline": followup_round.deadline.isoformat()})
    except IntegrityError:
        return 0  # another reader made it first
    return 1


def rounds_open_for(actor, now: datetime | None = None) -> int:
    """`rounds_open_due` for what the actor reads: the plans it follows up and those following up its suppliers."""
    plans = {plan.pk: plan for plan in plans_visible_to(actor)}
    plans |= {plan.pk: plan for plan in plans_of_suppliers(member_supplier_ids(actor))}
    return rounds_open_due(plans.values(), now)


def plans_of_suppliers(supplier_ids) -> list[FollowUpPlan]:
    """The plans that follow up any of these suppliers: their contracts', and their agreements' (admitted)."""
    if not supplier_ids:
        return []
    admitted = LotSupplier.objects.filter(supplier_id__in=supplier_ids).values("lot__agreement_id")
    return list(FollowUpPlan.objects.filter(Q(contract__supplier_id__in=supplier_ids) | Q(agreement_id__in=admitted))
                .select_related("agreement__owner", "contract__supplier", "contract__agency",
                                "contract__calloff__lot__agreement"))


def next_round_day(item: PlanItem, today: date) -> date | None:
    return next((day for day in schedule(item.frequency, item.plan.starts_on, item.plan.ends_on) if day > today), None)


def default_deadline(today: date) -> date:
    return add_working_days(roll_to_working_day(today), ANSWER_WORKING_DAYS)


# --- Who is told --------------------------------------------------------------------------------------------

def buyer_people(plan: FollowUpPlan, item: PlanItem | None = None) -> list:
    """The buyer's side: the contract's call-off team as it stands now, or the agreement's framework managers;
    and the item's person responsible while they still belong to the buyer."""
    if plan.contract_id:
        people = list(current_team(plan.contract.calloff))
    else:
        people = [m.user for m in Membership.objects.filter(organisation_id=plan.agreement.owner_id,
                                                            role=Role.FRAMEWORK_MANAGER).select_related("user")]
    responsible = item.responsible if item is not None else None
    if responsible is not None and Membership.objects.filter(user=responsible, organisation=plan.buyer).exists():
        people.append(responsible)
    return people


def supplier_people(supplier: Organisation) -> list:
    return [m.user for m in Membership.objects.filter(organisation=supplier, role=Role.SUPPLIER_REPRESENTATIVE)
            .select_related("user")]


def _round_url(followup_round: FollowUpRound) -> str:
    return reverse("followup:round_detail", args=[followup_round.pk])


def _params(followup_round: FollowUpRound) -> dict:
    return {"reference": followup_round.reference, "item": followup_round.item.identifier,
            "plan": str(followup_round.plan), "supplier": followup_round.supplier.name}


def _event(followup_round: FollowUpRound, kind: str, actor, organisation, text: str = "", *,
           at: datetime | None = None, **data) -> RoundEvent:
    return RoundEvent.objects.create(round=followup_round, kind=kind, actor=actor if actor is not None else None,
                                     organisation=organisation, at=at or clock.now(), text=text,
                                     data={key: str(value) for key, value in data.items() if value not in (None, "")})


def _require_buyer(actor, plan: FollowUpPlan) -> None:
    if not follows_up(actor, plan):
        who = _("the call-off's team") if plan.contract_id else _("the agreement's framework managers")
        raise FollowUpError(_("Only %(who)s follow up this plan.") % {"who": who}, code="not_following_up", status=403)


def _require_answering(actor, followup_round: FollowUpRound) -> None:
    if not answers_for_supplier(actor, followup_round.supplier):
        raise FollowUpError(_("Only the supplier's representatives answer its follow-up requests."),
                            code="not_representative", status=403)


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise FollowUpError(message, code="missing", problems=[Problem(field, message)])
    return value


# --- Plans and their items -----------------------------------------------------------------------------------

def _requirement_item(plan, requirement, source, now, actor) -> PlanItem:
    return PlanItem(plan=plan, source=source, requirement=requirement, identifier=requirement.identifier,
                    text=requirement.text, method=METHOD_FROM_AGREEMENT.get(requirement.followup_method,
                                                                            PlanMethod.DOCUMENT),
                    frequency=FREQUENCY_FROM_AGREEMENT.get(requirement.followup_frequency, PlanFrequency.ANNUALLY),
                    responsible=actor, created_at=now)


def promised(contract: Contract) -> tuple[set[str] | None, list[dict]]:
    """What the winning tender committed to, from the stored evaluation: the identifiers of the evaluated
    requirements it was credited with (value-added method; None when the model records none) and the quality
    criteria it was scored on, with the score."""
    evaluation = getattr(contract.calloff, "evaluation", None)
    if evaluation is None or evaluation.winner_id is None:
        return None, []
    row = next((r for r in evaluation.ranking if r.get("tender") == evaluation.winner_id), None)
    if row is None:
        return None, []
    meets = set(row.get("meets", [])) if contract.calloff.evaluation_model == EvaluationModel.VALUE_ADDED else None
    scores = row.get("scores", {})
    criteria = [{"criterion": c["criterion"], "name": c["name"], "score": scores.get(str(c["criterion"]), "")}
                for c in row.get("criterion_points", [])]
    return meets, criteria


def plan_create_for_contract(*, actor, contract: Contract) -> FollowUpPlan:
    """The agency's plan for a call-off contract: the inherited requirements (an evaluated one only when the
    winning tender was credited with it, as a promise), and each quality criterion the winner was scored on."""
    plan = FollowUpPlan(contract=contract)
    _require_buyer(actor, plan)
    meets, criteria = promised(contract)
    now = clock.now()
    with transaction.atomic():
        Contract.objects.select_for_update(no_key=True).filter(pk=contract.pk).first()
        if FollowUpPlan.objects.filter(contract=contract).exists():
            raise FollowUpError(_("The contract already has a follow-up plan."), code="plan_exists", status=409)
        plan = FollowUpPlan.objects.create(contract=contract, created_by=actor, created_at=now)
        items = []
        for requirement in contract.requirements.order_by("identifier"):
            if requirement.kind == RequirementKind.EVALUATED and meets is not None:
                if requirement.identifier not in meets:
                    continue  # the winner did not offer it, so nothing was promised
                items.append(_requirement_item(plan, requirement, ItemSource.PROMISE, now, actor))
            else:
                items.append(_requirement_item(plan, requirement, ItemSource.REQUIREMENT, now, actor))
        for n, criterion in enumerate(criteria, start=1):
            items.append(PlanItem(plan=plan, source=ItemSource.PROMISE, identifier=f"T{n}", method=PlanMethod.DOCUMENT,
                                  frequency=PlanFrequency.ANNUALLY, responsible=actor, created_at=now,
                                  # the criterion as the agreement names it; "promised in the tender" is the source
                                  text=criterion["name"]))
        PlanItem.objects.bulk_create(items)
        audit_log(actor=actor, verb="followup_plan.created", obj=plan, organisation=contract.agency,
                  payload={"contract": contract.pk, "items": len(items)})
    return plan


def plan_create_for_agreement(*, actor, agreement: FrameworkAgreement) -> FollowUpPlan:
    """The purchasing body's plan for an agreement: every requirement, followed up with each admitted supplier."""
    plan = FollowUpPlan(agreement=agreement)
    _require_buyer(actor, plan)
    now = clock.now()
    with transaction.atomic():
        FrameworkAgreement.objects.select_for_update(no_key=True).filter(pk=agreement.pk).first()
        if FollowUpPlan.objects.filter(agreement=agreement).exists():
            raise FollowUpError(_("The agreement already has a follow-up plan."), code="plan_exists", status=409)
        plan = FollowUpPlan.objects.create(agreement=agreement, created_by=actor, created_at=now)
        items = [_requirement_item(plan, r, ItemSource.REQUIREMENT, now, actor)
                 for r in agreement.requirements.order_by("identifier")]
        PlanItem.objects.bulk_create(items)
        audit_log(actor=actor, verb="followup_plan.created", obj=plan, organisation=agreement.owner,
                  payload={"agreement": agreement.reference, "items": len(items)})
    return plan


def _check_item(values: dict) -> None:
    if values.get("method") == PlanMethod.KPI and values.get("target") is None:
        raise FollowUpError(_("A KPI measurement needs a target."), code="kpi_needs_target",
                            problems=[Problem("target", _("Give the target the measured value is compared with."))])
    if values.get("method") == PlanMethod.KPI and not (values.get("unit") or "").strip():
        raise FollowUpError(_("A KPI measurement needs a unit."), code="kpi_needs_unit",
                            problems=[Problem("unit", _("Give the unit, for example per cent or days."))])
    responsible = values.get("responsible")
    plan = values["plan"]
    if responsible is not None and not Membership.objects.filter(user=responsible, organisation=plan.buyer).exists():
        raise FollowUpError(_("The person responsible must belong to %(buyer)s.") % {"buyer": plan.buyer.name},
                            code="responsible_outside", problems=[Problem("responsible", _("Choose someone of your "
                                                                                           "organisation."))])


def plan_item_add(*, actor, plan: FollowUpPlan, reason: str, text: str, method: str, frequency: str,
                  responsible=None, target: Decimal | None = None, target_direction: str = "at_least",
                  unit: str = "", audit_area: str = "") -> PlanItem:
    """A target the buyer sets (a KPI, a user survey ...), with the reason for adding it."""
    _require_buyer(actor, plan)
    reason = _required(reason, "reason", _("Say why you add this to the plan."))
    text = _required(text, "text", _("Say what is followed up."))
    values = {"plan": plan, "text": text, "method": method, "frequency": frequency, "responsible": responsible,
              "target": target, "target_direction": target_direction, "unit": unit.strip(), "audit_area": audit_area}
    _check_item(values)
    with transaction.atomic():
        number = plan.items.filter(source=ItemSource.TARGET).count() + 1
        item = PlanItem.objects.create(source=ItemSource.TARGET, identifier=f"M{number}", created_at=clock.now(),
                                       **values)
        PlanItemChange.objects.create(item=item, changed_by=actor, changed_at=clock.now(), reason=reason,
                                      changes={"text": ["", text]})
        audit_log(actor=actor, verb="followup_plan.item_added", obj=item, organisation=plan.buyer,
                  payload={"plan": plan.pk, "method": method, "frequency": frequency, "reason": reason,
                           "target": None if target is None else str(target), "unit": unit})
    return item


def _shown(item: PlanItem, name: str) -> str:
    """A value as kept in the item's history: a choice as its value (named in the reader's language when read,
    `PlanItemChange.rows`), the person responsible by name."""
    value = getattr(item, name)
    if name == "responsible":
        return value.full_name if value else ""
    return "" if value is None else str(value)


def plan_item_change(*, actor, item: PlanItem, reason: str, **changes) -> PlanItem:
    """Changes an item; every change needs a reason, kept with the values before and after (the item's history)."""
    plan = item.plan
    _require_buyer(actor, plan)
    reason = _required(reason, "reason", _("Say why you change the plan; the reason is kept with the change."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise FollowUpError(_("These cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
                            code="not_editable")
    with transaction.atomic():
        item = PlanItem.objects.select_for_update(no_key=True, of=("self",)).select_related("plan", "responsible").get(pk=item.pk)
        before = {name: _shown(item, name) for name in changes}
        for name, value in changes.items():
            setattr(item, name, value.strip() if isinstance(value, str) and name in ("text", "unit") else value)
        _check_item({name: getattr(item, name) for name in EDITABLE_FIELDS} | {"plan": plan})
        diff = {name: [before[name], _shown(item, name)] for name in changes if before[name] != _shown(item, name)}
        if not diff:
            raise FollowUpError(_("Nothing was changed."), code="no_change")
        item.save(update_fields=list(changes))
        PlanItemChange.objects.create(item=item, changed_by=actor, changed_at=clock.now(), reason=reason, changes=diff)
        audit_log(actor=actor, verb="followup_plan.item_changed", obj=item, organisation=plan.buyer,
                  payload={"changes": diff, "reason": reason})
    return item


# --- Rounds ---------------------------------------------------------------------------------------------------

def round_request(*, actor, item: PlanItem, supplier: Organisation, scheduled_on: date | None = None,
                  deadline: date | None = None, question: str = "", kind: str = RoundKind.REGULAR,
                  audit_area: str = "", auditor: str = "") -> FollowUpRound:
    """Asks the supplier for evidence on the item, by the end of a working day at least five working days away.

    `scheduled_on` is the day of the schedule the round answers (today for a round asked for when needed, or a
    commissioned audit); a day is requested once per supplier.
    """
    plan = item.plan
    _require_buyer(actor, plan)
    today = local_date(clock.now())
    if not item.active:
        raise FollowUpError(_("The item is no longer followed up."), code="item_inactive", status=409)
    if supplier.pk not in {s.pk for s in plan_suppliers(plan)}:
        raise FollowUpError(_("%(supplier)s is not followed up in this plan.") % {"supplier": supplier.name},
                            code="not_in_plan")
    scheduled_on = scheduled_on or today
    if scheduled_on > today:
        raise FollowUpError(_("A round is requested on or after its day in the schedule."), code="not_yet_due",
                            status=409)
    deadline = deadline or default_deadline(today)
    earliest = add_working_days(today, MIN_ANSWER_WORKING_DAYS)
    if deadline < earliest:
        raise FollowUpError(_("Give the supplier at least five working days: the deadline can be %(day)s at the "
                              "earliest.") % {"day": earliest.isoformat()}, code="deadline_too_soon",
                            problems=[Problem("deadline", _("Choose a later day."))])
    if kind == RoundKind.AUDIT:
        _required(audit_area, "audit_area", _("Choose what the audit covers."))
        _required(auditor, "auditor", _("Name the external auditor."))
    question = question.strip() or item.text
    try:
        with transaction.atomic():
            followup_round = FollowUpRound.objects.create(
                plan=plan, item=item, supplier=supplier, kind=kind, audit_area=audit_area if kind == RoundKind.AUDIT
                else "", auditor=auditor.strip() if kind == RoundKind.AUDIT else "", scheduled_on=scheduled_on,
                question=question, deadline=end_of_day(roll_to_working_day(deadline)), requested_by=actor,
                requested_at=clock.now())
            _event(followup_round, EventKind.REQUESTED, actor, plan.buyer, question,
                   deadline=local_date(followup_round.deadline), auditor=followup_round.auditor)
            audit_log(actor=actor, verb="followup_round.requested", obj=followup_round, organisation=plan.buyer,
                      payload={"item": item.pk, "supplier": supplier.pk, "scheduled_on": scheduled_on.isoformat(),
                               "deadline": followup_round.deadline.isoformat(), "kind": kind})
            _tell_requested(followup_round)
    except IntegrityError:
        raise FollowUpError(_("This round has already been requested."), code="round_exists", status=409) from None
    return followup_round


def _locked_round(followup_round: FollowUpRound) -> FollowUpRound:
    return (FollowUpRound.objects.select_for_update(no_key=True, of=("self",)).select_related("plan", "item", "supplier")
            .get(pk=followup_round.pk))


MAX_EVIDENCE_FILES = 10


def _attach(actor, followup_round: FollowUpRound, owner: Organisation, files, title: str,
            field: str = "evidence") -> list[str]:
    """Each file through `core.documents` (size, type by its content, a safe name); a file refused there refuses the
    whole answer (413 when too large, 422 otherwise), naming the file."""
    if len(files) > MAX_EVIDENCE_FILES:
        raise FollowUpError(_("Attach at most %(count)s files.") % {"count": MAX_EVIDENCE_FILES},
                            code="too_many_files", status=422, problems=[Problem(field, _("Attach fewer files."))])
    names = []
    for uploaded in files:
        try:
            document = document_create(actor=actor, owner=owner, title=f"{title}: {uploaded.name}"[:255],
                                       uploaded=uploaded, attached_to=followup_round.document_key)
        except ValidationError as error:
            message = f"{uploaded.name}: {' '.join(error.messages)}"
            raise FollowUpError(message, code=f"file_{error.code or 'refused'}",
                                status=413 if error.code == "too_large" else 422,
                                problems=[Problem(field, message)]) from None
        names.append(document.title)
    return names


def round_answer(*, actor, followup_round: FollowUpRound, answer: str, value: Decimal | None = None,
                 files=()) -> FollowUpRound:
    """The supplier's answer with its evidence: text, a measured value (required for a KPI) and documents.

    An answer after the deadline is taken, and the history shows it came late."""
    _require_answering(actor, followup_round)
    if followup_round.is_audit:
        raise FollowUpError(_("A commissioned audit is answered by the auditor's report, which the buyer records."),
                            code="audit_round", status=409)
    answer = _required(answer, "answer", _("Describe how the requirement is met and what your evidence shows."))
    if followup_round.item.is_kpi and value is None:
        raise FollowUpError(_("Give the measured value."), code="value_missing",
                            problems=[Problem("value", _("Give the measured value in %(unit)s.")
                                              % {"unit": followup_round.item.unit})])
    with transaction.atomic():
        locked = _locked_round(followup_round)
        if locked.status != RoundStatus.REQUESTED:
            raise FollowUpError(_("The round has already been answered."), code="already_answered", status=409)
        now = clock.now()
        names = _attach(actor, locked, locked.supplier, files, locked.reference)
        locked.answer, locked.value, locked.answered_by, locked.answered_at = answer, value, actor, now
        locked.move_to(RoundStatus.ANSWERED)
        locked.save(update_fields=["answer", "value", "answered_by", "answered_at", "status"])
        _event(locked, EventKind.ANSWERED, actor, locked.supplier, answer, value=value,
               late="yes" if now > locked.deadline else None, documents=", ".join(names) or None)
        audit_log(actor=actor, verb="followup_round.answered", obj=locked, organisation=locked.supplier,
                  payload={"value": None if value is None else str(value), "documents": names,
                           "late": now > locked.deadline})
        notify(recipients=buyer_people(locked.plan, locked.item), kind="followup.round_answered",
               subject=gettext_lazy("%(supplier)s answered follow-up request %(reference)s"),
               body=gettext_lazy("%(supplier)s answered the follow-up of %(item)s (%(plan)s). Assess the answer."),
               params=_params(locked), url=_round_url(locked))
    return locked


def round_audit_report(*, actor, followup_round: FollowUpRound, summary: str, report) -> FollowUpRound:
    """The external auditor's report of a commissioned audit, recorded by the buyer: the round's answer."""
    _require_buyer(actor, followup_round.plan)
    if not followup_round.is_audit:
        raise FollowUpError(_("Only a commissioned audit has an auditor's report."), code="not_audit", status=409)
    summary = _required(summary, "summary", _("Summarise the auditor's findings."))
    if report is None:
        raise FollowUpError(_("Attach the auditor's report."), code="report_missing",
                            problems=[Problem("report", _("Choose the report file."))])
    with transaction.atomic():
        locked = _locked_round(followup_round)
        if locked.status != RoundStatus.REQUESTED:
            raise FollowUpError(_("The auditor's report has already been recorded."), code="already_answered",
                                status=409)
        names = _attach(actor, locked, locked.plan.buyer, [report], _("Auditor's report"), field="report")
        locked.answer, locked.answered_by, locked.answered_at = summary, actor, clock.now()
        locked.move_to(RoundStatus.ANSWERED)
        locked.save(update_fields=["answer", "answered_by", "answered_at", "status"])
        _event(locked, EventKind.AUDIT_REPORT, actor, locked.plan.buyer, summary, auditor=locked.auditor,
               documents=", ".join(names))
        audit_log(actor=actor, verb="followup_round.audit_report", obj=locked, organisation=locked.plan.buyer,
                  payload={"auditor": locked.auditor, "documents": names})
        notify(recipients=supplier_people(locked.supplier), kind="followup.audit_report",
               subject=gettext_lazy("The auditor's report for %(reference)s is recorded"),
               body=gettext_lazy("The report of the commissioned audit of %(supplier)s (%(item)s, %(plan)s) is "
                                 "recorded and can be read with the round."),
               params=_params(locked), url=_round_url(locked))
    return locked


def round_assess(*, actor, followup_round: FollowUpRound, met: bool, reason: str) -> FollowUpRound:
    """Met, or a deviation (which opens for the supplier to propose a corrective action), always with reasons.

    A round not answered by its deadline may be assessed as a deviation without an answer."""
    _require_buyer(actor, followup_round.plan)
    reason = _required(reason, "reason", _("Give the reasons for the assessment."))
    with transaction.atomic():
        locked = _locked_round(followup_round)
        now = clock.now()
        if locked.status == RoundStatus.REQUESTED and (met or not locked.is_overdue(now)):
            raise FollowUpError(_("The supplier has not answered yet. An unanswered round can be assessed as a "
                                  "deviation once its deadline has passed."), code="not_answered", status=409)
        if locked.status not in (RoundStatus.REQUESTED, RoundStatus.ANSWERED):
            raise FollowUpError(_("The round has already been assessed."), code="already_assessed", status=409)
        locked.move_to(RoundStatus.MET if met else RoundStatus.DEVIATION)
        locked.assessment, locked.assessed_by, locked.assessed_at = reason, actor, now
        locked.save(update_fields=["status", "assessment", "assessed_by", "assessed_at"])
        _event(locked, EventKind.MET if met else EventKind.DEVIATION, actor, locked.plan.buyer, reason)
        if not met:
            Deviation.objects.create(round=locked, description=reason, opened_at=now)
        audit_log(actor=actor, verb="followup_round.met" if met else "followup_round.deviation", obj=locked,
                  organisation=locked.plan.buyer, payload={"reason": reason})
        if met:
            subject = gettext_lazy("Follow-up %(reference)s: the requirement is met")
            body = gettext_lazy("%(buyer)s assessed the follow-up of %(item)s (%(plan)s) as met.")
        else:
            subject = gettext_lazy("Follow-up %(reference)s: a deviation")
            body = gettext_lazy("%(buyer)s found a deviation in the follow-up of %(item)s (%(plan)s). Propose a "
                                "corrective action with a deadline.")
        notify(recipients=supplier_people(locked.supplier), kind=f"followup.round_{'met' if met else 'deviation'}",
               subject=subject, body=body, params=_params(locked) | {"buyer": locked.plan.buyer.name},
               url=_round_url(locked))
    return locked


# --- Deviations -------------------------------------------------------------------------------------------

def _locked_deviation(deviation: Deviation) -> Deviation:
    return (Deviation.objects.select_for_update(no_key=True, of=("self",)).select_related("round__plan", "round__item", "round__supplier")
            .get(pk=deviation.pk))


def deviation_action_propose(*, actor, deviation: Deviation, action: str, deadline: date) -> Deviation:
    """The supplier's corrective action and the day it will be done by (today or later)."""
    _require_answering(actor, deviation.round)
    action = _required(action, "action", _("Describe the corrective action."))
    if deadline is None or deadline < local_date(clock.now()):
        raise FollowUpError(_("The action's deadline must be today or later."), code="deadline_passed",
                            problems=[Problem("deadline", _("Choose today or a later day."))])
    with transaction.atomic():
        locked = _locked_deviation(deviation)
        if locked.status != DeviationStatus.OPEN:
            raise FollowUpError(_("A corrective action can be proposed while the deviation is open."),
                                code="not_open", status=409)
        locked.move_to(DeviationStatus.ACTION_PLANNED)
        locked.action, locked.action_deadline = action, deadline
        locked.action_proposed_by, locked.action_proposed_at = actor, clock.now()
        locked.save(update_fields=["status", "action", "action_deadline", "action_proposed_by", "action_proposed_at"])
        followup_round = locked.round
        _event(followup_round, EventKind.ACTION_PROPOSED, actor, followup_round.supplier, action, deadline=deadline)
        audit_log(actor=actor, verb="deviation.action_proposed", obj=locked, organisation=followup_round.supplier,
                  payload={"action": action, "deadline": deadline.isoformat()})
        notify(recipients=buyer_people(followup_round.plan, followup_round.item), kind="followup.action_proposed",
               subject=gettext_lazy("%(supplier)s proposes a corrective action for %(reference)s"),
               body=gettext_lazy("%(supplier)s proposes a corrective action for the deviation in %(item)s "
                                 "(%(plan)s), to be done by %(deadline)s. Verify it when it is done."),
               params=_params(followup_round) | {"deadline": deadline}, url=_round_url(followup_round))
    return locked


def _buyer_step(actor, deviation: Deviation, status: str, kind: str, note: str, verb: str, refusal: str,
                **fields) -> Deviation:
    _require_buyer(actor, deviation.round.plan)
    with transaction.atomic():
        locked = _locked_deviation(deviation)
        if not locked.can_move_to(status):
            raise FollowUpError(refusal, code="deviation_state", status=409)
        locked.move_to(status)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", *fields])
        followup_round = locked.round
        _event(followup_round, kind, actor, followup_round.plan.buyer, note,
               sanction=locked.sanction or None, amount=locked.sanction_amount)
        audit_log(actor=actor, verb=verb, obj=locked, organisation=followup_round.plan.buyer,
                  payload={"note": note, **{k: str(v) for k, v in fields.items() if v is not None}})
    return locked


def deviation_close(*, actor, deviation: Deviation, note: str) -> Deviation:
    """The buyer has verified that the corrective action is done: the deviation is closed."""
    note = _required(note, "note", _("Say how you verified that the action is done."))
    closed = _buyer_step(actor, deviation, DeviationStatus.CLOSED, EventKind.CLOSED, note, "deviation.closed",
                         _("Only a deviation with a corrective action can be verified closed."), closed_at=clock.now())
    _tell_supplier(closed, gettext_lazy("Deviation %(reference)s is closed"),
                   gettext_lazy("%(buyer)s verified the corrective action for %(item)s (%(plan)s) and closed the "
                                "deviation."), "closed")
    return closed


def deviation_action_reject(*, actor, deviation: Deviation, reason: str) -> Deviation:
    """The proposed action is not enough (or not done): the deviation is open again for a new proposal."""
    reason = _required(reason, "note", _("Say why the action is not enough."))
    reopened = _buyer_step(actor, deviation, DeviationStatus.OPEN, EventKind.ACTION_REJECTED, reason,
                           "deviation.action_rejected", _("Only a proposed corrective action can be sent back."))
    _tell_supplier(reopened, gettext_lazy("Corrective action for %(reference)s sent back"),
                   gettext_lazy("%(buyer)s sent back the corrective action for %(item)s (%(plan)s). Propose a new "
                                "one."), "action_rejected")
    return reopened


def offered_sanctions(plan: FollowUpPlan) -> list[str]:
    """The sanctions the framework agreement provides (the contract's agreement for a contract plan); a remark only
    when it states none."""
    return plan.framework.offered_sanctions


def deviation_escalate(*, actor, deviation: Deviation, sanction: str, reason: str,
                       amount: Decimal | None = None) -> Deviation:
    """To a sanction the agreement provides: a remark, a price reduction or liquidated damages (vite, with the
    amount under the agreement's rule), or a recommendation to terminate the contract."""
    reason = _required(reason, "note", _("Give the reasons for the escalation."))
    offered = offered_sanctions(deviation.round.plan)
    if sanction not in offered:
        message = (_("Choose a sanction.") if not sanction else
                   _("The agreement does not provide this sanction. It provides: %(sanctions)s.")
                   % {"sanctions": ", ".join(str(Sanction(kind).label) for kind in offered)})
        raise FollowUpError(message, code="sanction_missing" if not sanction else "sanction_not_provided",
                            problems=[Problem("sanction", message)])
    if sanction in SANCTIONS_NEEDING_AMOUNT and (amount is None or amount <= 0):
        raise FollowUpError(_("Give the amount of the price reduction or liquidated damages."), code="amount_missing",
                            problems=[Problem("amount", _("Give an amount over zero."))])
    escalated = _buyer_step(actor, deviation, DeviationStatus.ESCALATED, EventKind.ESCALATED, reason,
                            "deviation.escalated", _("The deviation is already closed or escalated."),
                            sanction=sanction, sanction_amount=amount if sanction in SANCTIONS_NEEDING_AMOUNT else None,
                            escalated_at=clock.now())
    _tell_supplier(escalated, gettext_lazy("Deviation %(reference)s is escalated"),
                   gettext_lazy("%(buyer)s escalated the deviation in %(item)s (%(plan)s): %(sanction)s."),
                   "escalated", sanction=Sanction(sanction).label)
    return escalated


def _tell_supplier(deviation: Deviation, subject, body, kind: str, **extra) -> None:
    followup_round = deviation.round
    notify(recipients=supplier_people(followup_round.supplier), kind=f"followup.deviation_{kind}", subject=subject,
           body=body, params=_params(followup_round) | {"buyer": followup_round.plan.buyer.name} | extra,
           url=_round_url(followup_round))


def _tell_requested(followup_round: FollowUpRound) -> None:
    plan = followup_round.plan
    notify(recipients=supplier_people(followup_round.supplier), kind="followup.round_requested",
           subject=gettext_lazy("Follow-up request %(reference)s: answer by %(deadline)s"),
           body=gettext_lazy("%(buyer)s follows up %(item)s (%(plan)s) and asks %(supplier)s for evidence "
                             "by %(deadline)s."),
           params=_params(followup_round) | {"buyer": plan.buyer.name, "deadline": followup_round.deadline},
           url=_round_url(followup_round))
