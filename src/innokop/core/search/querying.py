"""Queries: a plan of terms, matched and ranked in the database, counted and paged lazily."""

import functools
from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from ..models import SearchFacets
from .indexing import _checked_kind, _facet_keys
from .snippets import _Matcher, _snippet
from .words import (
    ENTRY_TABLE,
    EXPANSION_LIMIT,
    EXTRA_WEIGHT,
    FTS_TABLE,
    KIND_MARK,
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    MIN_BEGINNING,
    MIN_PART,
    MIN_PREFIX,
    STOPWORDS,
    TIE_MODULUS,
    TITLE_WEIGHT,
    WORD_TABLE,
    _all_parts,
    _Alternative,
    _forms,
    _in_list,
    _known_forms,
    _leaf_parts,
    _list_param,
    _QueryWord,
    _stem,
    _vendor,
    _words,
)


@dataclass(frozen=True)
class Hit:
    """One object that matched a search."""

    kind: str
    object_id: int
    score: float  # higher = more relevant; only comparable within one result list
    snippet: str = ""  # HTML-safe: the text is escaped, matches are wrapped in <mark>


# --- Queries --------------------------------------------------------------------------------------


def _query_words(query: str) -> list[str]:
    words = list(dict.fromkeys(_words(query[:MAX_QUERY_CHARS])))
    content = [word for word in words if word not in STOPWORDS]
    return (content or words)[:MAX_QUERY_WORDS]


def _expandable(forms: Iterable[str]) -> list[str]:
    return [form for form in dict.fromkeys(forms) if len(form) >= MIN_PART and form.isalpha()]


def _compound_candidates(words: list[str]) -> dict[str, list[str]]:
    """For each query word, vocabulary words that contain one of its forms, shortest first (one query)."""
    vendor = _vendor()
    selects, params = [], []
    for word in words:
        forms = _expandable(_forms(word))
        if not forms:
            continue
        contains = " OR ".join(["word LIKE %s"] * len(forms))
        selects.append(
            f"SELECT * FROM (SELECT CAST(%s AS text) AS query_word, word FROM {WORD_TABLE} WHERE ({contains})"
            f" AND NOT {_in_list('stem', vendor)} ORDER BY length(word), word LIMIT {EXPANSION_LIMIT}) AS w"
        )
        params += [word, *(f"%{form}%" for form in forms), _list_param(forms, vendor)]
    found: dict[str, list[str]] = {word: [] for word in words}
    if selects:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            for query_word, word in cursor.fetchall():
                found[query_word].append(word)
    return found


def _compounds_with_part(word: str, candidates: list[str], known: Set[str]) -> list[str]:
    """The candidates that have `word` as a part: "matavfall" and "avfallshantering" for "avfall".

    The index holds a compound's parts only if they were known words when it was indexed; asking
    the vocabulary at query time finds the compound whichever order objects were indexed in.
    """
    forms = set(_forms(word))
    known = known | forms
    return [c for c in candidates if any(not forms.isdisjoint(_forms(part)) for part in _all_parts(c, known))]


def _known_beginnings(words: list[str]) -> dict[str, list[str]]:
    """For each long word, its beginnings (MIN_BEGINNING letters or more, the longest first) that begin
    a vocabulary word other than itself (one query)."""
    tried = [(word, word[:size]) for word in words if word.isalpha()
             for size in range(len(word) - 1, MIN_BEGINNING - 1, -1)]
    if not tried:
        return {}
    sql = " UNION ALL ".join(
        [f"SELECT CAST(%s AS text), CAST(%s AS text) WHERE EXISTS (SELECT 1 FROM {WORD_TABLE} WHERE word LIKE %s)"]
        * len(tried))
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for word, start in tried for value in (word, start, start + "%")])
        found = cursor.fetchall()
    beginnings: dict[str, list[str]] = {}
    for word, start in found:
        beginnings.setdefault(word, []).append(start)
    return {word: sorted(starts, key=len, reverse=True) for word, starts in beginnings.items()}


def _alternatives(word: str, known: Set[str], candidates: list[str], *, last: bool) -> _QueryWord:
    found = [_Alternative((_forms(word),))]
    # The word as typed matches text indexed without stemming (another language than Swedish).
    found.append(_Alternative(((word,),), prefix=last and len(word) >= MIN_PREFIX))
    leaves = _leaf_parts(word, known)
    if len(leaves) > 1:
        found.append(_Alternative(tuple(dict.fromkeys(_forms(leaf) for leaf in leaves))))
    compounds = _compounds_with_part(word, candidates, known)
    if compounds:
        found.append(_Alternative((tuple(dict.fromkeys(_stem(compound) for compound in compounds)),)))
    return tuple(dict.fromkeys(found))


