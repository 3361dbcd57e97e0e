"""Indexing: an object's title, body and extra text become terms in the entry and the FTS table."""

import json
import uuid
from collections.abc import Iterable, Set
from dataclasses import dataclass

from django.db import connection, transaction

from ..models import SearchEntry, SearchFacets, SearchIndexState
from .words import (
    FTS_TABLE,
    INDEX_BATCH,
    KIND_MARK,
    MAX_INDEXED_CHARS,
    TERMS_VERSION,
    _in_list,
    _known_forms,
    _terms,
    _vendor,
    _vocabulary_add,
    _words,
)


@dataclass(frozen=True)
class SearchDocument:
    """What the index knows of one object.

    `extra` (classification labels, in the document's language) is found but weighs least and is
    never shown; `foreign` (the labels in another language) is indexed word for word into the same
    low-weight field, neither stemmed nor added to the Swedish vocabulary. `facets` (values such as
    "cpv:90" or "sme", no spaces) are what `SearchHits.facet_groups` counts over the matches; None
    for a kind without facets.
    """

    kind: str
    object_id: int
    title: str
    body: str = ""
    extra: str = ""
    language: str = "sv"
    foreign: str = ""
    facets: Iterable[str] | None = None


MAX_FACET_CHARS = 100


def _facet_keys(facets: Iterable[str]) -> str:
    """The facet values as stored: sorted, unique, space-separated."""
    values = sorted(set(facets))
    for value in values:
        if not value or len(value) > MAX_FACET_CHARS or not value.isprintable() or any(c.isspace() for c in value):
            raise ValueError(f"A facet value is a short printable value without spaces, not {value!r}.")
    return " ".join(values)


def _checked_kind(kind: str) -> str:
    if not (kind and kind.isascii() and kind.isalnum() and kind.islower()
            and len(kind) <= SearchEntry._meta.get_field("kind").max_length):
        raise ValueError(f"A search kind is a short lower-case name of letters and digits, not {kind!r}.")
    return kind


def _fts_store(entries: list[SearchEntry]) -> None:
    # Delete first: the table may hold a row left behind by a flush that only knew the model table.
    pks = [entry.pk for entry in entries]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE {_in_list('rowid', 'sqlite')}", [json.dumps(pks)])
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE}(rowid, title_terms, body_terms, extra_terms, kind_term)"
            " VALUES (%s, %s, %s, %s, %s)",
            [[e.pk, e.title_terms, e.body_terms, e.extra_terms, KIND_MARK + e.kind] for e in entries],
        )


