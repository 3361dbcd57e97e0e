"""Searching the catalogue: facet filters in the ORM, words in the search engine, a fair order on ties.
Facets are disjunctive within a facet (CPV 34 *or* 48) and conjunctive across facets. Each facet's counts
are computed over the query's matches with every *other* facet applied, so a count says how many results
ticking that box would give.

Every step runs in the database in a fixed number of queries, whatever the number of matches: the
filtered solutions are a subquery of the search, the hits are ranked, tie-ordered and paged in SQL, and
snippets are made for the page shown only. The facet counts read only the search index: each solution's
facet values are stored beside its entry (`solution_facet_values`), the database counts the matches per
distinct set of values in the statement that ranks the page, and those rows are added up here. A query
with more than FACET_CANDIDATES matches counts its facets among that many best matches only: the counts
are then lower bounds, and the page and the API say so (`facets_among`). The number of results is always
exact.
"""

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.formats import localize
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.agreements.models import FrameworkAgreement, Lot
from innokop.reference.models import CpvCode, NutsRegion

from .indexing import AGREEMENT, SOLUTION, SUPPLIER, _engine
from .models import TRL_DEFINITIONS, Solution

FACET_NAMES = ("cpv", "trl", "region", "lot", "verified", "sme")
# A query with more matches counts its facets among this many best ones (issue 13): the counts' cost does not
# grow with the matches, and the page says they are lower bounds. Fewer matches are counted exactly.
FACET_CANDIDATES = 1000
SHOWN_VALUES = 15  # values of one facet listed on the page (see Facet.shown)
FACET_CACHE_SECONDS = 24 * 3600  # the catalogue's counts without a query, under the index's token


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


@dataclass(frozen=True)
class FacetOption:
    """A listed value as the filter column shows it: its checkbox's id and its count, for the eye and read out."""

    value: str
    label: str
    selected: bool
    input_id: str
    count: str  # "312", or "≥ 312" when the counts are lower bounds
    spoken: str  # "312 solutions", or "at least 312 solutions"


@dataclass
class Facet:
    name: str
    legend: str
    values: list[FacetValue]
    among: int | None = None  # as SearchResult.facets_among: the counts are lower bounds when set

    @functools.cached_property
    def shown(self) -> list[FacetValue]:
        """What the page lists: the SHOWN_VALUES values with the most solutions and every ticked one, in the
        facet's order. A national catalogue has hundreds of lots; the API gives every value."""
        if len(self.values) <= SHOWN_VALUES:
            return self.values
        largest = sorted(range(len(self.values)), key=lambda i: -self.values[i].count)[:SHOWN_VALUES]
        keep = set(largest) | {i for i, value in enumerate(self.values) if value.selected}
        return [value for i, value in enumerate(self.values) if i in keep]

    @property
    def hidden(self) -> int:
        return len(self.values) - len(self.shown)

    @functools.cached_property
    def options(self) -> list[FacetOption]:
        """The shown values with their labels made here rather than in the template: the filter column lists
        up to a hundred values, and a translated, counted label per value is most of its rendering time."""
        return [FacetOption(value.value, value.label, value.selected, f"facet-{self.name}-{slugify(value.value)}",
                            (f"≥ {localize(value.count)}" if self.among else localize(value.count)),
                            _count_spoken(value.count, self.among)) for value in self.shown]

    @property
    def collapsed(self) -> bool:
        """Long lists are folded (a details element), open when one of the values is ticked."""
        return len(self.shown) > 6

    @property
    def ticked(self) -> bool:
        return any(value.selected for value in self.shown)


def _count_spoken(count: int, among: int | None) -> str:
    # The same messages as the template's blocktranslate (its count and its number localised the same way).
    data = {"counter": localize(count)}
    if among:
        return ngettext("at least %(counter)s solution", "at least %(counter)s solutions", count) % data
    return ngettext("%(counter)s solution", "%(counter)s solutions", count) % data


