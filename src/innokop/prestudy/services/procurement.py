"""The conclusion of a pre-study: the checklist of preconditions, the report (DOCX and the requirements as XLSX,
stored as versioned documents of the pre-study) and "start the procurement" (a draft framework agreement
prefilled from the pre-study, then the go decision with the link). Each service checks, audits and tells."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from innokop.accounts.models import Sector
from innokop.accounts.permissions import actor_for
from innokop.agreements import services as agreement_services
from innokop.agreements.models import CallOffMethod, EvaluationModel
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.documents import document_add_version, document_create
from innokop.core.models import Document
from innokop.core.refusals import Problem
from innokop.reference.models import CpvCode

from .. import analysis, report
from ..models import Assessment, Need, NeedCallOff, PreStudy, PreStudyStatus, ProcurementRoute, Recommendation
from ..permissions import agency_memberships
from . import PreStudyError, _require_manager, prestudy_decide

# The purchasing body's standard list of entitled buyers: every central government agency (the agreement's
# entitlement by sector); the agencies that registered or joined needs are added by name.
STANDARD_ENTITLED = [Sector.CENTRAL_GOVERNMENT.value]
ASSESSED_STATUSES = {PreStudyStatus.ANALYSING, PreStudyStatus.CONCLUDED}


@dataclass
class AssessmentInput:
    route: str
    route_reasons: str
    competition: str
    risks: str
    recommendation: str
    recommendation_text: str
    contract_years: int = analysis.DEFAULT_YEARS
    value_note: str = ""


def _clean(given: AssessmentInput) -> None:
    problems = [Problem(name, _("Fill this in.")) for name in ("route_reasons", "competition", "risks",
                                                               "recommendation_text")
                if not getattr(given, name).strip()]
    if given.route not in ProcurementRoute.values:
        problems.append(Problem("route", _("Choose a procurement route.")))
    if given.recommendation not in Recommendation.values:
        problems.append(Problem("recommendation", _("Choose a recommendation.")))
    if not 1 <= (given.contract_years or 0) <= 10:
        problems.append(Problem("contract_years", _("Give the years as a whole number from 1 to 10.")))
    if problems:
        raise PreStudyError(problems[0].message, code="invalid_assessment", problems=problems)


def assessment_save(*, actor, prestudy: PreStudy, given: AssessmentInput) -> Assessment:
    """Saves the purchasing body's checklist with the facts computed now (suppliers, SMEs, the estimated value
    against the thresholds in force). Only while the pre-study is analysed or concluded, before the decision."""
    _require_manager(actor, prestudy)
    if prestudy.status not in ASSESSED_STATUSES:
        raise PreStudyError(_("The checklist is filled in while the pre-study is analysed or concluded, before the "
                              "decision."), code="not_analysing", status=409)
    _clean(given)
    found = analysis.facts(prestudy, years=given.contract_years)
    with transaction.atomic():
        assessment, created = Assessment.objects.select_for_update(no_key=True).get_or_create(
            prestudy=prestudy, defaults={"assessed_by": actor, "assessed_at": clock.now(), "route": given.route,
                                         "route_reasons": "", "competition": "", "risks": "",
                                         "recommendation": given.recommendation, "recommendation_text": ""})
        for name in ("route", "route_reasons", "competition", "risks", "recommendation", "recommendation_text",
                     "value_note"):
            value = getattr(given, name)
            setattr(assessment, name, value.strip())
        assessment.contract_years, assessment.facts = given.contract_years, found.as_json()
        assessment.assessed_by, assessment.assessed_at = actor, clock.now()
        assessment.save()
        audit_log(actor=actor, verb="prestudy.assessed", obj=prestudy, organisation=prestudy.owner,
                  payload={"created": created, "route": assessment.route,
                           "recommendation": assessment.recommendation, "facts": assessment.facts})
    return assessment


# --- the report ------------------------------------------------------------------------------------------------


def report_key(prestudy: PreStudy, part: str = "") -> str:
    """The documents' `attached_to`: one key per part ("report", "requirements"), whatever the language of the
    title, so a new run adds a version to the same document."""
    return f"prestudy.prestudy:{prestudy.pk}:{part}"


def report_documents(prestudy: PreStudy):
    """The report and the requirements, as versioned documents of the pre-study (its purchasing body's)."""
    return (Document.objects.filter(attached_to__startswith=report_key(prestudy), owner_id=prestudy.owner_id)
            .prefetch_related("versions").order_by("created_at"))


def _store(actor, prestudy: PreStudy, part: str, title: str, name: str, data: bytes, comment: str) -> Document:
    uploaded = SimpleUploadedFile(name, data)
    key = report_key(prestudy, part)
    existing = Document.objects.filter(attached_to=key, owner_id=prestudy.owner_id).first()
    if existing is None:
        return document_create(actor=actor, owner=prestudy.owner, title=title, uploaded=uploaded, attached_to=key,
                               comment=comment)
    document_add_version(actor=actor, document=existing, uploaded=uploaded, comment=comment)
    return existing


def report_generate(*, actor, prestudy: PreStudy) -> list[Document]:
    """Writes the pre-study report (DOCX) and the drafted requirements (XLSX) from the pre-study as it stands; a
    second run adds a new version of each. The checklist must be saved first: the report ends with it."""
    _require_manager(actor, prestudy)
    assessment = Assessment.objects.filter(prestudy=prestudy).first()
    if assessment is None:
        raise PreStudyError(_("Save the checklist of preconditions first: the report ends with it."),
                            code="assessment_missing", status=409)
    docx = report.report_docx(prestudy, assessment)
    xlsx = report.requirements_xlsx(prestudy)
    stamp = clock.now().date().isoformat()
    with transaction.atomic():
        documents = [
            _store(actor, prestudy, "report", _("Pre-study report"), f"forstudierapport-{prestudy.reference}.docx", docx, stamp),
            _store(actor, prestudy, "requirements", _("Drafted requirements"), f"krav-{prestudy.reference}.xlsx", xlsx, stamp),
        ]
        audit_log(actor=actor, verb="prestudy.report_generated", obj=prestudy, organisation=prestudy.owner,
                  payload={"documents": [str(document.pk) for document in documents]})
    return documents


# --- start the procurement -------------------------------------------------------------------------------------


def proposed_lots(needs: list[Need]) -> list[dict]:
    """One lot per CPV division and region of the needs (the whole of Sweden where a need gives no region)."""
    groups: dict[tuple[str, str], dict] = {}
    for need in needs:
        region = str(need.region.label) if need.region else _("the whole of Sweden")
        for code in need.cpv_codes.all():
            group = groups.setdefault((code.division, need.region_id or ""), {
                "division": code.division, "region": region, "codes": set(), "needs": []})
            group["codes"].add(code.code)
            if need not in group["needs"]:
                group["needs"].append(need)
    labels = {code.code[:2]: code.label for code in CpvCode.objects.filter(
        level=1, code__in=[f"{division}000000" for division, _region in groups])}
    lots = []
    for number, key in enumerate(sorted(groups), start=1):
        group = groups[key]
        lots.append({"number": number, "title": f"{labels.get(group['division'], group['division'])}, "
                                                f"{group['region']}"[:200],
                     "codes": sorted(group["codes"]), "needs": group["needs"]})
    return lots


def procurement_start(*, actor, prestudy: PreStudy, reasons: str, start_date: date, end_date: date):
    """Creates a draft framework agreement prefilled from the pre-study (title, CPV, estimated and maximum value,
    lots, requirements, entitled buyers), then records the go decision with the link: the pre-study moves to
    "procurement started" and the agencies concerned are told (`prestudy_decide`)."""
    _require_manager(actor, prestudy)
    if prestudy.status != PreStudyStatus.CONCLUDED:
        raise PreStudyError(_("Only a concluded pre-study starts a procurement, and only once."),
                            code="not_concluded", status=409)
    if not reasons.strip():
        raise PreStudyError(_("Give the reasons for the decision."), code="reasons_needed",
                            problems=[Problem("reasons", _("Give the reasons for the decision."))])
    needs = analysis.prestudy_needs(prestudy)
    if not needs:
        raise PreStudyError(_("The pre-study has no needs to procure for."), code="no_needs", status=409)
    found = analysis.facts(prestudy, needs=needs, years=getattr(getattr(prestudy, "assessment", None),
                                                                 "contract_years", analysis.DEFAULT_YEARS))
    agencies = {need.agency for need in needs} | {interest.agency for need in needs
                                                  for interest in need.interests.all() if interest.withdrawn_at is None}
    codes = sorted({code for need in needs for code in need.cpv_codes.all()}, key=lambda code: code.code)
    try:
        with transaction.atomic():
            agreement = agreement_services.agreement_create(
                actor=actor, owner=prestudy.owner, cpv_codes=codes,
                entitled_organisations=sorted(agencies, key=lambda agency: agency.pk),
                reference=f"{prestudy.reference}-RA", title=prestudy.title[:200],
                summary=_("Framework agreement prepared in pre-study %(reference)s.") % {
                    "reference": prestudy.reference},
                description=prestudy.area, start_date=start_date, end_date=end_date,
                max_value=max(found.max_value, 1), entitled_categories=STANDARD_ENTITLED,
                call_off_guidance=_("Estimated value over %(years)s years: %(value)s SEK, from the aggregated "
                                    "volumes of the pre-study.") % {"years": found.years,
                                                                    "value": found.estimated_value})
            lots = {}
            for lot in proposed_lots(needs):
                lots[lot["number"]] = agreement_services.lot_save(
                    actor=actor, agreement=agreement, cpv_codes=[c for c in codes if c.code in lot["codes"]],
                    number=lot["number"], title=lot["title"],
                    call_off_method=CallOffMethod.RENEWED_COMPETITION_DIALOGUE,
                    evaluation_models=[EvaluationModel.PRICE_QUALITY.value], description="")
                lots[lot["number"]].proposed_needs = lot["needs"]
            for requirement in analysis.drafted_requirements(needs):
                need = requirement.pop("need")
                lot = next((saved for saved in lots.values() if need in saved.proposed_needs), None)
                agreement_services.requirement_add(actor=actor, agreement=agreement, lot=lot, **requirement)
            prestudy_decide(actor=actor, prestudy=prestudy, outcome=PreStudyStatus.PROCUREMENT_STARTED,
                            reasons=reasons, agreement=agreement)
            audit_log(actor=actor, verb="prestudy.procurement_prefilled", obj=prestudy, organisation=prestudy.owner,
                      payload={"agreement": agreement.pk, "lots": len(lots), "needs": [need.pk for need in needs],
                               "estimated_value": str(found.estimated_value),
                               "max_value": str(agreement.max_value)})
    except ValidationError as error:
        raise PreStudyError(" ".join(error.messages), code="agreement_invalid") from None
    prestudy.refresh_from_db()
    return agreement


# --- the need met ----------------------------------------------------------------------------------------------


def need_agencies(need: Need) -> set[int]:
    """The agencies whose need it is: the one that registered it and those that joined it (not withdrawn)."""
    return {need.agency_id} | set(need.interests.active().values_list("agency_id", flat=True))


def need_calloff_name(*, actor, need: Need, calloff) -> NeedCallOff:
    """An agency whose need it is names one of its call-offs from the agreement the need's pre-study led to as
    answering the need; once that call-off's contract is signed the need shows it was met."""
    who = actor_for(actor)
    own = {agency.pk for agency in agency_memberships(who)}
    if calloff.agency_id not in own or calloff.agency_id not in need_agencies(need):
        raise PreStudyError(_("Only an agency whose need it is names one of its own call-offs for it."),
                            code="not_need_agency", status=403)
    if need.prestudy is None or need.prestudy.agreement_id is None or \
            calloff.lot.agreement_id != need.prestudy.agreement_id:
        raise PreStudyError(_("Only a call-off from the agreement the need's pre-study led to answers the need."),
                            code="other_agreement", problems=[Problem("calloff", _("Choose a call-off from that "
                                                                                   "agreement."))])
    try:
        with transaction.atomic():
            link = NeedCallOff.objects.create(need=need, calloff=calloff, named_by=actor, named_at=clock.now())
            audit_log(actor=actor, verb="need.calloff_named", obj=need, organisation=calloff.agency,
                      payload={"calloff": calloff.reference, "agreement": calloff.lot.agreement_id})
    except IntegrityError:
        raise PreStudyError(_("The call-off is already named for this need."), code="already_named",
                            status=409) from None
    return link