def _plan(query: str) -> list[_QueryWord]:
    """The query as a conjunction of words, each a disjunction of ways to match; [] when blank."""
    words = _query_words(query)
    if not words:
        return []
    candidates = _compound_candidates(words)
    known = _known_forms([*words, *(c for found in candidates.values() for c in found)])
    return [
        _alternatives(word, known, candidates[word], last=i == len(words) - 1) for i, word in enumerate(words)
    ]


def _checked(term: str) -> str:
    # Terms come from the tokenizer, so they are letters and digits; the check keeps it that way
    # for anyone who changes the tokenizer, since the terms are written into query syntax.
    if not term.isalnum():
        raise ValueError(f"not a search term: {term!r}")
    return term


def _fts5_query(plan: list[_QueryWord]) -> str:
    def alternative(alt: _Alternative) -> str:
        groups = ("(" + " OR ".join(f'"{_checked(t)}"' + ("*" if alt.prefix else "") for t in group) + ")"
                  for group in alt.groups)
        columns = "{title_terms body_terms} : " if alt.own_words else ""
        return f"({columns}(" + " AND ".join(groups) + "))"

    return " AND ".join("(" + " OR ".join(alternative(alt) for alt in word) + ")" for word in plan)


def _tsquery(plan: list[_QueryWord]) -> str:
    def alternative(alt: _Alternative) -> str:
        label = (":*" if alt.prefix else "") + ("AB" if alt.own_words else "")
        if label and not alt.prefix:
            label = ":" + label
        groups = ("(" + " | ".join(f"'{_checked(t)}'{label}" for t in group) + ")" for group in alt.groups)
        return "(" + " & ".join(groups) + ")"

    return " & ".join("(" + " | ".join(alternative(alt) for alt in word) + ")" for word in plan)


ObjectIds = Iterable[int] | QuerySet
COVER_INDEX = "search_entry_cover"  # (id, kind, object_id) on the entries, see SearchEntry.Meta
FACET_TABLE = SearchFacets._meta.db_table
FacetGroups = list[tuple[frozenset[str], int]]
MATCHES = "search_matches"  # the common table expression that holds a query's matches


def _facet_groups(sql: str, params: list) -> FacetGroups:
    """(facet values, how many) per distinct set of facet values of the entries `sql` selects (column id)."""
    grouped = (f"SELECT COALESCE(f.keys, ''), count(*) FROM ({sql}) AS m LEFT JOIN {FACET_TABLE} f"
               f" ON f.entry_id = m.id GROUP BY COALESCE(f.keys, '')")
    with connection.cursor() as cursor:
        cursor.execute(grouped, params)
        return [(_facet_values(keys), int(n)) for keys, n in cursor.fetchall()]


@functools.lru_cache(maxsize=50_000)
def _facet_values(keys: str) -> frozenset[str]:
    return frozenset(keys.split())


def search_facet_groups(kind: str) -> FacetGroups:
    """`SearchHits.facet_groups` for every indexed object of one kind: the facets of a list without a query."""
    return _facet_groups(f"SELECT e.id FROM {ENTRY_TABLE} e WHERE e.kind = %s", [_checked_kind(kind)])


def _subquery(ids: QuerySet) -> tuple[str, tuple]:
    """The SQL of a QuerySet of ids (or of objects, then their primary keys), to nest in a query."""
    selected = ids.query.values_select
    if not selected:
        ids = ids.values_list("pk", flat=True)
    elif len(selected) != 1:
        raise ValueError("object_ids must select one column, the object ids")
    return ids.order_by().query.sql_with_params()


@dataclass(frozen=True)
class _Scope:
    sql: str  # conditions on the entry e, each starting with " AND"
    params: list[Any]
    kinds: list[str] | None  # None: every kind
    facets: bool = False  # whether the conditions read the entry's facet values, ff (joined)
    facet_filter: tuple[str, list] = ("", [])  # those conditions alone, the last part of sql and params

    def without_facets(self) -> "_Scope":
        sql, params = self.facet_filter
        return _Scope(self.sql[: len(self.sql) - len(sql)], self.params[: len(self.params) - len(params)], self.kinds)


