"""Dashboards: one per framework agreement for the purchasing body that manages it, one per supplier and one
per agency for their own members. Each number is a chart from `core.charts` with the same data as a table,
and the page's tables download as one XLSX workbook. The numbers come from `followup.stats`; what each
dashboard counts is decided here, from the scope its viewer may see (DESIGN.md §5):

- the purchasing body: the agreement's published call-offs (never a draft, nor one scheduled for later), its
  contracts, the deviations of the agreement's follow-up plan, its suppliers' sales reports, the maximum used;
- a supplier: the call-offs it is invited to, its contracts and deviations, its own sales reports (the
  consumption of the maximum is shown to an agreement's managers and entitled buyers only, not to suppliers);
- an agency: its call-offs, its contracts and their deviations, the maximum used of the agreements it called
  off from (it is entitled to them); sales reports are between the suppliers and the purchasing body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from innokop.agreements.consumption import agreement_consumption, agreements_consumption
from innokop.agreements.models import FrameworkAgreement, LotSupplier
from innokop.calloffs.models import CallOff, Contract
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.charts import Chart, Series, format_value
from innokop.core.exports import xlsx_sheets_bytes

from .. import stats
from ..models import Deviation
from ..permissions import get_agency_for_dashboard, get_agreement_for_dashboard, get_supplier_for_dashboard

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Dashboard:
    title: str
    caption: str
    facts: list[tuple[str, str]] = field(default_factory=list)  # (what, value as read) above the charts
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what is left out, and why

    def sheets(self) -> list[tuple[str, list, list]]:
        summary = [[what, value] for what, value in self.facts]
        return [(_("Summary"), [self.title, self.caption], summary)] + [(c.title, *c.table()) for c in self.charts]


# ---------------------------------------------------------------------------------------------
# Pages


@login_required
@require_safe
def dashboard(request, kind: str, pk: int):
    """`kind` is "agreement", "supplier" or "agency" (set by the URL): see `DASHBOARDS` at the end."""
    find, numbers, _name = DASHBOARDS[kind]
    return _page(request, numbers(find(request.actor, pk)), f"followup:{kind}_dashboard_xlsx", pk)


@login_required
@require_safe
def dashboard_xlsx(request, kind: str, pk: int):
    find, numbers, name = DASHBOARDS[kind]
    shown = find(request.actor, pk)
    return _xlsx(numbers(shown), f"dashboard-{name(shown)}")


def _page(request, dashboard: Dashboard, download: str, pk: int):
    return render(request, "followup/dashboards/dashboard.html",
                  {"dashboard": dashboard, "download": download, "pk": pk})


def _xlsx(dashboard: Dashboard, name: str) -> HttpResponse:
    response = HttpResponse(xlsx_sheets_bytes(dashboard.sheets()), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "dashboard"}.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------
# What each dashboard counts


def agreement_numbers(agreement: FrameworkAgreement) -> Dashboard:
    now = clock.now()
    contracts = Contract.objects.filter(calloff__lot__agreement=agreement)
    dashboard = Dashboard(title=_("Dashboard for %(reference)s") % {"reference": agreement.reference},
                          caption=f"{agreement.reference} {agreement.title}")
    # as the purchasing body's summary of call-offs counts them (calloffs.views.summary): published by now
    _calloffs(dashboard, CallOff.objects.published(now).filter(lot__agreement=agreement), now)
    by_quarter = _contracts(dashboard, contracts)
    _consumption_of_one(dashboard, agreement)
    _sme(dashboard, by_quarter)
    _days(dashboard, contracts)
    _deviations(dashboard, Deviation.objects.filter(round__plan__agreement=agreement))
    suppliers = sorted(set(LotSupplier.objects.filter(lot__agreement=agreement).values_list("supplier_id", flat=True)))
    _compliance(dashboard, [(agreement, supplier_id) for supplier_id in suppliers], local_date(now))
    return dashboard


def supplier_numbers(supplier) -> Dashboard:
    now = clock.now()
    contracts = Contract.objects.filter(supplier=supplier)
    dashboard = Dashboard(title=_("Dashboard for %(name)s") % {"name": supplier.name}, caption=supplier.name)
    _calloffs(dashboard, CallOff.objects.invitations_of([supplier.pk], now), now,
              description=_("The call-offs the supplier is invited to, by their state now."))
    _contracts(dashboard, contracts)
    dashboard.facts.append((_("Recorded as a small or medium-sized enterprise (SME)"),
                            _("Yes") if supplier.is_sme else _("No")))
    dashboard.notes.append(_("The share of contracts that went to SMEs is shown to purchasing bodies and agencies; "
                             "for one supplier it is all or nothing, so the dashboard states the SME mark instead."))
    _days(dashboard, contracts)
    _deviations(dashboard, Deviation.objects.filter(round__supplier=supplier))
    agreements = FrameworkAgreement.objects.published().filter(lots__lot_suppliers__supplier=supplier).distinct()
    _compliance(dashboard, [(agreement, supplier.pk) for agreement in agreements], local_date(now))
    dashboard.notes.append(_("How much of an agreement's maximum value is used is shown to the purchasing body and "
                             "the entitled buyers, not to suppliers."))
    return dashboard


def agency_numbers(agency) -> Dashboard:
    now = clock.now()
    contracts = Contract.objects.filter(agency=agency)
    dashboard = Dashboard(title=_("Dashboard for %(name)s") % {"name": agency.name}, caption=agency.name)
    _calloffs(dashboard, CallOff.objects.filter(agency=agency), now,
              description=_("The agency's call-offs, drafts included, by their state now."))
    by_quarter = _contracts(dashboard, contracts)
    agreements = (FrameworkAgreement.objects.published().filter(lots__calloffs__agency=agency).distinct()
                  .order_by("reference"))
    _consumption_of_many(dashboard, list(agreements))
    _sme(dashboard, by_quarter)
    _days(dashboard, contracts)
    _deviations(dashboard, Deviation.objects.filter(round__plan__contract__agency=agency))
    dashboard.notes.append(_("Sales reports are made by the suppliers to the purchasing body, so their punctuality "
                             "is on the agreement's dashboard, not the agency's."))
    return dashboard


# ---------------------------------------------------------------------------------------------
# One section each: a fact or two, and a chart


def _calloffs(dashboard: Dashboard, calloffs, now, *, description: str = "") -> None:
    counts = stats.calloffs_by_state(calloffs, now)
    dashboard.facts.append((_("Call-offs"), str(sum(n for _status, n in counts))))
    dashboard.charts.append(Chart(
        title=_("Call-offs by state"),
        description=description or _("The agreement's published call-offs by their state now."),
        categories=[status.label for status, _n in counts],
        series=[Series(_("Call-offs"), [n for _status, n in counts])],
        category_label=_("State"),
    ))


def _contracts(dashboard: Dashboard, contracts) -> list[stats.QuarterContracts]:
    by_quarter = stats.contracts_by_quarter(contracts)
    dashboard.facts.append((_("Contracted value, excluding VAT"),
                            format_value(sum((q.value for q in by_quarter), Decimal(0)), "kr")))
    dashboard.charts.append(Chart(
        title=_("Contracted value per quarter"),
        description=_("The value of the call-off contracts signed each quarter, excluding VAT."),
        categories=[str(q.quarter) for q in by_quarter],
        series=[Series(_("Contracted value"), [q.value for q in by_quarter])],
        unit="kr",
        category_label=_("Quarter of signing"),
    ))
    return by_quarter


def _consumption_of_one(dashboard: Dashboard, agreement: FrameworkAgreement) -> None:
    used = agreement_consumption(agreement)
    dashboard.facts.append((_("Used of the maximum value"), f"{format_value(used.committed, 'kr')} ({used.percent} %)"))
    dashboard.charts.append(Chart(
        title=_("Maximum value used"),
        description=_("The contracted value, the reported turnover, the larger of the two (which counts against "
                      "the maximum value) and what remains, with the maximum value as a line."),
        categories=[_("Contracted through Innoköp"), _("Reported turnover"), _("Used of the maximum"), _("Remaining")],
        series=[Series(_("Amount"), [used.contracted, used.reported, used.committed, used.remaining])],
        unit="kr",
        target=used.max_value,
        target_label=_("Maximum value"),
        category_label=_("What"),
    ))


def _consumption_of_many(dashboard: Dashboard, agreements: list[FrameworkAgreement]) -> None:
    consumption = agreements_consumption(agreements)
    used = [(agreement, consumption[agreement.pk]) for agreement in agreements]
    dashboard.charts.append(Chart(
        title=_("Maximum value used"),
        description=_("For each agreement the agency has called off from: the contracted value, the reported "
                      "turnover and the larger of the two as a share of the agreement's maximum value."),
        categories=[agreement.reference for agreement, _c in used],
        series=[Series(_("Contracted"), [stats.percent(c.contracted, c.max_value) for _a, c in used]),
                Series(_("Reported"), [stats.percent(c.reported, c.max_value) for _a, c in used]),
                Series(_("Used of the maximum"), [stats.percent(c.committed, c.max_value) for _a, c in used])],
        unit="%",
        target=Decimal(100),
        target_label=_("Maximum value"),
        category_label=_("Agreement"),
    ))


def _sme(dashboard: Dashboard, by_quarter: list[stats.QuarterContracts]) -> None:
    total = stats.sme_share(by_quarter)
    if total.share_of_value is not None:
        dashboard.facts.append((_("Share of the contracted value that went to SMEs"),
                                format_value(total.share_of_value, "%")))
    dashboard.charts.append(Chart(
        title=_("Share of contracts with SMEs"),
        description=_("Per quarter of signing, the share of the contracts, by value and by number, whose supplier "
                      "is a small or medium-sized enterprise."),
        categories=[str(q.quarter) for q in by_quarter],
        series=[Series(_("Share of the value"), [q.sme_share_of_value for q in by_quarter]),
                Series(_("Share of the contracts"), [q.sme_share_of_count for q in by_quarter])],
        unit="%",
        category_label=_("Quarter of signing"),
    ))


def _days(dashboard: Dashboard, contracts) -> None:
    days = stats.days_to_contract(contracts)
    if days.median is not None:
        dashboard.facts.append((_("Median time from publication to contract"), format_value(days.median, _("days"))))
    dashboard.charts.append(Chart(
        title=_("Time from publication to contract"),
        description=_("Per quarter of signing, the median number of days from a call-off's publication to the "
                      "signing of its contract."),
        categories=[str(quarter) for quarter, _m, _n in days.by_quarter],
        series=[Series(_("Median"), [median for _q, median, _n in days.by_quarter])],
        unit=_("days"),
        category_label=_("Quarter of signing"),
    ))


def _deviations(dashboard: Dashboard, deviations) -> None:
    counts = stats.open_deviations_by_status(deviations)
    dashboard.facts.append((_("Open deviations"), str(sum(n for _status, n in counts))))
    dashboard.charts.append(Chart(
        title=_("Open deviations"),
        description=_("Deviations found in follow-up that are not yet verified closed or escalated, by state."),
        categories=[status.label for status, _n in counts],
        series=[Series(_("Deviations"), [n for _status, n in counts])],
        category_label=_("State"),
    ))


def _compliance(dashboard: Dashboard, pairs, today: date) -> None:
    rows = stats.report_compliance(pairs, today)
    total = stats.compliance_total(rows)
    if total is not None and total.share_on_time is not None:
        dashboard.facts.append((_("Sales reports made on time"), format_value(total.share_on_time, "%")))
    dashboard.charts.append(Chart(
        title=_("Sales reports on time"),
        description=_("Per quarter, the share of the sales reports due that came by the due date (one month and "
                      "15 days after the quarter)."),
        categories=[str(row.quarter) for row in rows],
        series=[Series(_("On time"), [row.share_on_time for row in rows])],
        unit="%",
        category_label=_("Quarter"),
    ))


# Each dashboard: who may see which object (404 otherwise), what it counts, and the name of its download.
DASHBOARDS = {
    "agreement": (get_agreement_for_dashboard, agreement_numbers, lambda agreement: agreement.reference),
    "supplier": (get_supplier_for_dashboard, supplier_numbers, lambda supplier: supplier.name),
    "agency": (get_agency_for_dashboard, agency_numbers, lambda agency: agency.name),
}
