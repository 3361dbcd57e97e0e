"""What the search engine (innokop.core.search) knows about solutions and suppliers.

Only what the public may see is indexed: published solutions and suppliers (published framework
agreements are indexed by innokop.agreements.indexing, CPV codes by innokop.reference.indexing). Services call these functions inside their
transactions, so the index changes with the data or not at all.
"""

from django.utils import translation

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.agreements.indexing import AGREEMENT, agreement_index
from innokop.agreements.models import FrameworkAgreement
from innokop.core.html import html_to_text

SOLUTION = "solution"
SUPPLIER = "supplier"


def _engine():
    from innokop.core import search

    return search


def _cpv_with_ancestors(codes, known: dict | None = None) -> list:
    """The codes and the broader codes above them: "Sophämtning" is also "Avloppstjänster, avfallshantering…".

    `known` (code → CpvCode) saves the query when many solutions are indexed at once.
    """
    from innokop.reference.models import CpvCode

    codes = list(codes)
    broader = {code.code[:digits].ljust(8, "0") for code in codes for digits in range(2, 8)}
    missing = broader - {code.code for code in codes}
    if known is not None:
        return codes + [known[code] for code in sorted(missing) if code in known]
    return codes + list(CpvCode.objects.filter(code__in=missing).order_by("code"))


def solution_index(solution) -> None:
    from .models import SolutionStatus

    if solution.status != SolutionStatus.PUBLISHED:
        solution_remove(solution)
        return
    solution_index_only(solution)
    supplier_index(solution.supplier)


def solution_remove(solution) -> None:
    _engine().search_remove(kind=SOLUTION, object_id=solution.pk)
    supplier_index(solution.supplier)


def supplier_index(supplier: Organisation) -> None:
    """A supplier is found by its name, its description and the titles of its published solutions."""
    if supplier.kind != OrganisationKind.SUPPLIER:
        return
    titles = list(supplier.solutions.published().values_list("title", flat=True))
    body = "\n".join([supplier.description, *titles])
    _engine().search_index(kind=SUPPLIER, object_id=supplier.pk, title=supplier.name, body=body)


def reindex() -> dict[str, int]:
    """Rebuild the index of everything public and of the CPV codes; returns how many of each kind."""
    from innokop.reference.indexing import CPV, cpv_reindex
    from innokop.reference.models import CpvCode

    from .models import Solution

    counts = {SOLUTION: 0, SUPPLIER: 0, AGREEMENT: 0}
    with translation.override("sv"):
        for solution in Solution.objects.exclude(status="published").only("pk"):
            _engine().search_remove(kind=SOLUTION, object_id=solution.pk)
        codes = CpvCode.objects.in_bulk()
        published = (Solution.objects.published().select_related("supplier")
                     .prefetch_related("cpv_codes", "regions", "lots")
                     .order_by("pk").iterator(chunk_size=500))
        counts[SOLUTION] = _engine().search_index_many(solution_document(solution, codes) for solution in published)
        for supplier in Organisation.objects.filter(kind=OrganisationKind.SUPPLIER):
            supplier_index(supplier)
            counts[SUPPLIER] += 1
        for agreement in FrameworkAgreement.objects.prefetch_related("lots"):
            agreement_index(agreement)
            counts[AGREEMENT] += agreement.published_at is not None
        counts[CPV] = cpv_reindex()
    return counts


def solution_document(solution, cpv_codes: dict | None = None):
    """What the index knows of a published solution: its own words in the title and body; its CPV
    codes (with the broader ones above them) and regions as low-weight extra text, in Swedish and,
    word for word, in English, so that they neither outrank its own words nor show in snippets; and its
facet values, which the catalogue's facet counts read (see finder)."""
    own = [solution.summary, html_to_text(solution.problem), html_to_text(solution.how_it_works),
           html_to_text(solution.effects), solution.supplier.name]
    labels = [*_cpv_with_ancestors(solution.cpv_codes.all(), cpv_codes), *solution.regions.all()]
    return _engine().SearchDocument(
        kind=SOLUTION, object_id=solution.pk, title=solution.title, body="\n".join(part for part in own if part),
        extra="\n".join(item.label_sv for item in labels), foreign="\n".join(item.label_en for item in labels),
        facets=solution_facet_values(solution))


# A published solution's facet values, as `solution_document` indexes them: "cpv:90" per CPV division,
# "trl:7", "region:SE110" per region (none when "nationwide"), "lot:12" per lot, "verified", "sme". They mirror
# `finder._conditions`: the index is updated wherever one of them changes (see indexing and services).


def solution_facet_values(solution) -> list[str]:
    """The facet values of a solution (its cpv_codes, regions and lots are read: prefetch them)."""
    values = {f"cpv:{code.pk[:2]}" for code in solution.cpv_codes.all()}
    if not solution.nationwide:  # available everywhere: counted for every region, whatever it names
        values |= {f"region:{region.pk}" for region in solution.regions.all()}
    values |= {f"lot:{lot.pk}" for lot in solution.lots.all()}
    if solution.trl is not None:
        values.add(f"trl:{solution.trl}")
    for name, present in (("nationwide", solution.nationwide), ("verified", solution.verified_at is not None),
                          ("sme", solution.supplier.is_sme)):
        if present:
            values.add(name)
    return sorted(values)


def supplier_facets_refresh(supplier: Organisation) -> int:
    """After a supplier is saved: index again those of its published solutions whose "sme" facet value no
    longer says what the supplier is (the admin may change it). Returns how many."""
    from innokop.core.models import SearchFacets

    from .models import Solution

    if supplier.kind != OrganisationKind.SUPPLIER:
        return 0
    ids = list(Solution.objects.published().filter(supplier=supplier).values_list("pk", flat=True))
    if not ids:
        return 0
    stored = dict(SearchFacets.objects.filter(entry__kind=SOLUTION, entry__object_id__in=ids)
                  .values_list("entry__object_id", "keys"))
    stale = [pk for pk in ids if pk not in stored or ("sme" in stored[pk].split()) != supplier.is_sme]
    solutions = (Solution.objects.filter(pk__in=stale).select_related("supplier")
                 .prefetch_related("cpv_codes", "regions", "lots").order_by("pk"))
    return _engine().search_index_many(solution_document(solution) for solution in solutions)


def solution_index_only(solution) -> None:
    """Index one published solution without touching its supplier (reindex does the suppliers once)."""
    _engine().search_index_many([solution_document(solution)])


def index_outdated() -> bool:
    """Whether the index needs `reindex`: entries made by older rules (`TERMS_VERSION`), CPV codes
    missing from it (a new database), or solutions indexed before their facet values were."""
    from innokop.core.models import SearchEntry
    from innokop.reference.indexing import cpv_indexed

    unfaceted = SearchEntry.objects.filter(kind=SOLUTION, facets__isnull=True).exists()
    return _engine().search_outdated() or not cpv_indexed() or unfaceted
