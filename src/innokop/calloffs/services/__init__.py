"""Every change to a call-off: start, the steps of the draft, the team, publication, cancellation, questions."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import Membership, Organisation, Role, User
from innokop.accounts.permissions import actor_for
from innokop.agreements.consumption import agreement_consumption
from innokop.agreements.models import AgreementStatus, EvaluationModel, Lot, Requirement, RequirementKind
from innokop.agreements.permissions import calling_off_organisations, is_entitled
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.calendar import local_date
from innokop.core.notifications import notify
from innokop.core.refusals import Refused

from .. import rules, sealing
from ..models import CallOff, CallOffCriterion, CallOffInvitation, CallOffKind, CallOffQuestion, CallOffStatus
from ..permissions import current_team, is_team_member, represented_supplier
from . import cleaning


class CallOffError(Refused):
    """A refused change; the message says why and what to do."""

    code = "calloff_refused"


def _today() -> date:
    return local_date(clock.now())


def _organisation_for(actor: User, lot: Lot, organisation=None):
    """The agency the actor calls off for: one where they are a procurer or business developer, entitled."""
    who = actor_for(actor)
    candidates = calling_off_organisations(who)
    if organisation is not None:
        candidates = [org for org in candidates if org.pk == organisation.pk]
    if not candidates:
        raise CallOffError(_("Only procurers and business developers at an agency can start a call-off. Ask your "
                             "organisation's administrator for the role."))
    entitled = [org for org in candidates if is_entitled(lot.agreement, org)]
    if not entitled:
        raise CallOffError(_("%(organisation)s is not entitled to call off from %(agreement)s. Choose an agreement "
                             "your organisation may use, or ask the purchasing body.") % {
            "organisation": candidates[0].name, "agreement": lot.agreement.reference})
    return entitled[0]


def _require_active(lot: Lot) -> None:
    if lot.agreement.status(_today()) != AgreementStatus.ACTIVE:
        raise CallOffError(_("The framework agreement %(reference)s is not in force, so no call-off can be made "
                             "from it now.") % {"reference": lot.agreement.reference})


def _next_reference(year: int) -> str:
    prefix = f"AV-{year}-"
    last = (CallOff.objects.filter(reference__startswith=prefix).order_by("-reference")
            .values_list("reference", flat=True).first())
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:04d}"


def _save_new(calloff: CallOff) -> None:
    """Numbers run per year; two starts at once may pick the same number, so the loser takes the next."""
    for _attempt in range(5):
        calloff.reference = _next_reference(_today().year)
        try:
            with transaction.atomic():
                calloff.save()
            return
        except IntegrityError:
            continue
    raise CallOffError(_("The call-off could not be given a reference number. Try again."))


def calloff_start(*, actor: User, lot: Lot, title: str, need: str, estimated_value: Decimal | None,
                  method: str | None = None, organisation=None) -> CallOff:
    """A draft call-off prefilled from the lot: its method, criteria (middle weights) and requirements."""
    agency = _organisation_for(actor, lot, organisation)
    need_values = _clean_need({"title": title, "need": need, "estimated_value": estimated_value, "method": method})
    title, need, estimated_value = need_values["title"], need_values["need"], need_values["estimated_value"]
    _require_active(lot)
    method = method or rules.decide_method(lot, estimated_value)
    rules.check_method(lot, method, estimated_value)
    with transaction.atomic():
        calloff = CallOff(agency=agency, lot=lot, created_by=actor, method=method, title=title, need=need,
                          estimated_value=estimated_value)
        _save_new(calloff)
        calloff.team.add(actor)
        price_weight, weights = rules.middle_weights(lot)
        calloff.price_weight = price_weight
        calloff.save(update_fields=["price_weight"])
        CallOffCriterion.objects.bulk_create(
            CallOffCriterion(calloff=calloff, lot_criterion_id=pk, weight=w) for pk, w in weights.items())
        calloff.requirements.set(lot_requirements(lot))
        audit_log(actor=actor, verb="calloff.started", obj=calloff, organisation=agency,
                  payload={"lot": lot.pk, "method": method, "reference": calloff.reference})
    return calloff


def lot_requirements(lot: Lot):
    """The agreement's requirements that apply to the lot: those for every lot, and the lot's own."""
    return Requirement.objects.filter(Q(lot__isnull=True) | Q(lot=lot), agreement_id=lot.agreement_id)


def _require_team_draft(actor: User, calloff: CallOff) -> None:
    if not is_team_member(actor_for(actor), calloff):
        raise CallOffError(_("Only the call-off's team can change it. Ask a team member to add you."))
    if calloff.status != CallOffStatus.DRAFT:
        raise CallOffError(_("The call-off is published and its draft can no longer be changed."))


def _clean_need(data: dict) -> dict:
    return cleaning.clean(data, {"title": cleaning.text(max_length=200), "need": cleaning.text(),
                                 "estimated_value": cleaning.optional(cleaning.amount(max_digits=14, places=0)),
                                 "method": cleaning.optional(cleaning.text(required=False, max_length=40))})


def _save_need(calloff: CallOff, data: dict) -> list[str]:
    data = _clean_need(data)
    method = data.get("method") or rules.decide_method(calloff.lot, data["estimated_value"])
    rules.check_method(calloff.lot, method, data["estimated_value"])
    calloff.title, calloff.need = data["title"], data["need"]
    calloff.estimated_value, calloff.method = data["estimated_value"], method
    return ["title", "need", "estimated_value", "method"]


def _save_evaluation(calloff: CallOff, data: dict) -> list[str]:
    lot = calloff.lot
    data = _clean_evaluation(data)
    model, weights = data["evaluation_model"], data["weights"]
    rules.check_evaluation_model(lot, model)
    rules.check_weights(lot, model, data.get("price_weight"), weights)
    weighted = model in rules.WEIGHTED_MODELS
    values = (_requirement_values(calloff, data.get("requirement_values") or {})
              if model == EvaluationModel.VALUE_ADDED else {})
    fixed_price = _fixed_price(data.get("fixed_price")) if model == EvaluationModel.FIXED_PRICE else None
    calloff.evaluation_model = model
    calloff.tie_rules = rules.default_tie_rules(model)
    calloff.price_weight = (data.get("price_weight") if model == EvaluationModel.PRICE_QUALITY
                            else 0 if weighted else None)
    calloff.requirement_values, calloff.fixed_price = values, fixed_price
    for row in calloff.criteria.all():
        row.weight = weights.get(row.lot_criterion_id) if weighted else None
        row.save(update_fields=["weight"])
    return ["evaluation_model", "price_weight", "tie_rules", "requirement_values", "fixed_price"]


def _clean_evaluation(data: dict) -> dict:
    """The evaluation step's values as the rules read them; the price weight only where the model uses it."""
    cleaned = cleaning.clean(data, {"evaluation_model": cleaning.text(max_length=30),
                                    "weights": cleaning.mapping, "requirement_values": cleaning.mapping,
                                    "price_weight": lambda value: value, "fixed_price": lambda value: value})
    if cleaned["evaluation_model"] == EvaluationModel.PRICE_QUALITY:
        cleaned |= cleaning.clean(cleaned, {"price_weight": cleaning.optional(cleaning.percent)})
    if any(w is not None and (isinstance(w, bool) or not isinstance(w, int)) for w in cleaned["weights"].values()):
        raise ValidationError({"weights": _("Give each criterion's weight as a whole number.")})
    return cleaned


