"""Words, stems, lemmas and compound words: the terms Swedish text is indexed and searched by,
made in Python the same way for both databases; and the little SQL both databases share."""

import functools
import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from typing import Any

import simplemma
import snowballstemmer
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from ..models import SearchEntry, SearchWord

TERMS_VERSION = 2  # 1: stems and compound parts; 2: lemmas, -ering nouns, extra text
FTS_TABLE = "core_searchentry_fts"
ENTRY_TABLE = SearchEntry._meta.db_table
WORD_TABLE = SearchWord._meta.db_table

MIN_PART = 3  # shorter pieces ("av", "el") split too many words by accident
MAX_PARTS = 4
LINKERS = ("s",)  # the linking morpheme in avfall-s-hantering; "e"/"a"/"u" are rare enough to leave out
MAX_WORD = 60  # longer "words" are hashes, URLs or base64 and only bloat the index
MAX_INDEXED_CHARS = 200_000  # keeps a tsvector far below PostgreSQL's 1 MB limit
MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 12
MIN_PREFIX = 2
MIN_BEGINNING = 4  # the shortest beginning of a word a loosened query looks for
EXPANSION_LIMIT = 100  # compounds tried per query word
TITLE_WEIGHT = 5.0  # a title match counts as much as five body matches
EXTRA_WEIGHT = 0.25  # a match in the extra text (CPV labels) counts a quarter of a body match
TIE_MODULUS = 2147483647  # the prime that `ties` permutes object ids modulo
# Each entry is also indexed by a term for its kind ("§solution"), which no query word can be (§ is not
# a letter), so a search for one kind intersects inside the full-text index instead of looking up
# every match of every kind.
KIND_MARK = "§"
INDEX_BATCH = 200  # documents indexed per round of vocabulary queries
SNIPPET_WORDS = 30
SNIPPET_BEFORE = 10  # words shown before the first match

# Dropped from queries (unless nothing else is left) so that "hantering av avfall" finds
# "avfallshantering"; never a compound part either, nor lemmatised ("är" is not "vara").
STOPWORDS = frozenset(
    "och att det som en ett på är av för med till den de om från vid mot eller men så i ej inte "
    "samt även också har ska kan".split()
)
# Particles that begin lexicalised words rather than true compounds: "upphandling" is not a kind
# of "handling", nor "företag" a kind of "tag", nor "underhåll" of "håll".
NOT_PARTS = STOPWORDS | frozenset(
    "upp över under fram bort ner ned igen efter före utan inom mellan genom bakom".split()
)
# Parts the corpus may not have yet. Kept short: every entry is a possible false split.
BASE_VOCABULARY = frozenset(
    """avfall hantering avtal ram tjänst system drift stöd kommun region skola vård omsorg hem fordon
    energi bygg byggnad fastighet lokal städning transport leverans leverantör konsult licens program
    plattform lösning data information säkerhet kontor material utrustning möbel mat livsmedel måltid
    skötsel reparation service vatten värme belysning gata väg snö röjning trafik sjukvård hälsa miljö
    papper tryck telefoni nät nätverk utbildning personal ekonomi arkiv dokument ärende plan period
    avgift pris kostnad kvalitet krav mål tid anbud kontrakt beställning faktura""".split()
)
DERIVED_NOUN = "ering"  # renovering ← renovera, hantering ← hantera: the stem minus "ing" is the verb's
MIN_DERIVED = 8

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _Alternative:
    """One way a query word can match: every group has one of its terms in the text.

    With `prefix`, the one term of the one group matches as a prefix; with `own_words`, only in the
    title and body.
    """

    groups: tuple[tuple[str, ...], ...]
    prefix: bool = False
    own_words: bool = False

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(term for group in self.groups for term in group)


_QueryWord = tuple[_Alternative, ...]  # the word matches when any alternative does

# --- Words, stems, lemmas and compounds -----------------------------------------------------------

_local = threading.local()


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # A Snowball stemmer keeps state while it works, so each thread has its own.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("swedish")
    return stemmer.stemWord(word)


@functools.lru_cache(maxsize=65536)
def _lemma(word: str) -> str:
    """The dictionary form: "elcyklar" → elcykel, "sensorn" → sensor; the word itself when unknown.

    The first call loads simplemma's Swedish data (about 1.5 s and 110 MB per process).
    """
    lemma = _normalise(simplemma.lemmatize(word, lang="sv"))
    return lemma if lemma.isalpha() else word


@functools.lru_cache(maxsize=65536)
def _forms(word: str) -> tuple[str, ...]:
    """The terms a word is indexed and searched by: its stem, its lemma's stem, a -ering noun's verb."""
    forms = [_stem(word)]
    # Not for letters and abbreviations ("d" is not "det"), so equal texts stay the same length.
    if word.isalpha() and len(word) >= MIN_PART and word not in STOPWORDS:
        forms.append(_stem(_lemma(word)))
    forms += [form[:-3] for form in forms if form.endswith(DERIVED_NOUN) and len(form) >= MIN_DERIVED]
    return tuple(dict.fromkeys(forms))


def _normalise(text: str) -> str:
    # NFKC turns "m²" into "m2" and ligatures into letters, and composes a + ring into å.
    return unicodedata.normalize("NFKC", text).lower()