def _fts_delete(pks: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE {_in_list('rowid', 'sqlite')}", [json.dumps(pks)])


# --- Indexing -------------------------------------------------------------------------------------


def search_index(
    *, kind: str, object_id: int, title: str, body: str, extra: str = "", language: str = "sv", foreign: str = "",
    facets: Iterable[str] | None = None,
) -> None:
    """Create or replace the index entry of one object (idempotent).

    Text in another language than Swedish ("sv") is indexed word by word without stemming or
    splitting, so its exact words are still found. `extra` (classification labels) and `foreign`
    (the same in another language) are found but weigh least and never show in a snippet. `facets`:
    see `SearchDocument`.
    """
    search_index_many([SearchDocument(kind, object_id, title, body, extra, language, foreign, facets)])


def search_index_many(documents: Iterable[SearchDocument]) -> int:
    """Create or replace the entries of many objects, a batch at a time; returns how many."""
    count = 0
    batch: list[SearchDocument] = []
    for document in documents:
        batch.append(document)
        if len(batch) == INDEX_BATCH:
            count += _index_batch(batch)
            batch = []
    return count + (_index_batch(batch) if batch else 0)


def _index_batch(documents: list[SearchDocument]) -> int:
    for document in documents:
        _checked_kind(document.kind)
    # The last of two documents for one object wins, as two calls of search_index would.
    latest = {(d.kind, int(d.object_id)): d for d in documents}
    texts = {key: [text[:MAX_INDEXED_CHARS] for text in (d.title, d.body, d.extra, d.foreign)]
             for key, d in latest.items()}
    words = {key: [_words(text) for text in value] for key, value in texts.items()}
    swedish = {w for key, d in latest.items() if d.language == "sv" for field_words in words[key][:3] for w in field_words}
    vendor = _vendor()
    with transaction.atomic():
        known: Set[str] = frozenset()
        if swedish:
            # The objects' own words count: "avfall" and "avfallshantering" in one text split at once.
            _vocabulary_add(swedish)
            known = _known_forms(swedish)
        entries = []
        for key, document in latest.items():
            terms = [_terms(field_words, known, swedish=document.language == "sv") for field_words in words[key][:3]]
            extra_terms = " ".join(filter(None, [terms[2], _terms(words[key][3], known, swedish=False)]))
            entries.append(SearchEntry(
                kind=document.kind, object_id=key[1], language=document.language,
                title=texts[key][0], body=texts[key][1], extra=texts[key][2], foreign=texts[key][3],
                title_terms=terms[0], body_terms=terms[1], extra_terms=extra_terms, terms_version=TERMS_VERSION,
            ))
        SearchEntry.objects.bulk_create(
            entries, update_conflicts=True, unique_fields=["kind", "object_id"],
            update_fields=["language", "title", "body", "extra", "foreign", "title_terms", "body_terms",
                           "extra_terms", "terms_version"],
        )
        if vendor == "sqlite":
            _fts_store(entries)
        _facets_store(entries, [latest[(entry.kind, entry.object_id)] for entry in entries])
        _index_changed()
    return len(entries)


def _index_changed() -> None:
    """A new token for the index's state (`SearchIndexState`), in the transaction that changes the index.
    Without its row (a flushed database) nothing is cached under a token, so nothing is missed."""
    SearchIndexState.objects.filter(pk=1).update(token=uuid.uuid4().hex)


def search_index_token() -> str | None:
    """The token of the index's current state: it changes whenever an entry or its facet values do. Read on
    every catalogue page (the key of its cache), so in plain SQL: the ORM's query building costs more than
    reading the row."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {connection.ops.quote_name(SearchIndexState._meta.db_table)} WHERE id = 1")  # noqa: S608 - a model's table name
        row = cursor.fetchone()
    return row[0] if row else None


def _facets_store(entries: list[SearchEntry], documents: list[SearchDocument]) -> None:
    SearchFacets.objects.filter(entry_id__in=[entry.pk for entry in entries]).delete()
    SearchFacets.objects.bulk_create([SearchFacets(entry_id=entry.pk, keys=_facet_keys(document.facets))
                                      for entry, document in zip(entries, documents, strict=True)
                                      if document.facets is not None])


def search_remove(*, kind: str, object_id: int) -> None:
    """Remove one object from the index; nothing happens when it is not there."""
    vendor = _vendor()
    with transaction.atomic():
        pks = list(SearchEntry.objects.filter(kind=kind, object_id=object_id).values_list("pk", flat=True))
        SearchEntry.objects.filter(pk__in=pks).delete()
        if vendor == "sqlite" and pks:
            _fts_delete(pks)
        if pks:
            _index_changed()


def search_rebuild() -> int:
    """Index every entry again from its stored texts; returns how many there are.

    Run it after upgrading snowballstemmer or simplemma (terms can change between versions), after
    loading entries with loaddata (which does not fill the FTS table), or to split compounds that
    were indexed before their parts were known words.
    """
    vendor = _vendor()
    pks = list(SearchEntry.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        if vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")
        for start in range(0, len(pks), INDEX_BATCH):
            entries = (SearchEntry.objects.filter(pk__in=pks[start : start + INDEX_BATCH]).order_by("pk")
                       .select_related("facets"))
            _index_batch([SearchDocument(e.kind, e.object_id, e.title, e.body, e.extra, e.language, e.foreign,
                                         _stored_facets(e)) for e in entries])
        _index_changed()  # also when entries were loaded without the index knowing (loaddata)
    return len(pks)


def _stored_facets(entry: SearchEntry) -> list[str] | None:
    try:
        return entry.facets.keys.split()
    except SearchFacets.DoesNotExist:
        return None


def search_outdated() -> bool:
    """Whether some entry was made with other rules than today's (`TERMS_VERSION`)."""
    return SearchEntry.objects.exclude(terms_version=TERMS_VERSION).exists()