def _requirement_values(calloff: CallOff, values: dict) -> dict:
    """Value-added method: {requirement pk: {"amount": SEK} or {"percent": % of the price}} for each evaluated one."""
    evaluated = list(calloff.requirements.filter(kind=RequirementKind.EVALUATED).order_by("identifier"))
    if not evaluated:
        raise ValidationError({"evaluation_model": _(
            "The value-added method needs evaluated requirements to give value to, and this call-off has none. "
            "Choose another evaluation model.")})
    errors, stored = {}, {}
    for requirement in evaluated:
        kind, figure = _value_entry(values.get(str(requirement.pk)) or values.get(requirement.pk))
        problems = rules.requirement_value_problems(requirement, kind, figure)
        if not problems and kind == "amount":
            try:  # what the evaluation can compute with: an amount of at most 14 digits, as a contract value
                cleaning.one(f"value_{requirement.pk}", figure, cleaning.amount(max_digits=14, places=2))
            except ValidationError as error:
                problems = error.message_dict
        errors |= problems
        if not problems:
            stored[str(requirement.pk)] = {kind: str(figure)}
    if errors:
        raise ValidationError(errors)
    return stored


def _value_entry(value) -> tuple[str | None, object]:
    """A stored value, {"amount" | "percent": figure}, as (kind, figure); anything else has neither."""
    if isinstance(value, dict) and len(value) == 1:
        (kind, figure), = value.items()
        return kind, figure
    return None, None