@dataclass
class SearchResult:
    """Solution ids in order, lazily (a Paginator slices them: only a page is fetched), and the facets."""

    ordered_ids: Sequence[int]
    facets: list[Facet]
    query: object | None = None  # the planned SearchQuery, for the page's supplier and agreement sections
    _snippets: Callable[[list[int]], dict[int, str]] = field(default=lambda ids: {}, repr=False)
    # None: the facet counts are exact. A number: they count that many best matches of a query that has more,
    # so each is a lower bound ("at least") of what ticking the value would give.
    facets_among: int | None = None

    def snippets(self, ids: Iterable[int]) -> dict[int, str]:
        """The highlighted snippets of the listed solutions (the page shown), HTML-safe."""
        return self._snippets(list(ids))


class HitIds(Sequence[int]):
    """The object ids of lazily fetched search hits: `len()` counts, a slice fetches one page."""

    def __init__(self, hits):
        self._hits = hits

    def count(self) -> int:
        return self._hits.count()

    def __len__(self) -> int:
        return len(self._hits)

    def __getitem__(self, item):
        if isinstance(item, slice):
            return [hit.object_id for hit in self._hits[item]]
        return self._hits[item].object_id

    def __iter__(self):
        return (hit.object_id for hit in self._hits)


def _conditions(criteria: Criteria) -> dict[str, Q]:
    """Each ticked facet's condition; many-to-many ones go through subqueries (no duplicate rows)."""
    conditions = {}
    if criteria.cpv:
        divisions = Q()
        for division in criteria.cpv:
            divisions |= Q(cpvcode__code__startswith=division)
        conditions["cpv"] = Q(pk__in=Solution.cpv_codes.through.objects.filter(divisions).values("solution_id"))
    if criteria.trl:
        conditions["trl"] = Q(trl__in=criteria.trl)
    if criteria.region:
        through = Solution.regions.through.objects.filter(nutsregion_id__in=criteria.region).values("solution_id")
        conditions["region"] = Q(nationwide=True) | Q(pk__in=through)
    if criteria.lot:
        conditions["lot"] = Q(pk__in=Solution.lots.through.objects.filter(lot_id__in=criteria.lot).values("solution_id"))
    if criteria.verified:
        conditions["verified"] = Q(verified_at__isnull=False)
    if criteria.sme:
        conditions["sme"] = Q(supplier__is_sme=True)
    return conditions


def filter_solutions(queryset: QuerySet[Solution], criteria: Criteria, *, skip: str = "") -> QuerySet[Solution]:
    """Apply every facet except `skip`."""
    for name, condition in _conditions(criteria).items():
        if name != skip:
            queryset = queryset.filter(condition)
    return queryset


def tie_seed(query: str, kind: str) -> tuple[int, int]:
    """(a, b) of the per-query permutation object_id ↦ (object_id·a + b) mod p, from a hash of the query."""
    digest = hashlib.sha256(f"{query.strip().lower()}\x00{kind}".encode()).digest()
    modulus = _engine().TIE_MODULUS
    return int.from_bytes(digest[:8], "big") % (modulus - 1) + 1, int.from_bytes(digest[8:16], "big") % modulus


def tie_breaker(query: str, kind: str, object_id: int) -> int:
    """Where an object comes among equal scores: the same query always gives the same order, but no one is
    always first. The search engine computes the same value in SQL (`SearchQuery.hits(ties=...)`)."""
    a, b = tie_seed(query, kind)
    modulus = _engine().TIE_MODULUS
    return ((int(object_id) % modulus) * a + b) % modulus


def _planned(query) -> object:
    return query if isinstance(query, _engine().SearchQuery) else _engine().SearchQuery(query)


class CountedIds(Sequence[int]):
    """Ordered ids (a QuerySet, sliced by the Paginator) whose number is already known."""

    def __init__(self, ids: QuerySet, total: int):
        self._ids, self._total = ids, total

    def count(self) -> int:
        return self._total

    def __len__(self) -> int:
        return self._total

    def __getitem__(self, item):
        return self._ids[item]

    def __iter__(self):
        return iter(self._ids)


