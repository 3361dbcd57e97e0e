"""Full-text search over any kind of object, made for Swedish: inflections and compound words.

Apps index their objects with `search_index` / `search_remove` and query with `search`. The text
is normalised here, in Python, the same way for both databases, and the database only matches
the normalised tokens and ranks:

- Words are NFKC-normalised and lower-cased; å, ä and ö stay letters of their own ("får" is not
  "far"). Each word is reduced to its Snowball stem (`snowballstemmer`, Swedish), so "avtalet",
  "avtalen" and "avtal" are all indexed and searched as "avtal".
- Compound words are split against a vocabulary: the words of every indexed Swedish text
  (`SearchWord`) plus a few common procurement words. "avfallshantering" is avfall + s +
  hantering; the index holds the stems of the whole word and of its parts, so "hantering" finds
  it. A compound in the query matches the whole word or all of its parts ("avfallshantering"
  finds "Hantering av avfall"), and a word in the query also matches the vocabulary's compounds
  that contain it, so an object indexed before its parts were known words is found all the same.
- SQLite indexes the terms in an FTS5 table (tokenizer "ascii", which keeps non-ASCII letters as
  they are) and ranks with bm25. PostgreSQL indexes them in a generated tsvector column with the
  `simple` configuration and ranks with ts_rank_cd. See migration 0003.

Why `simple` and not PostgreSQL's `swedish` configuration: `swedish` is the same Snowball
algorithm, but the copy built into PostgreSQL is older than the one we pin (PostgreSQL 15 leaves
"avtalet" and "avfallet" unstemmed, so "avtalet" would not find "avtal"), it drops stop words
("och", "för", "ingen") that SQLite keeps, and it would stem our stems and compound parts a
second time. Stemming once in Python and letting `simple` only split on spaces gives the same
tokens, hence the same hits, on both databases; the ranking functions differ, so scores do too.
"""

import functools
import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass, field
from typing import Any

import snowballstemmer
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models.functions import Length
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import SearchEntry, SearchWord

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
EXPANSION_LIMIT = 100  # compounds tried per query word
TITLE_WEIGHT = 5.0  # a title match counts as much as five body matches
SNIPPET_WORDS = 30
SNIPPET_BEFORE = 10  # words shown before the first match

# Dropped from queries (unless nothing else is left) so that "hantering av avfall" finds
# "avfallshantering"; never a compound part either.
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

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Hit:
    """One object that matched a search."""

    kind: str
    object_id: int
    score: float  # higher = more relevant; only comparable within one result list
    snippet: str  # HTML-safe: the text is escaped, matches are wrapped in <mark>


@dataclass(frozen=True)
class _Alternative:
    """One way a query word can match: all of `terms` present (a prefix when `prefix`)."""

    terms: tuple[str, ...]
    prefix: bool = False


_QueryWord = tuple[_Alternative, ...]  # the word matches when any alternative does

# --- Words, stems and compounds -------------------------------------------------------------------

_local = threading.local()


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # A Snowball stemmer keeps state while it works, so each thread has its own.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("swedish")
    return stemmer.stemWord(word)


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
    # A last part may be inflected ("…hanteringen"), so it is also looked up by its stem.
    stems = {_stem(word[i:]) for i in range(MIN_PART, size - MIN_PART + 1)}
    return frozenset(pieces | {stem for stem in stems if len(stem) >= MIN_PART})


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
            if rest not in NOT_PARTS and (rest in known or _stem(rest) in known):
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
    """The text the database indexes: each word's stem, then the stems of its compound parts."""
    if not swedish:
        return " ".join(words)
    expanded: dict[str, list[str]] = {}
    for word in words:
        if word not in expanded:
            expanded[word] = [_stem(word)] + [_stem(part) for part in _all_parts(word, known)]
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


def _fts_store(entry: SearchEntry) -> None:
    # Delete first: the table may hold a row left behind by a flush that only knew the model table.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [entry.pk])
        cursor.execute(
            f"INSERT INTO {FTS_TABLE}(rowid, title_terms, body_terms) VALUES (%s, %s, %s)",
            [entry.pk, entry.title_terms, entry.body_terms],
        )


def _fts_delete(pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [pk])


# --- Indexing -------------------------------------------------------------------------------------


