"""The supplier's pages (quarters, form, check, confirmation) and the purchasing body's (overdue, sales, fees)."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from innokop.followup.models import FeeRate, SalesReport
from innokop.followup.quarters import Quarter

from .conftest import contract, report


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _args(agreement, supplier_org, quarter=(2026, 1)):
    return [agreement.pk, supplier_org.pk, *quarter]


def _rows(*rows, total=None):
    data = {"form-TOTAL_FORMS": str(total or len(rows)), "form-INITIAL_FORMS": "0"}
    for index, (org, name, lot, amount) in enumerate(rows):
        data |= {f"form-{index}-org_number": org, f"form-{index}-buyer_name": name, f"form-{index}-lot": lot,
                 f"form-{index}-amount": amount}
    return data


def test_the_supplier_sees_its_quarters_with_due_dates_and_state(sales_agreement, supplier, supplier_org, login,
                                                                 english):
    page = login(supplier).get(reverse("followup:my_reports")).content.decode()
    assert "2026 Q1" in page and "Overdue" in page and "15 May 2026" in page


def test_the_form_is_prefilled_with_contracted_buyers_and_goes_through_check_to_a_confirmation(
        sales_agreement, supplier, supplier_org, agency, agency_procurer, login, english):
    contract(sales_agreement, supplier_org, agency, agency_procurer, value=100_000, starts=date(2026, 1, 1),
             ends=date(2026, 12, 31))
    client = login(supplier)
    url = reverse("followup:report_form", args=_args(sales_agreement, supplier_org))
    page = client.get(url).content.decode()
    assert f'value="{agency.org_number}"' in page
    more = client.post(url, _rows((agency.org_number, agency.name, "1", "10")) | {"more": "1"})
    assert more.status_code == 200 and 'name="form-3-amount"' in more.content.decode()
    response = client.post(url, _rows((agency.org_number, agency.name, "1", "25 000,50"), ("", "", "", "")))
    check = reverse("followup:report_check", args=_args(sales_agreement, supplier_org))
    assert response["Location"] == check
    assert "25" in client.get(check).content.decode()
    assert not SalesReport.objects.exists()
    done = client.post(check)
    saved = SalesReport.objects.get()
    assert done["Location"] == reverse("followup:report_detail", args=[saved.pk])
    page = client.get(done["Location"]).content.decode()
    assert "Sales report submitted" in page and saved.reference in page
    assert saved.rows.get().amount == Decimal("25000.50")


def test_row_errors_are_shown_on_their_fields(sales_agreement, supplier, supplier_org, login, english):
    url = reverse("followup:report_form", args=_args(sales_agreement, supplier_org))
    response = login(supplier).post(url, _rows(("123", "", "", "x")))
    page = response.content.decode()
    assert response.status_code == 200 and "Row 1, Buyer&#x27;s organisation number" in page
    assert 'href="#id_form-0-amount"' in page


def test_a_zero_report_from_the_button(sales_agreement, supplier, supplier_org, login):
    client = login(supplier)
    url = reverse("followup:report_form", args=_args(sales_agreement, supplier_org))
    response = client.post(url, _rows(("", "", "", ""), total=1) | {"zero": "1"})
    client.post(response["Location"])
    assert SalesReport.objects.get().is_zero


def test_a_correction_on_the_page_needs_a_reason(sales_agreement, supplier, supplier_org, agency, login, english):
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), [(agency, "10")])
    client = login(supplier)
    url = reverse("followup:report_form", args=_args(sales_agreement, supplier_org))
    page = client.get(url).content.decode()
    assert "Correct the sales report" in page and 'value="10.00"' in page
    response = client.post(url, _rows((agency.org_number, "", "", "20")))
    assert response.status_code == 200 and "Why do you correct the report?" in response.content.decode()
    response = client.post(url, _rows((agency.org_number, "", "", "20")) | {"correction_reason": "Fel belopp"})
    client.post(response["Location"])
    assert SalesReport.objects.current().get().version == 2


def test_who_reaches_the_report_form(sales_agreement, supplier, supplier_b, supplier_org, cpb_manager,
                                     agency_procurer, login, client):
    url = reverse("followup:report_form", args=_args(sales_agreement, supplier_org))
    assert client.get(url).status_code == 302
    assert login(supplier).get(url).status_code == 200
    assert client.put(url).status_code == 405
    assert login(supplier_b).get(url).status_code == 404       # another supplier's
    assert login(agency_procurer).get(url).status_code == 404
    assert login(cpb_manager).get(url).status_code == 403      # sees the reports, does not make them
    later = reverse("followup:report_form", args=_args(sales_agreement, supplier_org, (2026, 2)))
    assert login(supplier).get(later).status_code == 404        # not ended yet


def test_the_report_is_read_by_its_supplier_and_the_purchasing_body_only(
        sales_agreement, supplier, supplier_b, supplier_org, cpb_manager, agency_procurer, login):
    saved = report(supplier, sales_agreement, supplier_org, Quarter(2026, 1))
    url = reverse("followup:report_detail", args=[saved.pk])
    assert login(supplier).get(url).status_code == 200
    assert login(cpb_manager).get(url).status_code == 200
    assert login(supplier_b).get(url).status_code == 404
    assert login(agency_procurer).get(url).status_code == 404


def test_the_purchasing_body_sees_the_overdue_list_totals_flags_and_fees(
        sales_agreement, supplier, supplier_org, supplier_org_b, cpb_manager, agency, not_entitled_agency, login,
        english, django_assert_max_num_queries):
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), [(agency, "1000"), (not_entitled_agency, "50")])
    client = login(cpb_manager)
    overdue = client.get(reverse("followup:overdue")).content.decode()
    assert supplier_org_b.name in overdue and supplier_org.name not in overdue
    page = client.get(reverse("followup:agreement_sales", args=[sales_agreement.pk])).content.decode()
    assert "Sale to a buyer that is not entitled" in page and "1,050" in page.replace("\xa0", ",").replace(" ", ",")
    refused = client.post(reverse("followup:fee_rate_add", args=[sales_agreement.pk]),
                          {"rate": "0.70", "valid_from": "2026-02-01"})
    assert refused.status_code == 422 and "changes only at the start of a quarter" in refused.content.decode()
    client.post(reverse("followup:fee_rate_add", args=[sales_agreement.pk]), {"rate": "0.70", "valid_from": "2026-01-01"})
    assert FeeRate.objects.get().rate == Decimal("0.70")
    fees = client.get(reverse("followup:fee_basis", args=[sales_agreement.pk])).content.decode()
    assert "7.35" in fees or "7,35" in fees


def test_sales_pages_are_the_managers_own(sales_agreement, supplier, agency_procurer, login):
    for name in ("followup:agreement_sales", "followup:fee_basis"):
        assert login(supplier).get(reverse(name, args=[sales_agreement.pk])).status_code == 403
    assert login(agency_procurer).get(reverse("followup:overdue")).status_code == 403


def test_dashboards_show_reports_due_and_the_overdue_count(sales_agreement, supplier, cpb_manager, login, english):
    assert "Sales reports to make" in login(supplier).get(reverse("core:dashboard")).content.decode()
    page = login(cpb_manager).get(reverse("core:dashboard")).content.decode()
    assert "2 sales reports are overdue." in page