def _fixed_price(price) -> Decimal:
    problems = rules.fixed_price_problems(price)
    if problems:
        raise ValidationError(problems)
    return cleaning.one("fixed_price", price, cleaning.amount(max_digits=14, places=2))


TIMETABLE_FIELDS = ("publish_on", "questions_close", "answers_by", "tender_deadline", "opening_at", "decision_on",
                    "contract_start", "contract_end")


def timetable_of(calloff: CallOff) -> rules.Timetable | None:
    values = [getattr(calloff, field) for field in TIMETABLE_FIELDS]
    return None if None in values else rules.Timetable(*values)


TIMETABLE_MOMENTS = ("questions_close", "answers_by", "tender_deadline", "opening_at")


def _clean_timetable(data: dict, today: date) -> dict:
    """Dates as dates and moments as timezone-aware moments (a naive one is Swedish time), each field named."""
    cleaners = {field: cleaning.moment(today) if field in TIMETABLE_MOMENTS else cleaning.day(today)
                for field in TIMETABLE_FIELDS}
    return cleaning.clean(data, cleaners | {"long_contract_reason": cleaning.text(required=False)})


def _save_timetable(calloff: CallOff, data: dict) -> list[str]:
    data = _clean_timetable(data, _today())
    timetable = rules.Timetable(**{field: data[field] for field in TIMETABLE_FIELDS})
    if timetable.publish_on < _today():
        raise ValidationError({"publish_on": _("The publication date has passed. Publish today or later.")})
    long_reason = data.get("long_contract_reason", "")
    rules.check_timetable(calloff.lot, timetable, long_reason=long_reason)
    for field in TIMETABLE_FIELDS:
        setattr(calloff, field, data[field])
    calloff.long_contract_reason = long_reason
    return [*TIMETABLE_FIELDS, "long_contract_reason"]


def _save_contract_period(calloff: CallOff, data: dict) -> list[str]:
    """Ranking order has no tender period; only the contract period (rule 1)."""
    today = _today()
    data = cleaning.clean(data, {"contract_start": cleaning.day(today), "contract_end": cleaning.day(today),
                                 "long_contract_reason": cleaning.text(required=False)})
    start, end, long_reason = data["contract_start"], data["contract_end"], data.get("long_contract_reason", "")
    problems = rules.contract_period_problems(calloff.lot.agreement, start, end, long_reason=long_reason,
                                              today=_today())
    if problems:
        raise ValidationError(problems)
    calloff.contract_start, calloff.contract_end, calloff.long_contract_reason = start, end, long_reason
    return ["contract_start", "contract_end", "long_contract_reason"]


STEPS = {"need": _save_need, "evaluation": _save_evaluation, "timetable": _save_timetable,
         "contract_period": _save_contract_period}


def calloff_update_step(*, actor: User, calloff: CallOff, step: str, data: dict) -> CallOff:
    """Saves one step of the draft; a refused step leaves the draft as it was."""
    _require_team_draft(actor, calloff)
    if step not in STEPS:
        raise CallOffError(_("A call-off's draft has no step called “%(step)s”.") % {"step": step})
    with transaction.atomic():
        fields = STEPS[step](calloff, data)
        calloff.save(update_fields=[*fields, "updated_at"])
        audit_log(actor=actor, verb="calloff.step_saved", obj=calloff, organisation=calloff.agency,
                  payload={"step": step})
    return calloff


