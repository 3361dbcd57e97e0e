from decimal import Decimal

from innokop.followup.models import SalesReport
from innokop.followup.quarters import Quarter

from ..factories import api_token
from .conftest import report


def _headers(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def test_a_supplier_lists_its_quarters_submits_and_corrects(client, sales_agreement, supplier, supplier_org, agency):
    headers = _headers(supplier)
    [quarter] = client.get("/api/sales-reports/quarters", **headers).json()
    assert (quarter["year"], quarter["quarter"], quarter["state"], quarter["due"]) == (2026, 1, "overdue", "2026-05-15")
    body = {"agreement_id": sales_agreement.pk, "supplier_id": supplier_org.pk, "year": 2026, "quarter": 1,
            "rows": [{"buyer_org_number": agency.org_number, "lot_number": 1, "amount": "1200.50"}]}
    created = client.post("/api/sales-reports", body, content_type="application/json", **headers)
    assert created.status_code == 201 and created.json()["rows"][0]["entitled"] is True
    again = client.post("/api/sales-reports", body, content_type="application/json", **headers)
    assert again.status_code == 400 and again.json()["code"] == "correction_needs_reason"
    body["correction_reason"] = "Fel"
    corrected = client.post("/api/sales-reports", body, content_type="application/json", **headers)
    assert corrected.json()["version"] == 2 and corrected.json()["source"] == "api"
    assert SalesReport.objects.current().get().rows.get().amount == Decimal("1200.50")


def test_the_api_answers_as_the_pages_do(client, sales_agreement, supplier, supplier_b, supplier_org, cpb_manager):
    body = {"agreement_id": sales_agreement.pk, "supplier_id": supplier_org.pk, "year": 2026, "quarter": 1, "zero": True}
    assert client.post("/api/sales-reports", body, content_type="application/json",
                       **_headers(supplier_b)).status_code == 404
    assert client.post("/api/sales-reports", body, content_type="application/json",
                       **_headers(cpb_manager)).status_code == 403
    saved = report(supplier, sales_agreement, supplier_org, Quarter(2026, 1))
    assert client.get(f"/api/sales-reports/{saved.pk}", **_headers(supplier_b)).status_code == 404
    assert client.get(f"/api/sales-reports/{saved.pk}", **_headers(cpb_manager)).json()["is_zero"] is True


def test_the_purchasing_body_reads_the_totals(client, sales_agreement, supplier, supplier_org, cpb_manager, agency):
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), [(agency, "300")])
    totals = client.get(f"/api/agreements/{sales_agreement.pk}/sales-totals", **_headers(cpb_manager)).json()
    assert totals["reported_turnover"] == "300.00" and totals["by_quarter"] == [{"key": "2026 Q1", "amount": "300.00"}]
    assert client.get(f"/api/agreements/{sales_agreement.pk}/sales-totals", **_headers(supplier)).status_code == 403