def _facet_condition(facets: Iterable[Iterable[str]], vendor: str) -> tuple[str, list[str]]:
    """Conditions on the entry's facet values (alias ff): in each group, one of its values (exactly, as
    stored: a value is a word of the space-separated keys)."""
    sql, params = "", []
    position = "instr" if vendor == "sqlite" else "strpos"
    for group in facets:
        if isinstance(group, str):
            raise TypeError("facets is a list of groups of values, not one value")
        values = sorted(set(group))
        if not values:
            continue
        _facet_keys(values)  # the same rules as for indexing
        sql += " AND (" + " OR ".join([f"{position}(' ' || ff.keys || ' ', %s) > 0"] * len(values)) + ")"
        params += [f" {value} " for value in values]
    return sql, params


def _scope(kinds: Iterable[str] | None, object_ids: dict[str, ObjectIds] | None, vendor: str,
           facets: Iterable[Iterable[str]] | None = None) -> _Scope | None:
    """SQL conditions that keep hits within `kinds`, `object_ids` and `facets`; None when nothing is allowed."""
    if isinstance(kinds, str):
        raise TypeError("kinds is a list of kinds, not one kind")  # set("solution") would be letters
    sql, params = "", []
    # On SQLite the entry is reached through the narrow index from the full-text match (see _matching);
    # the unary + keeps SQLite from probing that index once per listed id and match instead.
    kind_column, id_column = ("+e.kind", "+e.object_id") if vendor == "sqlite" else ("e.kind", "e.object_id")
    wanted = None if kinds is None else sorted(set(kinds))
    if object_ids is not None and wanted is None:
        wanted = sorted(object_ids)  # a kind missing from object_ids has no hits
    if wanted is not None:
        wanted = [_checked_kind(kind) for kind in wanted]
        if not wanted:
            return None
        sql += f" AND {kind_column} IN ({', '.join(['%s'] * len(wanted))})"
        params += wanted
    if object_ids is not None:
        allowed, allowed_params = [], []
        for kind, ids in sorted(object_ids.items()):
            if wanted is not None and kind not in wanted:
                continue
            if isinstance(ids, QuerySet):
                sub_sql, sub_params = _subquery(ids)
                allowed.append(f"({kind_column} = %s AND {id_column} IN ({sub_sql}))")
                allowed_params += [kind, *sub_params]
                continue
            listed = sorted({int(pk) for pk in ids})
            if listed:
                allowed.append(f"({kind_column} = %s AND {_in_list(id_column, vendor)})")
                allowed_params += [kind, _list_param(listed, vendor)]
        if not allowed:
            return None
        sql += " AND (" + " OR ".join(allowed) + ")"
        params += allowed_params
    facet_sql, facet_params = _facet_condition(facets or [], vendor)
    # A join, not EXISTS: SQLite runs a correlated subquery once per match at several times the cost.
    return _Scope(sql + facet_sql, params + facet_params, wanted, facets=bool(facet_sql),
                  facet_filter=(facet_sql, facet_params))


