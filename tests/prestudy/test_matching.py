"""Matching, explained: pairs of a need and a solution (or another need) that must and must not match, the
reasons computed from the data, the ranking, who sees the matches (page and API)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from innokop.accounts.models import OrganisationKind, Role
from innokop.catalogue import services as catalogue
from innokop.prestudy import matching, services
from innokop.reference.models import CpvCode, NutsRegion

from ..factories import OrganisationFactory, api_token, member
from .conftest import need_input

pytestmark = pytest.mark.django_db

BASE = {"problem": "<p>Problem.</p>", "how_it_works": "<p>Så här.</p>", "effects": "<p>Effekt.</p>",
        "pricing_model": "subscription", "data_location": "sweden"}


@pytest.fixture
def publish(cpb_manager, clock):
    def _publish(title, *, summary="Sammanfattning.", cpv=("72000000",), trl=7, regions=(), nationwide=False,
                 sme=False, publish=True):
        org = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name=f"{title} AB", is_sme=sme)
        user = member(org, Role.SUPPLIER_REPRESENTATIVE)
        solution = catalogue.solution_create(actor=user, supplier=org, title=title, **{
            **BASE, "summary": summary, "cpv_codes": list(cpv), "trl": trl, "regions": list(regions),
            "nationwide": nationwide})
        if not publish:
            return solution
        catalogue.solution_submit(actor=user, solution=solution)
        return catalogue.solution_publish(actor=cpb_manager, solution=solution)

    return _publish


@pytest.fixture
def market(publish):
    return {
        # The same code, in the need's region: the best match.
        "exact": publish("Fyllnadssensorer", summary="Sensorer mäter fyllnadsgrad så att tömning sker efter behov.",
                         cpv=("90500000",), trl=8, regions=("SE110",), sme=True),
        # The same division, nationwide.
        "division": publish("Ruttplanering för sophämtning", summary="Planerar hämtningen av avfall.",
                            cpv=("90511000",), trl=6, nationwide=True),
        # No CPV in common, but the words of the need: matches on words.
        "words": publish("Smarta kärl", summary="Överfulla kärl larmar och fyllnadsgrad visas i en app.",
                         cpv=("48000000",), trl=5, nationwide=True),
        # Must not match: another division, no words in common, even in the need's region.
        "furniture": publish("Cirkulära kontorsmöbler", summary="Renoverade möbler med garanti.",
                             cpv=("39100000",), trl=9, regions=("SE110",)),
        # Must not match: the right code but not published.
        "draft": publish("Utkast till sopsensor", summary="Tömning efter fyllnadsgrad.", cpv=("90500000",),
                         publish=False),
    }


def test_pairs_that_must_and_must_not_match_with_their_reasons(need, market):
    with translation.override("en"):
        found = matching.solution_matches(need, limit=0)
        region = NutsRegion.objects.get(code="SE110").label
    titles = [item.solution.title for item in found]
    assert titles[0] == "Fyllnadssensorer"
    assert set(titles) == {"Fyllnadssensorer", "Ruttplanering för sophämtning", "Smarta kärl"}
    best = found[0]
    assert best.reasons[0] == "CPV 90500000 in common"
    assert f"available in {region}" in best.reasons and "TRL 8" in best.reasons
    assert any(reason.startswith("words: ") and "tömning" in reason for reason in best.reasons)
    division = next(item for item in found if item.solution.title == "Ruttplanering för sophämtning")
    assert division.reasons[0] == "CPV division 90 in common" and "available in all of Sweden" in division.reasons
    words = next(item for item in found if item.solution.title == "Smarta kärl")
    assert not words.common_divisions and len(words.words) >= matching.MIN_WORDS
    assert {"överfulla", "kärl"} <= set(words.words)


def test_region_and_trl_alone_never_make_a_match(need, publish):
    publish("Kontorsstolar", summary="Ergonomiska stolar.", cpv=("39100000",), trl=9, regions=("SE110",))
    assert matching.solution_matches(need) == []


def test_the_search_finds_candidates_outside_the_need_s_cpv_division(need, market):
    """The words of the need are looked up in the Swedish search (compounds and inflections included)."""
    found_ids = matching._searched_solution_ids(need)
    assert market["words"].pk in found_ids
    assert market["draft"].pk not in found_ids


def test_suppliers_are_ranked_by_their_best_solution_and_say_when_they_are_smes(need, market):
    with translation.override("en"):
        suppliers = matching.supplier_matches(matching.solution_matches(need, limit=0))
    assert suppliers[0].supplier == market["exact"].supplier
    assert "small or medium-sized enterprise" in suppliers[0].reasons
    assert market["furniture"].supplier not in [item.supplier for item in suppliers]


@pytest.fixture
def other_needs(other_agency, other_agency_procurer, agency, agency_procurer, clock):
    codes = list(CpvCode.objects.filter(code="90511000"))
    similar = services.need_create(actor=other_agency_procurer, agency=other_agency, given=need_input(
        title="Tömning efter behov", cpv_codes=codes, budget=Decimal(500_000)))
    internal = services.need_create(actor=other_agency_procurer, agency=other_agency, given=need_input(
        title="Internt sopbehov", cpv_codes=codes, is_public=False))
    unrelated = services.need_create(actor=other_agency_procurer, agency=other_agency, given=need_input(
        title="Snabbare bygglov", problem="Handläggningen tar för lång tid.", desired_effects="Beslut på fyra veckor.",
        current_situation="Manuell granskning.", cpv_codes=list(CpvCode.objects.filter(code="72000000"))))
    own = services.need_create(actor=agency_procurer, agency=agency, given=need_input(title="Vårt andra behov"))
    return {"similar": similar, "internal": internal, "unrelated": unrelated, "own": own}


def test_similar_needs_are_other_agencies_public_ones_and_every_one_for_the_purchasing_body(
        need, other_needs, agency_procurer, cpb_manager):
    from innokop.accounts.permissions import actor_for

    as_agency = [item.need for item in matching.similar_needs(actor_for(agency_procurer), need)]
    assert as_agency == [other_needs["similar"]]
    as_cpb = {item.need for item in matching.similar_needs(actor_for(cpb_manager), need)}
    assert as_cpb == {other_needs["similar"], other_needs["internal"]}


def test_the_need_page_shows_the_matches_to_its_agency_and_the_purchasing_body_only(
        client, login, need, market, agency_procurer, cpb_manager, supplier):
    url = reverse("prestudy:need_detail", args=[need.pk])
    for user in (agency_procurer, cpb_manager):
        login(user)
        page = client.get(url).content.decode()
        assert 'id="matching-solutions"' in page and "Fyllnadssensorer" in page and "90500000" in page
    login(supplier)
    page = client.get(url).content.decode()
    assert 'id="matching-solutions"' not in page


def _headers(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def test_the_api_answers_the_matches_with_reasons_and_documented_errors(client, need, internal_need, market,
                                                                        agency_procurer, supplier, cpb_manager):
    url = f"/api/needs/{need.pk}/matches"
    assert client.get(url).status_code == 401
    answer = client.get(url, HTTP_ACCEPT_LANGUAGE="en", **_headers(agency_procurer))
    assert answer.status_code == 200
    data = answer.json()
    assert data["solutions"][0]["title"] == "Fyllnadssensorer" and data["solutions"][0]["reasons"]
    assert {item["name"] for item in data["suppliers"]} >= {"Fyllnadssensorer AB"}
    assert client.get(url, **_headers(supplier)).status_code == 403
    assert client.get(f"/api/needs/{internal_need.pk}/matches", **_headers(supplier)).status_code == 404
    assert client.get(f"/api/needs/{internal_need.pk}/matches", **_headers(cpb_manager)).status_code == 200
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/needs/{need_id}/matches"]["get"]
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
