"""Every change to the contract register: one service each, audited, the other party told on commit.

Options used and changes are taken from (or given back to) the framework agreement's maximum value through
`agreements.services.agreement_commit` (rule 1). A change beyond what LOU 17 kap. 9 § or 11–12 §§ allow without
a new procurement is a warning, not a refusal: the agency decides, and the warning is recorded and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import Membership, Role, Sector
from innokop.accounts.permissions import actor_for
from innokop.agreements.services import agreement_commit
from innokop.calloffs.models import Contract
from innokop.calloffs.permissions import current_team
from innokop.calloffs.rules import contract_period_problems
from innokop.catalogue.models import Solution
from innokop.catalogue.services import reference_case_write_by_buyer
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.calendar import local_date
from innokop.core.formats import sek
from innokop.core.messages import money
from innokop.core.notifications import notify
from innokop.core.refusals import Problem, Refused
from innokop.reference.models import ThresholdKind
from innokop.reference.thresholds import threshold_on

from ..models import (
    ChangeLimit,
    ChangeReason,
    ContractChange,
    ContractKind,
    ContractOption,
    ContractRecord,
    ContractReferenceCase,
    ExpiryAlert,
)
from ..models.register import ALERT_DAYS
from ..permissions import contracts_kept_by


class ContractRegisterError(Refused):
    code = "contract_register_refused"


def _today() -> date:
    return local_date(clock.now())


# Reading ------------------------------------------------------------------------------------------------------

def records_make(contracts) -> None:
    """Makes the register's records of the `contracts` that have none yet (a record is made when the register
    first meets its contract: signing happens in calloffs, which knows nothing of the register)."""
    missing = contracts.filter(register_record__isnull=True)
    now = clock.now()
    ContractRecord.objects.bulk_create(
        [ContractRecord(contract=c, ends_on=c.ends_on, value=c.value, created_at=now) for c in missing],
        ignore_conflicts=True)


def records_for(contracts) -> list[ContractRecord]:
    """The register's records of `contracts`, made for the contracts that have none yet (`records_make`)."""
    records_make(contracts)
    return list(ContractRecord.objects.filter(contract__in=contracts).with_related())


def record_of(contract: Contract) -> ContractRecord:
    [record] = records_for(Contract.objects.filter(pk=contract.pk))
    return record


def in_state(records, state: str, today: date):
    """Records in a state as the clock reads it (`ContractRecord.state`), as a queryset filter."""
    soon = today + timedelta(days=max(ALERT_DAYS))
    open_ = Q(completed_at__isnull=True)
    return records.filter({
        "running": open_ & Q(ends_on__gt=soon),
        "expiring": open_ & Q(ends_on__gte=today, ends_on__lte=soon),
        "ended": open_ & Q(ends_on__lt=today),
        "completed": Q(completed_at__isnull=False),
    }[state])


def change_limits_on(day: date) -> ChangeLimit | None:
    return ChangeLimit.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


# What each warning says; stored as its code and values, worded in the reader's language when shown.
WARNING_TEXTS = {
    "no_limits": gettext_lazy("No limits for changes are recorded for this day; check LOU 17 kap. yourself."),
    "no_threshold": gettext_lazy(
        "No EU threshold for %(kind)s is recorded for %(day)s, so the changes' total cannot be checked against it. "
        "The purchasing body adds thresholds with their source."),
    "17_9_threshold": gettext_lazy(
        "The changes of low value come to %(total)s in all, not below the EU threshold of %(threshold)s (LOU 17 "
        "kap. 9 §). A change this large may need a new procurement."),
    "17_9_share": gettext_lazy(
        "The changes of low value come to %(total)s in all, more than %(share)s %% of the original value "
        "%(original)s (LOU 17 kap. 9 §). A change this large may need a new procurement."),
    "17_11_12_share": gettext_lazy(
        "The change adds %(difference)s, more than %(share)s %% of the original value %(original)s (LOU 17 kap. "
        "11–12 §§). A change this large may need a new procurement."),
}
MONEY_PARAMS = {"total", "threshold", "original", "difference"}


def warning_text(warning: dict) -> str:
    """A stored warning in the active language."""
    params = {name: sek(Decimal(value)) if name in MONEY_PARAMS else value
              for name, value in warning.get("params", {}).items()}
    if "kind" in params:
        params["kind"] = ThresholdKind(params["kind"]).label
    return str(WARNING_TEXTS[warning["code"]]) % params


