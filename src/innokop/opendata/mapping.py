"""Innoköp's stored facts as OCDS 1.1.5 releases, one release per event (docs/ocds.md has the mapping).

Every framework agreement is a contracting process of its own, and so is every call-off, whose
`relatedProcesses` names the agreement's ocid ("framework"). A release is built from what is stored
(the dates of publication, decision, signing, reports and rounds; the audit trail for a tender
period that was extended), so its id and date are the same every time it is built.

What the public may read, and from when (DESIGN.md §5), is decided here, in one place:

- nothing of a draft, of a call-off cancelled before it was published, or of a scheduled one;
- nothing of a call-off's tender before the decision: for a renewed competition the tender and its
  amendments become public when the award decision is sent (or the call-off is cancelled after its
  publication); in ranking order when the contract is signed;
- awards and contracts only once the contract is signed;
- never a budget of a need or a call-off's estimated value, never a person's name or e-mail address,
  never a sole trader's organisation number (it is a personal identity number), nothing of tenders but
  their number, nothing of follow-up answers, assessments or deviations.

Each release carries the moment it became public (`Release.public_from`); the incremental feed is
ordered by it, so a release about an earlier event that becomes public later is still found by a
reader who asks for "everything since" their last visit.
"""

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from innokop.accounts.identifiers import is_personal_identity_number
from innokop.accounts.models import Organisation
from innokop.agreements.models import CallOffMethod, EvaluationModel, FrameworkAgreement
from innokop.calloffs.models import CallOff, CallOffKind, CallOffStatus, OfferStatus
from innokop.core.formats import sek
from innokop.core.models import AuditEvent
from innokop.followup.models import ChangeReason, FollowUpRound, SalesReportRow
from innokop.prestudy.models import PreStudy

CURRENCY = "SEK"
LANGUAGE = "sv"
PARTY_SCHEME = "SE-BLV"  # org-id.guide: Bolagsverket, the Swedish organisation number

AWARD_CRITERIA = {
    EvaluationModel.LOWEST_PRICE: "priceOnly",
    EvaluationModel.PRICE_QUALITY: "ratedCriteria",
    EvaluationModel.VALUE_ADDED: "ratedCriteria",
    EvaluationModel.FIXED_PRICE: "qualityOnly",
}
FRAMEWORK_METHOD = {
    CallOffMethod.RANKING: "withoutReopeningCompetition",
    CallOffMethod.RENEWED_COMPETITION: "withReopeningCompetition",
    CallOffMethod.RENEWED_COMPETITION_DIALOGUE: "withReopeningCompetition",
    CallOffMethod.COMBINATION: "withAndWithoutReopeningCompetition",
}
# A call-off is published (not a draft, not scheduled) in these states; a cancelled one only when it was
# cancelled after its publication moment.
_DECIDED = {CallOffStatus.AWARDED, CallOffStatus.CONTRACTED}


@dataclass(frozen=True)
class Release:
    data: dict
    public_from: datetime

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def ocid(self) -> str:
        return self.data["ocid"]


def ocid_prefix() -> str:
    return settings.INNOKOP_OCDS_PREFIX.rstrip("-")


def agreement_ocid(agreement: FrameworkAgreement) -> str:
    return f"{ocid_prefix()}-{agreement.reference}"


def calloff_ocid(calloff: CallOff) -> str:
    return f"{ocid_prefix()}-{calloff.reference}"


def as_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def when(moment) -> str:
    """An OCDS date-time: ISO 8601 in UTC with a Z (a date alone as its midnight)."""
    if isinstance(moment, datetime):
        return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{moment.isoformat()}T00:00:00Z"


def money(amount) -> dict:
    value = Decimal(amount)
    number = int(value) if value == value.to_integral_value() else float(value)
    return {"amount": number, "currency": CURRENCY}


# --- parties -------------------------------------------------------------------------------------------


def public_identifier(organisation: Organisation) -> str:
    """The organisation number as published: never a personal identity number (a sole trader's), never a
    VAT number (a Swedish sole trader's holds the personal identity number too); empty when none may be shown."""
    number = organisation.org_number
    if not number or is_personal_identity_number(number):
        return ""
    return number.replace("-", "")


def party_id(organisation: Organisation) -> str:
    identifier = public_identifier(organisation)
    return f"{PARTY_SCHEME}-{identifier}" if identifier else f"innokop-organisation-{organisation.pk}"


