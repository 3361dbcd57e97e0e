import pytest
from django.urls import reverse

from innokop.agreements.models import FrameworkAgreement, Lot, LotSupplier
from innokop.reference.indexing import cpv_index
from innokop.reference.models import CpvCode

from .factories import AgreementFactory, LotFactory, LotSupplierFactory

pytestmark = pytest.mark.django_db

FORM = {
    "reference": "IK-2027-009", "title": "Smarta sensorer", "summary": "Sensorer för kommuner",
    "description": "<p>Text</p>", "cpv_codes": "90500000-2, 34996000", "start_date": "2027-01-01",
    "end_date": "2030-12-31", "special_reasons": "", "max_value": "20000000",
    "entitled_categories": ["municipality"], "call_off_guidance": "",
}


def test_a_framework_manager_creates_an_agreement_through_the_form(login, cpb_manager):
    client = login(cpb_manager)
    assert client.get(reverse("agreements:agreement_create")).status_code == 200
    response = client.post(reverse("agreements:agreement_create"), FORM)
    agreement = FrameworkAgreement.objects.get(reference="IK-2027-009")
    assert response.status_code == 302 and response["Location"] == reverse("agreements:agreement_detail", args=[agreement.pk])
    assert set(agreement.cpv_codes.values_list("code", flat=True)) == {"90500000", "34996000"}


def test_bad_input_is_explained_and_kept(login, cpb_manager):
    client = login(cpb_manager)
    response = client.post(reverse("agreements:agreement_create"),
                           FORM | {"cpv_codes": "12345678, 99", "end_date": "2033-01-01", "entitled_categories": []})
    page = response.content.decode()
    assert response.status_code == 200 and not FrameworkAgreement.objects.exists()
    assert "12345678" in page and "govuk-error-summary" in page
    assert 'value="Smarta sensorer"' in page


def test_the_four_year_rule_is_shown_on_the_field(login, cpb_manager):
    response = login(cpb_manager).post(reverse("agreements:agreement_create"), FORM | {"end_date": "2031-06-01"})
    assert 'href="#id_special_reasons"' in response.content.decode()


def test_agencies_cannot_create_agreements(login, agency_procurer):
    assert login(agency_procurer).get(reverse("agreements:agreement_create")).status_code == 403


def test_the_public_sees_published_agreements_and_not_drafts(client, published, cpb):
    draft = AgreementFactory(owner=cpb, title="Hemligt utkast")
    listing = client.get(reverse("agreements:agreement_list")).content.decode()
    assert published.title in listing and "Hemligt utkast" not in listing
    assert client.get(reverse("agreements:agreement_detail", args=[draft.pk])).status_code == 404
    page = client.get(reverse("agreements:agreement_detail", args=[published.pk])).content.decode()
    assert "AI och automatisering" in page and 'property="og:title"' in page


def test_an_entitled_agency_user_is_offered_to_call_off(login, published, agency_procurer, supplier):
    page = login(agency_procurer).get(reverse("agreements:agreement_detail", args=[published.pk])).content.decode()
    assert "Avropa från detta anbudsområde" in page
    supplier_page = login(supplier).get(reverse("agreements:agreement_detail", args=[published.pk])).content.decode()
    assert "Avropa från detta anbudsområde" not in supplier_page


def test_a_manager_builds_a_lot_with_criteria_prices_and_suppliers(login, cpb_manager, agreement, supplier_org):
    client = login(cpb_manager)
    response = client.post(reverse("agreements:lot_create", args=[agreement.pk]), {
        "number": "1", "title": "Rangordnat", "call_off_method": "ranking", "min_tender_days": "10", "cpv_codes": ""})
    lot = Lot.objects.get(agreement=agreement)
    assert response.status_code == 302
    refused = client.post(reverse("agreements:lot_supplier_add", args=[lot.pk]), {
        "supplier-supplier": supplier_org.pk, "supplier-agreement_number": "A-1", "supplier-contact_name": "Kim",
        "supplier-contact_email": "kim@x.se"})
    assert refused.status_code == 422 and "rank" in refused.content.decode().lower()
    client.post(reverse("agreements:lot_supplier_add", args=[lot.pk]), {
        "supplier-supplier": supplier_org.pk, "supplier-rank": "1", "supplier-agreement_number": "A-1",
        "supplier-contact_name": "Kim", "supplier-contact_email": "kim@x.se"})
    client.post(reverse("agreements:lot_criterion_add", args=[lot.pk]), {
        "criterion-name": "Kvalitet", "criterion-min_weight": "20", "criterion-max_weight": "60"})
    client.post(reverse("agreements:lot_price_row_add", args=[lot.pk]), {
        "price-label": "Timme", "price-unit": "h", "price-ceiling_price": "1200"})
    assert LotSupplier.objects.get(lot=lot).rank == 1
    assert lot.criteria.count() == 1 and lot.price_rows.count() == 1
    publish = client.post(reverse("agreements:agreement_publish", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert publish.status_code == 302 and agreement.published_at is not None


def test_others_cannot_edit_lots(login, published, agency_procurer, supplier, other_agency_procurer):
    lot = published.lots.first()
    assert login(agency_procurer).get(reverse("agreements:lot_edit", args=[lot.pk])).status_code == 403
    assert login(supplier).post(reverse("agreements:lot_criterion_add", args=[lot.pk]), {}).status_code == 403


def test_the_agreement_page_does_not_query_more_for_more_lots(client, published, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("agreements:agreement_detail", args=[published.pk])
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    for number in range(3, 9):
        lot = LotFactory(agreement=published, number=number)
        LotSupplierFactory(lot=lot)
    with django_assert_max_num_queries(len(baseline)):
        assert client.get(url).status_code == 200


def test_questions_page_hides_unanswered_questions_of_others(client, login, published, agency_procurer, agency,
                                                             other_agency_procurer):
    from innokop.agreements import services

    services.question_ask(actor=agency_procurer, agreement=published, organisation=agency, question="Vår fråga?")
    url = reverse("agreements:agreement_questions", args=[published.pk])
    assert "Vår fråga?" in login(agency_procurer).get(url).content.decode()
    assert "Vår fråga?" not in login(other_agency_procurer).get(url).content.decode()
    client.logout()
    assert client.post(url, {"question": "x"}).status_code == 403


def test_the_api_lists_agreements_lots_and_suppliers(client, published, cpb):
    AgreementFactory(owner=cpb, title="Utkast")
    listing = client.get("/api/agreements").json()
    assert [a["reference"] for a in listing] == [published.reference]
    assert listing[0]["status"] == "active"
    detail = client.get(f"/api/agreements/{published.pk}").json()
    assert [lot["number"] for lot in detail["lots"]] == [1, 2] and detail["status"] == "active"
    lot = published.lots.get(number=2)
    suppliers = client.get(f"/api/lots/{lot.pk}/suppliers").json()
    assert suppliers[0]["rank"] == 1 and suppliers[0]["supplier_name"] == "Leverantör Ett AB"
    draft = FrameworkAgreement.objects.get(title="Utkast")
    assert client.get(f"/api/agreements/{draft.pk}").status_code == 404


def test_cpv_lookup_finds_codes_by_words_and_digits(client, db):
    cpv_index(CpvCode.objects.filter(code__startswith="03"))  # words are searched in the index (tests/reference)
    page = client.get(reverse("reference:cpv_lookup"), {"q": "avfall"}).content.decode()
    assert "Träavfall" in page
    fragment = client.get(reverse("reference:cpv_lookup"), {"q": "7200"}, HTTP_HX_REQUEST="true").content.decode()
    assert "72000000-5" in fragment and "<html" not in fragment