@dataclass(frozen=True)
class ChangeCheck:
    """What a change is measured against, and the warnings it gives (empty when within the limits)."""

    warnings: list[dict]
    limits: ChangeLimit | None
    threshold: Decimal | None

    @property
    def texts(self) -> list[str]:
        return [warning_text(w) for w in self.warnings]


def threshold_kind(record: ContractRecord) -> str:
    if record.kind == ContractKind.WORKS:
        return ThresholdKind.WORKS
    if record.contract.agency.sector == Sector.CENTRAL_GOVERNMENT:
        return ThresholdKind.CENTRAL_GOVERNMENT
    return ThresholdKind.OTHER_BUYERS


def _share(value: Decimal) -> str:
    return f"{value.normalize():f}"


def change_check(record: ContractRecord, reason: str, value_before: Decimal, value_after: Decimal,
                 day: date) -> ChangeCheck:
    """LOU 17 kap. with the limits in force on `day`: under 9 § the changes' total value must stay below the EU
    threshold (`reference.thresholds.threshold_on`) and at most 10 % of the original value (15 % for works);
    under 11–12 §§ each change is at most 50 % of the original value. Beyond them, a new procurement may be
    needed: a warning, never a refusal."""
    limits = change_limits_on(day)
    original = record.original_value
    difference = value_after - value_before
    warnings: list[dict] = []
    threshold = None
    if limits is None:
        return ChangeCheck([{"code": "no_limits", "params": {}}], None, None)
    if reason == ChangeReason.LOW_VALUE:
        earlier = sum((abs(c.difference) for c in record.changes.filter(reason=ChangeReason.LOW_VALUE)), Decimal(0))
        total = earlier + abs(difference)
        share = (limits.low_value_share_works if record.kind == ContractKind.WORKS
                 else limits.low_value_share_goods_services)
        kind = threshold_kind(record)
        found = threshold_on(kind, day)
        threshold = found.amount if found else None
        if found is None:
            warnings.append({"code": "no_threshold", "params": {"kind": kind, "day": day.isoformat()}})
        elif total >= found.amount:
            warnings.append({"code": "17_9_threshold", "params": {"total": str(total), "threshold": str(found.amount)}})
        if total > original * share / 100:
            warnings.append({"code": "17_9_share", "params": {"total": str(total), "share": _share(share),
                                                              "original": str(original)}})
    elif reason in (ChangeReason.ADDITIONAL, ChangeReason.UNFORESEEN) and difference > original * (
            limits.per_change_share / 100):
        warnings.append({"code": "17_11_12_share", "params": {
            "difference": str(difference), "share": _share(limits.per_change_share), "original": str(original)}})
    return ChangeCheck(warnings, limits, threshold)


# Changing ------------------------------------------------------------------------------------------------------

def _locked(record: ContractRecord, actor) -> ContractRecord:
    if not contracts_kept_by(actor_for(actor)).filter(pk=record.contract_id).exists():
        raise ContractRegisterError(_("Only the agency's members keep its contract register."),
                                    code="not_agency_member", status=403)
    # Only the record's row is locked (PostgreSQL locks no nullable side of a join); its contract is read after.
    return ContractRecord.objects.select_for_update(no_key=True).get(pk=record.pk)


def _require_open(record: ContractRecord) -> None:
    if record.completed_at is not None:
        raise ContractRegisterError(_("The contract is completed: its register entry no longer changes."),
                                    code="contract_completed", status=409)


def _reason(reason: str, field: str = "reason") -> str:
    if not reason.strip():
        raise ContractRegisterError(_("Give the reason."), code="reason_missing",
                                    problems=[Problem(field, _("Give the reason."))])
    return reason.strip()


def _supplier_people(record: ContractRecord):
    return [m.user for m in Membership.objects.filter(
        organisation=record.contract.supplier, role__in=[Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN])
        .select_related("user")]


def _agency_people(record: ContractRecord):
    """The agency's contract team: the call-off's team as it stands now and the agency's contract managers."""
    managers = [m.user for m in Membership.objects.filter(organisation=record.contract.agency,
                                                          role=Role.CONTRACT_MANAGER).select_related("user")]
    return [*current_team(record.contract.calloff), *managers]


