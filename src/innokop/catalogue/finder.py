"""Searching the catalogue: facet filters in the ORM, words in the search engine, a fair order on ties.
Facets are disjunctive within a facet (CPV 34 *or* 48) and conjunctive across facets. Each facet's counts
are computed over the query's matches with every *other* facet applied, so a count says how many results
ticking that box would give.

Every step runs in the database in a fixed number of queries, whatever the number of matches: the
filtered solutions are a subquery of the search, the search's matches a subquery of the facet counts,
and the hits are ranked, tie-ordered and paged in SQL; snippets are made for the page shown only.
"""

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Substr
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
    """Solution ids in order, lazily (a Paginator slices them: only a page is fetched), and the facets."""

    ordered_ids: Sequence[int]
    facets: list[Facet]
    query: object | None = None  # the planned SearchQuery, for the page's supplier and agreement sections
    _snippets: Callable[[list[int]], dict[int, str]] = field(default=lambda ids: {}, repr=False)

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


def solution_search(criteria: Criteria) -> SearchResult:
    published = Solution.objects.published()
    filtered = filter_solutions(published, criteria)
    if not criteria.q:
        ordered = filtered.order_by("-published_at", "-pk").values_list("pk", flat=True)
        return SearchResult(ordered, facet_counts(published, criteria)[0])
    query = _engine().SearchQuery(criteria.q)
    # Only published solutions are indexed (see indexing), so without filters the search needs no list of
    # them; the facet counts below still take only published ones.
    scope = {SOLUTION: filtered} if criteria.has_filters else None
    hits = query.hits(kinds=[SOLUTION], object_ids=scope, ties=tie_seed(criteria.q, SOLUTION))
    # The facets count over every match (each facet applies the other facets' filters itself).
    matches = query.hits(kinds=[SOLUTION]).object_ids()
    facets, total = facet_counts(published, criteria, matches=matches)
    hits.counted(total)  # the same hits: the facet query counted them
    return SearchResult(HitIds(hits), facets, query, lambda ids: query.snippets(SOLUTION, ids))


MATCHES = "catalogue_search_matches"  # the common table expression that holds a query's matches


def facet_counts(base: QuerySet[Solution], criteria: Criteria, *, matches=None) -> tuple[list[Facet], int]:
    """The facets, and how many solutions the criteria give, counted in one query.

    With `matches` (the search engine's subquery of matching ids) the matches are found once, as a
    common table expression, and every count is taken over them.
    """
    if matches is not None:
        base = base.filter(pk__in=RawSQL(f"SELECT object_id FROM {MATCHES}", []))
    rows, counts = _count_all(base, criteria, matches)
    flags = _flag_counts(rows, criteria)
    facets = [_cpv_facet(counts["cpv"], criteria), _trl_facet(flags["trl"], criteria),
              _region_facet(counts["region"], flags["nationwide"], criteria), _lot_facet(counts["lot"], criteria),
              _flag_facet(flags["verified"], criteria, "verified"), _flag_facet(flags["sme"], criteria, "sme")]
    return facets, flags["total"]


SCALARS = ("trl", "verified", "sme")  # facets decided by a solution's own columns


