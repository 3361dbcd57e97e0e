"""What the search engine (innokop.core.search) knows about solutions and suppliers.

Only what the public may see is indexed: published solutions and suppliers (published framework
agreements are indexed by innokop.agreements.indexing). Services call these functions inside their
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


def _labels(items) -> list[str]:
    # Both languages: an English-speaking visitor finds a solution by the English CPV label too.
    return [label for item in items for label in (item.label_sv, item.label_en)]


def _cpv_with_ancestors(codes) -> list:
    """The codes and the broader codes above them: "Sophämtning" is also "Avlopps- och avfallshantering"."""
    from innokop.reference.models import CpvCode

    codes = list(codes)
    broader = {code.code[:digits].ljust(8, "0") for code in codes for digits in range(2, 8)}
    known = {code.code for code in codes}
    return codes + list(CpvCode.objects.filter(code__in=broader - known).order_by("code"))


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
    """Rebuild the index of everything public; returns how many of each kind were indexed."""
    from .models import Solution

    counts = {SOLUTION: 0, SUPPLIER: 0, AGREEMENT: 0}
    with translation.override("sv"):
        for solution in Solution.objects.exclude(status="published").only("pk"):
            _engine().search_remove(kind=SOLUTION, object_id=solution.pk)
        published = Solution.objects.published().select_related("supplier").prefetch_related("cpv_codes", "regions")
        for solution in published:
            solution_index_only(solution)
            counts[SOLUTION] += 1
        for supplier in Organisation.objects.filter(kind=OrganisationKind.SUPPLIER):
            supplier_index(supplier)
            counts[SUPPLIER] += 1
        for agreement in FrameworkAgreement.objects.prefetch_related("lots"):
            agreement_index(agreement)
            counts[AGREEMENT] += agreement.published_at is not None
    return counts


def solution_index_only(solution) -> None:
    """Index one published solution without touching its supplier (reindex does the suppliers once)."""
    parts = [solution.summary, html_to_text(solution.problem), html_to_text(solution.how_it_works),
             html_to_text(solution.effects), solution.supplier.name,
             *_labels(_cpv_with_ancestors(solution.cpv_codes.all())), *_labels(solution.regions.all())]
    _engine().search_index(kind=SOLUTION, object_id=solution.pk, title=solution.title,
                           body="\n".join(part for part in parts if part))