def calloff_team_add(*, actor: User, calloff: CallOff, user) -> None:
    if not is_team_member(actor_for(actor), calloff):
        raise CallOffError(_("Only the call-off's team can add people to it."))
    if not Membership.objects.filter(user=user, organisation=calloff.agency).exists():
        raise CallOffError(_("Only people in %(agency)s can join the team. Invite them to the organisation first.")
                           % {"agency": calloff.agency.name})
    with transaction.atomic():
        calloff.team.add(user)
        audit_log(actor=actor, verb="calloff.team_member_added", obj=calloff, organisation=calloff.agency,
                  payload={"user": user.pk})


def publication_problems(calloff: CallOff) -> list[str]:
    """What stops publication, checked again against the lot and the clock, in words the agency can act on."""
    problems = []
    lot = calloff.lot
    ranking = calloff.method == CallOffKind.RANKING
    if lot.agreement.status(_today()) != AgreementStatus.ACTIVE:
        problems.append(_("The framework agreement is not in force."))
    elif agreement_consumption(lot.agreement).exhausted:
        problems.append(_("The framework agreement's maximum value is reached, so it can no longer be used. Contact "
                          "the purchasing body."))
    if not calloff.steps_done()["need"]:
        problems.append(_("Describe the need, the title and the estimated value."))
    checks = [lambda: rules.check_method(lot, calloff.method, calloff.estimated_value)]
    if ranking:
        # Ranking order: the agreement's ranking decides, so there is no evaluation and no tender period.
        problems.extend(_ranking_problems(calloff))
    else:
        if not calloff.steps_done()["evaluation"]:
            problems.append(_("Choose the evaluation model and the weights."))
        if calloff.evaluation_model:
            weights = {row.lot_criterion_id: row.weight for row in calloff.criteria.all()}
            checks += [lambda: rules.check_evaluation_model(lot, calloff.evaluation_model),
                       lambda: rules.check_weights(lot, calloff.evaluation_model, calloff.price_weight, weights)]
            problems.extend(_model_problems(calloff))
        timetable = timetable_of(calloff)
        if timetable is None:
            problems.append(_("Set the timetable and the contract period."))
        else:
            # The tender period counts from the day the call-off becomes public: today, or a later publication day.
            publish_on = max(timetable.publish_on, _today())
            checks.append(lambda: rules.check_timetable(lot, replace(timetable, publish_on=publish_on),
                                                        long_reason=calloff.long_contract_reason))
    for check in checks:
        try:
            check()
        except ValidationError as error:
            problems.extend(error.messages)
    return problems


def _ranking_problems(calloff: CallOff) -> list[str]:
    problems = []
    if not calloff.lot.lot_suppliers.filter(rank__isnull=False).exists():
        problems.append(_("No supplier on the lot has a rank, so there is nobody to offer the call-off to. Contact "
                          "the purchasing body."))
    if calloff.contract_start is None or calloff.contract_end is None:
        problems.append(_("Set the contract period in the timetable step."))
    else:
        problems.extend(f"{message} " + _("Change it in the timetable step.") for message in rules.contract_period_problems(
            calloff.lot.agreement, calloff.contract_start, calloff.contract_end,
            long_reason=calloff.long_contract_reason, today=_today()).values())
    return problems


def _model_problems(calloff: CallOff) -> list[str]:
    """The value-added method needs the value of every evaluated requirement; fixed price needs the price."""
    if calloff.evaluation_model == EvaluationModel.VALUE_ADDED:
        evaluated = list(calloff.requirements.filter(kind=RequirementKind.EVALUATED))
        if not evaluated:
            return [_("The value-added method needs evaluated requirements to give value to, and this call-off has "
                      "none. Choose another evaluation model.")]
        values = calloff.requirement_values or {}
        if any(rules.requirement_value_problems(requirement, *_value_entry(values.get(str(requirement.pk))))
               for requirement in evaluated):
            return [_("Give the value of every evaluated requirement (the value-added method).")]
    if calloff.evaluation_model == EvaluationModel.FIXED_PRICE and rules.fixed_price_problems(calloff.fixed_price):
        return [_("State the fixed price (fixed price, best quality).")]
    return []


def _supplier_representatives(supplier_ids):
    return [m.user for m in Membership.objects.filter(
        organisation_id__in=supplier_ids, role=Role.SUPPLIER_REPRESENTATIVE).select_related("user")]