def _matching(plan: list[_QueryWord], scope: _Scope, vendor: str, columns: str, *, scored: bool = False,
              passes: tuple[str, list] | None = None) -> tuple[str, list]:
    """SELECT `columns` (over the alias e; with `scored` also the score) of the entries the plan matches.
    `passes`: a condition on their facet values (alias ff, see _facet_condition), as a column `passes`."""
    if passes is not None:
        facet_sql, facet_params = passes
        columns = f"{columns}, (1 = 1{facet_sql}) AS passes"
        if scope.facets:
            raise ValueError("passes reads the facet values itself: the scope must not filter by them")
        joined = _matching(plan, replace(scope, facets=True), vendor, columns, scored=scored)
        # The facet values joined, but kept optional: an entry without them does not pass, and still counts.
        sql = joined[0].replace(f" CROSS JOIN {FACET_TABLE} ff ON", f" LEFT JOIN {FACET_TABLE} ff ON", 1)
        sql = sql.replace(f" JOIN {FACET_TABLE} ff ON", f" LEFT JOIN {FACET_TABLE} ff ON", 1) if vendor != "sqlite" else sql
        return sql, [*facet_params, *joined[1]]
    kinds = [f"{KIND_MARK}{kind}" for kind in scope.kinds or []]
    if vendor == "sqlite":
        score = f", -bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0, {EXTRA_WEIGHT}, 0.0) AS score" if scored else ""
        match = _fts5_query(plan)
        if kinds:
            match = "{kind_term} : (" + " OR ".join(f'"{kind}"' for kind in kinds) + f") AND ({match})"
        # CROSS JOIN makes SQLite match first and look the entries up after: left to itself, it may
        # scan the entries (or the caller's subquery) and run the full-text match once per row.
        # INDEXED BY: the narrow index answers e.kind and e.object_id, where the entry's own row is wide
        # (its texts) and looking each match up there would cost more than the match itself.
        facets = f" CROSS JOIN {FACET_TABLE} ff ON ff.entry_id = e.id" if scope.facets else ""
        sql = (f"SELECT {columns}{score} FROM {FTS_TABLE} CROSS JOIN {ENTRY_TABLE} e INDEXED BY {COVER_INDEX}"
               f" ON e.id = {FTS_TABLE}.rowid{facets} WHERE {FTS_TABLE} MATCH %s{scope.sql}")
        return sql, [match, *scope.params]
    # Weights are {D, C, B, A}: the title is A, the body B, the extra text C; D is the kind's term, which
    # counts for nothing. Normalisation 1 divides by the log of the length, as bm25 favours short texts too.
    # ts_rank, not ts_rank_cd: cover density costs per term of the query and per position of the text, and
    # a word's compounds make a query of a hundred terms ("utrustning": 80), which took 8.8 s over the 43 681
    # matches of the national bench data against 0.8 s for ts_rank (docs/performance.md).
    weights = f"{{0, {EXTRA_WEIGHT / TITLE_WEIGHT}, {1 / TITLE_WEIGHT}, 1.0}}"
    score = f", ts_rank('{weights}', e.search_vector, q.query, 1) AS score" if scored else ""
    matched, params = "q.query", [_tsquery(plan)]
    if kinds:
        # The kind's term only filters: it has no position, so ranking with it would give every hit 0.
        # Cast, not to_tsquery: it is a lexeme as it stands, which no parser would keep.
        matched, params = "q.query && CAST(%s AS tsquery)", [*params, " | ".join(f"'{kind}'" for kind in kinds)]
    facets = f" JOIN {FACET_TABLE} ff ON ff.entry_id = e.id" if scope.facets else ""
    sql = (f"SELECT {columns}{score} FROM {ENTRY_TABLE} e{facets} CROSS JOIN to_tsquery('simple', %s) AS q(query)"
           f" WHERE e.search_vector @@ ({matched}){scope.sql}")
    return sql, [*params, *scope.params]


def _ranking(alias: str, vendor: str, ties: tuple[int, int] | None) -> str:
    """ORDER BY for hits (alias.score, .kind, .object_id), best first."""
    rounded = f"round({alias}.score, 6)" if vendor == "sqlite" else f"round(CAST({alias}.score AS numeric), 6)"
    # Equal scores (to six decimals) in the order of the caller's permutation of the object id,
    # else by (kind, object_id) only to be repeatable.
    tied = ""
    if ties is not None:
        a, b = (int(n) for n in ties)
        # %% is % in a query with parameters
        tied = f"(({alias}.object_id %% {TIE_MODULUS}) * {a} + {b}) %% {TIE_MODULUS}, "
    return f"{rounded} DESC, {tied}{alias}.kind, {alias}.object_id"


