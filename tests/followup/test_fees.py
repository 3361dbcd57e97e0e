"""Rule 12: dated fee rates that change only at a quarter's start, and the fee per supplier and quarter."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from innokop.core.models import AuditEvent
from innokop.followup.quarters import Quarter
from innokop.followup.reporting import fee_basis, rate_for
from innokop.followup.services import sales as services

from .conftest import at, report


def test_a_rate_dated_inside_a_quarter_is_refused_with_a_reason(sales_agreement, cpb_manager):
    with pytest.raises(services.SalesReportError) as refused, translation.override("en"):
        services.fee_rate_add(actor=cpb_manager, agreement=sales_agreement, rate=Decimal("0.70"),
                              valid_from=date(2026, 2, 15))
    assert refused.value.code == "rate_inside_quarter"
    assert "1 January, 1 April, 1 July or 1 October" in refused.value.message and "2026 Q1" in refused.value.message
    assert refused.value.problems[0].field == "valid_from"


def test_only_the_managing_purchasing_body_sets_the_rate(sales_agreement, supplier):
    with pytest.raises(services.SalesReportError) as refused:
        services.fee_rate_add(actor=supplier, agreement=sales_agreement, rate=Decimal("0.70"), valid_from=date(2026, 1, 1))
    assert refused.value.status == 403


def test_the_fee_is_computed_per_quarter_across_a_dated_rate_change(sales_agreement, cpb_manager, supplier,
                                                                    supplier_org, agency, clock):
    clock.set(at(2025, 12, 1))
    services.fee_rate_add(actor=cpb_manager, agreement=sales_agreement, rate=Decimal("0.70"), valid_from=date(2026, 1, 1))
    clock.set(at(2026, 5, 20))
    services.fee_rate_add(actor=cpb_manager, agreement=sales_agreement, rate=Decimal("0.50"), valid_from=date(2026, 7, 1))
    assert AuditEvent.objects.filter(verb="fee_rate.added").count() == 2
    assert rate_for(sales_agreement, Quarter(2026, 2)) == Decimal("0.70")
    assert rate_for(sales_agreement, Quarter(2026, 3)) == Decimal("0.50")
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), [(agency, "1000000")])
    clock.set(at(2026, 10, 5))
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 2), [(agency, "333333.33")])
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 3), [(agency, "1000000")])
    lines = [(str(line.quarter), line.rate, line.fee) for line in fee_basis(sales_agreement)]
    assert lines == [("2026 Q1", Decimal("0.70"), Decimal("7000.00")),
                     ("2026 Q2", Decimal("0.70"), Decimal("2333.33")),
                     ("2026 Q3", Decimal("0.50"), Decimal("5000.00"))]


def test_rates_are_never_edited_nor_moved_into_the_past(sales_agreement, cpb_manager, clock):
    clock.set(at(2025, 12, 1))
    services.fee_rate_add(actor=cpb_manager, agreement=sales_agreement, rate=Decimal("0.70"), valid_from=date(2026, 1, 1))
    with pytest.raises(services.SalesReportError) as refused:
        services.fee_rate_add(actor=cpb_manager, agreement=sales_agreement, rate=Decimal("0.60"), valid_from=date(2026, 1, 1))
    assert refused.value.code == "rate_exists"
    clock.set(at(2026, 5, 20))
    with pytest.raises(services.SalesReportError) as refused:
        services.fee_rate_add(actor=cpb_manager, agreement=sales_agreement, rate=Decimal("0.60"), valid_from=date(2026, 1, 1))
    assert refused.value.code == "rate_in_the_past"


def test_a_quarter_without_a_rate_has_no_fee(sales_agreement, supplier, supplier_org, agency):
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), [(agency, "100")])
    [line] = fee_basis(sales_agreement)
    assert line.rate is None and line.fee is None
