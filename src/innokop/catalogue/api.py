"""The catalogue's JSON API: public reading, and suppliers' writing of their own solutions (token or session)."""

from typing import Any

from django.core.paginator import Paginator
from django.urls import reverse
from ninja import Query, Router, Status

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.core.permissions import get_for_actor
from innokop.core.schemas import (
    BODY,
    BY_ID,
    PUBLIC,
    SIGNED_IN,
    Id,
    refuse_undescribed_parameters,
    responses,
)

from . import services
from .finder import Criteria, solution_search
from .models import ReviewStatus, Solution
from .permissions import get_represented_supplier, get_solution_for_actor
from .schemas import (
    SolutionDetailOut,
    SolutionIn,
    SolutionPageOut,
    SolutionSearchIn,
    SolutionUpdateIn,
    SupplierOut,
)

router = Router(tags=["catalogue"])


def _card(solution: Solution, snippet: str = "") -> dict:
    return {
        "id": solution.pk, "title": solution.title, "summary": solution.summary, "supplier": solution.supplier,
        "status": solution.status, "trl": solution.trl, "verified": solution.is_verified,
        "verified_at": solution.verified_at, "nationwide": solution.nationwide,
        "cpv_codes": [code.pk for code in solution.cpv_codes.all()],
        "regions": [region.pk for region in solution.regions.all()], "pricing_model": solution.pricing_model,
        "data_location": solution.data_location, "published_at": solution.published_at,
        "url": reverse("catalogue:solution_detail", args=[solution.pk]), "snippet": snippet,
    }


def _cards(queryset) -> Any:
    return queryset.select_related("supplier").prefetch_related("cpv_codes", "regions")


def _criteria(query: SolutionSearchIn) -> Criteria:
    """The typed parameters, never `request.GET`: what the API describes is what it searches for."""
    return Criteria(q=" ".join(query.q.split()), cpv=sorted(set(query.cpv)), trl=sorted(set(query.trl)),
                    region=sorted(set(query.region)), lot=sorted(set(query.lot)), verified=query.verified,
                    sme=query.sme)


@router.get("/solutions", response=responses(SolutionPageOut, PUBLIC, 422), auth=None, url_name="solution_search",
            summary="Search published solutions, with facet counts")
def solution_search_api(request, query: Query[SolutionSearchIn]):
    refuse_undescribed_parameters(request, SolutionSearchIn.model_fields)
    result = solution_search(_criteria(query), page=query.page, page_size=query.page_size)
    pages = Paginator(result.ordered_ids, query.page_size).get_page(query.page)
    ids = list(pages.object_list)
    found = {s.pk: s for s in _cards(Solution.objects.filter(pk__in=ids))}
    snippets = result.snippets(ids)
    return {
        "count": pages.paginator.count, "page": pages.number, "pages": pages.paginator.num_pages,
        "items": [_card(found[pk], snippets.get(pk, "")) for pk in ids if pk in found],
        "facets": result.facets, "facets_among": result.facets_among,
    }


def _detail(request, solution: Solution) -> dict:
    owner = solution.supplier_id in request.actor.organisation_ids
    evidence = solution.evidence.all() if owner else solution.evidence.filter(status=ReviewStatus.ACCEPTED)
    cases = solution.reference_cases.all() if owner else solution.reference_cases.filter(pending=False)
    return {
        **_card(solution), "problem": solution.problem, "how_it_works": solution.how_it_works,
        "effects": solution.effects, "pricing_details": solution.pricing_details,
        "accessibility": solution.accessibility, "lots": [lot.pk for lot in solution.lots.all()],
        "evidence": list(evidence), "reference_cases": list(cases),
        "pending_changes": solution.pending_changes if owner else None,
    }


@router.get("/solutions/{solution_id}", response=responses(SolutionDetailOut, PUBLIC, BY_ID),
            auth=None, url_name="solution_get",
            summary="One solution: published ones for everyone, drafts for their supplier")
def solution_get(request, solution_id: Id):
    return _detail(request, get_solution_for_actor(request.actor, solution_id))


@router.get("/suppliers/{supplier_id}", response=responses(SupplierOut, PUBLIC, BY_ID),
            auth=None, url_name="supplier_get",
            summary="A supplier and its published solutions")
def supplier_get(request, supplier_id: Id):
    supplier = get_for_actor(Organisation.objects.filter(kind=OrganisationKind.SUPPLIER), None, supplier_id)
    solutions = _cards(supplier.solutions.published())
    return {"id": supplier.pk, "name": supplier.name, "is_sme": supplier.is_sme, "country": supplier.country,
            "website": supplier.website, "description": supplier.description,
            "solutions": [_card(solution) for solution in solutions]}


@router.post("/solutions", response=responses(SolutionDetailOut, SIGNED_IN, BODY, status=201),
             url_name="solution_create",
             summary="Create a draft solution for your company")
def solution_create_api(request, payload: SolutionIn):
    data = payload.dict()
    supplier = get_represented_supplier(request.actor, data.pop("supplier_id"))
    solution = services.solution_create(actor=request.user, supplier=supplier, **data)
    return Status(201, _detail(request, solution))


@router.put("/solutions/{solution_id}", response=responses(SolutionDetailOut, SIGNED_IN, BY_ID, BODY),
            url_name="solution_update",
            summary="Change your solution: a draft at once, a published one after review")
def solution_update_api(request, solution_id: Id, payload: SolutionUpdateIn):
    solution = get_solution_for_actor(request.actor, solution_id, write=True)
    solution = services.solution_update(actor=request.user, solution=solution, **payload.dict(exclude_unset=True))
    return _detail(request, Solution.objects.get(pk=solution.pk))


@router.post("/solutions/{solution_id}/submit", response=responses(SolutionDetailOut, SIGNED_IN, BY_ID, 400),
             url_name="solution_submit",
             summary="Submit your draft for review by the purchasing body")
def solution_submit_api(request, solution_id: Id):
    solution = get_solution_for_actor(request.actor, solution_id, write=True)
    return _detail(request, services.solution_submit(actor=request.user, solution=solution))



