"""The search engine: Swedish inflections and compounds, filters, safety and snippets, on either database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innokop.core.models import SearchEntry
from innokop.core.search import (
    TIE_MODULUS,
    Hit,
    SearchDocument,
    SearchQuery,
    search,
    search_index,
    search_index_many,
    search_index_token,
    search_outdated,
    search_rebuild,
    search_remove,
)

pytestmark = pytest.mark.django_db


def index(object_id: int, title: str, body: str = "", *, kind: str = "solution", **extra) -> None:
    search_index(kind=kind, object_id=object_id, title=title, body=body, **extra)


def found(query: str, **filters) -> list[tuple[str, int]]:
    return [(hit.kind, hit.object_id) for hit in search(query, **filters)]


def ids(query: str, **filters) -> set[int]:
    return {object_id for _kind, object_id in found(query, **filters)}


# --- Swedish --------------------------------------------------------------------------------------


def test_it_matches_inflections_of_a_word_with_each_other():
    index(1, "Avtalet om städning")
    index(2, "Alla avtalen förlängs")
    index(3, "Nytt avtal för skolor")
    index(4, "Något helt annat")
    for query in ("avtal", "avtalet", "avtalen", "Avtalen"):
        assert ids(query) == {1, 2, 3}, query


def test_a_compound_query_finds_its_parts_written_apart():
    index(1, "Hantering av avfall i kommunen")
    index(2, "Hantering av personuppgifter")
    assert ids("avfallshantering") == {1}
    assert ids("avfallshanteringen") == {1}  # an inflected last part


def test_a_part_finds_the_compound_that_contains_it():
    index(1, "Avfallshantering för skolor")
    index(2, "Insamling av matavfall")
    index(3, "Hantering av personuppgifter")
    assert ids("avfall") == {1, 2}
    assert ids("hantering") == {1, 3}


def test_a_prefix_finds_a_part_inside_a_compound():
    index(1, "Avfallshantering för skolor")
    assert ids("hanter") == {1}


def test_a_compound_of_three_parts_is_split_at_every_level():
    index(1, "Avfallshanteringsplan för regionen")
    index(2, "En plan för hantering av avfall")
    assert ids("hantering") == {1, 2}
    assert ids("avfallshantering") == {1, 2}
    assert ids("avfallshanteringsplan") == {1, 2}


def test_compounds_are_found_whichever_order_objects_were_indexed_in():
    # Neither "cykel" nor "parkering" is a known word when the compound is indexed.
    index(1, "Cykelparkering vid stationen")
    index(2, "Parkering för bilar och cykel")
    assert ids("parkering") == {1, 2}
    assert ids("cykelparkering") == {1, 2}


def test_stop_words_do_not_keep_a_query_from_finding_a_compound():
    index(1, "Avfallshantering")
    assert ids("hantering av avfall") == {1}
    assert ids("och") == set()  # a query of stop words alone still searches for them


def test_a_particle_is_not_taken_for_a_part_of_a_compound():
    index(1, "Upphandling av tjänster")
    index(2, "Handlingar till nämnden")
    assert ids("handling") == {2}


def test_the_last_word_matches_as_a_prefix():
    index(1, "Avfall från verksamheten")
    index(2, "Upphandlingar 2027")
    assert ids("avfal") == {1}
    assert ids("upphandl") == {2}
    assert ids("avfall verksam") == {1}
    assert ids("avfal verksamheten") == set()  # only the last word is a prefix


def test_swedish_letters_are_letters_of_their_own():
    index(1, "Leverantören får fakturera månadsvis")
    index(2, "Min far var leverantör")
    assert ids("får") == {1}
    assert ids("far") == {2}
    assert ids("FÅR") == {1}


def test_text_in_another_language_is_found_by_its_exact_words():
    index(1, "Waste management services", language="en")
    assert ids("waste") == {1}
    assert ids("management") == {1}


# --- Ranking, filters and the index's life cycle ---------------------------------------------------


def test_a_title_match_outranks_a_body_match():
    index(1, "Tjänster för kommuner", "Vi erbjuder avfallshantering i hela landet.")
    index(2, "Avfallshantering", "Tjänster för kommuner i hela landet.")
    hits = search("avfallshantering")
    assert [hit.object_id for hit in hits] == [2, 1]
    assert hits[0].score > hits[1].score > 0
    hits = search("avfallshantering", kinds=["solution"])  # the kind's term filters but does not rank
    assert [hit.object_id for hit in hits] == [2, 1]
    assert hits[0].score > hits[1].score > 0


def test_kinds_and_object_ids_keep_hits_within_the_callers_set():
    for pk in (1, 2, 3):
        index(pk, "Avfallshantering", kind="solution")
    index(1, "Avfallshantering", kind="supplier")
    assert set(found("avfall", kinds=["supplier"])) == {("supplier", 1)}
    assert set(found("avfall", object_ids={"solution": [2, 3]})) == {("solution", 2), ("solution", 3)}
    assert set(found("avfall", object_ids={"solution": (pk for pk in [1]), "supplier": [1]})) == {
        ("solution", 1),
        ("supplier", 1),
    }
    assert found("avfall", object_ids={"solution": []}) == []
    assert found("avfall", object_ids={}) == []
    assert found("avfall", kinds=[]) == []
    assert found("avfall", kinds=["supplier"], object_ids={"solution": [1]}) == []
    with pytest.raises(TypeError):
        search("avfall", kinds="solution")
    assert len(search("avfall", limit=2)) == 2
    assert search("avfall", limit=0) == []


def test_indexing_again_replaces_the_entry():
    index(1, "Avfallshantering")
    index(1, "Snöröjning", "Vinterväghållning på gator")
    assert ids("avfall") == set()
    assert ids("snöröjning") == {1}
    assert SearchEntry.objects.filter(kind="solution", object_id=1).count() == 1


def test_a_removed_object_is_not_found():
    index(1, "Avfallshantering")
    index(2, "Avfallshantering")
    search_remove(kind="solution", object_id=1)
    search_remove(kind="solution", object_id=99)  # not indexed: nothing happens
    assert ids("avfallshantering") == {2}


def test_the_index_token_changes_with_every_change_to_the_index():
    tokens = [search_index_token()]
    index(1, "Avfallshantering", facets=["cpv:90"])
    tokens.append(search_index_token())
    index(1, "Avfallshantering", facets=["cpv:90", "sme"])  # the same entry, other facet values
    tokens.append(search_index_token())
    search_remove(kind="solution", object_id=1)
    tokens.append(search_index_token())
    search_rebuild()
    tokens.append(search_index_token())
    assert None not in tokens and len(set(tokens)) == len(tokens)
    search_remove(kind="solution", object_id=99)  # not indexed: the index does not change, nor its token
    assert search_index_token() == tokens[-1]


def test_rebuild_restores_entries_whose_indexed_text_is_lost():
    index(1, "Avfallshantering")
    SearchEntry.objects.update(title_terms="", body_terms="")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_searchentry_fts")
    assert ids("avfall") == set()
    assert search_rebuild() == 1
    assert ids("avfall") == {1}


# --- Queries that must not break anything ----------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "!!!", "()", "-", "*"])
def test_a_blank_query_finds_nothing(query):
    index(1, "Avfallshantering")
    assert search(query) == []


@pytest.mark.parametrize(
    "query",
    ['\'"', "avfall AND (", "*", "NEAR(", "-x", "'; DROP TABLE x; --", 'avfall" OR "1"="1', "a:b", "x:*", "\\", "%_%",
     "avfall & | ! <-> ()", "\x00avfall", "NOT avfall", "avfall*", "^avfall", "{avfall}", "avfall " * 2000,
     "x" * 10_000, "ﬁ m² Ａｖｆａｌｌ İstanbul"],
)
def test_hostile_queries_return_without_error(query):
    index(1, "Avfallshantering")
    hits = search(query)
    assert all(isinstance(hit, Hit) for hit in hits)
    assert SearchEntry.objects.count() == 1


def test_operators_in_a_query_are_words_not_syntax():
    index(1, "Avfallshantering")
    assert ids("avfall*") == {1}
    assert ids('"avfall"') == {1}
    assert ids("-avfall") == {1}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_no_text_query_raises(query):
    hits = search(query, limit=5)
    assert isinstance(hits, list)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet="abcdefghijklmnoprstuvåäö", min_size=1, max_size=14), min_size=1, max_size=8),
       st.data())
def test_any_word_of_a_title_finds_it(words, data):
    index(1, " ".join(words))
    word = data.draw(st.sampled_from(words))
    assert 1 in ids(word)


# --- Snippets -------------------------------------------------------------------------------------


def test_a_snippet_is_escaped_and_marks_the_matches():
    index(1, "Insamling", "<script>alert('x')</script> Vi sköter hantering av avfall & återvinning.")
    [hit] = search("avfallshantering")
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in hit.snippet
    assert "<mark>hantering</mark> av <mark>avfall</mark> &amp; återvinning." in hit.snippet


def test_a_snippet_shows_the_words_around_the_first_match():
    body = " ".join(f"ord{n}" for n in range(100)) + " avfallshantering " + " ".join(f"mer{n}" for n in range(100))
    index(1, "Rubrik", body)
    [hit] = search("avfall")
    assert hit.snippet.startswith("… ord90 ")
    assert "<mark>avfallshantering</mark>" in hit.snippet
    assert hit.snippet.endswith(" mer18 …")
    assert len(hit.snippet.split()) == 30 + 2


def test_a_snippet_falls_back_to_the_title_and_to_the_start_of_the_text():
    index(1, "Avfallshantering", "Vi arbetar i hela landet.")
    assert search("avfall")[0].snippet == "<mark>Avfallshantering</mark>"
    index(2, "Vinterväghållning", "Plogning och sandning.")
    assert search("vinterväghållning")[0].snippet == "<mark>Vinterväghållning</mark>"


# --- Lemmas: inflections the stemmer alone misses ---------------------------------------------------


@pytest.mark.parametrize(("typed", "written"), [
    ("elcykel", "Elcyklar"), ("elcyklar", "Elcykel"),
    ("möbel", "Möbler"), ("möbler", "Möbel"),
    ("sensor", "Sensorn"), ("sensorn", "Sensor"),
    ("renovering", "Renoverade"), ("renoverade", "Renovering"),
])
def test_a_word_finds_its_inflections_through_its_lemma(typed, written):
    # Not the last query word, so no prefix match helps: the stem or the lemma must meet.
    index(1, f"{written} i kommunen")
    index(2, "Något helt annat i kommunen")
    assert ids(f"{typed} kommunen") == {1}


def test_letters_and_stop_words_are_not_lemmatised():
    index(1, "Det är bra")
    index(2, "Varor till skolan")
    assert ids("varor skolan") == {2}  # "är" is not taken for "vara"


# --- Extra text: found, weighed least, never shown -------------------------------------------------


def test_extra_text_is_found_but_the_objects_own_words_weigh_more():
    index(1, "Tömning av kärl", "Vi planerar sophämtning efter behov.")
    index(2, "Tömning av kärl", "Vi planerar rutter efter behov.", extra="Sophämtning")
    assert [hit.object_id for hit in search("sophämtning")] == [1, 2]


def test_extra_and_foreign_text_never_show_in_a_snippet():
    index(1, "Tömning av kärl", "Vi planerar rutter efter behov.", extra="Sophämtning", foreign="Refuse collection")
    [hit] = search("sophämtning")
    assert hit.snippet == "Vi planerar rutter efter behov."
    [hit] = search("refuse")
    assert "Refuse" not in hit.snippet


def test_foreign_text_is_found_word_for_word_and_not_split_or_stemmed():
    index(1, "Laddare", foreign="Chargers")
    index(2, "Stegar", foreign="Ladders")
    assert ids("chargers") == {1}
    assert ids("laddare") == {1}  # the Swedish stem "ladd" of "laddare" is not the English "ladders"


# --- Paging in the database ------------------------------------------------------------------------


def test_hits_are_counted_and_paged_in_the_database():
    for pk in range(1, 8):
        index(pk, "Avfallshantering", "Sensorer i kärl." if pk == 5 else "")
    hits = SearchQuery("avfall").hits(kinds=["solution"])
    assert len(hits) == hits.count() == 7
    everything = list(hits)
    assert [hit.object_id for hit in hits[2:5]] == [hit.object_id for hit in everything[2:5]]
    assert hits[0].object_id == everything[0].object_id and hits[-1].object_id == everything[-1].object_id
    assert hits[7:] == [] and hits[3:3] == []
    with pytest.raises(IndexError):
        hits[7]  # noqa: B018


def test_ties_follow_the_callers_permutation_computed_in_sql():
    for pk in range(1, 30):
        index(pk, "Avfallshantering")
    a, b = 48271, 11
    hits = SearchQuery("avfall").hits(kinds=["solution"], ties=(a, b))
    expected = sorted(range(1, 30), key=lambda pk: (pk * a + b) % TIE_MODULUS)
    assert [hit.object_id for hit in hits] == expected
    assert [hit.object_id for hit in hits[10:20]] == expected[10:20]


def test_a_queryset_of_ids_is_a_subquery():
    for pk in (1, 2, 3):
        index(pk, "Avfallshantering")
    allowed = SearchEntry.objects.filter(object_id__in=[2, 3]).values_list("object_id", flat=True)
    hits = SearchQuery("avfall").hits(object_ids={"solution": allowed})
    assert sorted(hit.object_id for hit in hits) == [2, 3]
    matches = SearchQuery("avfall").hits(kinds=["solution"]).object_ids()
    assert SearchEntry.objects.filter(object_id__in=matches).count() == 3


def test_snippets_are_made_for_the_listed_objects_only():
    index(1, "Avfall", "Om avfall.")
    index(2, "Avfall", "Mer om avfall.")
    assert SearchQuery("avfall").snippets("solution", [2]) == {2: "Mer om <mark>avfall</mark>."}
    assert SearchQuery("   ").snippets("solution", [2]) == {}


def test_a_loosened_query_looks_for_the_beginning_of_a_word():
    index(1, "Laddningsanordningar")
    index(2, "Stationer", foreign="Ladders")
    index(3, "Laddstolpar", kind="other")
    query = SearchQuery("laddstation")
    assert len(query.hits()) == 0
    looser = list(query.loosened())
    # The longest beginnings of "laddstation" that begin known words, the longest first.
    assert [loose.beginnings for loose in looser] == [["laddst"], ["ladds"], ["ladd"]]
    assert [hit.object_id for hit in looser[0].hits(kinds=["solution"])] == []  # "laddstolpar" is another kind's
    assert [hit.object_id for hit in looser[2].hits(kinds=["solution"])] == [1]  # never through foreign words
    assert list(SearchQuery("xyzxyz").loosened()) == []


# --- Many at once, and the rules' version ------------------------------------------------------------


def test_many_documents_are_indexed_in_batches_like_one():
    documents = [SearchDocument("solution", pk, f"Avfallshantering {pk}", "Kärl") for pk in range(1, 451)]
    assert search_index_many(documents) == 450
    assert len(SearchQuery("avfall").hits()) == 450
    search_index_many([SearchDocument("solution", 3, "Snöröjning")])
    assert ids("snöröjning") == {3} and SearchEntry.objects.count() == 450


def test_entries_made_by_older_rules_are_outdated_until_rebuilt():
    index(1, "Avfallshantering")
    assert not search_outdated()
    SearchEntry.objects.update(terms_version=1)
    assert search_outdated()
    search_rebuild()
    assert not search_outdated()


# --- Facets ---------------------------------------------------------------------------------------


def _faceted() -> None:
    search_index_many([
        SearchDocument("solution", 1, "Sensor för avfall", facets=["cpv:90", "trl:7", "sme"]),
        SearchDocument("solution", 2, "Sensor för kärl", facets=["trl:7", "sme", "cpv:90"]),  # same set, other order
        SearchDocument("solution", 3, "Sensor för belysning", facets=["cpv:34"]),
        SearchDocument("solution", 4, "Sensor utan värden", facets=[]),
        SearchDocument("solution", 5, "Sensor utan facetter"),  # a kind may leave facets out
        SearchDocument("supplier", 6, "Sensor AB", facets=["sme"]),
    ])


def test_facet_groups_count_the_hits_per_set_of_facet_values():
    _faceted()
    hits = SearchQuery("sensor").hits(kinds=["solution"])
    groups = sorted((sorted(values), n) for values, n in hits.facet_groups())
    assert groups == [([], 2), (["cpv:34"], 1), (["cpv:90", "sme", "trl:7"], 2)]
    assert len(hits) == 5
    # Within the caller's set only, and without a query, every object of a kind.
    scoped = SearchQuery("sensor").hits(kinds=["solution"], object_ids={"solution": [1, 3]})
    assert sorted((sorted(values), n) for values, n in scoped.facet_groups()) == [(["cpv:34"], 1), (["cpv:90", "sme", "trl:7"], 1)]
    from innokop.core.search import search_facet_groups

    assert sum(n for _values, n in search_facet_groups("solution")) == 5
    assert [(sorted(values), n) for values, n in search_facet_groups("supplier")] == [(["sme"], 1)]


def test_facet_groups_rank_the_page_in_the_same_statement():
    search_index_many([SearchDocument("solution", n, f"Avfall {n}", "avfall " * (n % 4), facets=[f"n:{n % 3}"])
                       for n in range(1, 12)])
    expected = [hit.object_id for hit in SearchQuery("avfall").hits(kinds=["solution"], ties=(3, 5))]
    for offset in (0, 4, 8):
        hits = SearchQuery("avfall").hits(kinds=["solution"], ties=(3, 5))
        with CaptureQueriesContext(connection) as captured:
            hits.facet_groups(page=(offset, 4))
            assert [hit.object_id for hit in hits[offset : offset + 4]] == expected[offset : offset + 4]
            assert len(hits) == 11
            assert [hit.object_id for hit in hits[offset + 1 : offset + 3]] == expected[offset + 1 : offset + 3]
        assert len(captured) == 1
    # Past the last hit, the last page is kept (what Paginator.get_page shows then).
    hits = SearchQuery("avfall").hits(kinds=["solution"], ties=(3, 5))
    with CaptureQueriesContext(connection) as captured:
        hits.facet_groups(page=(40, 4))
        assert [hit.object_id for hit in hits[8:11]] == expected[8:11]
    assert len(captured) == 1
    # A slice outside the kept window asks the index.
    with CaptureQueriesContext(connection) as captured:
        assert [hit.object_id for hit in hits[0:4]] == expected[0:4]
    assert len(captured) == 1


def test_facet_values_are_replaced_rebuilt_and_removed_with_their_entry():
    from innokop.core.models import SearchFacets

    _faceted()
    index(3, "Sensor för belysning", facets=["cpv:31", "trl:9"])
    assert SearchFacets.objects.get(entry__kind="solution", entry__object_id=3).keys == "cpv:31 trl:9"
    search_rebuild()
    assert SearchFacets.objects.get(entry__kind="solution", entry__object_id=3).keys == "cpv:31 trl:9"
    assert not SearchFacets.objects.filter(entry__object_id=5).exists()  # none given: none kept
    search_remove(kind="solution", object_id=3)
    assert not SearchFacets.objects.filter(entry__object_id=3).exists()
    index(1, "Sensor för avfall")  # indexed again without facets: its old values go
    assert not SearchFacets.objects.filter(entry__object_id=1).exists()


@pytest.mark.parametrize("value", ["", "två ord", "x" * 101, "tab\there"])
def test_a_facet_value_is_short_and_has_no_spaces(value):
    with pytest.raises(ValueError):
        index(1, "Sensor", facets=[value])


def test_facet_groups_among_the_best_hits_only():
    search_index_many([SearchDocument("solution", n, f"Avfall {n}", "avfall " * n, facets=[f"n:{n}"])
                       for n in range(1, 8)])
    ranked = [hit.object_id for hit in SearchQuery("avfall").hits(kinds=["solution"], ties=(3, 5))]
    hits = SearchQuery("avfall").hits(kinds=["solution"], ties=(3, 5))
    groups = hits.facet_groups(among=3, page=(0, 2))
    assert sorted(value for values, _n in groups for value in values) == sorted(f"n:{pk}" for pk in ranked[:3])
    assert len(hits) == 7  # every hit counted
    assert [hit.object_id for hit in hits[0:2]] == ranked[:2]
    # A page beyond the best hits comes from all of them; among=0 counts and pages only.
    hits = SearchQuery("avfall").hits(kinds=["solution"], ties=(3, 5))
    assert hits.facet_groups(among=0, page=(4, 2)) == []
    assert len(hits) == 7 and [hit.object_id for hit in hits[4:6]] == ranked[4:6]


def test_hits_keep_to_groups_of_facet_values():
    _faceted()
    found = lambda facets: {hit.object_id for hit in SearchQuery("sensor").hits(kinds=["solution"], facets=facets)}  # noqa: E731
    assert found([{"cpv:90", "cpv:34"}]) == {1, 2, 3}
    assert found([{"cpv:90", "cpv:34"}, {"sme"}]) == {1, 2}
    assert found([{"cpv:3"}]) == set()  # whole values only: "cpv:3" is not a part of "cpv:34"
    assert found([set()]) == found(None) == {1, 2, 3, 4, 5}  # an empty group keeps everything
    with pytest.raises(TypeError):
        found(["sme"])


def test_facet_groups_without_the_filter_and_the_filtered_page_in_one_statement():
    search_index_many([SearchDocument("solution", n, f"Avfall {n}", "avfall " * (n % 5), facets=[f"n:{n % 3}"])
                       for n in range(1, 15)])
    filtered = [hit.object_id for hit in SearchQuery("avfall").hits(kinds=["solution"], ties=(3, 5), facets=[{"n:1"}])]
    every = [hit.object_id for hit in SearchQuery("avfall").hits(kinds=["solution"], ties=(3, 5))]
    hits = SearchQuery("avfall").hits(kinds=["solution"], ties=(3, 5), facets=[{"n:1"}])
    with CaptureQueriesContext(connection) as captured:
        groups = hits.facet_groups(page=(2, 2), among=6, unfiltered=True)
        assert [hit.object_id for hit in hits[2:4]] == filtered[2:4]
        assert len(hits) == len(filtered) == 5 and hits.unfiltered_count == 14
    assert len(captured) == 1
    # The groups count the six best hits of all, not of the filtered ones.
    assert sorted((sorted(values), n) for values, n in groups) == sorted(
        (sorted([f"n:{k}"]), sum(1 for pk in every[:6] if pk % 3 == k)) for k in range(3) if any(pk % 3 == k for pk in every[:6]))
    # A page past the last keeps the last.
    hits = SearchQuery("avfall").hits(kinds=["solution"], ties=(3, 5), facets=[{"n:1"}])
    hits.facet_groups(page=(40, 2), among=6, unfiltered=True)
    with CaptureQueriesContext(connection) as captured:
        assert [hit.object_id for hit in hits[4:5]] == filtered[4:5]
    assert len(captured) == 0
