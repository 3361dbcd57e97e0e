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
        published = (Solution.objects.published().select_related("supplier").prefetch_related("cpv_codes", "regions")
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
    word for word, in English, so that they neither outrank its own words nor show in snippets."""
    own = [solution.summary, html_to_text(solution.problem), html_to_text(solution.how_it_works),
           html_to_text(solution.effects), solution.supplier.name]
    labels = [*_cpv_with_ancestors(solution.cpv_codes.all(), cpv_codes), *solution.regions.all()]
    return _engine().SearchDocument(
        kind=SOLUTION, object_id=solution.pk, title=solution.title, body="\n".join(part for part in own if part),
        extra="\n".join(item.label_sv for item in labels), foreign="\n".join(item.label_en for item in labels))


def solution_index_only(solution) -> None:
    """Index one published solution without touching its supplier (reindex does the suppliers once)."""
    _engine().search_index_many([solution_document(solution)])


def index_outdated() -> bool:
    """Whether the index needs `reindex`: entries made by older rules (`TERMS_VERSION`), or CPV codes
    missing from it (a new database)."""
    from innokop.reference.indexing import cpv_indexed

    return _engine().search_outdated() or not cpv_indexed()
