"""Searching the catalogue: facet filters in the ORM, words in the search engine, a fair order on ties.
Facets are disjunctive within a facet (CPV 34 *or* 48) and conjunctive across facets. Each facet's counts
are computed over the query's matches with every *other* facet applied, so a count says how many results
ticking that box would give.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.agreements.models import FrameworkAgreement, Lot
from innokop.reference.models import CpvCode, NutsRegion

from .indexing import AGREEMENT, SOLUTION, SUPPLIER, _engine
from .models import TRL_DEFINITIONS, Solution

FACET_NAMES = ("cpv", "trl", "region", "lot", "verified", "sme")


@dataclass
class Criteria:
    q: str = ""
    cpv: list[str] = field(default_factory=list)
    trl: list[int] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    lot: list[int] = field(default_factory=list)
    verified: bool = False
    sme: bool = False

    @classmethod
    def from_query(cls, data: QueryDict) -> "Criteria":
        return cls(
            q=" ".join(data.get("q", "").split())[:200],
            cpv=sorted({v for v in data.getlist("cpv") if re.fullmatch(r"[0-9]{2}", v)}),
            trl=sorted({int(v) for v in data.getlist("trl") if re.fullmatch(r"[1-9]", v)}),
            region=sorted({v for v in data.getlist("region") if v.isalnum() and len(v) <= 5}),
            lot=sorted({int(v) for v in data.getlist("lot") if re.fullmatch(r"[0-9]{1,9}", v)}),
            verified=data.get("verified") in {"1", "true", "on"},
            sme=data.get("sme") in {"1", "true", "on"},
        )

    @property
    def has_filters(self) -> bool:
        return any(getattr(self, name) for name in FACET_NAMES)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    legend: str
    values: list[FacetValue]


@dataclass
class SearchResult:
    ordered_ids: list[int]
    snippets: dict[int, str]
    facets: list[Facet]


def filter_solutions(queryset: QuerySet[Solution], criteria: Criteria, *, skip: str = "") -> QuerySet[Solution]:
    """Apply every facet except `skip`; many-to-many filters go through subqueries (no duplicate rows)."""
    if criteria.cpv and skip != "cpv":
        condition = Q()
        for division in criteria.cpv:
            condition |= Q(cpvcode__code__startswith=division)
        through = Solution.cpv_codes.through.objects.filter(condition).values("solution_id")
        queryset = queryset.filter(pk__in=through)
    if criteria.trl and skip != "trl":
        queryset = queryset.filter(trl__in=criteria.trl)
    if criteria.region and skip != "region":
        through = Solution.regions.through.objects.filter(nutsregion_id__in=criteria.region).values("solution_id")
        queryset = queryset.filter(Q(nationwide=True) | Q(pk__in=through))
    if criteria.lot and skip != "lot":
        through = Solution.lots.through.objects.filter(lot_id__in=criteria.lot).values("solution_id")
        queryset = queryset.filter(pk__in=through)
    if criteria.verified and skip != "verified":
        queryset = queryset.filter(verified_at__isnull=False)
    if criteria.sme and skip != "sme":
        queryset = queryset.filter(supplier__is_sme=True)
    return queryset


def tie_breaker(query: str, kind: str, object_id: int) -> str:
    """A per-query shuffle: the same query always gives the same order, but no one is always first."""
    return hashlib.sha256(f"{query.strip().lower()}\x00{kind}\x00{object_id}".encode()).hexdigest()


def fair_order(hits, query: str) -> list[int]:
    """Best score first; equal scores (to six decimals) in the order of the per-query shuffle."""
    ranked = sorted(hits, key=lambda hit: (-round(float(hit.score), 6), tie_breaker(query, hit.kind, int(hit.object_id))))
    return [int(hit.object_id) for hit in ranked]


def _ids(queryset: QuerySet) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def solution_search(criteria: Criteria) -> SearchResult:
    published = Solution.objects.published()
    filtered = filter_solutions(published, criteria)
    if not criteria.q:
        ordered = _ids(filtered.order_by("-published_at", "-pk"))
        return SearchResult(ordered, {}, facet_counts(published, criteria))
    hits = _engine().search(criteria.q, kinds=[SOLUTION], object_ids={SOLUTION: _ids(filtered)})
    snippets = {int(hit.object_id): hit.snippet for hit in hits}
    if criteria.has_filters:
        matches = _engine().search(criteria.q, kinds=[SOLUTION], object_ids={SOLUTION: _ids(published)})
    else:
        matches = hits
    base = published.filter(pk__in=[int(hit.object_id) for hit in matches])
    return SearchResult(fair_order(hits, criteria.q), snippets, facet_counts(base, criteria))


def facet_counts(base: QuerySet[Solution], criteria: Criteria) -> list[Facet]:
    return [_cpv_facet(base, criteria), _trl_facet(base, criteria), _region_facet(base, criteria),
            _lot_facet(base, criteria), _flag_facet(base, criteria, "verified"), _flag_facet(base, criteria, "sme")]


def _values(counts: dict, labels: dict, selected: list) -> list[FacetValue]:
    keys = [key for key in labels if counts.get(key) or key in selected]
    return [FacetValue(str(key), labels[key], counts.get(key, 0), key in selected) for key in keys]


def _cpv_facet(base: QuerySet[Solution], criteria: Criteria) -> Facet:
    solutions = filter_solutions(base, criteria, skip="cpv")
    rows = (Solution.cpv_codes.through.objects.filter(solution__in=solutions)
            .annotate(division=Substr("cpvcode_id", 1, 2)).values("division")
            .annotate(n=Count("solution_id", distinct=True)))
    counts = {row["division"]: row["n"] for row in rows}
    divisions = sorted(set(counts) | set(criteria.cpv))
    codes = {code.division: code for code in CpvCode.objects.filter(code__in=[d + "000000" for d in divisions])}
    labels = {d: f"{d} {codes[d].label}" if d in codes else d for d in divisions}
    return Facet("cpv", str(_("Kind of product or service (CPV)")), _values(counts, labels, criteria.cpv))


def _trl_facet(base: QuerySet[Solution], criteria: Criteria) -> Facet:
    rows = filter_solutions(base, criteria, skip="trl").values("trl").annotate(n=Count("pk")).order_by()
    counts = {row["trl"]: row["n"] for row in rows}
    labels = {level: f"TRL {level} – {text}" for level, text in TRL_DEFINITIONS.items()}
    return Facet("trl", str(_("Technology readiness level")), _values(counts, labels, criteria.trl))


def _region_facet(base: QuerySet[Solution], criteria: Criteria) -> Facet:
    solutions = filter_solutions(base, criteria, skip="region")
    nationwide = solutions.filter(nationwide=True).count()
    rows = (Solution.regions.through.objects.filter(solution__in=solutions.filter(nationwide=False))
            .values("nutsregion_id").annotate(n=Count("solution_id")))
    regional = {row["nutsregion_id"]: row["n"] for row in rows}
    regions = list(NutsRegion.objects.all())
    counts = {region.code: regional.get(region.code, 0) + nationwide for region in regions}
    labels = {region.code: region.label for region in regions}
    return Facet("region", str(_("Available in the region")), _values(counts, labels, criteria.region))


def _lot_facet(base: QuerySet[Solution], criteria: Criteria) -> Facet:
    solutions = filter_solutions(base, criteria, skip="lot")
    rows = (Solution.lots.through.objects.filter(solution__in=solutions)
            .values("lot_id").annotate(n=Count("solution_id")))
    counts = {row["lot_id"]: row["n"] for row in rows}
    lots = Lot.objects.filter(pk__in=set(counts) | set(criteria.lot), agreement__published_at__isnull=False,
                              agreement__terminated_at__isnull=True).select_related("agreement")
    labels = {lot.pk: f"{lot.agreement.reference} {lot.agreement.title}, {_('lot')} {lot.number}: {lot.title}"
              for lot in lots.order_by("agreement__reference", "number")}
    return Facet("lot", str(_("Framework agreement and lot")), _values(counts, labels, criteria.lot))


def _flag_facet(base: QuerySet[Solution], criteria: Criteria, name: str) -> Facet:
    condition = Q(verified_at__isnull=False) if name == "verified" else Q(supplier__is_sme=True)
    count = filter_solutions(base, criteria, skip=name).filter(condition).count()
    label = _("Verified by the purchasing body only") if name == "verified" else _("Small or medium-sized supplier")
    legend = _("Verified") if name == "verified" else _("Supplier")
    return Facet(name, str(legend), [FacetValue("1", str(label), count, getattr(criteria, name))])


def supplier_search(query: str, *, limit: int = 5) -> list[tuple[Organisation, str]]:
    ids = _ids(Organisation.objects.filter(kind=OrganisationKind.SUPPLIER))
    hits = _engine().search(query, kinds=[SUPPLIER], object_ids={SUPPLIER: ids})
    ordered = fair_order(hits, query)[:limit]
    found = Organisation.objects.in_bulk(ordered)
    snippets = {int(hit.object_id): hit.snippet for hit in hits}
    return [(found[pk], snippets[pk]) for pk in ordered if pk in found]


def agreement_search(query: str, *, limit: int = 5) -> list[tuple[FrameworkAgreement, str]]:
    ids = _ids(FrameworkAgreement.objects.published())
    hits = _engine().search(query, kinds=[AGREEMENT], object_ids={AGREEMENT: ids})
    ordered = fair_order(hits, query)[:limit]
    found = FrameworkAgreement.objects.in_bulk(ordered)
    snippets = {int(hit.object_id): hit.snippet for hit in hits}
    return [(found[pk], snippets[pk]) for pk in ordered if pk in found]