class SearchHits(Sequence[Hit]):
    """The hits of one query in one scope, best first, fetched lazily: `len()` counts in the database
    and a slice fetches only its own hits (LIMIT/OFFSET), so a `Paginator` pages through them as
    through a QuerySet. Hits carry no snippet; `SearchQuery.snippets` makes those for a page.
    """

    def __init__(self, plan: list[_QueryWord], scope: _Scope | None, ties: tuple[int, int] | None):
        self._plan, self._scope, self._ties = plan, scope, ties
        self._vendor = _vendor()
        self._kept: tuple[int, int, list[Hit]] | None = None  # (offset, limit, hits) ranked by facet_groups
        self.unfiltered_count: int | None = None  # the hits without the facet filter: facet_groups(unfiltered=True)

    @property
    def _empty(self) -> bool:
        return not self._plan or self._scope is None

    @cached_property
    def _count(self) -> int:
        if self._empty:
            return 0
        sql, params = _matching(self._plan, self._scope, self._vendor, "count(*)")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.fetchone()[0])

    def count(self) -> int:
        return self._count

    def counted(self, count: int) -> None:
        """Take the count from a query that counted the same hits (the catalogue's facet query)."""
        self.__dict__["_count"] = int(count)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Hit]:
        return iter(self._fetch(None, 0))

    def __getitem__(self, item):
        if isinstance(item, slice):
            if item.step not in (None, 1) or (item.start or 0) < 0 or (item.stop is not None and item.stop < 0):
                return list(self)[item]
            start = item.start or 0
            limit = None if item.stop is None else max(item.stop - start, 0)
            return [] if limit == 0 else self._fetch(limit, start)
        index = int(item)
        if index < 0:
            index += len(self)
        found = self._fetch(1, index) if index >= 0 else []
        if not found:
            raise IndexError("search hit index out of range")
        return found[0]

    def _order(self, alias: str) -> str:
        return _ranking(alias, self._vendor, self._ties)

    def _window(self, limit: int | None, offset: int) -> str:
        if limit is None and not offset:
            return ""
        # SQLite needs a LIMIT before an OFFSET (-1: none); PostgreSQL takes LIMIT ALL.
        none = "-1" if self._vendor == "sqlite" else "ALL"
        return f" LIMIT {int(limit) if limit is not None else none} OFFSET {int(offset)}"

    def _fetch(self, limit: int | None, offset: int) -> list[Hit]:
        if self._empty:
            return []
        if self._kept is not None and limit is not None:
            start, size, kept = self._kept  # a window the facet query ranked: any slice inside it is there
            if start <= offset and offset + limit <= start + size:
                return kept[offset - start : offset - start + limit]
        inner, params = _matching(self._plan, self._scope, self._vendor, "e.kind, e.object_id", scored=True)
        sql = f"SELECT hits.kind, hits.object_id, hits.score FROM ({inner}) AS hits ORDER BY {self._order('hits')}"
        with connection.cursor() as cursor:
            cursor.execute(sql + self._window(limit, offset), params)
            return [Hit(kind=kind, object_id=int(pk), score=float(score)) for kind, pk, score in cursor.fetchall()]

    def facet_groups(self, *, page: tuple[int, int] | None = None, among: int | None = None,
                     unfiltered: bool = False) -> FacetGroups:
        """How many hits have each distinct set of facet values (`SearchDocument.facets`), in one query
        that reads only the index: a caller adds these up into counts per value, with whatever logic
        its filters have. Also counts every hit (`len()` asks no more).

        `among` bounds the work: the groups count only the `among` best hits (in the order of the
        ranking, ties included), so their cost does not grow with the number of matches; a caller shows
        them as counts among the best hits, not of all, when `len()` is larger. 0: no groups, only the
        count (and the page). None: every hit.

        With `page` = (offset, limit), the same statement also ranks the hits and keeps that slice for
        the slice that asks for it (`hits[offset:offset + limit]`): the index is matched once for the
        counts and the page shown. An offset past the last hit keeps the last page instead, the one a
        `Paginator.get_page` shows then.

        `unfiltered` (with `page` and `among`, for hits kept to groups of facet values): the groups
        count the best hits without that filter, while the count and the page are the filtered hits'
        (a caller's facet counts show what ticking another value would give). Still one match: the
        scored matches are kept once, each with whether it passes the filter."""
        if unfiltered and self._scope is not None and self._scope.facets and page is not None and among:
            return self._groups_unfiltered(page, among)
        if self._empty:
            self.counted(0)
            return []
        if among is not None and among < 0:
            raise ValueError("among is a number of hits, 0 or more")
        if page is None and among is None:
            groups = _facet_groups(*_matching(self._plan, self._scope, self._vendor, "e.id"))
            self.counted(sum(n for _values, n in groups))
            return groups
        if among == 0 and page is not None and self._vendor != "sqlite" and self._counted_page(*page):
            return []
        ids, ids_params = _matching(self._plan, self._scope, self._vendor, "e.id")
        scored, scored_params = _matching(self._plan, self._scope, self._vendor, "e.id, e.kind, e.object_id", scored=True)
        total, best = f"{MATCHES}_total", f"{MATCHES}_best"
        # One statement: the hits counted (part 2), the facet values of the best hits grouped (part 0) and the
        # page's hits ranked (part 1); the same column types in every part, for PostgreSQL. The best hits are
        # a top-N of the ranking as the index yields them, not a sort of every match; counting is cheap.
        if among and self._vendor != "sqlite":
            # PostgreSQL rechecks each match against its tsvector, so a count of its own would match twice:
            # the ranking counts, in a window over every match, as it goes.
            ctes = [f"{best} AS MATERIALIZED (SELECT s.*, count(*) OVER () AS n FROM ({scored}) AS s"
                    f" ORDER BY {self._order('s')} LIMIT {int(among)})",
                    f"{total} AS MATERIALIZED (SELECT COALESCE(max(n), 0) AS n FROM {best})"]
            params = [*scored_params]
        else:
            ctes = [f"{total} AS MATERIALIZED (SELECT count(*) AS n FROM ({ids}) AS counted)"]
            params = [*ids_params]
            if among:
                ctes.append(f"{best} AS MATERIALIZED (SELECT * FROM ({scored}) AS s ORDER BY {self._order('s')}"
                            f" LIMIT {int(among)})")
                params += scored_params
        parts = [f"SELECT 2, CAST(NULL AS text), {total}.n, CAST(NULL AS bigint), CAST(NULL AS float) FROM {total}"]
        if among != 0:
            counted, counted_params = (best, []) if among else (f"({ids})", ids_params)
            parts.append(f"SELECT 0, COALESCE(f.keys, ''), count(*), CAST(NULL AS bigint), CAST(NULL AS float)"
                         f" FROM {counted} AS c LEFT JOIN {FACET_TABLE} f ON f.entry_id = c.id"
                         f" GROUP BY COALESCE(f.keys, '')")
            params += counted_params
        if page is not None:
            offset, limit = (int(n) for n in page)
            if offset < 0 or limit <= 0:
                raise ValueError("page is (offset, limit), offset 0 or more, limit 1 or more")
            # The page from the best hits when it lies among them (their order is the ranking's), else from all.
            source, source_params = (best, []) if among and offset + limit <= among else (f"({scored})", scored_params)
            parts.append(f"SELECT * FROM (SELECT 1, CAST(p.kind AS text), 0, p.object_id, CAST(p.score AS float)"
                         f" FROM {source} AS p ORDER BY {self._order('p')}"
                         f" LIMIT {limit} OFFSET ({self._last_page(offset, limit, total)})) AS shown")
            params += source_params
        sql = f"WITH {', '.join(ctes)} " + " UNION ALL ".join(parts)
        groups, hits, total = [], [], 0
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for part, text, n, pk, score in cursor.fetchall():
                if part == 0:
                    groups.append((_facet_values(text), int(n)))
                elif part == 1:
                    hits.append((int(pk), text, float(score)))
                else:
                    total = int(n)
        if page is not None:
            if offset >= total:
                offset = max(total - 1, 0) // limit * limit
            self._kept = (offset, limit, [Hit(kind=kind, object_id=pk, score=score) for pk, kind, score in hits])
        self.counted(total)
        return groups

    def _groups_unfiltered(self, page: tuple[int, int], among: int) -> FacetGroups:
        offset, limit = (int(n) for n in page)
        if offset < 0 or limit <= 0:
            raise ValueError("page is (offset, limit), offset 0 or more, limit 1 or more")
        scope = self._scope.without_facets()
        scored, params = _matching(self._plan, scope, self._vendor, "e.id, e.kind, e.object_id", scored=True,
                                   passes=self._scope.facet_filter)
        every, best, total = MATCHES, f"{MATCHES}_best", f"{MATCHES}_total"
        sql = (f"WITH {every} AS MATERIALIZED ({scored}),"
               f" {best} AS MATERIALIZED (SELECT * FROM {every} AS s ORDER BY {self._order('s')} LIMIT {int(among)}),"
               f" {total} AS MATERIALIZED (SELECT count(*) AS n FROM {every} WHERE passes)"
               f" SELECT 2, CAST(NULL AS text), {total}.n, CAST(NULL AS bigint), CAST(NULL AS float) FROM {total}"
               f" UNION ALL SELECT 3, CAST(NULL AS text), count(*), CAST(NULL AS bigint), CAST(NULL AS float)"
               f" FROM {every}"
               f" UNION ALL SELECT 0, COALESCE(f.keys, ''), count(*), CAST(NULL AS bigint), CAST(NULL AS float)"
               f" FROM {best} AS c LEFT JOIN {FACET_TABLE} f ON f.entry_id = c.id GROUP BY COALESCE(f.keys, '')"
               f" UNION ALL SELECT * FROM (SELECT 1, CAST(p.kind AS text), 0, p.object_id, CAST(p.score AS float)"
               f" FROM {every} AS p WHERE p.passes ORDER BY {self._order('p')}"
               f" LIMIT {limit} OFFSET ({self._last_page(offset, limit, total)})) AS shown")
        groups, hits, count = [], [], 0
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for part, text, n, pk, score in cursor.fetchall():
                if part == 0:
                    groups.append((_facet_values(text), int(n)))
                elif part == 1:
                    hits.append(Hit(kind=text, object_id=int(pk), score=float(score)))
                elif part == 2:
                    count = int(n)
                else:
                    self.unfiltered_count = int(n)
        if offset >= count:
            offset = max(count - 1, 0) // limit * limit
        self._kept = (offset, limit, hits)
        self.counted(count)
        return groups

    def _counted_page(self, offset: int, limit: int) -> bool:
        """PostgreSQL: the page and, in a window over every match, the count, matching once (a count of its
        own would recheck every match's tsvector again). False when the page is empty past the first:
        then the count must come first, to find the last page."""
        if offset < 0 or limit <= 0:
            raise ValueError("page is (offset, limit), offset 0 or more, limit 1 or more")
        scored, params = _matching(self._plan, self._scope, self._vendor, "e.kind, e.object_id", scored=True)
        sql = (f"SELECT p.kind, p.object_id, p.score, count(*) OVER () FROM ({scored}) AS p"
               f" ORDER BY {self._order('p')} LIMIT {int(limit)} OFFSET {int(offset)}")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows and offset:
            return False
        self._kept = (offset, limit, [Hit(kind=kind, object_id=int(pk), score=float(score))
                                      for kind, pk, score, _n in rows])
        self.counted(int(rows[0][3]) if rows else 0)
        return True

    @staticmethod
    def _last_page(offset: int, limit: int, total: str) -> str:
        """The page's offset in SQL; past the last hit, the last page's, as Django's `Paginator.get_page`."""
        return (f"SELECT CASE WHEN n > {offset} THEN {offset}"
                f" ELSE (CASE WHEN n > 0 THEN n - 1 ELSE 0 END) / {limit} * {limit} END FROM {total}")

    def object_ids(self) -> RawSQL:
        """The matching object ids as a subquery, to filter with: `Solution.objects.filter(pk__in=...)`."""
        if self._empty:
            return RawSQL(f"SELECT object_id FROM {ENTRY_TABLE} WHERE 1 = 0", [])
        sql, params = _matching(self._plan, self._scope, self._vendor, "e.object_id")
        return RawSQL(sql, params)


