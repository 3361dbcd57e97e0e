"""Finding CPV codes by number or words, for the code pickers: words go through the same Swedish
search as the catalogue (inflections, lemmas, compound words)."""

from dataclasses import dataclass, field

from innokop.core.search import SearchQuery

from .indexing import CPV
from .models import CpvCode


@dataclass
class CpvResults:
    codes: list[CpvCode] = field(default_factory=list)
    # When no code has every word: the beginnings of words searched for instead ("laddstation" → "ladd").
    beginnings: list[str] = field(default_factory=list)


def cpv_search(query: str, *, limit: int = 20) -> CpvResults:
    query = query.strip()
    if not query:
        return CpvResults()
    digits = query.replace("-", "").replace(" ", "")
    if digits.isdigit():
        return CpvResults(list(CpvCode.objects.filter(code__startswith=digits[:8])[:limit]))
    planned = SearchQuery(query)
    hits = planned.hits(kinds=[CPV])[:limit]
    for loose in planned.loosened() if not hits else ():
        planned, hits = loose, loose.hits(kinds=[CPV])[:limit]
        if hits:
            break
    codes = CpvCode.objects.in_bulk([f"{hit.object_id:08d}" for hit in hits])
    found = [codes[f"{hit.object_id:08d}"] for hit in hits if f"{hit.object_id:08d}" in codes]
    return CpvResults(found, planned.beginnings if found else [])
