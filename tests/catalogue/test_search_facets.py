"""The catalogue's facet counts come from facet values stored in the search index: they must say what the
solutions' own tables say, for every combination of filters, and follow every change that moves them."""

import itertools
import re
from collections import Counter

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from innokop.accounts.models import OrganisationKind, Role
from innokop.agreements.models import LotSupplier
from innokop.catalogue import services
from innokop.catalogue.finder import FACET_NAMES, Criteria, filter_solutions, solution_search
from innokop.catalogue.indexing import index_outdated
from innokop.catalogue.models import ReviewStatus, Solution
from innokop.core.models import SearchFacets

from ..factories import OrganisationFactory, member
from .conftest import VALUES

pytestmark = pytest.mark.django_db

BASE = {"problem": "<p>Problem.</p>", "how_it_works": "<p>Så här.</p>", "effects": "<p>Effekt.</p>",
        "pricing_model": "subscription", "data_location": "sweden"}


@pytest.fixture
def publish(cpb_manager, clock):
    def _publish(title: str, *, summary: str = "Sensorer för avfall.", sme: bool = False, cpv=("72000000",),
                 trl: int | None = 7, regions=(), nationwide: bool = False, lots=()):
        org = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name=f"{title} AB", is_sme=sme)
        user = member(org, Role.SUPPLIER_REPRESENTATIVE)
        for lot in lots:  # admitted to the lot, as a solution offered through it must be
            LotSupplier.objects.create(lot=lot, supplier=org, rank=lot.lot_suppliers.count() + 1,
                                       agreement_number=f"A{org.pk}", contact_name="Sara",
                                       contact_email="sara@example.se")
        solution = services.solution_create(actor=user, supplier=org, title=title, **BASE, summary=summary,
                                            cpv_codes=list(cpv), trl=trl, regions=list(regions),
                                            nationwide=nationwide or not regions, lots=list(lots))
        services.solution_submit(actor=user, solution=solution)
        return services.solution_publish(actor=cpb_manager, solution=solution)

    return _publish


@pytest.fixture
def varied(publish, lot):
    """Solutions that differ in every facet, some matching "avfall" and some not."""
    return [
        publish("Avfallssensor", cpv=("90511000", "90500000"), trl=8, sme=True, regions=("SE110", "SE121")),
        publish("Sopkärl med sensor", cpv=("90511000", "34144900"), trl=6, nationwide=True, lots=(lot,)),
        publish("Belysning", summary="Gatubelysning som dimmar.", cpv=("31520000",), trl=8, regions=("SE224",)),
        publish("Avfallsplattform", cpv=("48000000", "72000000"), trl=4, sme=True, nationwide=True),
        publish("Återbruk", summary="Möbler och avfall.", cpv=("39130000",), trl=9, regions=("SE110",), lots=(lot,)),
        publish("Tömningsrutter", summary="Rutter för avfall.", cpv=("90511000",), trl=6, sme=True,
                regions=("SE121", "SE224")),
    ]


def expected(criteria: Criteria) -> tuple[dict, int]:
    """The facet counts computed from the solutions' own tables, one solution at a time."""
    base = Solution.objects.published()
    if criteria.q:
        base = base.filter(pk__in=list(solution_search(Criteria(q=criteria.q)).ordered_ids))
    counts = {}
    for name in FACET_NAMES:
        found = Counter()
        for solution in filter_solutions(base, criteria, skip=name).prefetch_related("cpv_codes", "regions", "lots"):
            if name == "cpv":
                found.update({code.code[:2] for code in solution.cpv_codes.all()})
            elif name == "trl" and solution.trl:
                found[str(solution.trl)] += 1
            elif name == "region":
                own = {region.code for region in solution.regions.all()}
                found.update(code for code in ("SE110", "SE121", "SE224", "SE232") if solution.nationwide or code in own)
            elif name == "lot":
                found.update(str(lot.pk) for lot in solution.lots.all())
            elif name == "verified" and solution.verified_at:
                found["1"] += 1
            elif name == "sme" and solution.supplier.is_sme:
                found["1"] += 1
        counts[name] = dict(found)
    return counts, filter_solutions(base, criteria).count()


def shown(criteria: Criteria) -> tuple[dict, int]:
    result = solution_search(criteria)
    counts = {facet.name: {value.value: value.count for value in facet.values if value.count}
              for facet in result.facets}
    counts["region"] = {code: n for code, n in counts["region"].items() if code in ("SE110", "SE121", "SE224", "SE232")}
    return counts, len(result.ordered_ids)


def criteria_to_try(lot) -> list[Criteria]:
    filters = [{}, {"cpv": ["90"]}, {"cpv": ["90", "31"]}, {"trl": [6]}, {"trl": [8, 9]}, {"region": ["SE110"]},
               {"region": ["SE224", "SE232"]}, {"lot": [lot.pk]}, {"verified": True}, {"sme": True}]
    tried = []
    for q in ("", "avfall", "sensor"):
        for first, second in itertools.combinations_with_replacement(filters, 2):
            tried.append(Criteria(q=q, **{**first, **second}))
    return tried


