from ninja import Router, Status

from innokop.agreements.consumption import agreement_consumption
from innokop.agreements.models import Lot
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.schemas import BODY, BY_ID, SIGNED_IN, Id, responses

from . import reporting
from .models import ReportSource, SalesReport
from .permissions import get_agreement_for_manager, get_report_for_actor, get_reporting_supplier, reporting_agreements
from .permissions import reporting_supplier_ids as _reporting_supplier_ids
from .quarters import Quarter
from .schemas import QuarterOut, SalesReportIn, SalesReportOut, SalesRowOut, SalesTotalsOut
from .services import sales as services

router = Router(tags=["sales reports"])


def _report_out(report: SalesReport) -> dict:
    rows = [SalesRowOut(buyer_id=row.buyer_id, buyer_name=row.buyer_name, buyer_org_number=row.buyer_org_number,
                        lot_number=row.lot.number if row.lot else None, amount=row.amount, entitled=row.entitled)
            for row in report.rows.select_related("lot")]
    return {**{name: getattr(report, name) for name in (
        "id", "reference", "agreement_id", "supplier_id", "year", "quarter", "version", "is_current", "is_zero",
        "correction_reason", "source", "submitted_at")}, "rows": rows}


@router.get("/sales-reports/quarters", response=responses(list[QuarterOut], SIGNED_IN),
            summary="Your suppliers' quarters to report, with due dates and state")
def sales_quarters(request):
    today = local_date(clock.now())
    supplier_ids = _reporting_supplier_ids(request.actor)
    found = []
    for agreement in reporting_agreements(supplier_ids):
        for supplier in [o for o in request.actor.organisations if o.pk in supplier_ids]:
            for line in reporting.quarter_lines(agreement, supplier, today):
                found.append(QuarterOut(
                    agreement_id=agreement.pk, agreement_reference=agreement.reference, supplier_id=supplier.pk,
                    year=line.quarter.year, quarter=line.quarter.number, due=line.due, state=line.state,
                    report_id=line.report.pk if line.report else None))
    return found


@router.post("/sales-reports", response=responses(SalesReportOut, SIGNED_IN, BY_ID, BODY, 409, status=201),
             summary="Submit a sales report, a zero report, or a correction (a new version with a reason)")
def sales_report_submit(request, body: SalesReportIn):
    agreement, supplier = get_reporting_supplier(request.actor, body.agreement_id, body.supplier_id, write=True)
    lots = {lot.number: lot for lot in Lot.objects.filter(agreement=agreement)}
    rows = []
    for index, row in enumerate(body.rows):
        if row.lot_number is not None and row.lot_number not in lots:
            raise services.SalesReportError(f"rows.{index}.lot_number: no such lot", code="no_such_lot")
        rows.append(services.RowInput(amount=row.amount, buyer_name=row.buyer_name,
                                      buyer_org_number=row.buyer_org_number, lot=lots.get(row.lot_number)))
    report = services.sales_report_submit(
        actor=request.user, agreement=agreement, supplier=supplier, quarter=Quarter(body.year, body.quarter),
        rows=rows, zero=body.zero, correction_reason=body.correction_reason, source=ReportSource.API)
    return Status(201, _report_out(report))


@router.get("/sales-reports/{report_id}", response=responses(SalesReportOut, SIGNED_IN, BY_ID),
            summary="A sales report: the supplier's own, or any on an agreement you manage")
def sales_report_detail(request, report_id: Id):
    return _report_out(get_report_for_actor(request.actor, report_id))


@router.get("/agreements/{agreement_id}/sales-totals", response=responses(SalesTotalsOut, SIGNED_IN, BY_ID),
            summary="Reported turnover on an agreement you manage, per quarter, lot and buyer")
def sales_totals(request, agreement_id: Id):
    agreement = get_agreement_for_manager(request.actor, agreement_id)
    totals = reporting.agreement_totals(agreement)
    return {
        "agreement_id": agreement.pk, "reported_turnover": totals.total,
        "contracted": agreement_consumption(agreement).contracted,
        "by_quarter": [{"key": str(q), "amount": a} for q, a in totals.by_quarter],
        "by_lot": [{"key": k, "amount": a} for k, a in totals.by_lot],
        "by_buyer": [{"key": f"{name} ({number})", "amount": a} for name, number, a in totals.by_buyer],
    }
