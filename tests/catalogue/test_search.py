"""Searching the catalogue: Swedish words, facets with counts, a fair order on ties, constant queries."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innokop.accounts.models import OrganisationKind, Role
from innokop.agreements.indexing import agreement_index
from innokop.catalogue import services
from innokop.catalogue.finder import Criteria, solution_search, tie_breaker
from innokop.catalogue.models import ReviewStatus
from innokop.reference.search import cpv_search

from ..factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db

BASE = {"problem": "<p>Problem.</p>", "how_it_works": "<p>Så här.</p>", "effects": "<p>Effekt.</p>",
        "pricing_model": "subscription", "data_location": "sweden"}


@pytest.fixture
def publish(cpb_manager, clock):
    def _publish(title: str, *, summary: str = "Sammanfattning.", sme: bool = False, cpv=("72000000",), trl: int = 7,
                 regions=(), nationwide: bool = False, **values):
        org = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name=f"{title} AB", is_sme=sme)
        user = member(org, Role.SUPPLIER_REPRESENTATIVE)
        fields = {**BASE, **values, "summary": summary, "cpv_codes": list(cpv), "trl": trl,
                  "regions": list(regions), "nationwide": nationwide or not regions}
        solution = services.solution_create(actor=user, supplier=org, title=title, **fields)
        services.solution_submit(actor=user, solution=solution)
        return services.solution_publish(actor=cpb_manager, solution=solution)

    return _publish


@pytest.fixture
def catalogue(publish):
    return {
        "waste": publish("Sensorer i sopkärl", summary="Tömning efter behov ger bättre avfallshantering.",
                         cpv=("90511000",), trl=8, sme=True, regions=("SE110", "SE121")),
        "documents": publish("AI för diariet", summary="Automatisk hantering av inkomna dokument.",
                             cpv=("72000000", "48000000"), trl=5),
        "furniture": publish("Cirkulära kontorsmöbler", summary="Renoverade möbler med garanti.",
                             cpv=("39100000",), trl=9, sme=True, regions=("SE224",)),
    }


def titles(response) -> list[str]:
    return re.findall(r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="/solutions/\d+/">([^<]+)</a>',
                      response.content.decode())


def test_the_catalogue_lists_published_solutions_without_a_query(client, catalogue):
    response = client.get(reverse("catalogue:solution_list"))
    assert response.status_code == 200
    assert sorted(titles(response)) == ["AI för diariet", "Cirkulära kontorsmöbler", "Sensorer i sopkärl"]


def test_a_part_of_a_compound_finds_it(client, catalogue):
    response = client.get(reverse("catalogue:solution_list"), {"q": "avfall"})
    assert titles(response) == ["Sensorer i sopkärl"]
    assert "<mark>" in response.content.decode()


def test_a_compound_finds_its_parts(client, catalogue):
    # "dokumenthantering" is not in the text: "hantering av inkomna dokument" is.
    assert titles(client.get(reverse("catalogue:solution_list"), {"q": "dokumenthantering"})) == ["AI för diariet"]


def test_an_inflected_form_finds_the_base_form(client, catalogue):
    assert titles(client.get(reverse("catalogue:solution_list"), {"q": "möblerna"})) == ["Cirkulära kontorsmöbler"]


def test_drafts_and_archived_solutions_are_not_found(client, catalogue, supplier, supplier_org, cpb_manager):
    services.solution_create(actor=supplier, supplier=supplier_org, title="Hemlig avfallssensor", summary="Utkast")
    services.solution_archive(actor=cpb_manager, solution=catalogue["waste"], reason="Utgått")
    assert titles(client.get(reverse("catalogue:solution_list"), {"q": "avfall"})) == []


def test_facets_filter_and_count_over_the_query(client, catalogue):
    everything = solution_search(Criteria())
    cpv = {value.value: value.count for value in everything.facets[0].values}
    assert cpv == {"39": 1, "48": 1, "72": 1, "90": 1}
    response = client.get(reverse("catalogue:solution_list"), {"cpv": ["90", "39"]})
    assert sorted(titles(response)) == ["Cirkulära kontorsmöbler", "Sensorer i sopkärl"]
    response = client.get(reverse("catalogue:solution_list"), {"cpv": "90", "trl": "9"})
    assert titles(response) == []
    response = client.get(reverse("catalogue:solution_list"), {"sme": "1", "region": "SE224"})
    assert titles(response) == ["Cirkulära kontorsmöbler"]


def test_facet_counts_are_computed_over_the_matches(catalogue):
    result = solution_search(Criteria(q="möbler", sme=True))
    facets = {facet.name: {v.value: v.count for v in facet.values} for facet in result.facets}
    assert facets["cpv"] == {"39": 1}
    assert facets["trl"] == {9: 1} or facets["trl"] == {"9": 1}
    assert facets["sme"] == {"1": 1}
    # Ticking a value of a facet does not hide the other values of the same facet.
    result = solution_search(Criteria(cpv=["90"]))
    assert {v.value: v.count for v in result.facets[0].values} == {"39": 1, "48": 1, "72": 1, "90": 1}


def test_verified_only(client, catalogue, cpb_manager, clock):
    waste = catalogue["waste"]
    evidence = services.evidence_add(actor=waste.created_by, solution=waste, kind="pilot", provided_by="Kommunen",
                                     date=clock.now().date(), description="Pilot")
    services.evidence_review(actor=cpb_manager, evidence=evidence, status=ReviewStatus.ACCEPTED)
    services.solution_verify(actor=cpb_manager, solution=waste, reason="Piloten visar effekt.")
    assert titles(client.get(reverse("catalogue:solution_list"), {"verified": "1"})) == ["Sensorer i sopkärl"]


def test_a_region_filter_includes_solutions_available_in_all_of_sweden(client, catalogue):
    found = titles(client.get(reverse("catalogue:solution_list"), {"region": "SE110"}))
    assert sorted(found) == ["AI för diariet", "Sensorer i sopkärl"]  # AI för diariet: all of Sweden


def test_lot_facet(client, catalogue, lot, supplier, supplier_org, cpb_manager):
    from .conftest import VALUES

    solution = services.solution_create(actor=supplier, supplier=supplier_org, title="Sensorplattform",
                                        lots=[lot], **VALUES)
    services.solution_submit(actor=supplier, solution=solution)
    services.solution_publish(actor=cpb_manager, solution=solution)
    response = client.get(reverse("catalogue:solution_list"), {"lot": lot.pk})
    assert titles(response) == ["Sensorplattform"]
    assert "IK-2027-001" in response.content.decode()


def test_equal_scores_are_shuffled_per_query_not_fixed(publish):
    same = "Sensorer mäter fyllnadsgrad i kärl för avfall och återvinning."
    solutions = {publish(f"Sensor {letter}", summary=same).pk for letter in "ABCDEFGH"}
    firsts = set()
    for query in ("sensorer", "avfall", "kärl", "fyllnadsgrad", "återvinning", "mäter"):
        result = solution_search(Criteria(q=query))
        assert set(result.ordered_ids) == solutions
        assert list(result.ordered_ids) == sorted(solutions, key=lambda pk: tie_breaker(query, "solution", pk))
        assert list(solution_search(Criteria(q=query)).ordered_ids) == list(result.ordered_ids)  # stable for one query
        firsts.add(result.ordered_ids[0])
    assert len(firsts) > 1, "the same supplier came first for every query"


def test_a_better_match_beats_the_shuffle(publish):
    publish("Kontorsmöbler", summary="Möbler.")
    best = publish("Sopkärlssensor för avfall", summary="Avfall, avfall och avfall: sensorn mäter avfall.")
    publish("Något annat", summary="Hanterar också lite avfall.")
    assert solution_search(Criteria(q="avfall")).ordered_ids[0] == best.pk


def test_suppliers_and_agreements_are_found_in_their_own_sections(client, catalogue, lot):
    agreement_index(lot.agreement)
    response = client.get(reverse("catalogue:solution_list"), {"q": "smarta städer"})
    page = response.content.decode()
    assert "IK-2027-001" in page
    response = client.get(reverse("catalogue:solution_list"), {"q": "Cirkulära kontorsmöbler AB"})
    assert reverse("catalogue:supplier_detail", args=[catalogue["furniture"].supplier_id]) in response.content.decode()


def test_reindex_rebuilds_everything(catalogue, lot):
    from django.core.management import call_command

    call_command("search_reindex", verbosity=0)
    assert titles_for("avfall") == [catalogue["waste"].pk]
    # CPV codes too, and then the index is up to date: `make run` runs `search-reindex --if-outdated`.
    assert [code.code for code in cpv_search("sophämtning").codes][0] == "90511000"
    output = io.StringIO()
    call_command("search_reindex", "--if-outdated", stdout=output)
    assert output.getvalue() == "The search index is up to date.\n"


def titles_for(query: str) -> list[int]:
    return list(solution_search(Criteria(q=query)).ordered_ids)


def _count_queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_the_search_page_does_not_grow_with_the_data(client, publish):
    for n in range(3):
        publish(f"Avfallssensor {n}", regions=("SE110",), cpv=("90511000", "72000000"))
    url = reverse("catalogue:solution_list")
    few = [_count_queries(client, url), _count_queries(client, url, {"q": "avfall", "cpv": "90"})]
    for n in range(12):
        publish(f"Fler avfallssensorer {n}", regions=("SE110", "SE224"), cpv=("90511000", "39100000"), sme=True)
    many = [_count_queries(client, url), _count_queries(client, url, {"q": "avfall", "cpv": "90"})]
    assert many == few


def test_the_broader_cpv_labels_are_searchable(client, publish):
    publish("Tömningsplanering", summary="Kärl töms när de är fulla.", cpv=("90511000",))  # 90511000 Sophämtning
    assert titles(client.get(reverse("catalogue:solution_list"), {"q": "avfallshantering"})) == ["Tömningsplanering"]


def test_publishing_an_agreement_indexes_it(lot, cpb_manager):
    from innokop.agreements.services import _reindex
    from innokop.catalogue.finder import agreement_search

    _reindex(lot.agreement)  # what agreement_publish and agreement_terminate call
    assert [agreement.pk for agreement, _snippet in agreement_search("smarta städer")] == [lot.agreement_id]


def test_own_words_outrank_a_match_through_a_cpv_label(publish):
    by_label = publish("Tömningsplanering", summary="Kärl töms när de är fulla.", cpv=("90511000",))  # Sophämtning
    by_words = publish("Tömningsplanering", summary="Sophämtning när kärlen är fulla.", cpv=("72000000",))
    assert titles_for("sophämtning") == [by_words.pk, by_label.pk]


def test_snippets_come_from_the_solutions_own_text_not_its_cpv_labels(client, publish):
    publish("Tömningsplanering", summary="Kärl töms när de är fulla.", cpv=("90511000",))  # Refuse collection services
    page = client.get(reverse("catalogue:solution_list"), {"q": "refuse collection"}).content.decode()
    assert titles_from(page) == ["Tömningsplanering"]
    assert "Refuse" not in page and "Kärl töms när de är fulla." in page


@pytest.mark.parametrize(("typed", "written"), [("elcykel", "Elcyklar"), ("möbel", "Möbler"), ("sensor", "Sensorn"),
                                                ("renovering", "Renoverade")])
def test_the_catalogue_finds_inflections_both_ways(publish, typed, written):
    one = publish(f"{written} för kommunen", summary="Sammanfattning.")
    other = publish(f"{typed.capitalize()} för regionen", summary="Sammanfattning.")
    publish("Något annat", summary="Sammanfattning.")
    assert set(titles_for(f"{typed} för")) == set(titles_for(f"{written} för")) == {one.pk, other.pk}


def titles_from(page: str) -> list[str]:
    return re.findall(r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="/solutions/\d+/">([^<]+)</a>', page)


def test_results_are_paged_in_the_database(client, publish):
    for n in range(25):
        publish(f"Avfallssensor {n}", summary="Sensorer i kärl för avfall.")
    first = solution_search(Criteria(q="avfall")).ordered_ids
    assert len(first) == 25
    page_two = client.get(reverse("catalogue:solution_list"), {"q": "avfall", "page": "2"})
    assert len(titles(page_two)) == 5
    api = client.get("/api/solutions", {"q": "avfall", "page": 2, "page_size": 10}).json()
    assert api["count"] == 25 and api["pages"] == 3 and [item["id"] for item in api["items"]] == list(first[10:20])
    assert all("<mark>" in item["snippet"] for item in api["items"])


def test_the_search_page_and_api_do_not_grow_with_the_matches(client, publish):
    """Hits are counted, ranked and paged in SQL and snippets made for one page: the number of queries is
    the same for 3 matches as for 30 (more than a page)."""
    def counts() -> list[int]:
        page, api = reverse("catalogue:solution_list"), "/api/solutions"
        return [_count_queries(client, page, {"q": "avfall"}), _count_queries(client, page, {"q": "avfall sensor"}),
                _count_queries(client, page, {"q": "avfall", "cpv": "90", "sme": "1"}),
                _count_queries(client, page, {"q": "avfall", "page": "2"}), _count_queries(client, page, {"q": "inget"}),
                _count_queries(client, api, {"q": "avfall"}), _count_queries(client, api, {"q": "avfall", "trl": "7"})]

    for n in range(3):
        publish(f"Avfallssensor {n}", summary="Sensor för avfall.", regions=("SE110",), cpv=("90511000",), sme=True)
    few = counts()
    for n in range(30):
        publish(f"Fler avfallssensorer {n}", summary="Sensor för avfall.", regions=("SE110", "SE224"),
                cpv=("90511000", "39100000"), sme=True)
    assert counts() == few