def test_facet_counts_from_the_index_equal_the_counts_from_the_solutions_tables(varied, lot):
    for criteria in criteria_to_try(lot):
        assert shown(criteria) == expected(criteria), criteria


def test_verifying_and_withdrawing_move_the_verified_count(varied, cpb_manager, clock):
    solution = varied[0]
    evidence = services.evidence_add(actor=solution.created_by, solution=solution, kind="pilot", provided_by="Kommunen",
                                     date=clock.now().date(), description="Pilot")
    services.evidence_review(actor=cpb_manager, evidence=evidence, status=ReviewStatus.ACCEPTED)
    services.solution_verify(actor=cpb_manager, solution=solution, reason="Piloten visar effekt.")
    assert shown(Criteria(q="avfall")) == expected(Criteria(q="avfall"))
    assert shown(Criteria(q="avfall"))[0]["verified"] == {"1": 1}
    assert shown(Criteria(verified=True))[1] == 1
    services.solution_unverify(actor=cpb_manager, solution=Solution.objects.get(pk=solution.pk), reason="Fel.")
    assert shown(Criteria(q="avfall"))[0]["verified"] == {}


def test_a_supplier_that_stops_being_an_sme_leaves_the_sme_count(varied):
    supplier = varied[0].supplier
    supplier.is_sme = False
    supplier.save()
    assert shown(Criteria(q="avfall")) == expected(Criteria(q="avfall"))
    supplier.is_sme = True
    supplier.save(update_fields=["name"])  # a save that does not touch is_sme leaves the index alone
    assert "sme" not in SearchFacets.objects.get(entry__kind="solution", entry__object_id=varied[0].pk).keys.split()


def test_changes_to_cpv_regions_and_lots_reach_the_counts(varied, cpb_manager, lot):
    solution = varied[2]
    LotSupplier.objects.create(lot=lot, supplier=solution.supplier, rank=9, agreement_number="A9", contact_name="Sara",
                               contact_email="sara@example.se")
    services.solution_update(actor=solution.created_by, solution=solution, cpv_codes=["90511000"],
                             regions=["SE232"], lots=[lot.pk])
    services.solution_changes_approve(actor=cpb_manager, solution=Solution.objects.get(pk=solution.pk))
    for criteria in (Criteria(), Criteria(cpv=["90"]), Criteria(region=["SE232"]), Criteria(lot=[lot.pk])):
        assert shown(criteria) == expected(criteria), criteria
    services.solution_archive(actor=cpb_manager, solution=Solution.objects.get(pk=solution.pk), reason="Utgått")
    assert shown(Criteria()) == expected(Criteria())


def test_the_counts_without_a_query_are_cached_until_the_index_changes(varied, cpb_manager):
    filters = (Criteria(), Criteria(cpv=["90"]), Criteria(sme=True, region=["SE110"]))
    for criteria in filters:
        assert shown(criteria) == expected(criteria), criteria
    # Read again, the counts come from the cache: the index's facet values are not read.
    for criteria in filters:
        with CaptureQueriesContext(connection) as captured:
            assert shown(criteria) == expected(criteria), criteria
        assert not [query for query in captured if SearchFacets._meta.db_table in query["sql"]]
    # Every change to the index gives it a new token: the counts follow at once.
    services.solution_archive(actor=cpb_manager, solution=varied[0], reason="Utgått")
    for criteria in filters:
        assert shown(criteria) == expected(criteria), criteria
    supplier = varied[1].supplier
    supplier.is_sme = True
    supplier.save()
    for criteria in filters:
        assert shown(criteria) == expected(criteria), criteria


def test_solutions_indexed_before_their_facets_make_the_index_outdated(varied):
    call_command("search_reindex", verbosity=0)  # the CPV codes too
    assert not index_outdated()
    SearchFacets.objects.filter(entry__object_id=varied[0].pk).delete()
    assert index_outdated()
    call_command("search_reindex", "--if-outdated", verbosity=0)
    assert not index_outdated()
    assert shown(Criteria()) == expected(Criteria())


def test_every_page_shows_the_hits_in_the_order_of_the_ranking(client, publish):
    for n in range(45):
        publish(f"Avfallssensor {n}", summary="Sensor för avfall." + " avfall" * (n % 3))
    ordered = list(solution_search(Criteria(q="avfall")).ordered_ids)
    cards = {}
    for page in ("1", "2", "3", "9", "x"):  # past the last page: the last; not a number: the first
        content = client.get(reverse("catalogue:solution_list"), {"q": "avfall", "page": page}).content.decode()
        cards[page] = [int(pk) for pk in _card_ids(content)]
    assert cards["1"] + cards["2"] + cards["3"] == ordered
    assert cards["9"] == cards["3"] and cards["x"] == cards["1"]
    api = client.get("/api/solutions", {"q": "avfall", "page": 2, "page_size": 7}).json()
    assert [item["id"] for item in api["items"]] == ordered[7:14] and api["count"] == 45