def _tell(recipients, record: ContractRecord, kind: str, subject, body, **params) -> None:
    contract = record.contract
    notify(recipients=recipients, kind=f"followup.{kind}", subject=subject, body=body,
           url=reverse("followup:contract_record", args=[contract.pk]),
           params={"reference": contract.calloff.reference, "agency": contract.agency.name,
                   "supplier": contract.supplier.name, **params})


def _audit(actor, record: ContractRecord, verb: str, **payload) -> None:
    audit_log(actor=actor, verb=f"contract.{verb}", obj=record.contract, organisation=record.contract.agency,
              payload={"record": record.pk, **payload})


def contract_details_set(*, actor, record: ContractRecord, registration_number: str, kind: str) -> ContractRecord:
    """The agency's own registration number (diarienummer) and whether the contract is for works."""
    if kind not in ContractKind.values:
        raise ContractRegisterError(_("Choose what the contract is for."), code="invalid_kind",
                                    problems=[Problem("kind", _("Choose what the contract is for."))])
    with transaction.atomic():
        record = _locked(record, actor)
        before = {"registration_number": record.registration_number, "kind": record.kind}
        record.registration_number, record.kind = registration_number.strip()[:60], kind
        record.save(update_fields=["registration_number", "kind"])
        _audit(actor, record, "register_details_set", before=before,
               after={"registration_number": record.registration_number, "kind": record.kind})
    return record


def contract_option_add(*, actor, record: ContractRecord, description: str, extension_months: int | None = None,
                        value: Decimal | None = None) -> ContractOption:
    """An option or extension the contract allows: a longer period, more value, or both."""
    if not description.strip():
        raise ContractRegisterError(_("Describe the option."), code="description_missing",
                                    problems=[Problem("description", _("Describe the option."))])
    if not extension_months and not value:
        raise ContractRegisterError(_("An option gives a longer period, more value, or both: give at least one."),
                                    code="option_empty", problems=[Problem("extension_months", _(
                                        "Give the extension in months, the value, or both."))])
    if value is not None and value < 0 or extension_months is not None and extension_months < 0:
        raise ContractRegisterError(_("Give zero or more."), code="negative")
    with transaction.atomic():
        record = _locked(record, actor)
        _require_open(record)
        option = ContractOption.objects.create(
            record=record, description=description.strip()[:300], extension_months=extension_months or None,
            value=value or None, created_by=actor, created_at=clock.now())
        _audit(actor, record, "option_added", option=option.pk, description=option.description,
               extension_months=option.extension_months, value=option.value)
        _tell(_supplier_people(record), record, "contract_option_added",
              gettext_lazy("An option is recorded on the contract %(reference)s"),
              gettext_lazy("%(agency)s has recorded an option on the contract %(reference)s: %(description)s."),
              description=option.description)
    return option