def solution_search(criteria: Criteria, *, page: object = 1, page_size: int = 20) -> SearchResult:
    """The solutions for the criteria, in order, lazily, and the facets, counted over the search index.
    The page that will be shown (`page`, a number as the request gives it, and `page_size`) is ranked in
    the same statement as the facet counts; another slice asks the index again."""
    if not criteria.q:
        # Only published solutions are indexed (see indexing): the index's facet values count them.
        facets, total = _catalogue_facets(criteria)
        ordered = filter_solutions(Solution.objects.published(), criteria).order_by("-published_at", "-pk").values_list("pk", flat=True)
        return SearchResult(CountedIds(ordered, total), facets)
    query = _engine().SearchQuery(criteria.q)
    # The filters are read from the facet values in the index, as the counts are (they mirror `_conditions`,
    # see indexing), so the search needs no subquery over the solutions' own tables.
    hits = query.hits(kinds=[SOLUTION], ties=tie_seed(criteria.q, SOLUTION),
                      facets=list(_selected_values(criteria).values()))
    # The facets count over the best matches without filters (each facet applies the other facets' filters
    # itself), from the facet values stored beside the index entries.
    shown = ((_page_number(page) - 1) * page_size, page_size)
    # One statement: the matches counted, the best ones' facets grouped (without the filters: each facet
    # applies the others' itself), the filtered hits counted and the page ranked.
    groups = hits.facet_groups(page=shown, among=FACET_CANDIDATES, unfiltered=True)
    facets, _total = facets_from_groups(groups, criteria)
    matches = hits.unfiltered_count if hits.unfiltered_count is not None else len(hits)
    among = FACET_CANDIDATES if matches > FACET_CANDIDATES else None
    for facet in facets:
        facet.among = among
    return SearchResult(HitIds(hits), facets, query, lambda ids: query.snippets(SOLUTION, ids), facets_among=among)


def _page_number(page: object) -> int:
    try:
        return max(int(str(page)), 1)
    except ValueError:
        return 1


# --- Facet counts from the search index (the values: indexing.solution_facet_values) ---------------


def _selected_values(criteria: Criteria) -> dict[str, set[str]]:
    """The facet values each ticked facet lets through (as `_conditions`): any one of them will do."""
    selected = {"cpv": {f"cpv:{division}" for division in criteria.cpv}, "trl": {f"trl:{level}" for level in criteria.trl},
                "region": {f"region:{code}" for code in criteria.region} | {"nationwide"} if criteria.region else set(),
                "lot": {f"lot:{pk}" for pk in criteria.lot}, "verified": {"verified"} if criteria.verified else set(),
                "sme": {"sme"} if criteria.sme else set()}
    return {name: values for name, values in selected.items() if values}


def facets_from_groups(groups, criteria: Criteria) -> tuple[list[Facet], int]:
    """The facets and the number of solutions that pass every filter, from `facet_groups` rows (how many
    solutions have each distinct set of facet values): each facet's counts over the solutions that pass
    every *other* facet's filter, as `_conditions` filters them. Adds up a few values per row."""
    return _facets(*_counts(groups, criteria), criteria)


def _catalogue_facets(criteria: Criteria) -> tuple[list[Facet], int]:
    """`facets_from_groups` over every published solution (the catalogue without a query), its counts cached
    under the index's token: they change only when the index does, and adding them up reads every solution's
    facet values. The token is read before and after counting: counts are cached only under the state they
    were counted in."""
    search = _engine()
    token = search.search_index_token()
    selected = sorted((name, sorted(values)) for name, values in _selected_values(criteria).items())
    key = f"catalogue:facet-counts:{token}:{hashlib.sha256(repr(selected).encode()).hexdigest()[:32]}"
    counted = cache.get(key) if token else None
    if counted is None:
        counted = _counts(search.search_facet_groups(SOLUTION), criteria)
        if token and search.search_index_token() == token:
            cache.set(key, counted, FACET_CACHE_SECONDS)
    return _facets(*counted, criteria)