def search_index(*, kind: str, object_id: int, title: str, body: str, language: str = "sv") -> None:
    """Create or replace the index entry of one object (idempotent).

    Text in another language than Swedish ("sv") is indexed word by word without stemming or
    splitting, so its exact words are still found.
    """
    if not kind or len(kind) > SearchEntry._meta.get_field("kind").max_length:
        raise ValueError(f"A search kind is a short non-empty name, not {kind!r}.")
    title, body = title[:MAX_INDEXED_CHARS], body[:MAX_INDEXED_CHARS]
    title_words, body_words = _words(title), _words(body)
    swedish = language == "sv"
    vendor = _vendor()
    with transaction.atomic():
        known: Set[str] = frozenset()
        if swedish:
            # The object's own words count: "avfall" and "avfallshantering" in one text split at once.
            _vocabulary_add(title_words + body_words)
            known = _known_forms({*title_words, *body_words})
        entry, _created = SearchEntry.objects.update_or_create(
            kind=kind,
            object_id=object_id,
            defaults={
                "language": language,
                "title": title,
                "body": body,
                "title_terms": _terms(title_words, known, swedish=swedish),
                "body_terms": _terms(body_words, known, swedish=swedish),
            },
        )
        if vendor == "sqlite":
            _fts_store(entry)


def search_remove(*, kind: str, object_id: int) -> None:
    """Remove one object from the index; nothing happens when it is not there."""
    vendor = _vendor()
    with transaction.atomic():
        pks = list(SearchEntry.objects.filter(kind=kind, object_id=object_id).values_list("pk", flat=True))
        SearchEntry.objects.filter(pk__in=pks).delete()
        if vendor == "sqlite":
            for pk in pks:
                _fts_delete(pk)