def test_a_page_of_results_links_to_the_first_last_and_nearby_pages_only(client, publish):
    for n in range(9):
        publish(f"Avfallssensor {n}", summary="Sensor för avfall.")
    from innokop.catalogue.views import public

    public.PAGE_SIZE, size = 1, public.PAGE_SIZE
    try:
        content = client.get(reverse("catalogue:solution_list"), {"q": "avfall", "page": "5"}).content.decode()
    finally:
        public.PAGE_SIZE = size
    assert [int(n) for n in _page_links(content)] == [1, 4, 5, 6, 9]
    assert content.count("govuk-pagination__item--ellipses") == 2


def _card_ids(content: str) -> list[str]:
    import re

    return re.findall(r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="/solutions/(\d+)/">', content)


def _page_links(content: str) -> list[str]:
    import re

    return re.findall(r'class="govuk-link govuk-pagination__link" href="[^"]*" aria-label="[^"]*"[^>]*>(\d+)</a>', content)


def test_the_values_fixture_is_nationwide(published):
    # The shared fixture's solution is available in all of Sweden: its facet values say so and name no region.
    keys = SearchFacets.objects.get(entry__kind="solution", entry__object_id=published.pk).keys.split()
    assert "nationwide" in keys and not any(key.startswith("region:") for key in keys)
    assert VALUES["nationwide"] is True


def test_a_query_with_more_matches_than_the_bound_counts_facets_among_the_best(client, varied, monkeypatch):
    from innokop.catalogue import finder

    exact = expected(Criteria(q="avfall"))[0]
    monkeypatch.setattr(finder, "FACET_CANDIDATES", 2)
    result = solution_search(Criteria(q="avfall"))
    assert result.facets_among == 2 and len(result.ordered_ids) == 5  # the number of results stays exact
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    best = Solution.objects.filter(pk__in=list(result.ordered_ids)[:2])
    counted = shown(Criteria(q="avfall"))[0]
    among_best = expected_over(best)
    assert counted["cpv"] == among_best["cpv"] and counted["trl"] == among_best["trl"]
    for name, values in counted.items():  # lower bounds of the exact counts
        assert all(n <= exact[name].get(value, 0) for value, n in values.items()), name
    with translation.override("en"):
        page = client.get(reverse("catalogue:solution_list"), {"q": "avfall"}).content.decode()
        api = client.get("/api/solutions", {"q": "avfall"}).json()
    assert "The numbers count the 2 best matches" in page and "at least" in page and "(≥ " in page
    assert api["facets_among"] == 2 and api["count"] == 5
    # Within the bound the counts are exact and say so.
    monkeypatch.setattr(finder, "FACET_CANDIDATES", 5)
    caches["pages"].clear()  # the rendered page is kept per index state; the bound is configuration
    assert solution_search(Criteria(q="avfall")).facets_among is None
    with translation.override("en"):
        page = client.get(reverse("catalogue:solution_list"), {"q": "avfall"}).content.decode()
    assert "best matches" not in page and "at least" not in page
    assert client.get("/api/solutions", {"q": "avfall"}).json()["facets_among"] is None


def test_filtered_queries_count_among_the_best_unfiltered_matches(varied, monkeypatch):
    from innokop.catalogue import finder

    monkeypatch.setattr(finder, "FACET_CANDIDATES", 3)
    criteria = Criteria(q="avfall", sme=True)
    result = solution_search(criteria)
    assert result.facets_among == 3
    assert len(result.ordered_ids) == expected(criteria)[1]  # the filtered results, all of them
    best = list(solution_search(Criteria(q="avfall")).ordered_ids)[:3]
    sme_among_best = Solution.objects.filter(pk__in=best, supplier__is_sme=True).count()
    assert {v.value: v.count for v in result.facets[5].values} == {"1": sme_among_best}


def expected_over(solutions) -> dict:
    found = {"cpv": Counter(), "trl": Counter()}
    for solution in solutions.prefetch_related("cpv_codes"):
        found["cpv"].update({code.code[:2] for code in solution.cpv_codes.all()})
        found["trl"][str(solution.trl)] += 1
    return {name: dict(counts) for name, counts in found.items()}


def test_a_long_facet_lists_the_values_with_most_solutions_and_the_ticked_ones(client, varied, monkeypatch):
    from innokop.catalogue import finder

    monkeypatch.setattr(finder, "SHOWN_VALUES", 2)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        page = client.get(reverse("catalogue:solution_list"), {"cpv": "72"}).content.decode()
        api = client.get("/api/solutions", {"cpv": "72"}).json()
    listed = re.findall(r'id="facet-cpv-(\d+)"', page)
    # CPV 90 has three solutions, the others one each (the first of them in order: 31); 72 is ticked.
    assert listed == ["31", "72", "90"]
    assert "3 more values with fewer solutions are not listed." in page
    assert len(next(facet for facet in api["facets"] if facet["name"] == "cpv")["values"]) == 6  # the API: every value