def _counts(groups, criteria: Criteria) -> tuple[dict, int]:
    """Each facet's counts (value → solutions) and the number of solutions that pass every filter."""
    selected = _selected_values(criteria)
    passing: dict[str, int] = {}  # value → solutions that pass every filter and have the value
    one_off: dict[str, dict[str, int]] = {name: {} for name in selected}  # the same, failing only `name`
    total = 0
    for values, n in groups:
        failing = [name for name, wanted in selected.items() if values.isdisjoint(wanted)]
        if len(failing) > 1:
            continue
        if failing:
            counts = one_off[failing[0]]
        else:
            counts, total = passing, total + n
        for value in values:
            counts[value] = counts.get(value, 0) + n

    def facet(name: str, prefix: str) -> dict[str, int]:
        counts = dict(passing)
        for value, n in one_off.get(name, {}).items():
            counts[value] = counts.get(value, 0) + n
        return {value[len(prefix):]: n for value, n in counts.items() if value.startswith(prefix)}

    def flag(name: str) -> int:
        return passing.get(name, 0) + one_off.get(name, {}).get(name, 0)

    counts = {"cpv": facet("cpv", "cpv:"), "trl": {int(level): n for level, n in facet("trl", "trl:").items()},
              "region": facet("region", "region:"),
              "nationwide": passing.get("nationwide", 0) + one_off.get("region", {}).get("nationwide", 0),
              "lot": facet("lot", "lot:"), "verified": flag("verified"), "sme": flag("sme")}
    return counts, total


def _facets(counts: dict, total: int, criteria: Criteria) -> tuple[list[Facet], int]:
    """The facets with their labels (in the active language) from `_counts`."""
    facets = [_cpv_facet(counts["cpv"], criteria), _trl_facet(counts["trl"], criteria),
              _region_facet(counts["region"], counts["nationwide"], criteria), _lot_facet(counts["lot"], criteria),
              _flag_facet(counts["verified"], criteria, "verified"), _flag_facet(counts["sme"], criteria, "sme")]
    return facets, total


def _values(counts: dict, labels: dict, selected: list) -> list[FacetValue]:
    keys = [key for key in labels if counts.get(key) or key in selected]
    return [FacetValue(str(key), labels[key], counts.get(key, 0), key in selected) for key in keys]


def _cpv_facet(counts: dict[str, int], criteria: Criteria) -> Facet:
    divisions = sorted(set(counts) | set(criteria.cpv))
    codes = {code.division: code for code in CpvCode.objects.filter(code__in=[d + "000000" for d in divisions])}
    labels = {d: f"{d} {codes[d].label}" if d in codes else d for d in divisions}
    return Facet("cpv", str(_("Kind of product or service (CPV)")), _values(counts, labels, criteria.cpv))


def _trl_facet(counts: dict[int, int], criteria: Criteria) -> Facet:
    labels = {level: f"TRL {level} – {text}" for level, text in TRL_DEFINITIONS.items()}
    return Facet("trl", str(_("Technology readiness level")), _values(counts, labels, criteria.trl))


def _region_facet(regional: dict[str, int], nationwide: int, criteria: Criteria) -> Facet:
    regions = list(NutsRegion.objects.all())
    counts = {region.code: regional.get(region.code, 0) + nationwide for region in regions}
    labels = {region.code: region.label for region in regions}
    return Facet("region", str(_("Available in the region")), _values(counts, labels, criteria.region))


def _lot_facet(counts: dict[str, int], criteria: Criteria) -> Facet:
    counts = {int(key): n for key, n in counts.items()}
    lots = Lot.objects.filter(pk__in=set(counts) | set(criteria.lot), agreement__published_at__isnull=False,
                              agreement__terminated_at__isnull=True).order_by("agreement__reference", "number")
    lot_word = str(_("lot"))
    # Rows, not objects: a national catalogue has hundreds of lots, and the labels are all that is needed.
    labels = {pk: f"{reference} {agreement}, {lot_word} {number}: {title}" for pk, reference, agreement, number, title
              in lots.values_list("pk", "agreement__reference", "agreement__title", "number", "title")}
    return Facet("lot", str(_("Framework agreement and lot")), _values(counts, labels, criteria.lot))


