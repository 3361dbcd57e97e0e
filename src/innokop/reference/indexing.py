"""What the search engine (innokop.core.search) knows about CPV codes: the CPV lookup searches them.

A code is indexed by its Swedish label as the title and its English label as low-weight foreign
text (word for word), so the lookup finds codes with the same Swedish search as the catalogue (inflections,
lemmas, compound words) and still by an English word.
"""

from collections.abc import Iterable

from innokop.core import search
from innokop.core.models import SearchEntry

from .models import CpvCode

CPV = "cpv"


def cpv_document(code: CpvCode) -> search.SearchDocument:
    return search.SearchDocument(kind=CPV, object_id=int(code.code), title=code.label_sv, foreign=code.label_en)


def cpv_index(codes: Iterable[CpvCode]) -> int:
    """Index the given codes; returns how many."""
    return search.search_index_many(cpv_document(code) for code in codes)


def cpv_reindex() -> int:
    """Index every CPV code (about 9 500); returns how many."""
    return cpv_index(CpvCode.objects.order_by("code").iterator(chunk_size=1000))


def cpv_indexed() -> bool:
    """Whether every CPV code has an entry in the index."""
    return SearchEntry.objects.filter(kind=CPV).count() >= CpvCode.objects.count()