def calloff_publish(*, actor: User, calloff: CallOff) -> CallOff:
    """Rule 3: every supplier admitted on the lot is invited in writing; none can be left out.

    With a publication day after today the publication is scheduled: the call-off becomes public at the start of
    that day (`rules.publication_moment`), and until then the suppliers see nothing and are not told
    (`CallOff.is_scheduled`); the team may still take it back to a draft or cancel it. The invitations are written
    now with that moment, and sent when it comes (`calloff_invitations_send`).
    """
    _require_team_draft(actor, calloff)
    if calloff.method == CallOffKind.RANKING:
        raise CallOffError(_("A call-off in ranking order is not opened for tenders: it is offered to the "
                             "first-ranked supplier. Publish it on the check page, which makes the offer."))
    problems = publication_problems(calloff)
    if problems:
        raise CallOffError(" ".join(problems))
    with transaction.atomic():
        calloff = CallOff.objects.select_for_update(no_key=True).get(pk=calloff.pk)
        if not calloff.can_move_to(CallOffStatus.OPEN):
            raise CallOffError(_("The call-off is already published."))
        now = clock.now()
        moment = rules.publication_moment(calloff.publish_on, now)
        scheduled = moment > now
        calloff.move_to(CallOffStatus.OPEN)
        calloff.published_at, calloff.publish_on = moment, local_date(moment)
        calloff.invitations_sent_at = None if scheduled else now
        # The call-off's own data key, stored only wrapped by the KEK: tenders are sealed with it (rule 6).
        calloff.data_key = sealing.wrap_key(sealing.new_data_key(), sealing.load_kek())
        calloff.save(update_fields=["status", "published_at", "publish_on", "invitations_sent_at", "data_key",
                                    "updated_at"])
        supplier_ids = list(calloff.lot.lot_suppliers.values_list("supplier_id", flat=True))
        CallOffInvitation.objects.bulk_create(
            CallOffInvitation(calloff=calloff, supplier_id=pk, invited_at=moment) for pk in supplier_ids)
        payload = {"reference": calloff.reference, "invited": sorted(supplier_ids),
                   "tender_deadline": calloff.tender_deadline}
        if scheduled:
            audit_log(actor=actor, verb="calloff.publication_scheduled", obj=calloff, organisation=calloff.agency,
                      payload=payload | {"published_at": moment})
            transaction.on_commit(lambda: _schedule_invitations(calloff.pk, moment))
        else:
            audit_log(actor=actor, verb="calloff.published", obj=calloff, organisation=calloff.agency,
                      payload=payload)
            _notify_invited(calloff, supplier_ids)
    return calloff


def _schedule_invitations(calloff_id: int, moment) -> None:
    """With a queue that can wait (the database backend), the invitations go out at the publication moment."""
    from ..tasks import send_calloff_invitations

    if send_calloff_invitations.get_backend().supports_defer:
        send_calloff_invitations.using(run_after=moment).enqueue(calloff_id)


def calloff_invitations_send(*, calloff: CallOff) -> bool:
    """A scheduled call-off's publication: tells every invited supplier, once, when the publication moment has come.

    The task sends them at the moment; reading the call-off after it (its pages, the API, the dashboard) sends
    any a missed task left, so the suppliers never depend on a scheduler having run. Claiming
    `invitations_sent_at` in one UPDATE makes it idempotent: a second call, or a second worker, sends nothing.
    True when this call sent them. (Publishing at once sends them in `calloff_publish`.)
    """
    now = clock.now()
    if (calloff.invitations_sent_at is not None or calloff.status != CallOffStatus.OPEN
            or not calloff.is_renewed_competition or calloff.published_at is None or calloff.published_at > now):
        return False
    with transaction.atomic():
        claimed = CallOff.objects.filter(pk=calloff.pk, status=CallOffStatus.OPEN, invitations_sent_at__isnull=True,
                                         published_at__lte=now).update(invitations_sent_at=now)
        if not claimed:
            return False
        calloff.invitations_sent_at = now
        supplier_ids = _invitations_as_admitted(calloff)
        audit_log(actor=None, verb="calloff.published", obj=calloff, organisation=calloff.agency,
                  payload={"reference": calloff.reference, "invited": supplier_ids,
                           "tender_deadline": calloff.tender_deadline, "scheduled_for": calloff.published_at})
        _notify_invited(calloff, supplier_ids)
    return True