def search_rebuild() -> int:
    """Index every entry again from its stored title and body; returns how many there are.

    Run it after upgrading snowballstemmer (stems can change between versions), after loading
    entries with loaddata (which does not fill the FTS table), or to split compounds that were
    indexed before their parts were known words.
    """
    vendor = _vendor()
    pks = list(SearchEntry.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        if vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")
        for start in range(0, len(pks), 500):
            for entry in SearchEntry.objects.filter(pk__in=pks[start : start + 500]).order_by("pk"):
                search_index(
                    kind=entry.kind,
                    object_id=entry.object_id,
                    title=entry.title,
                    body=entry.body,
                    language=entry.language,
                )
    return len(pks)


# --- Queries --------------------------------------------------------------------------------------


def _query_words(query: str) -> list[str]:
    words = list(dict.fromkeys(_words(query[:MAX_QUERY_CHARS])))
    content = [word for word in words if word not in STOPWORDS]
    return (content or words)[:MAX_QUERY_WORDS]


def _compounds_with_part(stem: str) -> list[str]:
    """Vocabulary words that have `stem` as a part: "matavfall" and "avfallshantering" for "avfall".

    The index holds a compound's parts only if they were known words when it was indexed; asking
    the vocabulary at query time finds the compound whichever order objects were indexed in.
    """
    if len(stem) < MIN_PART or not stem.isalpha():
        return []
    candidates = list(
        SearchWord.objects.filter(word__contains=stem)
        .exclude(stem=stem)
        .order_by(Length("word"), "word")
        .values_list("word", flat=True)[:EXPANSION_LIMIT]
    )
    if not candidates:
        return []
    known = _known_forms(candidates) | {stem}
    return [word for word in candidates if any(_stem(part) == stem for part in _all_parts(word, known))]


def _alternatives(word: str, known: Set[str], *, last: bool) -> _QueryWord:
    stem = _stem(word)
    found = [_Alternative((stem,))]
    # The word as typed matches text indexed without stemming (another language than Swedish).
    found.append(_Alternative((word,), prefix=last and len(word) >= MIN_PREFIX))
    leaves = _leaf_parts(word, known)
    if len(leaves) > 1:
        found.append(_Alternative(tuple(dict.fromkeys(_stem(leaf) for leaf in leaves))))
    found += [_Alternative((_stem(compound),)) for compound in _compounds_with_part(stem)]
    return tuple(dict.fromkeys(found))


def _plan(query: str) -> list[_QueryWord]:
    """The query as a conjunction of words, each a disjunction of ways to match; [] when blank."""
    words = _query_words(query)
    if not words:
        return []
    known = _known_forms(words)
    return [_alternatives(word, known, last=i == len(words) - 1) for i, word in enumerate(words)]


def _checked(term: str) -> str:
    # Terms come from the tokenizer, so they are letters and digits; the check keeps it that way
    # for anyone who changes the tokenizer, since the terms are written into query syntax.
    if not term.isalnum():
        raise ValueError(f"not a search term: {term!r}")
    return term


def _fts5_query(plan: list[_QueryWord]) -> str:
    def alternative(alt: _Alternative) -> str:
        return "(" + " AND ".join(f'"{_checked(t)}"' + ("*" if alt.prefix else "") for t in alt.terms) + ")"

    return " AND ".join("(" + " OR ".join(alternative(alt) for alt in word) + ")" for word in plan)


def _tsquery(plan: list[_QueryWord]) -> str:
    def alternative(alt: _Alternative) -> str:
        return "(" + " & ".join(f"'{_checked(t)}'" + (":*" if alt.prefix else "") for t in alt.terms) + ")"

    return " & ".join("(" + " | ".join(alternative(alt) for alt in word) + ")" for word in plan)


def _scope(
    kinds: Iterable[str] | None, object_ids: dict[str, Iterable[int]] | None, vendor: str
) -> tuple[str, list[Any]] | None:
    """SQL conditions that keep hits within `kinds` and `object_ids`; None when nothing is allowed."""
    if isinstance(kinds, str):
        raise TypeError("kinds is a list of kinds, not one kind")  # set("solution") would be letters
    sql, params = "", []
    wanted = None if kinds is None else sorted(set(kinds))
    if wanted is not None:
        if not wanted:
            return None
        sql += f" AND e.kind IN ({', '.join(['%s'] * len(wanted))})"
        params += wanted
    if object_ids is not None:
        allowed = [(kind, sorted({int(pk) for pk in ids})) for kind, ids in sorted(object_ids.items())]
        allowed = [(kind, ids) for kind, ids in allowed if ids and (wanted is None or kind in wanted)]
        if not allowed:
            return None
        sql += " AND (" + " OR ".join(f"(e.kind = %s AND {_in_list('e.object_id', vendor)})" for _ in allowed) + ")"
        for kind, ids in allowed:
            params += [kind, _list_param(ids, vendor)]
    return sql, params


def _fetch(plan: list[_QueryWord], scope: tuple[str, list[Any]], limit: int | None, vendor: str) -> list[tuple]:
    """(kind, object_id, title, body, score) of the matching entries, best first."""
    scope_sql, scope_params = scope
    # (kind, object_id) only makes the order of equal scores repeatable; it carries no meaning.
    order = " ORDER BY score DESC, e.kind, e.object_id" + (" LIMIT %s" if limit is not None else "")
    if vendor == "sqlite":
        sql = (
            f"SELECT e.kind, e.object_id, e.title, e.body, -bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0) AS score"
            f" FROM {FTS_TABLE} JOIN {ENTRY_TABLE} e ON e.id = {FTS_TABLE}.rowid"
            f" WHERE {FTS_TABLE} MATCH %s{scope_sql}{order}"
        )
        params = [_fts5_query(plan), *scope_params]
    else:
        # Weights are {D, C, B, A}: the body is B, the title A. Normalisation 1 divides by the log
        # of the length, as bm25 favours short texts too.
        sql = (
            f"SELECT e.kind, e.object_id, e.title, e.body,"
            f" ts_rank_cd('{{0.1, 0.1, {1 / TITLE_WEIGHT}, 1.0}}', e.search_vector, q.query, 1) AS score"
            f" FROM {ENTRY_TABLE} e CROSS JOIN to_tsquery('simple', %s) AS q(query)"
            f" WHERE e.search_vector @@ q.query{scope_sql}{order}"
        )
        params = [_tsquery(plan), *scope_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params + ([limit] if limit is not None else []))
        return cursor.fetchall()


# --- Snippets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Matcher:
    """Tells which words of an object's text the query matched, to mark them in the snippet."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]
    inside: re.Pattern | None  # terms found inside a compound ("avfall" in "matavfallet")
    # Answers so far: the same words come back in hit after hit.
    seen: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, plan: list[_QueryWord]) -> "_Matcher":
        alternatives = [alt for word in plan for alt in word]
        exact = frozenset(t for alt in alternatives if not alt.prefix for t in alt.terms)
        prefixes = tuple(t for alt in alternatives if alt.prefix for t in alt.terms)
        long_terms = sorted({t for t in exact | set(prefixes) if len(t) >= 4}, key=len, reverse=True)
        inside = re.compile("|".join(map(re.escape, long_terms))) if long_terms else None
        return cls(exact, prefixes, inside)

    def __call__(self, word: str) -> bool:
        if word not in self.seen:
            self.seen[word] = self._matches(word)
        return self.seen[word]

    def _matches(self, word: str) -> bool:
        for form in _words(word):
            if form in self.exact or _stem(form) in self.exact or form.startswith(self.prefixes):
                return True
            if self.inside is not None and self.inside.search(form):
                return True
        return False


def _display(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text[:MAX_INDEXED_CHARS].split()))


def _excerpt(text: str, matcher: _Matcher, *, anywhere: bool = False) -> str | None:
    """SNIPPET_WORDS words of `text` around its first match (its start when `anywhere`)."""
    spans: list[re.Match] = []
    first = 0 if anywhere else None
    for match in _WORD.finditer(text):
        spans.append(match)
        if first is None and matcher(match.group()):
            first = len(spans) - 1
        # One word more than the window shows, to know whether the text goes on.
        if first is not None and len(spans) > max(first - SNIPPET_BEFORE, 0) + SNIPPET_WORDS:
            break
    if first is None or not spans:
        return None
    start = max(first - SNIPPET_BEFORE, 0)
    window = spans[start : start + SNIPPET_WORDS]
    return _render(text, window, matcher, cut_before=start > 0, cut_after=len(spans) > start + SNIPPET_WORDS)


def _render(text: str, window: list[re.Match], matcher: _Matcher, *, cut_before: bool, cut_after: bool) -> SafeString:
    pieces = ["… " if cut_before else escape(text[: window[0].start()])]
    position = window[0].start()
    for match in window:
        pieces.append(escape(text[position : match.start()]))
        word = escape(match.group())
        pieces.append(f"<mark>{word}</mark>" if matcher(match.group()) else word)
        position = match.end()
    pieces.append(" …" if cut_after else escape(text[position:]))
    return mark_safe("".join(pieces))


def _snippet(title: str, body: str, matcher: _Matcher) -> str:
    """The body around its first match, else the title around its; else the start of the text.

    The body comes first because a result list shows the title anyway.
    """
    for text in (_display(body), _display(title)):
        excerpt = _excerpt(text, matcher)
        if excerpt is not None:
            return excerpt
    return _excerpt(_display(body) or _display(title), matcher, anywhere=True) or ""


# --- Search ---------------------------------------------------------------------------------------


def search(
    query: str,
    *,
    kinds: Iterable[str] | None = None,
    object_ids: dict[str, Iterable[int]] | None = None,
    limit: int | None = None,
) -> list[Hit]:
    """Hits ordered by relevance. An empty/blank query returns [].

    Every word of the query must match, through its stem, its compound parts or a compound that
    contains it; the last word also matches as a prefix, for search as you type. Title matches
    weigh more than body matches.

    `kinds` keeps hits of those kinds. `object_ids` (kind → ids) keeps hits within a set the caller
    has filtered already (facets, visibility): only the listed ids of the listed kinds, so a kind
    missing from it has no hits. Both given: hits must pass both.

    `score` is comparable within one call only (bm25 on SQLite, ts_rank_cd on PostgreSQL). Equal
    scores come in (kind, object_id) order only to be repeatable: a caller that must treat tied
    objects fairly (rotating suppliers, say) orders ties itself, and when it pages with `limit`
    asks for enough hits that a tie is not cut in that arbitrary order.
    """
    if limit is not None and limit <= 0:
        return []
    vendor = _vendor()
    scope = _scope(kinds, object_ids, vendor)
    if scope is None:
        return []
    plan = _plan(query)
    if not plan:
        return []
    matcher = _Matcher.of(plan)
    rows = _fetch(plan, scope, None if limit is None else int(limit), vendor)
    return [
        Hit(kind=kind, object_id=object_id, score=float(score), snippet=_snippet(title, body, matcher))
        for kind, object_id, title, body, score in rows
    ]
