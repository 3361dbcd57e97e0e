"""Access-matrix rows for sales reports (see tests/test_access_matrix.py and DESIGN.md §5): a supplier its own
reports, the purchasing body that manages the agreement all of them, nobody else."""

from datetime import date

from django.urls import reverse

from innokop.followup.quarters import Quarter
from innokop.followup.services import sales as services

from ..access import AGENCY_READS, API_AUTH, Row, static
from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory

MANAGER_PAGE = {"anonymous": 302, "cpb": 200, "*": 403}
OWN_SUPPLIER_WRITES = {"anonymous": 302, "supplier": 200, "cpb": 403, "*": 404}
DASHBOARD_CPB = {"anonymous": 302, "cpb": 200, "*": 404}
DASHBOARD_SUPPLIER = {"anonymous": 302, "supplier": 200, "*": 404}


def build(world) -> None:
    cpb, supplier_org = world.extra["cpb"], world.extra["supplier_org"]
    # In force since 1 January 2026, so quarters have ended and are due at the matrix's moment.
    agreement = AgreementFactory(owner=cpb, created_by=world.users["cpb"], start_date=date(2026, 1, 1),
                                 end_date=date(2028, 12, 31), published_at="2025-12-01T00:00:00Z")
    LotSupplierFactory(lot=LotFactory(agreement=agreement, number=1), supplier=supplier_org)
    LotSupplierFactory(lot=LotFactory(agreement=agreement, number=2), supplier=world.extra["other_lot_supplier_org"])
    report = services.sales_report_submit(actor=world.users["supplier"], agreement=agreement, supplier=supplier_org,
                                          quarter=Quarter(2026, 3), rows=[], zero=True)
    world.extra.update(sales_agreement=agreement, sales_report=report)


def _quarter(name: str, *extra):
    return lambda w: reverse(name, args=[w.extra["sales_agreement"].pk, w.extra["supplier_org"].pk, 2026, 4, *extra])


def _url(name: str, key: str, *extra):
    return lambda w: reverse(name, args=[w.extra[key].pk, *extra])


ROWS = {
    "followup:my_reports": Row(static("followup:my_reports"),
                               {"anonymous": 302, "supplier": 200, "other_lot_supplier": 200, "cpb": 200, "*": 403}),
    "followup:overdue": Row(static("followup:overdue"), MANAGER_PAGE),
    "followup:report_form": Row(_quarter("followup:report_form"), OWN_SUPPLIER_WRITES),
    "followup:report_upload": Row(_quarter("followup:report_upload"), OWN_SUPPLIER_WRITES),
    "followup:report_template": Row(_quarter("followup:report_template", "xlsx"), OWN_SUPPLIER_WRITES),
    # Nothing to check before the form is filled in: back to the form.
    "followup:report_check": Row(_quarter("followup:report_check"), OWN_SUPPLIER_WRITES | {"supplier": 302}),
    "followup:report_detail": Row(_url("followup:report_detail", "sales_report"),
                                  {"anonymous": 302, "supplier": 200, "cpb": 200, "*": 404}),
    "followup:agreement_sales": Row(_url("followup:agreement_sales", "sales_agreement"), MANAGER_PAGE),
    "followup:fee_basis": Row(_url("followup:fee_basis", "sales_agreement"), MANAGER_PAGE),
    "followup:fee_basis_download": Row(_url("followup:fee_basis_download", "sales_agreement", "xlsx"), MANAGER_PAGE),
    "followup:fee_rate_add": Row(_url("followup:fee_rate_add", "sales_agreement"), MANAGER_PAGE | {"cpb": 422}, "post"),
    "api:sales_quarters": Row(static("api:sales_quarters"), API_AUTH),
    "api:sales_report_submit": Row(static("api:sales_report_submit"), {"anonymous": 401, "*": 422}, "post", json=True),
    "api:sales_report_detail": Row(_url("api:sales_report_detail", "sales_report"),
                                   {"anonymous": 401, "supplier": 200, "cpb": 200, "*": 404}),
    "api:sales_totals": Row(_url("api:sales_totals", "sales_agreement"), {"anonymous": 401, "cpb": 200, "*": 403}),
    # Dashboards: the agreement's for its purchasing body, a supplier's and an agency's for their own members.
    "followup:agreement_dashboard": Row(_url("followup:agreement_dashboard", "sales_agreement"), DASHBOARD_CPB),
    "followup:agreement_dashboard_xlsx": Row(_url("followup:agreement_dashboard_xlsx", "sales_agreement"),
                                             DASHBOARD_CPB),
    "followup:supplier_dashboard": Row(_url("followup:supplier_dashboard", "supplier_org"), DASHBOARD_SUPPLIER),
    "followup:supplier_dashboard_xlsx": Row(_url("followup:supplier_dashboard_xlsx", "supplier_org"),
                                            DASHBOARD_SUPPLIER),
    "followup:agency_dashboard": Row(_url("followup:agency_dashboard", "agency"), AGENCY_READS),
    "followup:agency_dashboard_xlsx": Row(_url("followup:agency_dashboard_xlsx", "agency"), AGENCY_READS),
}