def _notify_invited(calloff: CallOff, supplier_ids) -> None:
    notify(recipients=_supplier_representatives(supplier_ids), kind="calloff.invited",
           subject=gettext_lazy("Invitation to tender: %(reference)s"),
           body=gettext_lazy("%(agency)s invites every supplier on the lot to tender in the call-off "
                             "“%(title)s”. Read the call-off and ask questions in Innoköp."),
           params={"reference": calloff.reference, "agency": calloff.agency.name, "title": calloff.title},
           url=reverse("calloffs:calloff_detail", args=[calloff.pk]))


def _invitations_as_admitted(calloff: CallOff) -> list[int]:
    """Rule 3 at the moment a scheduled call-off is published: the suppliers admitted on the lot then, every one and
    only them (the lot may have changed since the publication was scheduled). Returns the invited suppliers."""
    admitted = set(calloff.lot.lot_suppliers.values_list("supplier_id", flat=True))
    calloff.invitations.exclude(supplier_id__in=admitted).delete()
    written = set(calloff.invitations.values_list("supplier_id", flat=True))
    CallOffInvitation.objects.bulk_create(CallOffInvitation(calloff=calloff, supplier_id=pk,
                                                            invited_at=calloff.published_at)
                                          for pk in admitted - written)
    return sorted(admitted)


def calloffs_invitations_send_due(calloffs) -> None:
    """On reading call-offs: sends the invitations of any whose scheduled publication a missed task left unsent."""
    for calloff in calloffs:
        calloff_invitations_send(calloff=calloff)


def calloff_unschedule(*, actor: User, calloff: CallOff) -> CallOff:
    """Takes a scheduled call-off back to a draft, to change it before its publication day; nobody has been told."""
    if not is_team_member(actor_for(actor), calloff):
        raise CallOffError(_("Only the call-off's team can change it. Ask a team member to add you."))
    with transaction.atomic():
        calloff = CallOff.objects.select_for_update(no_key=True).get(pk=calloff.pk)
        if not calloff.is_scheduled(clock.now()):
            raise CallOffError(_("Only a call-off whose publication day has not come yet can be taken back to a "
                                 "draft. A published call-off is changed by clarifications, or cancelled."),
                               status=409)
        scheduled_for = calloff.published_at
        calloff.move_to(CallOffStatus.DRAFT)
        calloff.published_at, calloff.data_key = None, ""
        calloff.save(update_fields=["status", "published_at", "data_key", "updated_at"])
        calloff.invitations.all().delete()  # written for the publication that is not to be; never sent
        audit_log(actor=actor, verb="calloff.unscheduled", obj=calloff, organisation=calloff.agency,
                  payload={"published_at": scheduled_for})
    return calloff


