"""The pre-study app's JSON API: public needs for anyone (never a budget but to the agency and the purchasing
body), an agency's own needs written with a token, pre-studies for the purchasing body."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from innokop.core import clock
from innokop.core.pagination import DEFAULT_LIMIT, PAGE_PARAMETERS, Cursor, Limit, cursor_page
from innokop.core.refusals import Problem
from innokop.core.schemas import BODY, BY_ID, PUBLIC, SIGNED_IN, Id, refuse_undescribed_parameters, responses
from innokop.reference.models import CpvCode, NutsRegion

from . import aggregation, matching, services
from .models import MarketDialogue, Need, PreStudy, RfiResponse
from .permissions import (
    agency_memberships,
    get_dialogue_for_actor,
    get_need_for_actor,
    get_need_matches_for_actor,
    get_prestudy_for_actor,
    get_response_for_actor,
    may_see_budget,
    may_see_prestudy_of,
    represented_suppliers,
)
from .schemas import (
    MarketDialogueOut,
    MatchesOut,
    NeedIn,
    NeedOut,
    NeedWrittenOut,
    PreStudyOut,
    RfiAnswerIn,
    RfiResponseOut,
    TotalsOut,
)
from .services import market
from .services.market import dialogue_documents
from .wording import naming_warnings

router = Router(tags=["pre-studies and needs"])


def _rows(rows) -> list[dict]:
    return [{"key": row.key, "label": str(row.label), "unit": row.unit, "volume": row.volume,
             "agencies": row.agency_count} for row in rows]


def _totals(totals: aggregation.Totals) -> dict:
    return {"needs": totals.needs, "agencies": totals.agencies, "by_region": _rows(totals.by_region),
            "by_cpv_division": _rows(totals.by_division), "by_year": _rows(totals.by_year), "budget": totals.budget}


def _need_out(actor, need: Need) -> dict:
    return {
        **{name: getattr(need, name) for name in (
            "id", "reference", "agency_id", "title", "problem", "current_situation", "desired_effects",
            "effect_measures", "affected", "volume", "volume_unit", "needed_year", "needed_quarter", "needed_by",
            "urgency", "is_public", "created_at", "updated_at")},
        "agency_name": need.agency.name, "budget": need.budget if may_see_budget(actor, need) else None,
        "prestudy_id": need.prestudy_id if need.prestudy_id and may_see_prestudy_of(actor, need) else None,
        "cpv_codes": [code.full_code for code in need.cpv_codes.all()], "region": need.region_id,
        "interests": [{"id": i.pk, "agency_id": i.agency_id, "agency_name": i.agency.name, "volume": i.volume,
                       "needed_year": i.needed_year, "needed_quarter": i.needed_quarter, "region": i.region_id}
                      for i in need.interests.all() if i.withdrawn_at is None],
    }


def _needs():
    return Need.objects.select_related("agency", "region").prefetch_related("cpv_codes", "interests__agency")


@router.get("/needs", response=responses(list[NeedOut], PUBLIC, 422), auth=None, url_name="need_list",
            summary="The needs you may read, newest first: public ones, and internal ones for their agency and the "
                    "purchasing body")
def need_list(request, response: HttpResponse, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    refuse_undescribed_parameters(request, PAGE_PARAMETERS)
    needs = _needs().filter(pk__in=Need.objects.visible_to(request.actor).values("pk"))
    return [_need_out(request.actor, need) for need in cursor_page(
        request, response, needs, order=("-created_at", "-pk"), cursor=cursor, limit=limit)]


@router.get("/needs/totals", response=responses(TotalsOut, PUBLIC, 422), auth=None, url_name="need_totals",
            summary="Public demand in total by region, CPV division and year: public needs only, volumes only")
def need_totals(request):
    refuse_undescribed_parameters(request, ())
    return _totals(aggregation.totals(aggregation.prefetched(Need.objects.public()), public=True))


@router.get("/needs/{need_id}", response=responses(NeedOut, PUBLIC, BY_ID), auth=None, url_name="need_detail",
            summary="A need: anyone reads a public one; the budget only its agency and the purchasing body")
def need_detail(request, need_id: Id):
    need = get_need_for_actor(request.actor, need_id)
    return _need_out(request.actor, _needs().get(pk=need.pk))


def _need_input(body: NeedIn) -> services.NeedInput:
    codes = [code.split("-")[0].strip() for code in body.cpv_codes]
    found = {code.code: code for code in CpvCode.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise services.NeedError(_("These are not CPV 2008 codes: %(codes)s.") % {"codes": ", ".join(unknown)},
                                 code="unknown_cpv", problems=[Problem("cpv_codes", _("Unknown CPV code."))])
    region = None
    if body.region:
        region = NutsRegion.objects.filter(code=body.region).first()
        if region is None:
            raise services.NeedError(_("%(code)s is not a Swedish NUTS-3 region.") % {"code": body.region},
                                     code="unknown_region", problems=[Problem("region", _("Unknown region."))])
    return services.NeedInput(
        title=body.title, problem=body.problem, current_situation=body.current_situation,
        desired_effects=body.desired_effects, effect_measures=body.effect_measures, affected=body.affected,
        volume=body.volume, volume_unit=body.volume_unit, budget=body.budget, needed_year=body.needed_year,
        needed_quarter=body.needed_quarter, needed_by=body.needed_by, cpv_codes=[found[c] for c in dict.fromkeys(codes)],
        region=region, urgency=body.urgency, is_public=body.is_public)


def _written(request, need: Need, body: NeedIn) -> dict:
    warnings = naming_warnings(body.title, body.problem, body.current_situation, body.desired_effects,
                               body.effect_measures, body.affected)
    return _need_out(request.actor, _needs().get(pk=need.pk)) | {
        "warnings": [{"found": w.found, "kind": str(w.kind), "name": w.name} for w in warnings]}


@router.post("/needs", response=responses(NeedWrittenOut, SIGNED_IN, BODY, status=201), url_name="need_create",
             summary="Register a need of your agency (a problem, not a product: names of suppliers and solutions "
                     "come back as warnings)")
def need_create(request, body: NeedIn):
    agencies = agency_memberships(request.actor)
    agency = next((a for a in agencies if body.agency_id in (None, a.pk)), None)
    if agency is None:
        raise PermissionDenied(_("Only an agency's own people register its needs."))
    need = services.need_create(actor=request.user, agency=agency, given=_need_input(body))
    return Status(201, _written(request, need, body))


@router.put("/needs/{need_id}", response=responses(NeedWrittenOut, SIGNED_IN, BY_ID, BODY, 409),
            url_name="need_update", summary="Change a need of your agency")
def need_update(request, need_id: Id, body: NeedIn):
    need = get_need_for_actor(request.actor, need_id, write=True)
    if body.agency_id not in (None, need.agency_id):
        raise services.NeedError(_("A need stays with the agency that registered it."), code="agency_fixed")
    need = services.need_update(actor=request.user, need=need, given=_need_input(body))
    return _written(request, need, body)


def _prestudy_out(prestudy: PreStudy) -> dict:
    needs = list(aggregation.prefetched(prestudy.needs.all()))
    return {
        **{name: getattr(prestudy, name) for name in (
            "id", "reference", "title", "area", "starts_on", "needs_until", "concludes_on", "status",
            "decision_reasons", "decided_at", "agreement_id")},
        "questions": prestudy.question_list, "cpv_codes": [code.full_code for code in prestudy.cpv_codes.all()],
        "team": [str(user) for user in prestudy.team.all()], "need_ids": [need.pk for need in needs],
        "totals": _totals(aggregation.totals(needs, public=False, with_budget=True)),
    }


@router.get("/prestudies", response=responses(list[PreStudyOut], SIGNED_IN, 422), url_name="prestudy_list",
            summary="The pre-studies of your purchasing body, newest first")
def prestudy_list(request, response: HttpResponse, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    prestudies = PreStudy.objects.visible_to(request.actor).prefetch_related("cpv_codes", "team")
    return [_prestudy_out(p) for p in cursor_page(request, response, prestudies, order=("-created_at", "-pk"),
                                                  cursor=cursor, limit=limit)]


@router.get("/prestudies/{prestudy_id}", response=responses(PreStudyOut, SIGNED_IN, BY_ID),
            url_name="prestudy_detail", summary="A pre-study of your purchasing body, with its needs' totals")
def prestudy_detail(request, prestudy_id: Id):
    return _prestudy_out(get_prestudy_for_actor(request.actor, prestudy_id))


# --- requests for information ----------------------------------------------------------------------------------


def _dialogue_out(dialogue: MarketDialogue) -> dict:
    documents = []
    for document in dialogue_documents(dialogue):
        version = document.current
        documents.append({"title": document.title, "sha256": version.sha256,
                          "url": reverse("core:document_download", args=[document.pk, version.number])})
    return {"id": dialogue.pk, "reference": dialogue.reference, "title": dialogue.title,
            "description": dialogue.description, "questions": dialogue.question_list, "deadline": dialogue.deadline,
            "is_open": dialogue.is_open(clock.now()), "published_at": dialogue.published_at,
            "purchasing_body": dialogue.prestudy.owner.name, "summary": dialogue.summary, "documents": documents}


@router.get("/market-dialogues", response=responses(list[MarketDialogueOut], PUBLIC, 422), auth=None,
            url_name="rfi_list", summary="Published requests for information, newest first: anyone reads them")
def rfi_list(request, response: HttpResponse, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    refuse_undescribed_parameters(request, PAGE_PARAMETERS)
    dialogues = cursor_page(request, response, MarketDialogue.objects.published().select_related("prestudy__owner"),
                            order=("-published_at", "-pk"), cursor=cursor, limit=limit)
    return [_dialogue_out(dialogue) for dialogue in dialogues]


@router.get("/market-dialogues/{dialogue_id}", response=responses(MarketDialogueOut, PUBLIC, BY_ID), auth=None,
            url_name="rfi_detail", summary="A published request for information (a draft: its purchasing body only)")
def rfi_detail(request, dialogue_id: Id):
    return _dialogue_out(get_dialogue_for_actor(request.actor, dialogue_id))


def _response_out(response: RfiResponse) -> dict:
    return {"id": response.pk, "dialogue_id": response.dialogue_id, "supplier_id": response.supplier_id,
            "supplier_name": response.supplier.name, "answers": response.answers,
            "secrecy_requested": response.secrecy_requested, "secrecy_parts": response.secrecy_parts,
            "secrecy_reasons": response.secrecy_reasons, "created_at": response.created_at,
            "updated_at": response.updated_at}


@router.put("/market-dialogues/{dialogue_id}/answer", response=responses(RfiResponseOut, SIGNED_IN, BY_ID, BODY, 409),
            url_name="rfi_answer", summary="Answer a request for information as a supplier (or change your answer "
                                           "until the deadline); the purchasing body and your company read it")
def rfi_answer(request, dialogue_id: Id, body: RfiAnswerIn):
    dialogue = get_dialogue_for_actor(request.actor, dialogue_id)
    suppliers = represented_suppliers(request.actor)
    supplier = next((s for s in suppliers if body.supplier_id in (None, s.pk)), None)
    if supplier is None:
        raise PermissionDenied(_("Only a supplier's representatives answer for it."))
    response = market.rfi_answer(actor=request.user, dialogue=dialogue, supplier=supplier, answers=body.answers,
                                 secrecy_parts=body.secrecy_parts, secrecy_reasons=body.secrecy_reasons)
    return _response_out(response)


@router.get("/rfi-responses/{response_id}", response=responses(RfiResponseOut, SIGNED_IN, BY_ID),
            url_name="rfi_response", summary="An answer to a request for information: the purchasing body and the "
                                             "answering supplier only")
def rfi_response(request, response_id: Id):
    return _response_out(get_response_for_actor(request.actor, response_id))


# --- analysis: the matches of a need ---------------------------------------------------------------------------


@router.get("/needs/{need_id}/matches", response=responses(MatchesOut, SIGNED_IN, BY_ID), url_name="need_matches",
            summary="The published solutions and suppliers that may meet a need, and similar needs of other "
                    "agencies, ranked with their reasons: the need's agency and the purchasing body (403 for others "
                    "who see the need, 404 when it is not visible)")
def need_matches(request, need_id: Id):
    need = get_need_matches_for_actor(request.actor, need_id)
    found = matching.matches_for(request.actor, need)
    return {
        "need_id": need.pk,
        "solutions": [{"solution_id": item.solution.pk, "title": item.solution.title,
                       "supplier_id": item.solution.supplier_id, "supplier_name": item.solution.supplier.name,
                       "trl": item.solution.trl, "score": item.score, "reasons": item.reasons}
                      for item in found.solutions],
        "suppliers": [{"supplier_id": item.supplier.pk, "name": item.supplier.name, "is_sme": item.supplier.is_sme,
                       "score": item.score, "solution_ids": [solution.pk for solution in item.solutions],
                       "reasons": item.reasons} for item in found.suppliers],
        "similar_needs": [{"need_id": item.need.pk, "reference": item.need.reference, "title": item.need.title,
                           "agency_name": item.need.agency.name, "is_public": item.need.is_public,
                           "score": item.score, "reasons": item.reasons} for item in found.needs],
    }
