"""Matching, explained: for a need, the published solutions and the suppliers that may meet it, and the similar
needs of other agencies, ranked, each with the reasons computed from the data.

Candidates come from two places: the catalogue's published solutions that share a CPV division with the need,
and those the Swedish search (`innokop.core.search`) finds for the need's most telling words. Each candidate
is then scored from what it has in common with the need, and every point of the score is a reason the page
and the API show:

- CPV: a code in common (5), else a division in common (2);
- region: available in the need's region, or in all of Sweden (1);
- words: the need's and the solution's texts share words, compared by the search's own stems and lemmas
  (1.5 each, at most five counted);
- maturity: the solution's TRL adds TRL/9 (a tie-breaker, never a reason to match on its own).

A solution matches only with a CPV division in common or at least `MIN_WORDS` words in common: a region or a
TRL alone never makes a match. Similar needs are other agencies' needs the caller sees (public ones; every one
for the purchasing body) with a CPV division in common, ranked the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from innokop.accounts.models import Organisation
from innokop.catalogue.indexing import SOLUTION
from innokop.catalogue.models import Solution
from innokop.core.search.querying import SearchQuery
from innokop.core.search.words import STOPWORDS, _forms, _normalise, _words

from .models import Need

CPV_CODE_POINTS = 5.0
CPV_DIVISION_POINTS = 2.0
REGION_POINTS = 1.0
WORD_POINTS = 1.5
MAX_WORDS_COUNTED = 5
MIN_WORDS = 2  # words in common that make a match without a CPV division in common
MIN_WORD_LENGTH = 4  # shorter words ("bil", "tid") say too little about a need
SEARCH_WORDS = 6  # the need's most telling words looked up in the search index, one query each
SEARCH_HITS = 40  # hits kept per word
SHOWN_WORDS = 4  # words named in a reason
LIMIT = 10


@dataclass
class Match:
    """One ranked candidate with its score and its reasons (in the reader's language)."""

    score: float
    reasons: list[str]
    common_codes: list[str] = field(default_factory=list)
    common_divisions: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    in_region: bool = False


@dataclass
class SolutionMatch(Match):
    solution: Solution | None = None


@dataclass
class SupplierMatch(Match):
    supplier: Organisation | None = None
    solutions: list[Solution] = field(default_factory=list)


@dataclass
class NeedMatch(Match):
    need: Need | None = None


@dataclass
class Matches:
    solutions: list[SolutionMatch]
    suppliers: list[SupplierMatch]
    needs: list[NeedMatch]


# --- words -----------------------------------------------------------------------------------------------------


def terms(*texts: str) -> dict[str, str]:
    """The telling words of the texts, keyed by each form the search compares them by (stem, lemma's stem):
    form → the word as written, the first time it was seen."""
    found: dict[str, str] = {}
    for text in texts:
        for word in _words(_normalise(text or "")):
            if len(word) < MIN_WORD_LENGTH or not word.isalpha() or word in STOPWORDS:
                continue
            for form in _forms(word):
                found.setdefault(form, word)
    return found


def common_words(need_terms: dict[str, str], other_terms: dict[str, str]) -> list[str]:
    """The need's words the other text has too (by any of their forms), each once, in the need's order."""
    words = [need_terms[form] for form in need_terms if form in other_terms]
    return list(dict.fromkeys(words))


def _need_texts(need: Need) -> tuple[str, ...]:
    return need.title, need.problem, need.desired_effects, need.current_situation


def _solution_texts(solution: Solution) -> tuple[str, ...]:
    return solution.title, solution.summary, solution.problem, solution.how_it_works, solution.effects


def telling_words(need: Need, limit: int = SEARCH_WORDS) -> list[str]:
    """The need's words to look up in the search: those of the title first, then the most frequent ones."""
    title = [word for word in terms(need.title).values()]
    counts = Counter(word for text in _need_texts(need)[1:] for word in _words(_normalise(text or ""))
                     if len(word) >= MIN_WORD_LENGTH and word.isalpha() and word not in STOPWORDS)
    ordered = list(dict.fromkeys(title + [word for word, _count in counts.most_common()]))
    return ordered[:limit]


# --- scoring ---------------------------------------------------------------------------------------------------


def _region_covers(need: Need, codes: set[str], nationwide: bool) -> bool:
    """Available where the need is: nationwide, or a region that contains the need's (or lies in it)."""
    if nationwide:
        return True
    if need.region_id is None:
        return False
    return any(need.region_id.startswith(code) or code.startswith(need.region_id) for code in codes)


def _score(need: Need, need_codes: set[str], need_terms: dict[str, str], *, codes: set[str],
           region_codes: set[str], nationwide: bool, texts: Iterable[str], trl: int | None = None) -> Match | None:
    common_codes = sorted(need_codes & codes)
    need_divisions = {code[:2] for code in need_codes}
    common_divisions = sorted(need_divisions & {code[:2] for code in codes})
    words = common_words(need_terms, terms(*texts))
    if not common_divisions and len(words) < MIN_WORDS:
        return None
    in_region = _region_covers(need, region_codes, nationwide)
    score = 0.0
    reasons = []
    if common_codes:
        score += CPV_CODE_POINTS
        reasons.append(_("CPV %(codes)s in common") % {"codes": ", ".join(common_codes)})
    elif common_divisions:
        score += CPV_DIVISION_POINTS
        reasons.append(_("CPV division %(divisions)s in common") % {"divisions": ", ".join(common_divisions)})
    if in_region:
        score += REGION_POINTS
        if need.region_id is None or nationwide:
            reasons.append(_("available in all of Sweden"))
        else:
            reasons.append(_("available in %(region)s") % {"region": need.region.label})
    if trl:
        score += trl / 9
        reasons.append(_("TRL %(trl)s") % {"trl": trl})
    if words:
        score += WORD_POINTS * min(len(words), MAX_WORDS_COUNTED)
        reasons.append(_("words: %(words)s") % {"words": ", ".join(words[:SHOWN_WORDS])})
    return Match(score=round(score, 3), reasons=reasons, common_codes=common_codes,
                 common_divisions=common_divisions, words=words, in_region=in_region)


def _need_codes(need: Need) -> set[str]:
    return {code.code for code in need.cpv_codes.all()}


def _same_division(codes: set[str], field_name: str) -> Q:
    condition = Q(pk__in=[])
    for division in sorted({code[:2] for code in codes}):
        condition |= Q(**{f"{field_name}__code__startswith": division})
    return condition


def _searched_solution_ids(need: Need) -> set[int]:
    """The published solutions the Swedish search finds for the need's telling words (one query per word, so a
    word that is not in the catalogue does not stop the others)."""
    published = Solution.objects.published().values("pk")
    found: set[int] = set()
    for word in telling_words(need):
        query = SearchQuery(word)
        if query:
            found |= {hit.object_id for hit in query.hits(kinds=[SOLUTION], object_ids={SOLUTION: published})[
                :SEARCH_HITS]}
    return found


def solution_matches(need: Need, *, limit: int = LIMIT) -> list[SolutionMatch]:
    need_codes, need_terms = _need_codes(need), terms(*_need_texts(need))
    candidates = Q(pk__in=sorted(_searched_solution_ids(need)))
    if need_codes:
        candidates |= _same_division(need_codes, "cpv_codes")
    solutions = (Solution.objects.published().filter(candidates).distinct().select_related("supplier")
                 .prefetch_related("cpv_codes", "regions"))
    found = []
    for solution in solutions:
        match = _score(need, need_codes, need_terms, codes={code.code for code in solution.cpv_codes.all()},
                       region_codes={region.code for region in solution.regions.all()},
                       nationwide=solution.nationwide, texts=_solution_texts(solution), trl=solution.trl)
        if match is not None:
            found.append(SolutionMatch(**vars(match), solution=solution))
    found.sort(key=lambda item: (-item.score, item.solution.title, item.solution.pk))
    return found[:limit] if limit else found


def supplier_matches(solutions: list[SolutionMatch], *, limit: int = LIMIT) -> list[SupplierMatch]:
    """The suppliers of the matching solutions, ranked by their best one; an SME says so."""
    by_supplier: dict[int, SupplierMatch] = {}
    for item in solutions:
        supplier = item.solution.supplier
        entry = by_supplier.get(supplier.pk)
        if entry is None:
            entry = by_supplier[supplier.pk] = SupplierMatch(score=item.score, reasons=[], supplier=supplier)
        entry.solutions.append(item.solution)
        entry.score = max(entry.score, item.score)
    for entry in by_supplier.values():
        titles = ", ".join(solution.title for solution in entry.solutions)
        entry.reasons = [_("matching solutions: %(titles)s") % {"titles": titles}]
        if entry.supplier.is_sme:
            entry.reasons.append(_("small or medium-sized enterprise"))
    ranked = sorted(by_supplier.values(), key=lambda item: (-item.score, item.supplier.name, item.supplier.pk))
    return ranked[:limit] if limit else ranked


def similar_needs(actor, need: Need, *, limit: int = LIMIT) -> list[NeedMatch]:
    """Other agencies' needs the actor sees (public ones; every one for the purchasing body) with a CPV
    division in common, ranked by what they share."""
    need_codes, need_terms = _need_codes(need), terms(*_need_texts(need))
    if not need_codes:
        return []
    others = (Need.objects.visible_to(actor).exclude(agency_id=need.agency_id).filter(
        _same_division(need_codes, "cpv_codes")).distinct().select_related("agency", "region")
        .prefetch_related("cpv_codes"))
    found = []
    for other in others:
        region_codes = {other.region_id} if other.region_id else set()
        match = _score(need, need_codes, need_terms, codes={code.code for code in other.cpv_codes.all()},
                       region_codes=region_codes, nationwide=other.region_id is None, texts=_need_texts(other))
        if match is not None:
            found.append(NeedMatch(**vars(match), need=other))
    found.sort(key=lambda item: (-item.score, item.need.title, item.need.pk))
    return found[:limit] if limit else found


def matches_for(actor, need: Need, *, limit: int = LIMIT) -> Matches:
    solutions = solution_matches(need, limit=0)
    return Matches(solutions=solutions[:limit], suppliers=supplier_matches(solutions, limit=limit),
                   needs=similar_needs(actor, need, limit=limit))
