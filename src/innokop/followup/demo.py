"""Demo sales reports: up to four quarters per agreement, played through the services with the clock moved to
the day each report was made. Among them a zero report, an overdue quarter, a corrected report, a sale to a
buyer that is not entitled, and a supplier that reports less than its call-off contract's share."""

from datetime import timedelta
from decimal import Decimal

from innokop.accounts.models import Membership, Organisation, OrganisationKind, Role
from innokop.agreements.models import LotSupplier
from innokop.agreements.permissions import is_entitled
from innokop.calloffs.models import Contract
from innokop.core import clock
from innokop.core.calendar import at_local, local_date
from innokop.core.demo import Scenario

from .models import SalesReport
from .quarters import Quarter
from .reporting import quarters_to_report
from .services import sales as services


def _representative(supplier: Organisation):
    membership = (Membership.objects.filter(organisation=supplier, role=Role.SUPPLIER_REPRESENTATIVE)
                  .select_related("user").first())
    return membership.user if membership else None


def _contracted(agreement, supplier, quarter: Quarter) -> list[services.RowInput]:
    """30 % of each running contract's share of the quarter: less than half, so the purchasing body is told."""
    rows = []
    for contract in Contract.objects.filter(calloff__lot__agreement=agreement, supplier=supplier).select_related(
            "agency", "calloff__lot"):
        days = quarter.overlap_days(contract.starts_on, contract.ends_on)
        if days:
            length = (contract.ends_on - contract.starts_on).days + 1
            amount = (contract.value * days / length * Decimal("0.3")).quantize(Decimal("1"))
            rows.append(services.RowInput(amount=amount, buyer=contract.agency, lot=contract.calloff.lot))
    return rows


def _play(agreement, agencies, today) -> int:
    made = 0
    admissions = list(LotSupplier.objects.filter(lot__agreement=agreement).select_related("supplier", "lot")
                      .order_by("lot__number", "rank"))
    entitled = [a for a in agencies if is_entitled(agreement, a)]
    not_entitled = [a for a in agencies if not is_entitled(agreement, a)]
    seen = set()
    for index, admission in enumerate(admissions):
        supplier, user = admission.supplier, _representative(admission.supplier)
        if user is None or supplier.pk in seen:
            continue
        seen.add(supplier.pk)
        quarters = quarters_to_report(agreement, supplier.pk, today)[-4:]
        for number, quarter in enumerate(quarters):
            latest = number == len(quarters) - 1
            if latest and index == 1 and today > quarter.due:
                continue  # overdue: this supplier has not reported the last quarter
            rows = _contracted(agreement, supplier, quarter)
            if not rows and (index + number) % 3 != 2 and entitled:
                buyer = entitled[(index + number) % len(entitled)]
                rows = [services.RowInput(amount=Decimal(150_000 + 37_500 * ((index * 7 + number) % 5)), buyer=buyer,
                                          lot=admission.lot)]
            if rows and index == 0 and number == 0 and not_entitled:
                rows.append(services.RowInput(amount=Decimal(42_000), buyer=not_entitled[0], lot=admission.lot))
            with clock.travel_to(at_local(quarter.due - timedelta(days=10), 10)):
                services.sales_report_submit(actor=user, agreement=agreement, supplier=supplier, quarter=quarter,
                                             rows=rows, zero=not rows)
                made += 1
                if index == 0 and number == 0 and rows:
                    corrected = [services.RowInput(amount=row.amount + Decimal(12_500), buyer=row.buyer, lot=row.lot)
                                 for row in rows]
                    services.sales_report_submit(actor=user, agreement=agreement, supplier=supplier, quarter=quarter,
                                                 rows=corrected, correction_reason="En faktura i mars saknades.")
    return made


def load(scenario: Scenario) -> None:
    manager = scenario.objects["user:anna.ramstrom"]
    today = local_date(clock.now())
    agencies = list(Organisation.objects.filter(kind=OrganisationKind.AGENCY).order_by("name"))
    for key, agreement in sorted(scenario.objects.items()):
        if not key.startswith("agreement:"):
            continue
        if SalesReport.objects.filter(agreement=agreement).exists():
            scenario.count(False)
            continue
        if not agreement.fee_rates.exists():
            services.fee_rate_add(actor=manager, agreement=agreement, rate=Decimal("0.70"),
                                  valid_from=Quarter.of(agreement.start_date).start)
        scenario.count(_play(agreement, agencies, today) > 0)