def _flag_facet(count: int, criteria: Criteria, name: str) -> Facet:
    label = _("Verified by the purchasing body only") if name == "verified" else _("Small or medium-sized supplier")
    legend = _("Verified") if name == "verified" else _("Supplier")
    return Facet(name, str(legend), [FacetValue("1", str(label), count, getattr(criteria, name))])


def _best(query, kind: str, objects: QuerySet, limit: int) -> list[tuple]:
    """The `limit` best of `objects` for the query (fair order on ties), each with its snippet."""
    planned = _planned(query)
    # Only what `objects` holds is indexed (see indexing), so the index is asked without the list of them,
    # which would cost a subquery over every supplier; the list is asked again only if a hit is not in it.
    hits = planned.hits(kinds=[kind], ties=tie_seed(planned.text, kind))[:limit]
    ordered, found = _found(planned, kind, objects, limit, [hit.object_id for hit in hits])
    snippets = planned.snippets(kind, ordered)
    return [(found[pk], snippets.get(pk, "")) for pk in ordered if pk in found]


def _found(planned, kind: str, objects: QuerySet, limit: int, ordered: list[int]) -> tuple[list[int], dict]:
    """The hits' ids and their objects; asked again within `objects` when a hit is not one of them."""
    found = objects.in_bulk(ordered)
    if len(found) < len(ordered):
        hits = planned.hits(kinds=[kind], object_ids={kind: objects}, ties=tie_seed(planned.text, kind))[:limit]
        ordered = [hit.object_id for hit in hits]
        found = objects.in_bulk(ordered)
    return ordered, found


def _suppliers() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.SUPPLIER)


def _agreements() -> QuerySet[FrameworkAgreement]:
    return FrameworkAgreement.objects.published()


def supplier_search(query, *, limit: int = 5) -> list[tuple[Organisation, str]]:
    """Suppliers for a query (text, or the SearchQuery the solutions were searched with)."""
    return _best(query, SUPPLIER, _suppliers(), limit)


def agreement_search(query, *, limit: int = 5) -> list[tuple[FrameworkAgreement, str]]:
    """Published framework agreements for a query (text, or a SearchQuery)."""
    return _best(query, AGREEMENT, _agreements(), limit)


def supplier_and_agreement_search(
    query, *, limit: int = 5
) -> tuple[list[tuple[Organisation, str]], list[tuple[FrameworkAgreement, str]]]:
    """`supplier_search` and `agreement_search` together, the same results in the same order, matching the
    index once: one ranked statement for both kinds (a statement per kind matched the words twice, and the
    second match costs as much as the first when a word has many alternatives to merge, as "avfall" has),
    the objects of each kind (a query each) and the snippets of both (one query).
    No query (None, blank, or a SearchQuery of no words): nothing, without asking the database."""
    if query is None or (isinstance(query, str) and not query.strip()):
        return [], []
    planned = _planned(query)
    objects = {SUPPLIER: _suppliers(), AGREEMENT: _agreements()}
    best = planned.best({kind: limit for kind in objects}, ties={kind: tie_seed(planned.text, kind) for kind in objects})
    found = {kind: _found(planned, kind, objects[kind], limit, [hit.object_id for hit in best[kind]])
             for kind in objects}
    snippets = planned.snippets_by_kind({kind: ordered for kind, (ordered, _objects) in found.items()})

    def listed(kind: str) -> list[tuple]:
        ordered, objects = found[kind]
        return [(objects[pk], snippets[kind].get(pk, "")) for pk in ordered if pk in objects]

    return listed(SUPPLIER), listed(AGREEMENT)
