"""The award decision (rule 9) and the call-off contract.

The decision is sent to every tenderer with the reasons and the winner's relative advantages; a
rejected tenderer is also told why its tender was rejected. An optional standstill ends at least
`rules.STANDSTILL_DAYS` days after sending (day 0 is the sending day), rolled to the next working
day; the contract cannot be signed until the end of its last day. In ranking order the contract
follows the accepted offer instead. The contract inherits the call-off's requirements for follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import Organisation, User
from innokop.accounts.permissions import Actor, actor_for
from innokop.agreements.services import agreement_commit, consumption_notify
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.calendar import end_of_day, local_date, start_of_day
from innokop.core.formats import sek
from innokop.core.messages import money
from innokop.core.notifications import notify

from .. import evaluation, rules
from ..models import (
    DECISION_LANGUAGE,
    AwardDecision,
    CallOff,
    CallOffStatus,
    Contract,
    Evaluation,
    OfferStatus,
    OpeningRecord,
    Tender,
    TenderStatus,
    reads_decision_language,
)
from ..permissions import current_team, is_team_member, tenderer_supplier_ids
from . import CallOffError, _supplier_representatives
from .evaluating import figure, stored_ranking
from .opening import opened_entries


def _require_team(actor: User, calloff: CallOff, message: str) -> None:
    if not is_team_member(actor_for(actor), calloff):
        raise CallOffError(message)


def _long_date(day: date) -> str:
    return date_format(day, "l j F Y")


# --- the text the team starts from ----------------------------------------------------------------


def _points(value) -> str:
    return number_format(Decimal(value), 2)


def _advantage_sentence(method: str, first: dict, second: dict) -> str:
    params = {"winner": first["supplier"], "next": second["supplier"]}
    if method in ("price_quality", "fixed_price"):
        lead = Decimal(first["total_points"]) - Decimal(second["total_points"])
        better = [c["name"] for c, d in zip(first["criterion_points"], second["criterion_points"], strict=False)
                  if Decimal(c["points"]) > Decimal(d["points"])]
        text = _("%(winner)s has %(lead)s points more than %(next)s (%(a)s against %(b)s).") % (params | {
            "lead": _points(lead), "a": _points(first["total_points"]), "b": _points(second["total_points"])})
        if first.get("price_points") and Decimal(first["price_points"]) > Decimal(second["price_points"] or 0):
            better.insert(0, _("price"))
        if better:
            text += " " + _("Its tender is better on: %(criteria)s.") % {"criteria": ", ".join(better)}
        return text
    key = "comparison_price" if method == "value_added" else "price"
    lead = Decimal(second[key]) - Decimal(first[key])
    return _("%(winner)s's evaluated price is %(lead)s lower than that of %(next)s.") % (params | {"lead": sek(lead)})


def decision_prefill(calloff: CallOff) -> dict[str, str]:
    """Reasons and the winner's relative advantages, written out from the stored evaluation in the active language."""
    stored = Evaluation.objects.select_related("winner__supplier").get(calloff=calloff)
    (rows, _notes), method = stored_ranking(calloff, stored), calloff.evaluation_model
    tie_rules = ", ".join(evaluation.TieRule(r).label for r in calloff.tie_rules) or "–"
    lines = [_("The tenders were evaluated with the evaluation model stated in the call-off: %(model)s. Tie rules, "
               "in order: %(rules)s.") % {"model": calloff.get_evaluation_model_display().lower(), "rules": tie_rules}]
    opened = len(opened_entries(OpeningRecord.objects.get(calloff=calloff)))
    rejected = Tender.objects.filter(calloff=calloff, status=TenderStatus.REJECTED).count()
    counts = {"opened": opened, "ranked": len(rows), "rejected": rejected}
    lines.append(_("Tenders opened: %(opened)s. Evaluated, having met every mandatory requirement: %(ranked)s. "
                   "Rejected: %(rejected)s.") % counts
                 + (" " + _("Each rejected tenderer is told the reason.") if rejected else ""))
    lines.append(_("The tender from %(winner)s has the best result and is awarded the contract. The ranking:")
                 % {"winner": stored.winner.supplier.name})
    lines += [f"{row['position']}. {row['supplier']} – {figure(method, row)}" for row in rows]
    for note in stored.notes:
        if isinstance(note, dict) and note.get("kind") == "lot_draw":
            lines.append(_("A tie was decided by drawing lots, witnessed by %(witness)s: %(order)s.") % {
                "witness": note["witness"], "order": ", ".join(note["order"])})
    advantages = [rows[0]["explanation"]]
    if len(rows) > 1:
        advantages.append(_advantage_sentence(method, rows[0], rows[1]))
    else:
        advantages.append(_("It was the only tender that met every mandatory requirement."))
    return {"reasons": "\n".join(lines), "advantages": "\n".join(advantages)}


