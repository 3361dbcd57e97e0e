"""The search page's supplier and agreement sections: one ranked statement for both kinds gives the same as a
search of each kind on its own (issue 13)."""

import random
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from innokop.accounts.models import OrganisationKind
from innokop.agreements.indexing import agreement_index
from innokop.agreements.models import FrameworkAgreement
from innokop.catalogue.finder import agreement_search, supplier_and_agreement_search, supplier_search
from innokop.catalogue.indexing import supplier_index
from innokop.core.search import SearchQuery, search_index, search_remove

from ..factories import OrganisationFactory

pytestmark = pytest.mark.django_db

WORDS = "sensor sensorer avfall avfallshantering belysning möbler kommunen kommunen drift".split()
QUERIES = ("sensor", "avfall", "kommunen", "belysning", "vätgas", "sensorer avfall", "möbel", "drift", "renov",
           "zeppelinare", "", "och")


@pytest.fixture
def sections(cpb, cpb_manager):
    """Suppliers and agreements with the same words in different amounts (many equal scores), and index entries the
    sections must not show: a buyer indexed as a supplier and an agreement indexed before it was withdrawn."""
    rnd = random.Random(13)

    def text(n: int) -> str:
        return " ".join(rnd.choice(WORDS) for _ in range(n))

    for n in range(30):
        supplier = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name=f"Leverantör {n} AB",
                                       description=text(rnd.randint(1, 6)))
        supplier_index(supplier)
    buyer = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Kommunen köper sensorer")
    search_index(kind="supplier", object_id=buyer.pk, title=buyer.name, body="sensor kommunen sensor kommunen")
    for n in range(10):
        agreement = FrameworkAgreement.objects.create(
            owner=cpb, reference=f"IK-2027-{n:03d}", title=f"Ramavtal {text(2)}", summary=text(rnd.randint(1, 4)),
            start_date=date(2027, 1, 1), end_date=date(2030, 12, 31), max_value=1_000_000,
            published_at="2027-01-01T00:00:00Z", created_by=cpb_manager)
        agreement_index(agreement)
    agreement.published_at = None  # withdrawn, but its entry left behind
    agreement.save(update_fields=["published_at"])
    search_index(kind="agreement", object_id=agreement.pk, title="Sensor kommunen", body="sensor kommunen sensor kommunen")
    return [("supplier", buyer.pk), ("agreement", agreement.pk)]


def _listed(rows) -> list[tuple[int, str]]:
    return [(obj.pk, str(snippet)) for obj, snippet in rows]


@pytest.mark.parametrize("limit", [1, 3, 5, 30])
def test_both_sections_at_once_list_what_each_lists_alone(sections, limit):
    for query in QUERIES:
        suppliers, agreements = supplier_and_agreement_search(query, limit=limit)
        assert _listed(suppliers) == _listed(supplier_search(query, limit=limit)), query
        assert _listed(agreements) == _listed(agreement_search(query, limit=limit)), query
    # The words found something of both kinds, with more than the limit for the smaller limits: ties and cut-offs.
    suppliers, agreements = supplier_and_agreement_search("kommunen", limit=30)
    assert len(suppliers) > 5 and len(agreements) > 1


def test_no_query_lists_nothing_without_asking(sections):
    with CaptureQueriesContext(connection) as captured:
        assert supplier_and_agreement_search(None) == ([], [])
        assert supplier_and_agreement_search("  ") == ([], [])
    assert not captured


def test_a_planned_query_is_searched_as_its_text(sections):
    planned = SearchQuery("sensor avfall")
    assert supplier_and_agreement_search(planned) == supplier_and_agreement_search("sensor avfall")


def test_an_entry_outside_the_allowed_objects_is_not_listed(sections):
    best = SearchQuery("sensor kommunen").best({"supplier": 3, "agreement": 3})
    assert all(pk in [hit.object_id for hit in best[kind]] for kind, pk in sections)  # among the best matches
    suppliers, agreements = supplier_and_agreement_search("sensor kommunen", limit=30)
    assert suppliers and agreements
    assert {pk for _kind, pk in sections}.isdisjoint({obj.pk for obj, _snippet in suppliers + agreements})
    assert all(org.kind == OrganisationKind.SUPPLIER for org, _snippet in suppliers)
    assert all(agreement.published_at is not None for agreement, _snippet in agreements)


def test_both_sections_cost_one_ranked_statement(sections):
    for kind, pk in sections:  # a stale entry among the best makes a section ask again, within the allowed objects
        search_remove(kind=kind, object_id=pk)
    query = SearchQuery("kommunen")
    assert query.plan  # planned before counting: the page plans it for the solutions
    with CaptureQueriesContext(connection) as separate:
        supplier_search(query)
        agreement_search(query)
    with CaptureQueriesContext(connection) as together:
        suppliers, agreements = supplier_and_agreement_search(query)
    assert suppliers and agreements
    # One ranked statement for both kinds, the objects of each kind, the snippets of both.
    assert len(together) == 4
    assert len(separate) == 6
    matching = [q["sql"] for q in together.captured_queries if " MATCH " in q["sql"] or "@@" in q["sql"]]
    assert len(matching) == 1