def _months_later(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def contract_option_use(*, actor, option: ContractOption, reason: str, months: int | None = None,
                        value: Decimal | None = None) -> ContractOption:
    """Uses an option once, with a reason, within what it allows (by default all of it). An extension must keep
    the contract within rule 1 (the agreement's latest contract end and longest period, four years as a main
    rule: a contract may outlive its agreement); added value is taken from the agreement's maximum."""
    reason = _reason(reason)
    months = option.extension_months if months is None else months
    value = option.value if value is None else value
    if months and (option.extension_months is None or months > option.extension_months) or months and months < 0:
        raise ContractRegisterError(_("The option allows an extension of at most %(months)s months.") % {
            "months": option.extension_months or 0}, code="beyond_option",
            problems=[Problem("months", _("Stay within the option."))])
    if value and (option.value is None or value > option.value) or value and value < 0:
        raise ContractRegisterError(_("The option allows at most %(value)s more.") % {"value": sek(option.value or 0)},
                                    code="beyond_option", problems=[Problem("value", _("Stay within the option."))])
    with transaction.atomic():
        record = _locked(option.record, actor)
        option = ContractOption.objects.select_for_update(no_key=True).get(pk=option.pk)
        _require_open(record)
        if option.is_used:
            raise ContractRegisterError(_("The option is already used."), code="option_used", status=409)
        contract, end_before = record.contract, record.ends_on
        end_after = _months_later(end_before, months) if months else end_before
        if end_after != end_before:
            problems = contract_period_problems(record.agreement, contract.starts_on, end_after,
                                                long_reason=contract.long_contract_reason)
            if problems:
                raise ContractRegisterError(
                    _("The extension would end the contract on %(end)s: %(problem)s") % {
                        "end": end_after.isoformat(), "problem": " ".join(problems.values())},
                    code="extension_outside_rule_1", problems=[Problem("months", " ".join(problems.values()))])
        if value:
            agreement_commit(actor=actor, agreement=record.agreement, amount=value, buyer=contract.agency,
                             source=f"followup.contractoption:{option.pk}",
                             label=f"{contract.calloff.reference}: {option.description}")
        option.used_at, option.used_by, option.use_reason = clock.now(), actor, reason
        option.used_months, option.used_value = months or None, value or None
        option.end_before, option.end_after = end_before, end_after
        option.save(update_fields=["used_at", "used_by", "use_reason", "used_months", "used_value", "end_before",
                                   "end_after"])
        record.ends_on, record.value = end_after, record.value + (value or 0)
        record.save(update_fields=["ends_on", "value"])
        _audit(actor, record, "option_used", option=option.pk, reason=reason, months=months or None,
               value=value or None, end_before=end_before.isoformat(), end_after=end_after.isoformat())
        _tell(_supplier_people(record), record, "contract_option_used",
              gettext_lazy("An option is used on the contract %(reference)s"),
              gettext_lazy("%(agency)s has used the option “%(description)s” on the contract %(reference)s. The "
                           "contract now ends %(end)s and is worth %(value)s. Reason: %(reason)s"),
              description=option.description, end=end_after, value=money(record.value), reason=reason)
    return option


def contract_change_record(*, actor, record: ContractRecord, reason: str, description: str,
                           value_after: Decimal) -> ContractChange:
    """Records a change with its ground in LOU 17 kap. and the value before and after. Warnings (`change_check`)
    do not stop it: they are stored with the change and audited. A higher value is taken from the agreement's
    maximum (refused when it would go over, rule 1); a lower one is given back."""
    if reason not in ChangeReason.values:
        raise ContractRegisterError(_("Choose the ground for the change."), code="invalid_reason",
                                    problems=[Problem("reason", _("Choose the ground for the change."))])
    description = _reason(description, "description")
    if value_after is None or value_after < 0:
        raise ContractRegisterError(_("Give the contract's value after the change, zero or more."),
                                    code="invalid_value", problems=[Problem("value_after", _("Give zero or more."))])
    with transaction.atomic():
        record = _locked(record, actor)
        _require_open(record)
        value_before = record.value
        check = change_check(record, reason, value_before, value_after, _today())
        change = ContractChange.objects.create(
            record=record, reason=reason, description=description, value_before=value_before,
            value_after=value_after, warnings=check.warnings, limits=check.limits, threshold=check.threshold,
            created_by=actor, created_at=clock.now())
        difference = value_after - value_before
        if difference:
            contract = record.contract
            agreement_commit(actor=actor, agreement=record.agreement, amount=difference, buyer=contract.agency,
                             source=f"followup.contractchange:{change.pk}", reduction=True,
                             label=f"{contract.calloff.reference}: {ChangeReason(reason).label}")
        record.value = value_after
        record.save(update_fields=["value"])
        _audit(actor, record, "changed", change=change.pk, reason=reason, value_before=value_before,
               value_after=value_after, warnings=[w["code"] for w in check.warnings],
               limits=check.limits.pk if check.limits else None, threshold=check.threshold)
        _tell(_supplier_people(record), record, "contract_changed",
              gettext_lazy("The contract %(reference)s is changed"),
              gettext_lazy("%(agency)s has recorded a change of the contract %(reference)s (%(ground)s): the value "
                           "goes from %(before)s to %(after)s. %(description)s"),
              ground=ChangeReason(reason).label, before=money(value_before), after=money(value_after),
              description=description)
    return change


def contract_complete(*, actor, record: ContractRecord, final_amount: Decimal, note: str = "") -> ContractRecord:
    """The agency completes the contract with the final amount paid; then it may write a reference case."""
    if final_amount is None or final_amount < 0:
        raise ContractRegisterError(_("Give the final amount paid, zero or more."), code="invalid_amount",
                                    problems=[Problem("final_amount", _("Give zero or more."))])
    with transaction.atomic():
        record = _locked(record, actor)
        _require_open(record)
        if _today() < record.contract.starts_on:
            raise ContractRegisterError(_("The contract has not started yet: it can be completed from %(day)s.")
                                        % {"day": record.contract.starts_on.isoformat()}, code="not_started",
                                        status=409)
        record.completed_at, record.completed_by = clock.now(), actor
        record.final_amount, record.completion_note = final_amount, note.strip()
        record.save(update_fields=["completed_at", "completed_by", "final_amount", "completion_note"])
        _audit(actor, record, "completed", final_amount=final_amount, value=record.value)
        _tell(_supplier_people(record), record, "contract_completed",
              gettext_lazy("The contract %(reference)s is completed"),
              gettext_lazy("%(agency)s has completed the contract %(reference)s. Final amount paid: %(amount)s."),
              amount=money(final_amount))
    return record


def solutions_for_case(record: ContractRecord):
    """The supplier's published solutions a reference case can be written on, those on the contract's lot first."""
    return (Solution.objects.published().filter(supplier=record.contract.supplier)
            .order_by("title"))


def contract_reference_case_write(*, actor, record: ContractRecord, solution: Solution, title: str, story: str,
                                  effects: str, assessment: str) -> ContractReferenceCase:
    """Closing the loop: after completion the agency writes a reference case on the supplier's published
    solution; the purchasing body reviews it (the catalogue's review of changes) before it shows."""
    with transaction.atomic():
        record = _locked(record, actor)
        if record.completed_at is None:
            raise ContractRegisterError(_("A reference case is written once the contract is completed."),
                                        code="not_completed", status=409)
        if ContractReferenceCase.objects.filter(record=record).exists():
            raise ContractRegisterError(_("A reference case is already written for this contract."),
                                        code="case_exists", status=409)
        if not solutions_for_case(record).filter(pk=solution.pk).exists():
            raise ContractRegisterError(_("Choose one of the supplier's published solutions."), code="wrong_solution",
                                        problems=[Problem("solution", _("Choose one of the supplier's published "
                                                                        "solutions."))])
        case = reference_case_write_by_buyer(
            actor=actor, solution=solution, buyer=record.contract.agency, title=title, story=story, effects=effects,
            assessment=assessment, year=local_date(record.completed_at).year)
        try:
            link = ContractReferenceCase.objects.create(record=record, case=case, solution=solution,
                                                        written_by=actor, written_at=clock.now())
        except IntegrityError:
            raise ContractRegisterError(_("A reference case is already written for this contract."),
                                        code="case_exists", status=409) from None
        _audit(actor, record, "reference_case_written", case=case.pk, solution=solution.pk)
    return link


# Alerts --------------------------------------------------------------------------------------------------------

def contract_expiry_alerts_send(*, today: date | None = None) -> int:
    """Alerts 90 and 30 days before a contract ends, to the agency's contract team and the supplier; returns how
    many were sent. Each goes once per end date (a row in `ExpiryAlert` written with the notification), and only
    the nearest: a contract first met 20 days before its end gets the 30-day alert alone."""
    today = today or _today()
    soon = today + timedelta(days=max(ALERT_DAYS))
    records_for(Contract.objects.filter(ends_on__gte=today, ends_on__lte=soon))
    sent = 0
    for record in ContractRecord.objects.with_related().filter(completed_at__isnull=True, ends_on__gte=today,
                                                               ends_on__lte=soon):
        days = min(d for d in ALERT_DAYS if record.days_left(today) <= d)
        try:
            with transaction.atomic():
                ExpiryAlert.objects.create(record=record, days=days, ends_on=record.ends_on, sent_at=clock.now())
                _tell([*_agency_people(record), *_supplier_people(record)], record, f"contract_expiry_{days}",
                      gettext_lazy("The contract %(reference)s ends %(end)s"),
                      gettext_lazy("The call-off contract %(reference)s between %(agency)s and %(supplier)s ends "
                                   "%(end)s, in %(days)s days. Decide in time whether to use an option, procure "
                                   "again or complete the contract."),
                      end=record.ends_on, days=record.days_left(today))
                audit_log(actor=None, verb="contract.expiry_alerted", obj=record.contract,
                          organisation=record.contract.agency, payload={"days": days,
                                                                       "ends_on": record.ends_on.isoformat()})
        except IntegrityError:
            continue
        sent += 1
    return sent
