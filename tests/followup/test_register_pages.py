"""The register's pages and API: who sees which contracts, the filters, the change form's warning then
confirmation, and the API answering as the pages do."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from innokop.followup.models import ChangeReason, ContractChange
from innokop.followup.models.register import seed_change_limits
from innokop.followup.services import register as services
from innokop.reference.thresholds import seed_thresholds

from ..factories import api_token
from .conftest import contract


@pytest.fixture(autouse=True)
def _dated_configuration(db):
    """The rows data migrations load (thresholds, the limits of LOU 17 kap.): a transactional test elsewhere in
    the suite flushes them."""
    seed_thresholds()
    seed_change_limits()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def contracts(sales_agreement, supplier_org, supplier_org_b, agency, other_agency, agency_procurer,
              other_agency_procurer):
    """The agency's running and expiring contracts with the first supplier, and another agency's with the second."""
    running = contract(sales_agreement, supplier_org, agency, agency_procurer, value=1_000_000,
                       starts=date(2026, 2, 1), ends=date(2027, 6, 30))
    expiring = contract(sales_agreement, supplier_org, agency, agency_procurer, value=400_000,
                        starts=date(2026, 2, 1), ends=date(2026, 7, 31))
    elsewhere = contract(sales_agreement, supplier_org_b, other_agency, other_agency_procurer, value=300_000,
                         starts=date(2026, 2, 1), ends=date(2027, 1, 31), lot_number=2)
    return running, expiring, elsewhere


def _listed(client, user, **query) -> str:
    client.force_login(user)
    return client.get(reverse("followup:contract_register"), query).content.decode()


def test_each_sees_its_own_contracts_and_the_purchasing_body_those_under_its_agreements(
        client, contracts, agency_procurer, supplier, supplier_b, cpb_manager, other_agency_procurer):
    running, expiring, elsewhere = contracts
    refs = [c.calloff.reference for c in contracts]
    assert [r in _listed(client, agency_procurer) for r in refs] == [True, True, False]
    assert [r in _listed(client, supplier) for r in refs] == [True, True, False]
    assert [r in _listed(client, supplier_b) for r in refs] == [False, False, True]
    assert [r in _listed(client, cpb_manager) for r in refs] == [True, True, True]
    client.force_login(other_agency_procurer)
    assert client.get(reverse("followup:contract_record", args=[running.pk])).status_code == 404


def test_the_list_filters_by_state_and_agreement(client, contracts, agency_procurer, sales_agreement):
    running, expiring, _elsewhere = contracts
    page = _listed(client, agency_procurer, state="expiring")
    assert expiring.calloff.reference + " " in page and running.calloff.reference + " " not in page
    page = _listed(client, agency_procurer, state="running", agreement=str(sales_agreement.pk))
    assert running.calloff.reference + " " in page and expiring.calloff.reference + " " not in page


def test_the_list_reads_a_fixed_number_of_queries(client, contracts, agency_procurer, sales_agreement,
                                                   supplier_org, agency, django_assert_max_num_queries):
    _listed(client, agency_procurer)
    with django_assert_max_num_queries(20):
        _listed(client, agency_procurer)
    for _n in range(5):
        contract(sales_agreement, supplier_org, agency, agency_procurer, value=1, starts=date(2026, 2, 1),
                 ends=date(2026, 12, 31))
    _listed(client, agency_procurer)
    with django_assert_max_num_queries(20):
        _listed(client, agency_procurer)


def test_the_change_form_warns_first_and_records_with_the_warning_once_confirmed(english, contracts, agency_procurer):
    running = contracts[0]
    english.force_login(agency_procurer)
    url = reverse("followup:contract_change_add", args=[running.pk])
    data = {"reason": ChangeReason.LOW_VALUE, "description": "Fler användare", "value_after": "1200000"}
    first = english.post(url, data)
    assert first.status_code == 422 and 'id="change-warnings"' in first.content.decode()
    assert "more than 10 %" in first.content.decode() and not ContractChange.objects.exists()
    confirmed = english.post(url, data | {"confirm": "on"})
    assert confirmed.status_code == 302
    change = ContractChange.objects.get()
    assert [w["code"] for w in change.warnings] == ["17_9_share"]
    page = english.get(reverse("followup:contract_record", args=[running.pk])).content.decode()
    assert "The agency recorded the change anyway." in page


def test_a_change_within_the_limits_is_recorded_at_once(client, contracts, agency_procurer):
    client.force_login(agency_procurer)
    response = client.post(reverse("followup:contract_change_add", args=[contracts[0].pk]), {
        "reason": ChangeReason.NON_SUBSTANTIAL, "description": "Ny kontaktperson", "value_after": "1000000"})
    assert response.status_code == 302 and ContractChange.objects.get().warnings == []


def test_the_supplier_reads_the_register_page_but_changes_nothing(client, contracts, supplier):
    client.force_login(supplier)
    running = contracts[0]
    assert client.get(reverse("followup:contract_record", args=[running.pk])).status_code == 200
    assert client.post(reverse("followup:contract_complete", args=[running.pk]),
                       {"final_amount": "1"}).status_code == 403


def test_the_contract_page_links_to_the_register(client, contracts, agency_procurer):
    client.force_login(agency_procurer)
    running = contracts[0]
    page = client.get(reverse("calloffs:contract_detail", args=[running.calloff_id])).content.decode()
    assert reverse("followup:contract_record", args=[running.pk]) in page


def _headers(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def test_the_api_answers_as_the_pages_do(client, contracts, agency_procurer, supplier, supplier_b, cpb_manager):
    running, expiring, elsewhere = contracts
    services.contract_change_record(actor=agency_procurer, record=services.record_of(running),
                                    reason=ChangeReason.LOW_VALUE, description="Tillägg",
                                    value_after=Decimal(1_200_000))
    listed = client.get("/api/contracts", **_headers(supplier)).json()
    assert sorted(c["id"] for c in listed) == sorted([running.pk, expiring.pk])
    assert {c["id"]: c["state"] for c in listed}[expiring.pk] == "expiring"
    assert len(client.get("/api/contracts", **_headers(cpb_manager)).json()) == 3
    detail = client.get(f"/api/contracts/{running.pk}", **_headers(agency_procurer)).json()
    assert detail["value"] == "1200000.00" and detail["original_value"] == "1000000.00"
    assert [w["code"] for w in detail["changes"][0]["warnings"]] == ["17_9_share"]
    assert client.get(f"/api/contracts/{running.pk}", **_headers(supplier_b)).status_code == 404
    assert client.get(f"/api/contracts/{elsewhere.pk}", **_headers(agency_procurer)).status_code == 404


def test_the_dashboard_counts_the_contracts_and_those_expiring(english, contracts, agency_procurer):
    english.force_login(agency_procurer)
    page = english.get(reverse("core:dashboard")).content.decode()
    assert "2 call-off contracts in the register." in page and "1 expires within 90 days." in page