def _as_int(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _rows(base: QuerySet[Solution], criteria: Criteria) -> QuerySet:
    """One grouped pass over the base: per TRL, nationwide, verified and SME, and whether the solutions pass
    each many-to-many filter, how many there are. At most a few hundred rows, whatever the base."""
    conditions = _conditions(criteria)
    passes = {f"pass_{name}": _as_int(conditions[name]) if name in conditions else Value(1)
              for name in ("cpv", "region", "lot")}
    return (base.values("trl", nationwide_flag=Cast("nationwide", IntegerField()),
                        verified_flag=_as_int(Q(verified_at__isnull=False)),
                        sme_flag=Cast("supplier__is_sme", IntegerField()), **passes)
            .annotate(facet_n=Count("pk")).order_by())


def _flag_counts(rows: list[dict], criteria: Criteria) -> dict:
    """The TRL facet, the nationwide, verified and SME counts and the total, from the grouped rows: each
    count over the rows that pass every filter but its own facet's."""
    def passes(row: dict, skip: str) -> bool:
        checks = {"cpv": row["pass_cpv"], "region": row["pass_region"], "lot": row["pass_lot"],
                  "trl": not criteria.trl or row["trl"] in criteria.trl,
                  "verified": not criteria.verified or row["verified_flag"], "sme": not criteria.sme or row["sme_flag"]}
        return all(bool(value) for name, value in checks.items() if name != skip)

    trl: dict[int, int] = {}
    for row in rows:
        if passes(row, "trl") and row["trl"] is not None:
            trl[row["trl"]] = trl.get(row["trl"], 0) + row["facet_n"]
    return {"trl": trl, "total": sum(row["facet_n"] for row in rows if passes(row, "")),
            "nationwide": sum(row["facet_n"] for row in rows if row["nationwide_flag"] and passes(row, "region")),
            "verified": sum(row["facet_n"] for row in rows if row["verified_flag"] and passes(row, "verified")),
            "sme": sum(row["facet_n"] for row in rows if row["sme_flag"] and passes(row, "sme"))}


def _grouped(queryset: QuerySet, key, n) -> QuerySet:
    return queryset.annotate(facet_key=Cast(key, TextField())).values("facet_key").annotate(facet_n=n).order_by()


def _many_to_many(base: QuerySet[Solution], criteria: Criteria) -> dict[str, QuerySet]:
    """For each many-to-many facet, rows of (facet_key, facet_n): its counts with every *other* facet applied."""
    def skipping(name: str) -> QuerySet[Solution]:
        return filter_solutions(base, criteria, skip=name)

    return {
        "cpv": _grouped(Solution.cpv_codes.through.objects.filter(solution__in=skipping("cpv")),
                        Substr("cpvcode_id", 1, 2), Count("solution_id", distinct=True)),
        "region": _grouped(Solution.regions.through.objects.filter(
            solution__in=skipping("region").filter(nationwide=False)), F("nutsregion_id"), Count("solution_id")),
        "lot": _grouped(Solution.lots.through.objects.filter(solution__in=skipping("lot")), F("lot_id"),
                        Count("solution_id")),
    }


ROW_COLUMNS = ("trl", "nationwide_flag", "verified_flag", "sme_flag", "pass_cpv", "pass_region", "pass_lot")


def _count_all(base: QuerySet[Solution], criteria: Criteria, matches) -> tuple[list[dict], dict[str, dict[str, int]]]:
    """The grouped rows and the many-to-many counts, in one statement (UNION ALL of same-shaped parts)."""
    nothing = ", ".join(["CAST(NULL AS integer)"] * len(ROW_COLUMNS))
    rows_sql, rows_params = _rows(base, criteria).query.sql_with_params()
    columns = ", ".join(f"CAST(f.{column} AS integer)" for column in ROW_COLUMNS)
    parts = [f"SELECT CAST(%s AS text), CAST(NULL AS text), f.facet_n, {columns} FROM ({rows_sql}) AS f"]
    params = ["rows", *rows_params]
    querysets = _many_to_many(base, criteria)
    for name, queryset in querysets.items():
        sql, part_params = queryset.query.sql_with_params()
        parts.append(f"SELECT CAST(%s AS text), CAST(f.facet_key AS text), f.facet_n, {nothing} FROM ({sql}) AS f")
        params += [name, *part_params]
    sql = " UNION ALL ".join(parts)
    if matches is not None:
        # Found once for every count: the full-text match is the expensive part.
        sql = f"WITH {MATCHES} AS MATERIALIZED ({matches.sql}) {sql}"
        params = [*matches.params, *params]
    rows, counts = [], {name: {} for name in querysets}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for name, key, n, *values in cursor.fetchall():
            if name == "rows":
                rows.append({"facet_n": int(n), **dict(zip(ROW_COLUMNS, values, strict=True))})
            else:
                counts[name][key] = int(n)
    return rows, counts


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
                              agreement__terminated_at__isnull=True).select_related("agreement")
    labels = {lot.pk: f"{lot.agreement.reference} {lot.agreement.title}, {_('lot')} {lot.number}: {lot.title}"
              for lot in lots.order_by("agreement__reference", "number")}
    return Facet("lot", str(_("Framework agreement and lot")), _values(counts, labels, criteria.lot))


def _flag_facet(count: int, criteria: Criteria, name: str) -> Facet:
    label = _("Verified by the purchasing body only") if name == "verified" else _("Small or medium-sized supplier")
    legend = _("Verified") if name == "verified" else _("Supplier")
    return Facet(name, str(legend), [FacetValue("1", str(label), count, getattr(criteria, name))])


def _best(query, kind: str, objects: QuerySet, limit: int) -> list[tuple]:
    """The `limit` best of `objects` for the query (fair order on ties), each with its snippet."""
    planned = _planned(query)
    hits = planned.hits(kinds=[kind], object_ids={kind: objects}, ties=tie_seed(planned.text, kind))[:limit]
    ordered = [hit.object_id for hit in hits]
    found = objects.in_bulk(ordered)
    snippets = planned.snippets(kind, ordered)
    return [(found[pk], snippets.get(pk, "")) for pk in ordered if pk in found]


def supplier_search(query, *, limit: int = 5) -> list[tuple[Organisation, str]]:
    """Suppliers for a query (text, or the SearchQuery the solutions were searched with)."""
    return _best(query, SUPPLIER, Organisation.objects.filter(kind=OrganisationKind.SUPPLIER), limit)


def agreement_search(query, *, limit: int = 5) -> list[tuple[FrameworkAgreement, str]]:
    """Published framework agreements for a query (text, or a SearchQuery)."""
    return _best(query, AGREEMENT, FrameworkAgreement.objects.published(), limit)