def _words(text: str) -> list[str]:
    return [word for word in _WORD.findall(_normalise(text)) if len(word) <= MAX_WORD]


def _splittable(word: str) -> bool:
    return word.isalpha() and len(word) >= 2 * MIN_PART


@functools.lru_cache(maxsize=16384)
def _split_candidates(word: str) -> frozenset[str]:
    """Every piece of `word` that `_split` may look up, so the vocabulary is read in one query."""
    if not _splittable(word):
        return frozenset()
    size = len(word)
    pieces = {word[i:j] for i in range(size) for j in range(i + MIN_PART, size + 1) if j - i < size}
    # A last part may be inflected ("…hanteringen", "…möbler"): it is also looked up by its forms.
    tails = {form for i in range(MIN_PART, size - MIN_PART + 1) for form in _tail_forms(word[i:])}
    return frozenset(pieces | {form for form in tails if len(form) >= MIN_PART})


def _tail_forms(tail: str) -> tuple[str, ...]:
    return (*_forms(tail), _lemma(tail))


BASE_FORMS = frozenset(BASE_VOCABULARY | {_stem(word) for word in BASE_VOCABULARY}) - NOT_PARTS


def _known_forms(words: Iterable[str]) -> set[str]:
    """The pieces of `words` that are vocabulary words or stems, and the built-in words."""
    wanted = list(set().union(*map(_split_candidates, words)))
    if not wanted:
        return set(BASE_FORMS)
    vendor = _vendor()
    sql = f"SELECT word, stem FROM {WORD_TABLE} WHERE {_in_list('word', vendor)} OR {_in_list('stem', vendor)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [_list_param(wanted, vendor)] * 2)
        rows = cursor.fetchall()
    return ({form for row in rows for form in row} - NOT_PARTS) | BASE_FORMS


def _after_linker(tail: str) -> Iterator[str]:
    if len(tail) >= MIN_PART:
        yield tail
    if tail[:1] in LINKERS and len(tail) > MIN_PART:
        yield tail[1:]


def _split(word: str, known: Set[str], depth: int = 1) -> list[str] | None:
    """The parts of a compound word, or None when it is not one.

    All parts but the last must be known as they stand (a compound's first parts are not inflected:
    "avfall", or a stem such as "skol" from "skola"); the last may be inflected. The longest known
    first part wins, so "avfallshanteringsplan" is avfallshantering + plan; `_all_parts` and
    `_leaf_parts` split the parts again.
    """
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head = word[:cut]
        if head not in known:
            continue
        for rest in _after_linker(word[cut:]):
            if rest not in NOT_PARTS and (rest in known or any(form in known for form in _tail_forms(rest))):
                return [head, rest]
            deeper = _split(rest, known, depth + 1) if depth + 1 < MAX_PARTS else None
            if deeper:
                return [head, *deeper]
    return None


def _all_parts(word: str, known: Set[str]) -> list[str]:
    """The parts of a compound at every level: avfallshantering, avfall, hantering and plan."""
    parts = _split(word, known) if _splittable(word) else None
    found: list[str] = []
    for part in parts or []:
        found += [part, *_all_parts(part, known)]
    return found


def _leaf_parts(word: str, known: Set[str]) -> list[str]:
    """The smallest parts of a compound (avfall, hantering, plan); [word] when it is not one."""
    parts = _split(word, known) if _splittable(word) else None
    if not parts:
        return [word]
    return [leaf for part in parts for leaf in _leaf_parts(part, known)]


def _vocabulary_add(words: Iterable[str]) -> None:
    wanted = sorted({w for w in words if w.isalpha() and MIN_PART <= len(w) <= MAX_WORD and w not in NOT_PARTS})
    if not wanted:
        return
    # Most words of a text are known already; reading them is cheaper than inserting them again.
    vendor = _vendor()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word FROM {WORD_TABLE} WHERE {_in_list('word', vendor)}", [_list_param(wanted, vendor)])
        known = {word for (word,) in cursor.fetchall()}
    # Sorted, so two indexers that insert overlapping words lock them in the same order; a word
    # another indexer inserted meanwhile is ignored.
    rows = [SearchWord(word=word, stem=_stem(word)) for word in wanted if word not in known]
    SearchWord.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


def _terms(words: list[str], known: Set[str], *, swedish: bool) -> str:
    """The text the database indexes: each word's forms, then the forms of its compound parts."""
    if not swedish:
        return " ".join(words)
    expanded: dict[str, list[str]] = {}
    for word in words:
        if word not in expanded:
            parts = [word, *_all_parts(word, known)]
            expanded[word] = list(dict.fromkeys(form for part in parts for form in _forms(part)))
    return " ".join(term for word in words for term in expanded[word])


# --- The two databases ----------------------------------------------------------------------------


def _vendor() -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise ImproperlyConfigured(f"Search runs on SQLite and PostgreSQL, not on {connection.vendor}.")
    return connection.vendor


def _in_list(column: str, vendor: str) -> str:
    # One parameter however long the list: SQLite caps the number of bound variables.
    if vendor == "sqlite":
        return f"{column} IN (SELECT value FROM json_each(%s))"
    return f"{column} = ANY(%s)"


def _list_param(values: list[Any], vendor: str) -> Any:
    return json.dumps(values) if vendor == "sqlite" else values