def party(organisation: Organisation, roles: list[str]) -> dict:
    """An organisation as a party. No contact point with a person's name or e-mail: only the organisation's
    own website, for the buyer and procuring entity, as OCDS expects of those roles."""
    data = {"id": party_id(organisation), "name": organisation.name, "roles": roles}
    identifier = public_identifier(organisation)
    if identifier:
        data["identifier"] = {"scheme": PARTY_SCHEME, "id": identifier, "legalName": organisation.name}
    if organisation.website and {"buyer", "procuringEntity"} & set(roles):
        data["contactPoint"] = {"name": organisation.name, "url": organisation.website}
    if organisation.kind == "supplier":
        data["details"] = {"scale": "sme" if organisation.is_sme else "large"}
    return data


def reference(organisation: Organisation) -> dict:
    return {"id": party_id(organisation), "name": organisation.name}


def _base(ocid: str, key: str, moment: datetime, tags: list[str], parties: list[dict]) -> dict:
    """A release's common fields. A release that names no party has no `parties` (libcoveocds' checks find an
    empty list an empty field)."""
    data = {"ocid": ocid, "id": f"{ocid}-{key}", "date": when(moment), "tag": tags, "initiationType": "tender",
            "language": LANGUAGE}
    if parties:
        data["parties"] = parties
    return data


def _items(cpv_codes) -> list[dict]:
    return [{"id": str(number), "classification": {"scheme": "CPV", "id": code.code, "description": code.label_sv}}
            for number, code in enumerate(cpv_codes, start=1)]


# --- framework agreements -------------------------------------------------------------------------------


def agreement_releases(agreement: FrameworkAgreement, now: datetime) -> list[Release]:
    """A published agreement: planning (the pre-study it came from), tender, award and contract (the admitted
    suppliers, lot by lot), and a termination. Nothing of a draft or of one whose publication is still to come."""
    if agreement.published_at is None or agreement.published_at > now:
        return []
    ocid, published = agreement_ocid(agreement), agreement.published_at
    owner = agreement.owner
    lots = list(agreement.lots.all())
    releases = []
    prestudy = PreStudy.objects.filter(agreement=agreement, decided_at__isnull=False).order_by("decided_at").first()
    if prestudy is not None and prestudy.decided_at <= published:
        data = _base(ocid, "planning", prestudy.decided_at, ["planning"], [party(owner, ["buyer", "procuringEntity"])])
        data.update(buyer=reference(owner), planning={"rationale": f"{prestudy.reference} {prestudy.title}"},
                    tender={"id": agreement.reference, "status": "planning"})
        releases.append(Release(data, published))
    with translation.override(LANGUAGE):
        tender = {
            "id": agreement.reference, "title": agreement.title, "description": agreement.summary,
            "status": "complete", "procuringEntity": reference(owner),
            "items": _items(agreement.cpv_codes.all()),
            "contractPeriod": {"startDate": when(agreement.start_date), "endDate": when(agreement.end_date)},
            "techniques": {"hasFrameworkAgreement": True, "frameworkAgreement": _framework(agreement, lots)},
            "lots": [{"id": _lot_id(lot), "title": lot.title, "description": lot.description or lot.title,
                      "status": "complete"} for lot in lots],
        }
    data = _base(ocid, "tender", published, ["tender"], [party(owner, ["buyer", "procuringEntity"])])
    data.update(buyer=reference(owner), tender=tender)
    releases.append(Release(data, published))
    releases.append(_agreement_award(agreement, lots, ocid))
    if agreement.terminated_at is not None and agreement.terminated_at <= now:
        data = _base(ocid, "termination", agreement.terminated_at, ["contractTermination"], [])
        data["contracts"] = [{"id": _lot_id(lot), "awardID": _lot_id(lot), "status": "terminated",
                              "period": {"endDate": when(agreement.terminated_at)}} for lot in lots]
        releases.append(Release(data, agreement.terminated_at))
    return releases


def _framework(agreement: FrameworkAgreement, lots) -> dict:
    methods = {FRAMEWORK_METHOD[lot.call_off_method] for lot in lots if lot.call_off_method in FRAMEWORK_METHOD}
    framework = {"value": money(agreement.max_value),
                 "period": {"startDate": when(agreement.start_date), "endDate": when(agreement.end_date)}}
    if len(methods) == 1:
        framework["method"] = methods.pop()
    elif methods:
        framework["method"] = "withAndWithoutReopeningCompetition"
    categories = ", ".join(str(label) for label in agreement.entitled_category_labels())
    if categories:
        framework["buyerCategories"] = categories
    return framework