class SearchQuery:
    """A query planned once (its words looked up in the vocabulary), to run in several scopes."""

    def __init__(self, text: str):
        self.text = text
        self.beginnings: list[str] = []  # what a loosened query looks for beginnings of words by

    @cached_property
    def plan(self) -> list[_QueryWord]:
        return _plan(self.text)

    @cached_property
    def _matcher(self) -> "_Matcher":
        return _Matcher.of(self.plan)

    def __bool__(self) -> bool:
        return bool(self.plan)

    def loosened(self) -> Iterator["SearchQuery"]:
        """The same query, looser and looser, for a lookup that found nothing: each long word also
        matches, in titles and bodies only, as a beginning of it (four letters or more) that begins a
        known word, the longest first ("laddstation" → words beginning "ladd"). The vocabulary is
        every kind's, so a beginning may find nothing in the caller's kind: then try the next."""
        words = _query_words(self.text)
        beginnings = _known_beginnings(words)
        for level in range(max((len(starts) for starts in beginnings.values()), default=0)):
            chosen = {word: starts[min(level, len(starts) - 1)] for word, starts in beginnings.items()}
            loose = SearchQuery(self.text)
            loose.beginnings = list(chosen.values())
            loose.plan = [
                (*word, _Alternative(((chosen[text],),), prefix=True, own_words=True)) if text in chosen else word
                for text, word in zip(words, self.plan, strict=True)
            ]
            yield loose

    def hits(
        self,
        *,
        kinds: Iterable[str] | None = None,
        object_ids: dict[str, ObjectIds] | None = None,
        ties: tuple[int, int] | None = None,
        facets: Iterable[Iterable[str]] | None = None,
    ) -> SearchHits:
        """The hits, lazily (see `search` for `kinds` and `object_ids`; a QuerySet of ids is nested
        as a subquery). `ties` = (a, b) orders equal scores by (object_id·a + b) mod `TIE_MODULUS`,
        a per-query permutation the caller chooses. `facets`: groups of facet values; a hit has one
        value of every group (`SearchDocument.facets`), read from the index like the counts."""
        scope = _scope(kinds, object_ids, _vendor(), facets)
        return SearchHits(self.plan if scope is not None else [], scope, ties)

    def best(self, limits: dict[str, int], *, ties: dict[str, tuple[int, int]] | None = None) -> dict[str, list[Hit]]:
        """The `limits[kind]` best hits of each kind, in one statement: for each kind the same hits in the
        same order as `hits(kinds=[kind], ties=ties[kind])[:limits[kind]]`, but the index is matched once
        for every kind (FTS5 reads each word's whole list of entries whatever kind is asked for, so a
        statement per kind would read it once per kind). The matches are kept once and each kind's top-N
        taken from them."""
        found: dict[str, list[Hit]] = {kind: [] for kind in limits}
        wanted = {_checked_kind(kind): int(limit) for kind, limit in limits.items() if int(limit) > 0}
        if not wanted or not self.plan:
            return found
        vendor = _vendor()
        scope = _scope(sorted(wanted), None, vendor)
        scored, params = _matching(self.plan, scope, vendor, "e.kind, e.object_id", scored=True)
        parts = []
        for kind, limit in sorted(wanted.items()):
            parts.append(f"SELECT * FROM (SELECT m.kind, m.object_id, m.score FROM {MATCHES} AS m WHERE m.kind = %s"
                         f" ORDER BY {_ranking('m', vendor, (ties or {}).get(kind))} LIMIT {limit}) AS best")
            params.append(kind)
        sql = f"WITH {MATCHES} AS MATERIALIZED ({scored}) " + " UNION ALL ".join(parts)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for kind, pk, score in cursor.fetchall():
                found[kind].append(Hit(kind=kind, object_id=int(pk), score=float(score)))
        return found

    def snippets(self, kind: str, object_ids: Iterable[int]) -> dict[int, SafeString]:
        """Snippets of the listed objects of one kind (one query): the body, else the title."""
        return self.snippets_by_kind({kind: object_ids})[kind]

    def snippets_by_kind(self, object_ids: dict[str, Iterable[int]]) -> dict[str, dict[int, SafeString]]:
        """`snippets` of several kinds' listed objects (kind → ids) in one query."""
        listed = {kind: sorted({int(pk) for pk in ids}) for kind, ids in object_ids.items()}
        found: dict[str, dict[int, SafeString]] = {kind: {} for kind in listed}
        listed = {kind: ids for kind, ids in listed.items() if ids}
        if not listed or not self.plan:
            return found
        vendor = _vendor()
        conditions = " OR ".join([f"(e.kind = %s AND {_in_list('e.object_id', vendor)})"] * len(listed))
        params = [value for kind, ids in sorted(listed.items()) for value in (kind, _list_param(ids, vendor))]
        sql = f"SELECT kind, object_id, title, body FROM {ENTRY_TABLE} e WHERE {conditions}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for kind, pk, title, body in rows:
            found[kind][int(pk)] = _snippet(title, body, self._matcher)
        return found


