"""Full-text search over any kind of object, made for Swedish: inflections and compound words.

Apps index their objects with `search_index` / `search_index_many` / `search_remove` and query with
`search`, or with a `SearchQuery` when they page through hits and show snippets for one page only.
The text is normalised here, in Python, the same way for both databases, and the database only
matches the normalised terms and ranks:

- Words are NFKC-normalised and lower-cased; å, ä and ö stay letters of their own ("får" is not
  "far"). Each word is indexed and searched by its Snowball stem (`snowballstemmer`, Swedish), so
  "avtalet", "avtalen" and "avtal" are all "avtal", and by the stem of its lemma, its dictionary
  form (`simplemma`'s Swedish data, offline), which catches what suffix stripping cannot:
  "elcyklar" → elcykel, "möbler" → möbel, "sensorn" → sensor. A noun in -ering is also indexed by
  the verb it comes from ("renovering" → renover-, as in "renoverade"): the lemmatiser keeps the
  two apart.
- Compound words are split against a vocabulary: the words of every indexed Swedish text
  (`SearchWord`) plus a few common procurement words. "avfallshantering" is avfall + s +
  hantering; the index holds the terms of the whole word and of its parts, so "hantering" finds
  it. A compound in the query matches the whole word or all of its parts ("avfallshantering"
  finds "Hantering av avfall"), and a word in the query also matches the vocabulary's compounds
  that contain it, so an object indexed before its parts were known words is found all the same.
- An object has a title, a body (its own words) and optional extra text (classification labels
  such as CPV): extra words are found but weigh least (`EXTRA_WEIGHT`) and are never shown in
  snippets.
- SQLite indexes the terms in an FTS5 table (tokenizer "ascii", which keeps non-ASCII letters as
  they are) and ranks with bm25. PostgreSQL indexes them in a generated tsvector column with the
  `simple` configuration (title A, body B, extra C) and ranks with ts_rank. See migrations
  0003 and 0005.
- Searching costs what the database's match costs: hits are counted and paged in SQL (an
  optional per-query permutation of the object id orders equal scores), a caller's filtered set
  is a subquery, and snippets are built only for the hits a page shows.
- Facets: a document may carry facet values ("cpv:90", "sme"), stored sorted in a narrow table
  beside its entry (`SearchFacets`). `SearchHits.facet_groups` counts the hits per distinct set of
  values in one grouped query over the index, so a caller's facet counts cost one narrow lookup
  per match rather than reading its own wide tables.

Why `simple` and not PostgreSQL's `swedish` configuration: `swedish` is the same Snowball
algorithm, but the copy built into PostgreSQL is older than the one we pin (PostgreSQL 15 leaves
"avtalet" and "avfallet" unstemmed, so "avtalet" would not find "avtal"), it drops stop words
("och", "för", "ingen") that SQLite keeps, and it would stem our stems and compound parts a
second time. Stemming once in Python and letting `simple` only split on spaces gives the same
terms, hence the same hits, on both databases; the ranking functions differ, so scores do too.

When the terms made from a text change (a new rule, an upgraded stemmer or lemmatiser), raise
`TERMS_VERSION`: every entry records the version it was made with, and `search_outdated` tells
the catalogue's post-migrate step to rebuild the index once.
"""

from .indexing import (
    SearchDocument,
    search_index,
    search_index_many,
    search_index_token,
    search_outdated,
    search_rebuild,
    search_remove,
)
from .querying import FacetGroups, Hit, ObjectIds, SearchHits, SearchQuery, search, search_facet_groups, search_snippets
from .words import ENTRY_TABLE, EXTRA_WEIGHT, FTS_TABLE, KIND_MARK, TERMS_VERSION, TIE_MODULUS, TITLE_WEIGHT

__all__ = [
    "ENTRY_TABLE", "EXTRA_WEIGHT", "FTS_TABLE", "KIND_MARK", "TERMS_VERSION", "TIE_MODULUS", "TITLE_WEIGHT",
    "FacetGroups", "Hit", "ObjectIds", "SearchDocument", "SearchHits", "SearchQuery", "search", "search_facet_groups",
    "search_index", "search_index_many", "search_index_token", "search_outdated", "search_rebuild", "search_remove",
    "search_snippets",
]