def _lot_id(lot) -> str:
    return f"LOT-{lot.number}"


def _agreement_award(agreement: FrameworkAgreement, lots, ocid: str) -> Release:
    """The agreement, once published, is awarded and in force: an award per lot to its admitted suppliers, and
    the agreement as the contract of each lot (an OCDS contract answers one award)."""
    published, owner = agreement.published_at, agreement.owner
    suppliers: dict[int, Organisation] = {}
    awards, contracts = [], []
    for lot in lots:
        admitted = [row.supplier for row in lot.lot_suppliers.all()]
        suppliers.update({supplier.pk: supplier for supplier in admitted})
        awards.append({"id": _lot_id(lot), "title": f"{agreement.reference} {lot.number}. {lot.title}",
                       "status": "active", "date": when(published), "relatedLots": [_lot_id(lot)],
                       "suppliers": [reference(supplier) for supplier in admitted]})
        contracts.append({"id": _lot_id(lot), "awardID": _lot_id(lot), "status": "active",
                          "title": f"{agreement.reference} {lot.number}. {lot.title}",
                          "period": {"startDate": when(agreement.start_date), "endDate": when(agreement.end_date)},
                          "dateSigned": when(published)})
    parties = [party(owner, ["buyer", "procuringEntity"])]
    parties += [party(supplier, ["supplier"]) for supplier in suppliers.values()]
    data = _base(ocid, "award", published, ["award", "contract"], parties)
    data.update(buyer=reference(owner), awards=awards, contracts=contracts,
                tender={"id": agreement.reference, "status": "complete"})
    return Release(data, published)


# --- call-offs ------------------------------------------------------------------------------------------


def calloff_public_from(calloff: CallOff) -> datetime | None:
    """When a call-off's tender becomes public, or None while it must not be (DESIGN.md §5)."""
    if calloff.published_at is None:
        return None
    if calloff.status == CallOffStatus.CANCELLED:
        cancelled = calloff.cancelled_at
        return cancelled if cancelled is not None and cancelled >= calloff.published_at else None
    if calloff.method == CallOffKind.RANKING:
        contract = getattr(calloff, "contract", None)
        return contract.signed_at if calloff.status == CallOffStatus.CONTRACTED and contract else None
    decision = getattr(calloff, "decision", None)
    return decision.sent_at if calloff.status in _DECIDED and decision is not None else None


def calloff_releases(calloff: CallOff, now: datetime) -> list[Release]:
    public_from = calloff_public_from(calloff)
    if public_from is None or public_from > now:
        return []
    ocid, agency = calloff_ocid(calloff), calloff.agency
    releases = [_calloff_tender(calloff, ocid, public_from)]
    releases += _amendments(calloff, ocid, public_from)
    if calloff.status == CallOffStatus.CANCELLED:
        data = _base(ocid, "cancellation", calloff.cancelled_at, ["tenderCancellation"],
                     [party(agency, ["buyer", "procuringEntity"])])
        data["tender"] = {"id": calloff.reference, "status": "cancelled"}
        releases.append(Release(data, public_from))
        return releases
    contract = getattr(calloff, "contract", None)
    if calloff.status != CallOffStatus.CONTRACTED or contract is None or contract.signed_at > now:
        return releases
    releases += _calloff_award_and_contract(calloff, contract, ocid)
    releases += _implementation(calloff, contract, ocid, now)
    releases += _register(contract, ocid, now)
    return releases