def calloff_cancel(*, actor: User, calloff: CallOff, reason: str) -> CallOff:
    """Rule 10: allowed before the contract, with the reason sent to every invited supplier."""
    if not is_team_member(actor_for(actor), calloff):
        raise CallOffError(_("Only the call-off's team can cancel it."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling; the invited suppliers are told it.")})
    with transaction.atomic():
        calloff = CallOff.objects.select_for_update(no_key=True).get(pk=calloff.pk)
        if calloff.status == CallOffStatus.CONTRACTED:
            raise CallOffError(_("The contract is signed, so the call-off can no longer be cancelled (rule 10). "
                                 "End the contract according to its terms instead."))
        if not calloff.can_move_to(CallOffStatus.CANCELLED):
            raise CallOffError(_("The call-off is already cancelled."))
        now = clock.now()
        before_publication = calloff.is_scheduled(now)
        calloff.move_to(CallOffStatus.CANCELLED)
        calloff.cancelled_at, calloff.cancel_reason = now, reason
        if before_publication:
            # Never published: no supplier ever sees it, nor is told of it.
            calloff.published_at = None
            calloff.invitations.all().delete()
        calloff.save(update_fields=["status", "cancelled_at", "cancel_reason", "published_at", "updated_at"])
        audit_log(actor=actor, verb="calloff.cancelled", obj=calloff, organisation=calloff.agency,
                  payload={"reason": reason} | ({"before_publication": True} if before_publication else {}))
        invited = calloff.invitations.values_list("supplier_id", flat=True)
        notify(recipients=_supplier_representatives(list(invited)), kind="calloff.cancelled",
               subject=gettext_lazy("The call-off %(reference)s is cancelled"),
               body=gettext_lazy("%(agency)s has cancelled the call-off “%(title)s”. The reason: %(reason)s"),
               params={"reference": calloff.reference, "agency": calloff.agency.name, "title": calloff.title,
                       "reason": reason},
               url=reverse("calloffs:calloff_detail", args=[calloff.pk]))
    return calloff


def asking_supplier(actor: User, calloff: CallOff) -> Organisation | None:
    """The invited supplier the user represents in this call-off, or None: only they may ask questions."""
    return represented_supplier(actor_for(actor), calloff)


def question_ask(*, actor: User, calloff: CallOff, text: str) -> CallOffQuestion:
    """Rule 5: a representative of an invited supplier asks; the call-off's team is told, not who else asked."""
    supplier = asking_supplier(actor, calloff)
    if supplier is None:
        raise CallOffError(_("Only representatives of the suppliers invited to the call-off can ask questions."))
    if not text.strip():
        raise ValidationError({"text": _("Write your question.")})
    with transaction.atomic():
        calloff = CallOff.objects.select_for_update(no_key=True).get(pk=calloff.pk)
        now = clock.now()
        if calloff.status != CallOffStatus.OPEN:
            raise CallOffError(_("The call-off is not open for questions."))
        if not calloff.may_ask(now):
            raise CallOffError(_("The last time for questions has passed, so no more questions can be asked. "
                                 "Contact the agency if something in the call-off is unclear."))
        question = CallOffQuestion.objects.create(calloff=calloff, supplier=supplier, asked_by=actor,
                                                  text=text.strip(), asked_at=now)
        audit_log(actor=actor, verb="calloff.question_asked", obj=calloff, organisation=calloff.agency,
                  payload={"question": question.pk, "supplier": supplier.pk})
        notify(recipients=current_team(calloff), kind="calloff.question_asked",
               subject=gettext_lazy("New question in %(reference)s"),
               body=gettext_lazy("A supplier has asked a question in the call-off “%(title)s”. Answer it before "
                                 "the last time for answers; the answer goes to every invited supplier."),
               params={"reference": calloff.reference, "title": calloff.title},
               url=reverse("calloffs:calloff_detail", args=[calloff.pk]))
    return question


def question_answer(*, actor: User, question: CallOffQuestion, answer: str) -> CallOffQuestion:
    """Rule 5: the team answers; the answer is published to every invited supplier without the asker."""
    calloff = question.calloff
    if not is_team_member(actor_for(actor), calloff):
        raise CallOffError(_("Only the call-off's team can answer questions. Ask a team member to add you."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    with transaction.atomic():
        question = CallOffQuestion.objects.select_for_update().select_related("calloff").get(pk=question.pk)
        calloff = question.calloff
        if question.is_answered:
            raise CallOffError(_("The question is already answered, and the answer is published."))
        if not calloff.may_answer(clock.now()):
            raise CallOffError(_("The last time for answers has passed, or the call-off is no longer open, so the "
                                 "question can no longer be answered."))
        question.answer, question.answered_by, question.answered_at = answer.strip(), actor, clock.now()
        question.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_log(actor=actor, verb="calloff.question_answered", obj=calloff, organisation=calloff.agency,
                  payload={"question": question.pk})
        invited = list(calloff.invitations.values_list("supplier_id", flat=True))
        notify(recipients=_supplier_representatives(invited), kind="calloff.answer_published",
               subject=gettext_lazy("New answer in %(reference)s"),
               body=gettext_lazy("%(agency)s has answered a question in the call-off “%(title)s”. The answer is "
                                 "published to every invited supplier. Read it in Innoköp."),
               params={"reference": calloff.reference, "agency": calloff.agency.name, "title": calloff.title},
               url=reverse("calloffs:calloff_detail", args=[calloff.pk]))
    return question