# --- Search ---------------------------------------------------------------------------------------


def search(
    query: str,
    *,
    kinds: Iterable[str] | None = None,
    object_ids: dict[str, ObjectIds] | None = None,
    limit: int | None = None,
) -> list[Hit]:
    """Hits ordered by relevance, with snippets. An empty/blank query returns [].

    Every word of the query must match, through its stem, its lemma, its compound parts or a
    compound that contains it; the last word also matches as a prefix, for search as you type.
    Title matches weigh more than body matches, and body matches more than extra-text matches.

    `kinds` keeps hits of those kinds. `object_ids` (kind → ids, or kind → a QuerySet of ids or of
    objects, nested as a subquery) keeps hits within a set the caller has filtered already (facets,
    visibility): only the listed ids of the listed kinds, so a kind missing from it has no hits.
    Both given: hits must pass both.

    `score` is comparable within one call only (bm25 on SQLite, ts_rank on PostgreSQL). Equal
    scores come in (kind, object_id) order only to be repeatable; a caller that must treat tied
    objects fairly (rotating suppliers, say) pages through `SearchQuery.hits(ties=...)` instead,
    which also builds snippets only for the hits shown.
    """
    if limit is not None and limit <= 0:
        return []
    planned = SearchQuery(query)
    hits = planned.hits(kinds=kinds, object_ids=object_ids)
    found = list(hits) if limit is None else hits[: int(limit)]
    snippets = {
        kind: planned.snippets(kind, [hit.object_id for hit in found if hit.kind == kind])
        for kind in {hit.kind for hit in found}
    }
    return [Hit(hit.kind, hit.object_id, hit.score, snippets[hit.kind].get(hit.object_id, "")) for hit in found]


def search_snippets(query: str, *, kind: str, object_ids: Iterable[int]) -> dict[int, SafeString]:
    """Snippets for the given objects of one kind: the ones a result page shows."""
    return SearchQuery(query).snippets(kind, object_ids)