def _calloff_tender(calloff: CallOff, ocid: str, public_from: datetime) -> Release:
    agreement = calloff.lot.agreement
    with translation.override(LANGUAGE):
        tender = {
            "id": calloff.reference, "title": calloff.title, "status": "active",
            "procuringEntity": reference(calloff.agency),
            "procurementMethod": "selective",
            "procurementMethodDetails": str(CallOffKind(calloff.method).label),
            "competitive": calloff.method != CallOffKind.RANKING,
            "techniques": {"hasFrameworkAgreement": True},
            "items": _items(calloff.lot.cpv_codes.all() or agreement.cpv_codes.all()),
        }
        if calloff.need:
            tender["description"] = calloff.need
        if calloff.evaluation_model in AWARD_CRITERIA:
            tender["awardCriteria"] = AWARD_CRITERIA[calloff.evaluation_model]
            tender["awardCriteriaDetails"] = str(EvaluationModel(calloff.evaluation_model).label)
    if calloff.method != CallOffKind.RANKING and calloff.tender_deadline:
        tender["tenderPeriod"] = {"startDate": when(calloff.published_at),
                                  "endDate": when(_original_deadline(calloff))}
        if calloff.questions_close:
            tender["enquiryPeriod"] = {"startDate": when(calloff.published_at),
                                       "endDate": when(calloff.questions_close)}
    if calloff.contract_start and calloff.contract_end:
        tender["contractPeriod"] = {"startDate": when(calloff.contract_start), "endDate": when(calloff.contract_end)}
    data = _base(ocid, "tender", calloff.published_at, ["tender"], [party(calloff.agency, ["buyer", "procuringEntity"])])
    data.update(buyer=reference(calloff.agency), tender=tender, relatedProcesses=[{
        "id": "framework", "relationship": ["framework"], "scheme": "ocid",
        "identifier": agreement_ocid(agreement), "title": agreement.title,
    }])
    return Release(data, public_from)


def _extension_events():
    return AuditEvent.objects.filter(verb="calloff.deadline_extended", object_type="calloffs.calloff",
                                     sealed_scope="").order_by("id")


def _extensions(calloff: CallOff) -> list[AuditEvent]:
    """The call-off's public deadline extensions, from the audit trail: `all_releases` reads them for every
    call-off at once (`ocds_deadline_extensions`); otherwise one query."""
    prefetched = getattr(calloff, "ocds_deadline_extensions", None)
    if prefetched is not None:
        return prefetched
    return list(_extension_events().filter(object_id=str(calloff.pk)))


def _original_deadline(calloff: CallOff) -> datetime:
    """The tender deadline as first published: the audit trail keeps each extension's old and new deadline."""
    extensions = _extensions(calloff)
    if extensions and extensions[0].payload.get("from"):
        return datetime.fromisoformat(extensions[0].payload["from"])
    return calloff.tender_deadline


def _amendments(calloff: CallOff, ocid: str, public_from: datetime) -> list[Release]:
    """One tenderAmendment release per published clarification and per extension of the tender period."""
    events = [(c.published_at, f"clarification-{c.pk}", c.title, None) for c in calloff.clarifications.all()]
    for event in _extensions(calloff):
        deadline = event.payload.get("to")
        events.append((event.created_at, f"deadline-{event.pk}", event.payload.get("reason", ""), deadline))
    releases, amendments = [], []
    for moment, key, description, deadline in sorted(events):
        amendments.append({"id": key, "date": when(moment), "description": description or key})
        tender = {"id": calloff.reference, "amendments": list(amendments)}
        if deadline:
            tender["tenderPeriod"] = {"endDate": when(datetime.fromisoformat(deadline))}
        data = _base(ocid, f"amendment-{key}", moment, ["tenderAmendment"], [])
        data["tender"] = tender
        releases.append(Release(data, public_from))
    return releases


def _calloff_award_and_contract(calloff: CallOff, contract, ocid: str) -> list[Release]:
    supplier, agency = contract.supplier, calloff.agency
    decided = _award_moment(calloff, contract)
    tender = {"id": calloff.reference, "status": "complete"}
    opening = getattr(calloff, "opening", None)
    if calloff.method != CallOffKind.RANKING and opening is not None and opening.opened_at:
        tender["numberOfTenderers"] = len(opening.tenders)
    award = {"id": "1", "title": calloff.title, "status": "active", "date": when(decided),
             "value": money(contract.value), "suppliers": [reference(supplier)]}
    data = _base(ocid, "award", decided, ["award"],
                 [party(agency, ["buyer", "procuringEntity"]), party(supplier, ["supplier", "tenderer"])])
    data.update(tender=tender, awards=[award])
    signed = contract.signed_at
    contract_data = {"id": "1", "awardID": "1", "title": calloff.title, "status": "active",
                     "value": money(contract.value), "dateSigned": when(signed),
                     "period": {"startDate": when(contract.starts_on), "endDate": when(contract.ends_on)}}
    signed_release = _base(ocid, "contract", signed, ["contract"], [])
    signed_release["contracts"] = [contract_data]
    return [Release(data, signed), Release(signed_release, signed)]


