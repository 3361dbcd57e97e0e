"""Every change to framework agreements, lots, admitted suppliers and requirements."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import Membership, Organisation, OrganisationKind, Role
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.formats import sek
from innokop.core.html import sanitise_html
from innokop.core.messages import money
from innokop.core.notifications import notify
from innokop.core.refusals import Refused

from .consumption import Consumption, agreement_consumption
from .indexing import agreement_index
from .models import (
    AgreementQuestion,
    CallOffMethod,
    Commitment,
    FrameworkAgreement,
    Lot,
    LotCriterion,
    LotSupplier,
    PriceListRow,
    Requirement,
    SanctionKind,
)
from .permissions import is_entitled
from .signals import lot_supplier_removed

MAX_YEARS_WITHOUT_REASONS = 4


class AgreementError(Refused):
    """A refused change; the message says why and what to do."""

    code = "agreement_refused"


def _require_lot_manager(actor, lot: Lot) -> None:
    _require_manager(actor, lot.agreement)
    _require_draft_or_active(lot.agreement)


def _require_manager(actor, agreement: FrameworkAgreement | None = None) -> None:
    from innokop.accounts.permissions import actor_for

    who = actor_for(actor)
    if not who.is_framework_manager:
        raise AgreementError(_("Only framework managers at the purchasing body can do this."))
    if agreement is not None and agreement.owner_id not in who.organisation_ids:
        raise AgreementError(_("Only the purchasing body that owns the agreement can change it."))


def _require_draft_or_active(agreement: FrameworkAgreement) -> None:
    if agreement.terminated_at is not None:
        raise AgreementError(_("The agreement is terminated and can no longer be changed."))


def validate_period(start: date, end: date, special_reasons: str) -> None:
    """At most four years (LOU 7 kap. 3 §) unless special reasons are recorded."""
    if end <= start:
        raise ValidationError({"end_date": _("The end date must be after the start date.")})
    try:
        limit = start.replace(year=start.year + MAX_YEARS_WITHOUT_REASONS)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + MAX_YEARS_WITHOUT_REASONS, day=28)
    if end >= limit and not special_reasons.strip():
        raise ValidationError({"special_reasons": _(
            "A framework agreement may run for at most four years. Shorten the period (the last day can be "
            "%(last)s at the latest) or record the special reasons for a longer period.") % {
            "last": (limit.fromordinal(limit.toordinal() - 1)).isoformat()}})


AGREEMENT_FIELDS = ("reference", "title", "summary", "description", "start_date", "end_date", "special_reasons",
                    "max_value", "latest_contract_end", "max_contract_months", "entitled_categories",
                    "call_off_guidance", "sanctions", "liquidated_damages_terms")


def _check_contract_limits(agreement: FrameworkAgreement, data: dict) -> None:
    """Call-off contracts may end no earlier than the agreement begins; the maximum value stays above what is
    already contracted."""
    latest, start = data.get("latest_contract_end"), data.get("start_date", agreement.start_date)
    if latest is not None and latest <= start:
        raise ValidationError({"latest_contract_end": _("The latest end of call-off contracts must be after the "
                                                        "agreement's start.")})
    if agreement.pk and "max_value" in data:
        committed = agreement_consumption(agreement).contracted
        if data["max_value"] < committed:
            raise ValidationError({"max_value": _(
                "Call-off contracts of %(committed)s are already signed on the agreement: the maximum value cannot be "
                "lower than that.") % {"committed": sek(committed)}})


def _check_sanctions(agreement: FrameworkAgreement, data: dict) -> None:
    """Sanctions are among those known; liquidated damages (vite) state their amount or rule."""
    sanctions = data.get("sanctions", agreement.sanctions) or []
    if any(kind not in SanctionKind.values for kind in sanctions):
        raise ValidationError({"sanctions": _("Choose among the sanctions listed.")})
    terms = (data.get("liquidated_damages_terms", agreement.liquidated_damages_terms) or "").strip()
    if SanctionKind.LIQUIDATED_DAMAGES in sanctions and not terms:
        raise ValidationError({"liquidated_damages_terms": _("State the amount of the liquidated damages (vite) or "
                                                             "the rule they are computed by.")})
    if "liquidated_damages_terms" in data:
        data["liquidated_damages_terms"] = terms


def _apply(agreement: FrameworkAgreement, data: dict) -> list[str]:
    changed = []
    for field in AGREEMENT_FIELDS:
        if field in data:
            value = data[field]
            if field in {"description", "call_off_guidance"}:
                value = sanitise_html(value)
            if getattr(agreement, field) != value:
                setattr(agreement, field, value)
                changed.append(field)
    return changed


def agreement_create(*, actor, owner: Organisation, cpv_codes, entitled_organisations=(), **data) -> FrameworkAgreement:
    _require_manager(actor)
    if owner.kind != OrganisationKind.CPB or not Membership.objects.filter(user=actor, organisation=owner).exists():
        raise AgreementError(_("Agreements belong to the purchasing body you work for."))
    validate_period(data["start_date"], data["end_date"], data.get("special_reasons", ""))
    _check_sanctions(FrameworkAgreement(), data)
    agreement = FrameworkAgreement(owner=owner, created_by=actor)
    _check_contract_limits(agreement, data)
    with transaction.atomic():
        _apply(agreement, data)
        try:
            with transaction.atomic():
                agreement.save()
        except IntegrityError:
            raise AgreementError(_("The reference number is already used by another agreement.")) from None
        agreement.cpv_codes.set(cpv_codes)
        agreement.entitled_organisations.set(entitled_organisations)
        audit_log(actor=actor, verb="agreement.created", obj=agreement, organisation=owner,
                  payload={"reference": agreement.reference})
    return agreement


def agreement_update(*, actor, agreement: FrameworkAgreement, cpv_codes=None, entitled_organisations=None,
                     **data) -> FrameworkAgreement:
    _require_manager(actor, agreement)
    _require_draft_or_active(agreement)
    validate_period(data.get("start_date", agreement.start_date), data.get("end_date", agreement.end_date),
                    data.get("special_reasons", agreement.special_reasons))
    _check_contract_limits(agreement, data)
    _check_sanctions(agreement, data)
    with transaction.atomic():
        changed = _apply(agreement, data)
        try:
            with transaction.atomic():
                agreement.save()
        except IntegrityError:
            raise AgreementError(_("The reference number is already used by another agreement.")) from None
        if cpv_codes is not None:
            agreement.cpv_codes.set(cpv_codes)
            changed.append("cpv_codes")
        if entitled_organisations is not None:
            agreement.entitled_organisations.set(entitled_organisations)
            changed.append("entitled_organisations")
        audit_log(actor=actor, verb="agreement.updated", obj=agreement, organisation=agreement.owner,
                  payload={"fields": changed} | ({"sanctions": agreement.sanctions,
                                                  "liquidated_damages_terms": agreement.liquidated_damages_terms}
                                                 if {"sanctions", "liquidated_damages_terms"} & set(changed) else {}))
        if agreement.published_at is not None:
            transaction.on_commit(lambda: _reindex(agreement))
    return agreement


def publication_problems(agreement: FrameworkAgreement) -> list[str]:
    """What stops publication, in words the framework manager can act on."""
    problems = []
    lots = list(agreement.lots.prefetch_related("lot_suppliers"))
    if not lots:
        problems.append(_("Add at least one lot."))
    for lot in lots:
        suppliers = list(lot.lot_suppliers.all())
        if not suppliers:
            problems.append(_("Lot %(number)s has no admitted suppliers.") % {"number": lot.number})
        if lot.ranks_suppliers and any(s.rank is None for s in suppliers):
            problems.append(_("Lot %(number)s calls off in ranking order: give every supplier a rank.")
                            % {"number": lot.number})
        if not lot.evaluation_models and lot.call_off_method != CallOffMethod.RANKING:
            problems.append(_("Lot %(number)s needs at least one evaluation model.") % {"number": lot.number})
    if not agreement.entitled_categories and not agreement.entitled_organisations.exists():
        problems.append(_("Say who may call off from the agreement."))
    return problems


def agreement_publish(*, actor, agreement: FrameworkAgreement) -> FrameworkAgreement:
    _require_manager(actor, agreement)
    with transaction.atomic():
        # Locked, so that two clicks cannot publish (and notify) twice.
        locked = FrameworkAgreement.objects.select_for_update(no_key=True).get(pk=agreement.pk)
        if locked.published_at is not None:
            raise AgreementError(_("The agreement is already published."))
        problems = publication_problems(agreement)
        if problems:
            raise AgreementError(" ".join(problems))
        agreement.published_at = clock.now()
        agreement.save(update_fields=["published_at"])
        audit_log(actor=actor, verb="agreement.published", obj=agreement, organisation=agreement.owner)
        transaction.on_commit(lambda: _reindex(agreement))
        suppliers = Membership.objects.filter(
            organisation__lot_admissions__lot__agreement=agreement, role=Role.SUPPLIER_REPRESENTATIVE,
        ).select_related("user")
        notify(recipients=[m.user for m in suppliers], kind="agreement.published",
               subject=gettext_lazy("The framework agreement %(reference)s is published"),
               body=gettext_lazy("%(title)s is now published in Innoköp. Your company is admitted to it. "
                                 "Describe your solutions in the catalogue and link them to the lots."),
               params={"reference": agreement.reference, "title": agreement.title},
               url=reverse("agreements:agreement_detail", args=[agreement.pk]))
    return agreement


def _reindex(agreement: FrameworkAgreement) -> None:
    """Keep the public search in step with the agreement."""
    agreement_index(agreement)


def agreement_terminate(*, actor, agreement: FrameworkAgreement, reason: str) -> FrameworkAgreement:
    _require_manager(actor, agreement)
    _require_draft_or_active(agreement)
    if not reason.strip():
        raise AgreementError(_("Give the reason for terminating the agreement."))
    with transaction.atomic():
        agreement.terminated_at = clock.now()
        agreement.termination_reason = reason
        agreement.save(update_fields=["terminated_at", "termination_reason"])
        audit_log(actor=actor, verb="agreement.terminated", obj=agreement, organisation=agreement.owner,
                  payload={"reason": reason})
        transaction.on_commit(lambda: _reindex(agreement))
    return agreement


LOT_FIELDS = ("number", "title", "description", "call_off_method", "value_threshold", "evaluation_models",
              "min_tender_days")


def _validate_lot(data: dict) -> None:
    if data.get("call_off_method") == CallOffMethod.COMBINATION and not data.get("value_threshold"):
        raise ValidationError({"value_threshold": _(
            "A combination needs the value above which renewed competition is required.")})
    if data.get("call_off_method") != CallOffMethod.RANKING and not data.get("evaluation_models"):
        raise ValidationError({"evaluation_models": _("Choose at least one evaluation model for call-offs.")})
    if data.get("min_tender_days") is not None and data["min_tender_days"] < 1:
        raise ValidationError({"min_tender_days": _("The minimum tender period is at least one day.")})


def lot_save(*, actor, agreement: FrameworkAgreement, lot: Lot | None = None, cpv_codes=None, **data) -> Lot:
    _require_manager(actor, agreement)
    _require_draft_or_active(agreement)
    _validate_lot(data)
    with transaction.atomic():
        lot = lot or Lot(agreement=agreement)
        for field in LOT_FIELDS:
            if field in data:
                setattr(lot, field, sanitise_html(data[field]) if field == "description" else data[field])
        try:
            with transaction.atomic():
                lot.save()
        except IntegrityError:
            raise AgreementError(_("There is already a lot with number %(number)s.") % {"number": lot.number}) from None
        if cpv_codes is not None:
            lot.cpv_codes.set(cpv_codes)
        audit_log(actor=actor, verb="lot.saved", obj=lot, organisation=agreement.owner,
                  payload={k: str(v) for k, v in data.items()})
        if agreement.published_at is not None:
            transaction.on_commit(lambda: _reindex(agreement))
    return lot


def lot_delete(*, actor, lot: Lot) -> None:
    _require_manager(actor, lot.agreement)
    if lot.agreement.published_at is not None:
        raise AgreementError(_("Lots of a published agreement cannot be removed."))
    with transaction.atomic():
        audit_log(actor=actor, verb="lot.deleted", obj=lot, organisation=lot.agreement.owner)
        lot.delete()


def criterion_add(*, actor, lot: Lot, name: str, description: str, min_weight: int, max_weight: int) -> LotCriterion:
    _require_lot_manager(actor, lot)
    if not 0 <= min_weight <= max_weight <= 100:
        raise ValidationError({"max_weight": _(
            "Weights are percentages: the lowest weight must be at most the highest, and both between 0 and 100.")})
    with transaction.atomic():
        criterion = LotCriterion.objects.create(lot=lot, name=name, description=description,
                                                min_weight=min_weight, max_weight=max_weight)
        audit_log(actor=actor, verb="lot.criterion_added", obj=lot, organisation=lot.agreement.owner,
                  payload={"name": name, "min": min_weight, "max": max_weight})
    return criterion


def price_row_add(*, actor, lot: Lot, label: str, unit: str, ceiling_price: Decimal) -> PriceListRow:
    _require_lot_manager(actor, lot)
    if ceiling_price <= 0:
        raise ValidationError({"ceiling_price": _("A ceiling price must be more than 0 kronor.")})
    with transaction.atomic():
        row = PriceListRow.objects.create(lot=lot, label=label, unit=unit, ceiling_price=ceiling_price)
        audit_log(actor=actor, verb="lot.price_row_added", obj=lot, organisation=lot.agreement.owner,
                  payload={"label": label, "unit": unit, "ceiling_price": str(ceiling_price)})
    return row


def lot_supplier_add(*, actor, lot: Lot, supplier: Organisation, rank: int | None, agreement_number: str,
                     contact_name: str, contact_email: str, contact_phone: str = "") -> LotSupplier:
    _require_lot_manager(actor, lot)
    if supplier.kind != OrganisationKind.SUPPLIER:
        raise AgreementError(_("Only supplier organisations can be admitted to a lot."))
    if lot.ranks_suppliers and rank is None:
        raise ValidationError({"rank": _("This lot calls off in ranking order: give the supplier a rank.")})
    with transaction.atomic():
        try:
            with transaction.atomic():
                admission = LotSupplier.objects.create(
                    lot=lot, supplier=supplier, rank=rank if lot.ranks_suppliers else None,
                    agreement_number=agreement_number, contact_name=contact_name, contact_email=contact_email,
                    contact_phone=contact_phone)
        except IntegrityError:
            raise AgreementError(_("The supplier is already admitted to the lot, or another supplier has rank "
                                   "%(rank)s.") % {"rank": rank}) from None
        audit_log(actor=actor, verb="lot.supplier_admitted", obj=lot, organisation=lot.agreement.owner,
                  payload={"supplier": supplier.pk, "rank": rank, "agreement_number": agreement_number})
    return admission


def _remove(actor, thing, lot: Lot, verb: str, payload: dict) -> None:
    _require_lot_manager(actor, lot)
    with transaction.atomic():
        audit_log(actor=actor, verb=verb, obj=lot, organisation=lot.agreement.owner, payload=payload)
        thing.delete()


def lot_supplier_remove(*, actor, admission: LotSupplier) -> None:
    """The supplier leaves the lot; the catalogue, told by a signal in the same transaction, stops its
    solutions saying they can be bought through it."""
    with transaction.atomic():
        _remove(actor, admission, admission.lot, "lot.supplier_removed", {"supplier": admission.supplier_id})
        lot_supplier_removed.send(sender=LotSupplier, actor=actor, lot=admission.lot, supplier=admission.supplier)


def criterion_remove(*, actor, criterion: LotCriterion) -> None:
    _remove(actor, criterion, criterion.lot, "lot.criterion_removed", {"name": criterion.name})


def price_row_remove(*, actor, row: PriceListRow) -> None:
    _remove(actor, row, row.lot, "lot.price_row_removed", {"label": row.label})


def requirement_add(*, actor, agreement: FrameworkAgreement, lot: Lot | None, **data) -> Requirement:
    _require_manager(actor, agreement)
    _require_draft_or_active(agreement)
    if lot is not None and lot.agreement_id != agreement.pk:
        raise AgreementError(_("The lot belongs to another agreement."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                requirement = Requirement.objects.create(agreement=agreement, lot=lot, **data)
        except IntegrityError:
            raise AgreementError(_("The id %(id)s is already used in this agreement.") % {"id": data["identifier"]}) from None
        audit_log(actor=actor, verb="requirement.added", obj=agreement, organisation=agreement.owner,
                  payload={"identifier": requirement.identifier, "kind": requirement.kind, "lot": lot and lot.pk})
    return requirement


def requirement_remove(*, actor, requirement: Requirement) -> None:
    agreement = requirement.agreement
    _require_manager(actor, agreement)
    if agreement.published_at is not None:
        raise AgreementError(_("Requirements of a published agreement cannot be removed; they may be in contracts."))
    with transaction.atomic():
        audit_log(actor=actor, verb="requirement.removed", obj=agreement, organisation=agreement.owner,
                  payload={"identifier": requirement.identifier})
        requirement.delete()


def question_ask(*, actor, agreement: FrameworkAgreement, organisation: Organisation, question: str) -> AgreementQuestion:
    if organisation.kind != OrganisationKind.AGENCY or not Membership.objects.filter(
            user=actor, organisation=organisation).exists():
        raise AgreementError(_("Questions about an agreement are asked by agencies."))
    if not is_entitled(agreement, organisation):
        raise AgreementError(_("Your organisation is not entitled to call off from this agreement."))
    with transaction.atomic():
        item = AgreementQuestion.objects.create(agreement=agreement, asked_by=actor, organisation=organisation,
                                                question=question, asked_at=clock.now())
        audit_log(actor=actor, verb="agreement.question_asked", obj=agreement, organisation=organisation)
        managers = Membership.objects.filter(organisation=agreement.owner, role=Role.FRAMEWORK_MANAGER)
        notify(recipients=[m.user for m in managers.select_related("user")], kind="agreement.question",
               subject=gettext_lazy("New question about %(reference)s"),
               body=gettext_lazy("An agency has asked a question about %(title)s. Answer it in Innoköp; the "
                                 "answer is shown to every agency."),
               params={"reference": agreement.reference, "title": agreement.title},
               url=reverse("agreements:agreement_questions", args=[agreement.pk]))
    return item


def question_answer(*, actor, item: AgreementQuestion, answer: str) -> AgreementQuestion:
    _require_manager(actor, item.agreement)
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    with transaction.atomic():
        item.answer = answer
        item.answered_by = actor
        item.answered_at = clock.now()
        item.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_log(actor=actor, verb="agreement.question_answered", obj=item.agreement,
                  organisation=item.agreement.owner, payload={"question": item.pk})
        notify(recipients=[item.asked_by], kind="agreement.answer",
               subject=gettext_lazy("Your question about %(reference)s is answered"),
               body=gettext_lazy("The purchasing body has answered your question. The answer is published to "
                                 "every agency on the agreement's page."),
               params={"reference": item.agreement.reference},
               url=reverse("agreements:agreement_questions", args=[item.agreement.pk]))
    return item


def agreement_commit(*, actor, agreement: FrameworkAgreement, amount: Decimal, source: str, label: str,
                     buyer: Organisation, reduction: bool = False) -> Consumption:
    """Takes `amount` from the agreement's maximum value, or refuses when it would go over (rule 1, C-216/17).

    Call it inside the transaction that makes the commitment (a contract being signed, an option used, a change
    recorded): the agreement row is locked, so two contracts signed at once cannot both fit in what remains. What
    is used is the larger of the contracted value and the reported turnover (`consumption.Consumption`), so a
    contract is refused too when the suppliers have already reported more than the maximum. With `reduction`
    a negative amount (a change that lowers a contract's value) is taken as well; it is never refused. The
    purchasing body's framework managers are told when the consumption reaches 80 % and when it reaches the maximum.
    """
    with transaction.atomic():
        agreement = FrameworkAgreement.objects.select_for_update(no_key=True).get(pk=agreement.pk)
        before = agreement_consumption(agreement)
        if amount == 0 or amount < 0 and not reduction or not before.allows(amount):
            message = _(
                "The contract would take the framework agreement %(reference)s over its maximum value. Maximum "
                "%(max)s, already contracted %(committed)s, remaining %(remaining)s. Once the maximum is reached "
                "the agreement can no longer be used; contact the purchasing body.") % {
                "reference": agreement.reference, "max": sek(before.max_value), "committed": sek(before.contracted),
                "remaining": sek(before.remaining)}
            if before.reported_counts:
                message += " " + _("The suppliers have reported a turnover of %(reported)s on the agreement, more "
                                   "than is contracted: the larger figure counts.") % {"reported": sek(before.reported)}
            raise AgreementError(message)
        Commitment.objects.create(agreement=agreement, amount=amount, source=source, label=label[:255], buyer=buyer,
                                  created_at=clock.now())
        after = before.after(amount)
        audit_log(actor=actor, verb="agreement.value_committed", obj=agreement, organisation=agreement.owner,
                  payload={"source": source, "amount": amount, "buyer": buyer.pk, "committed": after.committed,
                           "contracted": after.contracted, "reported": after.reported, "max_value": after.max_value})
        _notify_crossing(agreement, before, after)
    return after


def agreement_reported_turnover_set(*, actor, agreement: FrameworkAgreement, reported: Decimal) -> Consumption:
    """Keeps the suppliers' reported turnover on the agreement (the follow-up app calls it when a sales report is
    submitted or corrected). Never refused: a sale is reported whatever the maximum; when the reported figure
    takes the consumption to 80 % or to the maximum, the framework managers are told."""
    with transaction.atomic():
        agreement = FrameworkAgreement.objects.select_for_update(no_key=True).get(pk=agreement.pk)
        before = agreement_consumption(agreement)
        if Decimal(reported) == before.reported:
            return before
        FrameworkAgreement.objects.filter(pk=agreement.pk).update(reported_turnover=reported)
        after = before.with_reported(Decimal(reported))
        audit_log(actor=actor, verb="agreement.reported_turnover_updated", obj=agreement,
                  organisation=agreement.owner, payload={"reported": after.reported, "before": before.reported,
                                                         "committed": after.committed, "max_value": after.max_value})
        _notify_crossing(agreement, before, after)
    return after


def _notify_crossing(agreement: FrameworkAgreement, before: Consumption, after: Consumption) -> None:
    if after.warning and not before.warning or after.exhausted and not before.exhausted:
        managers = Membership.objects.filter(organisation=agreement.owner, role=Role.FRAMEWORK_MANAGER)
        consumption_notify(agreement=agreement, consumption=after,
                           recipients=[m.user for m in managers.select_related("user")])


def consumption_notify(*, agreement: FrameworkAgreement, consumption: Consumption, recipients) -> None:
    """Tells `recipients` how much of the agreement's maximum value is used and what remains."""
    notify(recipients=recipients, kind="agreement.consumption",
           subject=gettext_lazy("%(reference)s has used %(percent)s %% of its maximum value"),
           body=gettext_lazy("%(committed)s of the maximum value %(max)s of “%(title)s” is used: contracted "
                             "%(contracted)s, reported by the suppliers %(reported)s; the larger counts. "
                             "%(remaining)s remains. Once the maximum is reached, the agreement can no longer be "
                             "used."),
           params={"reference": agreement.reference, "title": agreement.title, "percent": consumption.percent,
                   "committed": money(consumption.committed), "max": money(consumption.max_value),
                   "contracted": money(consumption.contracted), "reported": money(consumption.reported),
                   "remaining": money(consumption.remaining)},
           url=reverse("agreements:agreement_detail", args=[agreement.pk]))