def _as_sent(calloff: CallOff, given: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    """The decision's texts as kept: where the team left what Innoköp wrote (in the team's language), that
    text in Swedish, the decision's language; the team's own words as written. Also which were left."""
    written = decision_prefill(calloff)
    with translation.override(DECISION_LANGUAGE):
        legal = decision_prefill(calloff)
    generated = {name for name, text in given.items() if text.split() == written[name].split()}
    return {name: legal[name] if name in generated else text.strip() for name, text in given.items()}, generated


# --- sending the decision -------------------------------------------------------------------------


def evaluation_version(calloff: CallOff) -> str:
    """Names the completed evaluation a decision is written from (reopening and completing again changes it)."""
    stored = Evaluation.objects.filter(calloff=calloff).values_list("pk", "completed_at").first()
    return f"{stored[0]}:{stored[1].isoformat()}" if stored else ""


def award_decision_send(*, actor: User, calloff: CallOff, reasons: str, advantages: str, standstill: bool,
                        evaluation: str = "") -> AwardDecision:
    """Rule 9: sent to every tenderer. `evaluation` (from `evaluation_version`), when given, must still be
    the completed evaluation: a decision written for one winner is never sent after the ranking changed.

    The decision is kept in Swedish, its legal language: text the team left as Innoköp wrote it is kept in
    Swedish and marked, so that a reader of English reads it in English; the team's own words as written."""
    _require_team(actor, calloff, _("Only the call-off's team can send the award decision."))
    errors = {}
    if not reasons.strip():
        errors["reasons"] = _("Give the reasons for the decision; every tenderer is sent them.")
    if not advantages.strip():
        errors["advantages"] = _("Describe the winning tender's relative advantages; every tenderer is sent them.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        calloff = (CallOff.objects.select_for_update(no_key=True).select_related("agency", "lot__agreement")
                   .get(pk=calloff.pk))
        if calloff.status in (CallOffStatus.AWARDED, CallOffStatus.CONTRACTED):
            raise CallOffError(_("The award decision is already sent."), code="decision_sent", status=409)
        if calloff.status != CallOffStatus.EVALUATED:
            raise CallOffError(_("Complete the evaluation before you send the award decision."),
                               code="evaluation_not_completed", status=409)
        if local_date(clock.now()) > calloff.lot.agreement.end_date:
            raise CallOffError(rules.award_after_agreement_message(calloff.lot.agreement), code="agreement_ended",
                               status=409)
        stored = Evaluation.objects.select_related("winner__supplier").get(calloff=calloff)
        if evaluation and evaluation != f"{stored.pk}:{stored.completed_at.isoformat()}":
            raise CallOffError(_("The evaluation has been reopened and completed again since you wrote the decision. "
                                 "Check the ranking and the decision again before you send it."),
                               code="evaluation_changed", status=409)
        now = clock.now()
        texts, generated = _as_sent(calloff, {"reasons": reasons, "advantages": advantages})
        decision = AwardDecision.objects.create(
            calloff=calloff, winner=stored.winner, reasons=texts["reasons"], advantages=texts["advantages"],
            reasons_generated="reasons" in generated, advantages_generated="advantages" in generated,
            standstill=standstill, standstill_ends=rules.standstill_end(now) if standstill else None, sent_by=actor,
            sent_at=now)
        calloff.move_to(CallOffStatus.AWARDED)
        calloff.save(update_fields=["status", "updated_at"])
        tenderers = tenderer_supplier_ids(calloff)
        audit_log(actor=actor, verb="calloff.award_decision_sent", obj=calloff, organisation=calloff.agency,
                  payload={"decision": decision.pk, "winner": stored.winner_id, "tenderers": sorted(tenderers),
                           "standstill_ends": decision.standstill_ends})
        notify(recipients=_supplier_representatives(tenderers), kind="calloff.award_decision",
               subject=gettext_lazy("Award decision in %(reference)s"),
               body=gettext_lazy("%(agency)s has decided who is awarded the call-off “%(title)s”: %(winner)s. "
                                 "Read the decision, with the reasons, in Innoköp."),
               params={"reference": calloff.reference, "agency": calloff.agency.name, "title": calloff.title,
                       "winner": stored.winner.supplier.name},
               url=reverse("calloffs:award_decision", args=[calloff.pk]))
    return decision


# --- the contract ---------------------------------------------------------------------------------


def signing_opens_at(decision: AwardDecision) -> datetime:
    """The first moment the contract may be signed: right after sending, or after the standstill's last day."""
    if not decision.standstill or decision.standstill_ends is None:
        return decision.sent_at
    return start_of_day(decision.standstill_ends + timedelta(days=1))


def signing_locked(decision: AwardDecision, now: datetime) -> bool:
    return bool(decision.standstill and decision.standstill_ends and now <= end_of_day(decision.standstill_ends))


def contract_supplier(calloff: CallOff) -> Organisation | None:
    """The party: the winner of the award decision, or in ranking order the supplier that accepted."""
    if calloff.status == CallOffStatus.AWARDED:
        return calloff.decision.winner.supplier
    if calloff.status == CallOffStatus.ACCEPTED:
        return calloff.offers.select_related("supplier").get(status=OfferStatus.ACCEPTED).supplier
    return None


def contract_defaults(calloff: CallOff) -> dict:
    """The form's starting point: the winner's tendered price (or the estimate) and the call-off's period."""
    value = calloff.estimated_value
    stored = Evaluation.objects.filter(calloff=calloff).first()
    if calloff.status == CallOffStatus.AWARDED and stored is not None:
        value = next((Decimal(r["price"]) for r in stored.ranking if r["tender"] == stored.winner_id), value)
    return {"value": value, "starts_on": calloff.contract_start, "ends_on": calloff.contract_end,
            "long_contract_reason": calloff.long_contract_reason}


def _check_contract(calloff: CallOff, value: Decimal | None, starts_on: date | None, ends_on: date | None,
                    long_reason: str) -> None:
    errors = {}
    if value is None or value <= 0:
        errors["value"] = _("Give the contract value in SEK excluding VAT, above 0.")
    fields = {"contract_start": "starts_on", "contract_end": "ends_on", "long_contract_reason": "long_contract_reason"}
    problems = rules.contract_period_problems(calloff.lot.agreement, starts_on, ends_on, long_reason=long_reason)
    errors |= {fields[key]: message for key, message in problems.items()}
    if errors:
        raise ValidationError(errors)


def _require_signable(calloff: CallOff, now: datetime) -> None:
    if calloff.status == CallOffStatus.CONTRACTED:
        raise CallOffError(_("The contract is already signed."), code="contract_signed", status=409)
    if calloff.status not in (CallOffStatus.AWARDED, CallOffStatus.ACCEPTED):
        raise CallOffError(_("The contract is signed after the award decision is sent (or, in ranking order, "
                             "after a supplier accepts the offer)."), code="not_awarded", status=409)
    if calloff.status == CallOffStatus.AWARDED and signing_locked(calloff.decision, now):
        decision = calloff.decision
        raise CallOffError(_("Signing is locked by the standstill period, which ends at the end of %(end)s. The "
                             "contract can be signed from %(opens)s.") % {
            "end": _long_date(decision.standstill_ends),
            "opens": _long_date(decision.standstill_ends + timedelta(days=1))}, code="standstill_running", status=409)


def contract_sign(*, actor: User, calloff: CallOff, value: Decimal, starts_on: date, ends_on: date,
                  long_contract_reason: str = "") -> Contract:
    """The call-off contract: parties, value, period and the call-off's requirements, ready for follow-up.

    Its value is taken from the agreement's maximum (`agreement_commit`), which refuses a contract that would
    go over it; from 80 % of the maximum the call-off's team is told what remains.
    """
    _require_team(actor, calloff, _("Only the call-off's team can sign the contract."))
    with transaction.atomic():
        calloff = (CallOff.objects.select_for_update(no_key=True).select_related("agency", "lot__agreement")
                   .get(pk=calloff.pk))
        now = clock.now()
        _require_signable(calloff, now)
        _check_contract(calloff, value, starts_on, ends_on, long_contract_reason)
        supplier = contract_supplier(calloff)
        contract = Contract.objects.create(calloff=calloff, agency=calloff.agency, supplier=supplier, value=value,
                                           starts_on=starts_on, ends_on=ends_on, signed_by=actor, signed_at=now,
                                           long_contract_reason=long_contract_reason.strip())
        consumption = agreement_commit(actor=actor, agreement=calloff.lot.agreement, amount=value,
                                       source=f"calloffs.contract:{contract.pk}", buyer=calloff.agency,
                                       label=f"{calloff.reference} {calloff.title}")
        requirements = list(calloff.requirements.all())
        contract.requirements.set(requirements)
        calloff.move_to(CallOffStatus.CONTRACTED)
        calloff.save(update_fields=["status", "updated_at"])
        audit_log(actor=actor, verb="calloff.contract_signed", obj=calloff, organisation=calloff.agency,
                  payload={"contract": contract.pk, "supplier": supplier.pk, "value": value, "starts_on": starts_on,
                           "ends_on": ends_on, "requirements": sorted(r.pk for r in requirements)})
        notify(recipients=_supplier_representatives([supplier.pk]), kind="calloff.contract_signed",
               subject=gettext_lazy("Contract signed: %(reference)s"),
               body=gettext_lazy("%(agency)s has signed the call-off contract “%(title)s” with %(supplier)s, "
                                 "%(value)s excluding VAT, %(start)s – %(end)s. Its requirements are followed up in "
                                 "Innoköp."),
               params={"reference": calloff.reference, "agency": calloff.agency.name, "title": calloff.title,
                       "supplier": supplier.name, "value": money(value), "start": starts_on, "end": ends_on},
               url=reverse("calloffs:contract_detail", args=[calloff.pk]))
        if consumption.warning:
            consumption_notify(agreement=calloff.lot.agreement, consumption=consumption,
                               recipients=current_team(calloff))
    return contract


# --- the decision as each reader sees it ----------------------------------------------------------


@dataclass(frozen=True)
class RankRow:
    position: int
    supplier: str
    figure: str
    price: Decimal
    is_winner: bool


@dataclass(frozen=True)
class DecisionContent:
    """The award decision as one reader sees it: the page, the PDF, the DOCX and the API share it."""

    reference: str
    title: str
    agency: str
    agreement: str
    lot: str
    sent_at: datetime
    sent_by: str
    model: str
    tie_rules: list[str]
    winner: str
    rows: list[RankRow]
    reasons: str
    advantages: str
    standstill: bool
    standstill_ends: date | None
    signing_from: date | None
    rejected: list[tuple[str, str]] = field(default_factory=list)
    rejected_count: int = 0
    own_rejection: str = ""
    # In a language other than the decision's (Swedish, the legal text): the parts shown as the agency wrote
    # them ("reasons", "advantages", "rejection"), everything else being written in the reader's language.
    legal: bool = True
    as_written: tuple[str, ...] = ()


def _content(calloff: CallOff, actor: Actor, *, winner: Tender, reasons: str, advantages: str, standstill: bool,
             standstill_ends: date | None, sent_at: datetime, sent_by: str,
             as_written: tuple[str, ...] = ()) -> DecisionContent:
    stored = Evaluation.objects.get(calloff=calloff)
    method = calloff.evaluation_model
    rejected = list(Tender.objects.filter(calloff=calloff, status=TenderStatus.REJECTED)
                    .select_related("supplier").order_by("supplier__name"))
    agency_reader = calloff.agency_id in actor.organisation_ids
    own = next((t for t in rejected if t.supplier_id in actor.organisation_ids), None)
    legal = reads_decision_language()
    shown = rejected if agency_reader else [own] if own else []
    if not legal and any(not t.rejection_grounds for t in shown):
        as_written += ("rejection",)
    agreement = calloff.lot.agreement
    return DecisionContent(
        reference=calloff.reference, title=calloff.title, agency=calloff.agency.name,
        agreement=f"{agreement.reference} {agreement.title}", lot=f"{calloff.lot.number}: {calloff.lot.title}",
        sent_at=sent_at, sent_by=sent_by, model=calloff.get_evaluation_model_display(),
        tie_rules=[evaluation.TieRule(r).label for r in calloff.tie_rules],
        winner=winner.supplier.name,
        rows=[RankRow(r["position"], r["supplier"], figure(method, r), Decimal(r["price"]), r["tender"] == winner.pk)
              for r in stored.ranking],
        reasons=reasons, advantages=advantages, standstill=standstill, standstill_ends=standstill_ends,
        signing_from=(standstill_ends + timedelta(days=1)) if standstill_ends else None,
        rejected=[(t.supplier.name, t.rejection_reason_text) for t in rejected] if agency_reader else [],
        rejected_count=len(rejected), own_rejection=own.rejection_reason_text if own else "", legal=legal,
        as_written=as_written if not legal else ())


def decision_content(calloff: CallOff, actor: Actor) -> DecisionContent:
    """The sent decision for `actor` (an Actor): the agency sees every rejection reason, a rejected tenderer
    its own only, the purchasing body none. In the active language: Swedish reads as sent (the legal text);
    another language reads what Innoköp wrote in it, and the agency's own words as written."""
    decision = AwardDecision.objects.select_related("winner__supplier", "sent_by").get(calloff=calloff)
    texts = {"reasons": decision.reasons, "advantages": decision.advantages}
    as_written = ()
    if not reads_decision_language():
        generated = {"reasons": decision.reasons_generated, "advantages": decision.advantages_generated}
        if any(generated.values()):
            texts |= {name: text for name, text in decision_prefill(calloff).items() if generated[name]}
        as_written = tuple(name for name, kept in generated.items() if not kept)
    return _content(calloff, actor, winner=decision.winner, **texts, standstill=decision.standstill,
                    standstill_ends=decision.standstill_ends, sent_at=decision.sent_at,
                    sent_by=decision.sent_by.full_name, as_written=as_written)


def decision_preview(calloff: CallOff, actor: Actor, *, reasons: str, advantages: str,
                     standstill: bool) -> DecisionContent:
    """The decision as it would read if the team sent it now (the check-your-answers page)."""
    stored = Evaluation.objects.select_related("winner__supplier").get(calloff=calloff)
    now = clock.now()
    return _content(calloff, actor, winner=stored.winner, reasons=reasons, advantages=advantages,
                    standstill=standstill, standstill_ends=rules.standstill_end(now) if standstill else None,
                    sent_at=now, sent_by=actor.user.full_name)