def _award_moment(calloff: CallOff, contract) -> datetime:
    decision = getattr(calloff, "decision", None)
    if decision is not None:
        return decision.sent_at
    accepted = calloff.offers.filter(status=OfferStatus.ACCEPTED, answered_at__isnull=False).first()
    return accepted.answered_at if accepted else contract.signed_at


def _implementation(calloff: CallOff, contract, ocid: str, now: datetime) -> list[Release]:
    """Transactions from the supplier's current sales reports for this buyer and lot (one per quarter, its
    total), and milestones for the follow-up rounds of the contract's plan (their schedule only: answers,
    assessments and deviations are not public, DESIGN.md §5)."""
    releases = []
    rows = getattr(calloff, "ocds_sales_rows", None)
    if rows is None:
        rows = _sales_rows(now).filter(report__supplier=contract.supplier, report__agreement=calloff.lot.agreement,
                                       buyer=contract.agency, lot=calloff.lot)
    quarters: dict[tuple[int, int], list] = {}
    for row in rows:
        quarters.setdefault((row.report.year, row.report.quarter), []).append(row)
    for (year, quarter), quarter_rows in quarters.items():
        report = quarter_rows[0].report
        total = sum((row.amount for row in quarter_rows), start=Decimal(0))
        transaction = {"id": f"{year}Q{quarter}", "date": when(report.submitted_at),
                       "value": money(total), "payer": reference(contract.agency), "payee": reference(contract.supplier)}
        data = _base(ocid, f"sales-{report.pk}", report.submitted_at, ["implementation"],
                     # the parties with every role they have in the process: a later release's roles replace the earlier ones
                     [party(contract.agency, ["buyer", "procuringEntity", "payer"]),
                      party(contract.supplier, ["supplier", "tenderer", "payee"])])
        data["contracts"] = [{"id": "1", "awardID": "1", "implementation": {"transactions": [transaction]}}]
        releases.append(Release(data, max(report.submitted_at, contract.signed_at)))
    rounds = getattr(calloff, "ocds_followup_rounds", None)
    if rounds is None:
        rounds = _followup_rounds(now).filter(plan__contract=contract)
    for followup in rounds:
        milestone = {"id": f"followup-{followup.pk}", "title": f"{followup.item.identifier}",
                     "type": "reporting", "dueDate": when(followup.deadline)}
        data = _base(ocid, f"followup-{followup.pk}", followup.requested_at, ["implementation"], [])
        data["contracts"] = [{"id": "1", "awardID": "1", "implementation": {"milestones": [milestone]}}]
        releases.append(Release(data, max(followup.requested_at, contract.signed_at)))
    return releases


def _sales_rows(now: datetime):
    return (SalesReportRow.objects.filter(report__is_current=True, report__is_zero=False, report__submitted_at__lte=now)
            .select_related("report").order_by("report__year", "report__quarter", "pk"))


def _followup_rounds(now: datetime):
    return (FollowUpRound.objects.filter(plan__contract__isnull=False, requested_at__lte=now)
            .select_related("item", "plan").order_by("requested_at", "pk"))


