"""Pages for sales reports: the supplier's quarters, the form, the upload, check and confirmation; the
purchasing body's overview, overdue list and fee basis."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.agreements.consumption import agreement_consumption
from innokop.agreements.models import FrameworkAgreement, Lot
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.forms import add_service_errors
from innokop.core.refusals import REFUSALS, refusal_message

from .. import reporting, sheets
from ..forms import ROW_FIELDS, CorrectionForm, FeeRateForm, SalesRowFormSet, UploadForm
from ..models import ReportSource, SalesReport
from ..permissions import (
    get_agreement_for_manager,
    get_report_for_actor,
    get_reporting_supplier,
    member_supplier_ids,
    reporting_agreements,
)
from ..quarters import Quarter
from ..services import sales as services

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today():
    return local_date(clock.now())


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def my_reports(request):
    actor = request.actor
    if actor.is_framework_manager:
        return render(request, "followup/manager_home.html",
                      {"agreements": FrameworkAgreement.objects.managed_by(actor).published()})
    supplier_ids = member_supplier_ids(actor)
    if not supplier_ids:
        raise PermissionDenied
    today = _today()
    groups = []
    for agreement in reporting_agreements(supplier_ids):
        for org in [o for o in actor.organisations if o.pk in supplier_ids]:
            lines = reporting.quarter_lines(agreement, org, today)
            if lines:
                groups.append((agreement, org, lines))
    return render(request, "followup/my_reports.html", {"groups": groups, "today": today})


def _quarter(agreement, supplier, year: int, number: int) -> tuple[Quarter, reporting.QuarterLine]:
    if not 1 <= number <= 4:
        raise Http404
    quarter = Quarter(year, number)
    line = next((line for line in reporting.quarter_lines(agreement, supplier, _today()) if line.quarter == quarter),
                None)
    if line is None:
        raise Http404
    return quarter, line


def _lots(agreement, supplier) -> list[Lot]:
    return list(Lot.objects.filter(agreement=agreement, lot_suppliers__supplier=supplier))


def _session_key(agreement, supplier, quarter) -> str:
    return f"followup:{agreement.pk}:{supplier.pk}:{quarter}"


def _initial_rows(agreement, supplier, quarter, current) -> list[dict]:
    if current is not None and not current.is_zero:
        return [{"org_number": row.buyer_org_number, "buyer_name": row.buyer_name,
                 "lot": str(row.lot.number) if row.lot else "", "amount": f"{row.amount}"}
                for row in current.rows.select_related("lot")]
    return [{"org_number": buyer.org_number, "buyer_name": buyer.name, "lot": str(lot.number) if lot else ""}
            for buyer, lot in reporting.contracted_buyers(agreement, supplier.pk, quarter)]


def _rows_from_formset(formset, agreement, lots):
    """The formset's rows checked as a file's are; errors go on the fields they concern."""
    filled = [(index, form) for index, form in enumerate(formset.forms) if not form.is_blank()]
    rows, errors = sheets.parse_rows(agreement, [(index, form.cells()) for index, form in filled],
                                     {lot.number: lot for lot in lots})
    for error in errors:
        formset.forms[error.line].add_error(ROW_FIELDS[error.column], error.message)
    return [form.cells() for _index, form in filled], rows, errors


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request, agreement_pk: int, supplier_pk: int, year: int, number: int):
    agreement, supplier = get_reporting_supplier(request.actor, agreement_pk, supplier_pk, write=True)
    quarter, line = _quarter(agreement, supplier, year, number)
    lots = _lots(agreement, supplier)
    correcting = line.report is not None
    correction = CorrectionForm(request.POST if request.method == "POST" and correcting else None)
    if request.method == "GET":
        initial = _initial_rows(agreement, supplier, quarter, line.report)
        formset = SalesRowFormSet(initial=initial + [{}] * max(3 - len(initial), 1), form_kwargs={"lots": lots})
    else:
        formset = SalesRowFormSet(request.POST, form_kwargs={"lots": lots})
        if "more" in request.POST and formset.is_valid():
            posted = [form.cleaned_data for form in formset.forms]
            formset = SalesRowFormSet(initial=posted + [{}] * 3, form_kwargs={"lots": lots})
        elif formset.is_valid() and (not correcting or correction.is_valid()):
            zero = "zero" in request.POST
            cells, rows, errors = _rows_from_formset(formset, agreement, lots) if not zero else ([], [], [])
            if not errors and not zero and not rows:
                formset.forms[0].add_error("amount", _("Add at least one buyer with an amount, or submit a zero "
                                                       "report if you sold nothing in the quarter."))
            elif not errors:
                request.session[_session_key(agreement, supplier, quarter)] = {
                    "rows": cells, "zero": zero, "source": ReportSource.PAGE,
                    "reason": correction.cleaned_data["correction_reason"] if correcting else ""}
                return redirect("followup:report_check", agreement.pk, supplier.pk, year, number)
    return render(request, "followup/report_form.html", {
        "agreement": agreement, "supplier": supplier, "quarter": quarter, "line": line, "formset": formset,
        "correction": correction if correcting else None, "lots": lots})


@login_required
@require_http_methods(["GET", "POST"])
def report_upload(request, agreement_pk: int, supplier_pk: int, year: int, number: int):
    agreement, supplier = get_reporting_supplier(request.actor, agreement_pk, supplier_pk, write=True)
    quarter, line = _quarter(agreement, supplier, year, number)
    correcting = line.report is not None
    form = UploadForm(request.POST or None, request.FILES or None)
    correction = CorrectionForm(request.POST if request.method == "POST" and correcting else None)
    row_errors = []
    if request.method == "POST" and form.is_valid() and (not correcting or correction.is_valid()):
        try:
            lines = sheets.read_upload(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            lots = {lot.number: lot for lot in _lots(agreement, supplier)}
            rows, row_errors = sheets.parse_rows(agreement, lines, lots)
            if not lines:
                form.add_error("file", _("The file has no rows under the heading. To report that you sold nothing, "
                                         "submit a zero report instead."))
            elif row_errors:
                form.add_error("file", ngettext(
                    "The file has %(count)s error. Nothing has been saved: correct the file and upload it again.",
                    "The file has %(count)s errors. Nothing has been saved: correct the file and upload it again.",
                    len(row_errors)) % {"count": len(row_errors)})
            else:
                request.session[_session_key(agreement, supplier, quarter)] = {
                    "rows": [(cells + ["", "", "", ""])[:4] for _n, cells in lines], "zero": False,
                    "source": ReportSource.UPLOAD,
                    "reason": correction.cleaned_data["correction_reason"] if correcting else ""}
                return redirect("followup:report_check", agreement.pk, supplier.pk, year, number)
    return render(request, "followup/report_upload.html", {
        "agreement": agreement, "supplier": supplier, "quarter": quarter, "line": line, "form": form,
        "correction": correction if correcting else None, "row_errors": row_errors})


@login_required
@require_safe
def report_template(request, agreement_pk: int, supplier_pk: int, year: int, number: int, fmt: str):
    agreement, supplier = get_reporting_supplier(request.actor, agreement_pk, supplier_pk, write=True)
    quarter, _line = _quarter(agreement, supplier, year, number)
    buyers = reporting.contracted_buyers(agreement, supplier.pk, quarter)
    name = f"sales-report-{agreement.reference}-{quarter.year}Q{quarter.number}"
    if fmt == "xlsx":
        return _download(sheets.template_xlsx(buyers), f"{name}.xlsx", XLSX_TYPE)
    return _download(sheets.template_csv(buyers), f"{name}.csv", "text/csv; charset=utf-8")


@login_required
@require_http_methods(["GET", "POST"])
def report_check(request, agreement_pk: int, supplier_pk: int, year: int, number: int):
    agreement, supplier = get_reporting_supplier(request.actor, agreement_pk, supplier_pk, write=True)
    quarter, line = _quarter(agreement, supplier, year, number)
    key = _session_key(agreement, supplier, quarter)
    pending = request.session.get(key)
    if pending is None:
        return redirect("followup:report_form", agreement.pk, supplier.pk, year, number)
    lots = {lot.number: lot for lot in _lots(agreement, supplier)}
    rows, errors = sheets.parse_rows(agreement, list(enumerate(pending["rows"], start=1)), lots)
    problem = ""
    if request.method == "POST" and not errors:
        try:
            report = services.sales_report_submit(
                actor=request.user, agreement=agreement, supplier=supplier, quarter=quarter, rows=rows,
                zero=pending["zero"], correction_reason=pending["reason"], source=pending["source"])
        except REFUSALS as error:
            problem = refusal_message(error)
        else:
            del request.session[key]
            return redirect("followup:report_detail", report.pk)
    shown = [(row, row.buyer or services.find_buyer(row.buyer_org_number)) for row in rows]
    return render(request, "followup/report_check.html", {
        "agreement": agreement, "supplier": supplier, "quarter": quarter, "line": line, "pending": pending,
        "rows": shown, "total": sum((row.amount for row in rows), 0), "errors": errors, "problem": problem})


@login_required
@require_safe
def report_detail(request, pk: int):
    report = get_report_for_actor(request.actor, pk)
    versions = (SalesReport.objects.filter(agreement=report.agreement, supplier=report.supplier, year=report.year,
                                           quarter=report.quarter).select_related("submitted_by").order_by("-version"))
    rows = report.rows.select_related("lot")
    return render(request, "followup/report_detail.html", {
        "report": report, "rows": rows, "total": sum((row.amount for row in rows), 0), "versions": versions,
        "just_submitted": report.submitted_by_id == request.user.pk and report.is_current,
        "reports_here": report.supplier_id in member_supplier_ids(request.actor)})


def _sales_context(agreement, rate_form) -> dict:
    return {"agreement": agreement, "totals": reporting.agreement_totals(agreement),
            "reported": reporting.reported_turnover(agreement), "consumption": agreement_consumption(agreement),
            "flags": reporting.flags(agreement), "overdue": reporting.overdue_lines([agreement], _today()),
            "rates": agreement.fee_rates.all(), "rate_form": rate_form, "share": reporting.under_reporting_share()}


@login_required
@require_safe
def agreement_sales(request, pk: int):
    agreement = get_agreement_for_manager(request.actor, pk)
    return render(request, "followup/agreement_sales.html", _sales_context(agreement, FeeRateForm()))


@login_required
@require_safe
def overdue(request):
    if not request.actor.is_framework_manager:
        raise PermissionDenied
    agreements = FrameworkAgreement.objects.managed_by(request.actor).published()
    return render(request, "followup/overdue.html", {"lines": reporting.overdue_lines(agreements, _today())})


@login_required
@require_safe
def fee_basis(request, pk: int):
    agreement = get_agreement_for_manager(request.actor, pk)
    lines = reporting.fee_basis(agreement)
    return render(request, "followup/fee_basis.html", {
        "agreement": agreement, "lines": lines, "rates": agreement.fee_rates.all(),
        "total_fee": sum((line.fee for line in lines if line.fee is not None), 0),
        "missing_rate": any(line.rate is None for line in lines)})


@login_required
@require_safe
def fee_basis_download(request, pk: int, fmt: str):
    agreement = get_agreement_for_manager(request.actor, pk)
    lines = reporting.fee_basis(agreement)
    name = f"fee-basis-{agreement.reference}"
    if fmt == "xlsx":
        return _download(sheets.fee_basis_xlsx(lines), f"{name}.xlsx", XLSX_TYPE)
    return _download(sheets.fee_basis_csv(lines), f"{name}.csv", "text/csv; charset=utf-8")


@login_required
@require_POST
def fee_rate_add(request, pk: int):
    agreement = get_agreement_for_manager(request.actor, pk)
    form = FeeRateForm(request.POST)
    if form.is_valid():
        try:
            services.fee_rate_add(actor=request.user, agreement=agreement, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The fee rate is added."))
            return redirect("followup:agreement_sales", agreement.pk)
    return render(request, "followup/agreement_sales.html", _sales_context(agreement, form), status=422)