def _register(contract, ocid: str, now: datetime) -> list[Release]:
    """The contract register: a `contractAmendment` release per option used and per change, in the order they
    were made, with the contract's value (and end) after it; a `contractTermination` when the agency completed
    the contract. Published: the ground in LOU 17 kap. (an option is one the contract itself provides for, 10 §),
    the option's own description (a term of the contract) and the amounts and dates. Held back: the agency's
    reasons for using an option, its text of what changes and why, the warnings it was shown, its note at
    completion (they may hold what OSL keeps secret, or a person's name), and the final amount paid, which OCDS
    1.1.5 has no field for."""
    record = getattr(contract, "register_record", None)
    if record is None:
        return []
    events = [(option.used_at, "option", option) for option in record.options.all()
              if option.used_at is not None and option.used_at <= now]
    events += [(change.created_at, "change", change) for change in record.changes.all() if change.created_at <= now]
    releases, previous = [], f"{ocid}-contract"
    value, end = contract.value, contract.ends_on
    with translation.override(LANGUAGE):
        ordered = sorted(events, key=lambda event: (event[0], event[1], event[2].pk))
        for number, (moment, kind, entry) in enumerate(ordered, start=1):
            # The release id sorts in the order the amendments were made, also within one second (records
            # order their releases by date, then id); entries are never changed, so the numbers stay.
            key = f"{kind}-{entry.pk}"
            if kind == "option":
                value, end = value + (entry.used_value or 0), entry.end_after or end
                rationale = _("Option in the contract (LOU 17 kap. 10 §)")
                description = _option_description(entry, value, end)
            else:
                value = entry.value_after
                rationale = str(ChangeReason(entry.reason).label)
                description = _change_description(entry)
            data = _base(ocid, f"contract-amendment-{number:03d}", moment, ["contractAmendment"], [])
            amendment = {"id": key, "date": when(moment), "rationale": rationale, "description": description,
                         "amendsReleaseID": previous, "releaseID": data["id"]}
            contract_data = {"id": "1", "awardID": "1", "value": money(value), "amendments": [amendment]}
            if kind == "option" and entry.used_months:
                contract_data["period"] = {"endDate": when(end)}
            data["contracts"] = [contract_data]
            releases.append(Release(data, max(moment, contract.signed_at)))
            previous = data["id"]
    if record.completed_at is not None and record.completed_at <= now:
        data = _base(ocid, "completion", record.completed_at, ["contractTermination"], [])
        data["contracts"] = [{"id": "1", "awardID": "1", "status": "terminated"}]
        releases.append(Release(data, max(record.completed_at, contract.signed_at)))
    return releases


def _option_description(option, value: Decimal, end) -> str:
    facts = [option.description.rstrip(".") + "."]
    if option.used_months:
        facts.append(ngettext("The contract is extended by %(months)s month and now ends on %(end)s.",
                              "The contract is extended by %(months)s months and now ends on %(end)s.",
                              option.used_months) % {"months": option.used_months, "end": end.isoformat()})
    if option.used_value:
        facts.append(_("The value rises by %(added)s to %(value)s, excluding VAT.")
                     % {"added": sek(option.used_value), "value": sek(value)})
    return " ".join(facts)


def _change_description(change) -> str:
    if change.value_after == change.value_before:
        return _("The value stays at %(value)s, excluding VAT.") % {"value": sek(change.value_after)}
    return _("The value goes from %(before)s to %(after)s, excluding VAT.") % {
        "before": sek(change.value_before), "after": sek(change.value_after)}


# --- everything -------------------------------------------------------------------------------------------


def all_releases(now: datetime) -> list[Release]:
    """Every public release, ordered as the incremental feed reads them: by the moment each became public."""
    releases: list[Release] = []
    agreements = (FrameworkAgreement.objects.filter(published_at__lte=now).select_related("owner")
                  .prefetch_related("cpv_codes", "lots__lot_suppliers__supplier"))
    for agreement in agreements:
        releases += agreement_releases(agreement, now)
    calloffs = (CallOff.objects.filter(published_at__lte=now)
                .select_related("agency", "lot__agreement", "contract__supplier", "contract__agency", "decision",
                                "opening", "contract__register_record")
                .prefetch_related("lot__cpv_codes", "lot__agreement__cpv_codes", "clarifications",
                                  "contract__register_record__options", "contract__register_record__changes"))
    # What each call-off's releases read from other tables, for every call-off at once (`_extensions`,
    # `_implementation`): one query each instead of one per call-off.
    extensions: dict[str, list[AuditEvent]] = {}
    for event in _extension_events():
        extensions.setdefault(event.object_id, []).append(event)
    sales: dict[tuple, list[SalesReportRow]] = {}
    for row in _sales_rows(now):
        sales.setdefault((row.report.supplier_id, row.report.agreement_id, row.buyer_id, row.lot_id), []).append(row)
    rounds: dict[int, list[FollowUpRound]] = {}
    for followup in _followup_rounds(now):
        rounds.setdefault(followup.plan.contract_id, []).append(followup)
    for calloff in calloffs:
        calloff.ocds_deadline_extensions = extensions.get(str(calloff.pk), [])
        contract = getattr(calloff, "contract", None)
        if contract is not None:
            calloff.ocds_sales_rows = sales.get((contract.supplier_id, calloff.lot.agreement_id, contract.agency_id,
                                            calloff.lot_id), [])
            calloff.ocds_followup_rounds = rounds.get(contract.pk, [])
        releases += calloff_releases(calloff, now)
    return sorted(releases, key=lambda release: (release.public_from, release.id))
