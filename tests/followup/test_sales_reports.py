"""Rule 12: who reports which quarters, states from the clock, submissions, corrections, flags and reminders."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings

from innokop.core.models import AuditEvent, Notification
from innokop.followup.models import SalesReminder, SalesReport
from innokop.followup.quarters import Quarter
from innokop.followup.reporting import (
    OVERDUE,
    REPORTED,
    flags,
    overdue_lines,
    quarter_lines,
    quarters_to_report,
    reported_turnover,
)
from innokop.followup.services import sales as services

from .conftest import at, contract, report

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)


def test_a_supplier_reports_every_ended_quarter_from_the_agreements_start(sales_agreement, supplier_org,
                                                                           supplier_org_off_lot, clock):
    assert quarters_to_report(sales_agreement, supplier_org.pk, date(2026, 5, 20)) == [Q1]
    assert quarters_to_report(sales_agreement, supplier_org.pk, date(2026, 10, 1)) == [Q1, Q2, Q3]
    assert quarters_to_report(sales_agreement, supplier_org_off_lot.pk, date(2026, 10, 1)) == []


def test_after_the_agreement_a_supplier_reports_only_while_a_call_off_contract_runs(
        sales_agreement, supplier_org, supplier_org_b, agency, agency_procurer):
    contract(sales_agreement, supplier_org, agency, agency_procurer, value=800_000, starts=date(2027, 10, 1),
             ends=date(2028, 6, 30))
    later = quarters_to_report(sales_agreement, supplier_org.pk, date(2029, 1, 1))
    assert later[0] == Q1 and later[-3:] == [Quarter(2027, 4), Quarter(2028, 1), Quarter(2028, 2)]
    assert quarters_to_report(sales_agreement, supplier_org_b.pk, date(2029, 1, 1))[-1] == Quarter(2027, 4)


def test_the_state_follows_the_clock_without_any_task(sales_agreement, supplier_org, clock):
    clock.set(at(2026, 5, 15, 20))  # the due day itself, 22:00 in Stockholm: not yet overdue
    [line] = quarter_lines(sales_agreement, supplier_org, date(2026, 5, 15))
    assert line.state == "not_reported" and line.due == date(2026, 5, 15)
    [line] = quarter_lines(sales_agreement, supplier_org, date(2026, 5, 16))
    assert line.state == OVERDUE
    assert [(o.supplier, o.quarter) for o in overdue_lines([sales_agreement], date(2026, 5, 16))] == [
        (supplier_org, Q1), (sales_agreement.lots.get(number=2).lot_suppliers.get().supplier, Q1)]


def test_a_report_is_stored_with_entitlement_decided_and_audited(sales_agreement, supplier, supplier_org, agency,
                                                                 not_entitled_agency):
    submitted = report(supplier, sales_agreement, supplier_org, Q1, [(agency, "120000.50"), (not_entitled_agency, "5000")])
    rows = list(submitted.rows.order_by("id"))
    assert [(r.buyer_name, r.amount, r.entitled) for r in rows] == [
        (agency.name, Decimal("120000.50"), True), (not_entitled_agency.name, Decimal("5000.00"), False)]
    assert submitted.version == 1 and submitted.is_current and not submitted.is_zero
    event = AuditEvent.objects.get(verb="sales_report.submitted")
    assert event.payload["total"] == "125000.50" and event.payload["not_entitled"] == 1
    assert quarter_lines(sales_agreement, supplier_org, date(2026, 6, 1))[0].state == REPORTED
    assert reported_turnover(sales_agreement) == Decimal("125000.50")


def test_a_sale_to_a_buyer_that_is_not_entitled_is_accepted_and_flagged(sales_agreement, supplier, supplier_org,
                                                                        not_entitled_agency):
    report(supplier, sales_agreement, supplier_org, Q1, [(not_entitled_agency, "5000")])
    [flag] = flags(sales_agreement)
    assert flag.kind == "not_entitled" and flag.buyer == not_entitled_agency.name


def test_a_buyer_not_in_innokop_is_checked_with_stdnum_and_flagged_for_a_check(sales_agreement, supplier, supplier_org):
    with pytest.raises(services.SalesReportError) as refused:
        services.sales_report_submit(actor=supplier, agreement=sales_agreement, supplier=supplier_org, quarter=Q1,
                                     rows=[services.RowInput(amount=Decimal(1), buyer_name="Kommunen",
                                                             buyer_org_number="212000-0143")])
    assert refused.value.code == "invalid_org_number"
    submitted = services.sales_report_submit(
        actor=supplier, agreement=sales_agreement, supplier=supplier_org, quarter=Q1,
        rows=[services.RowInput(amount=Decimal(100), buyer_name="Småstads kommun", buyer_org_number="2120000142")])
    row = submitted.rows.get()
    assert row.buyer_org_number == "212000-0142" and row.entitled is None
    assert [f.kind for f in flags(sales_agreement)] == ["unknown_buyer"]


def test_a_zero_report_is_a_report_without_rows(sales_agreement, supplier, supplier_org, agency):
    zero = report(supplier, sales_agreement, supplier_org, Q1)
    assert zero.is_zero and not zero.rows.exists()
    with pytest.raises(services.SalesReportError) as refused:
        services.sales_report_submit(actor=supplier, agreement=sales_agreement, supplier=supplier_org, quarter=Q1,
                                     rows=[services.RowInput(amount=Decimal(1), buyer=agency)], zero=True,
                                     correction_reason="x")
    assert refused.value.code == "zero_with_rows"
    with pytest.raises(services.SalesReportError) as refused:
        services.sales_report_submit(actor=supplier, agreement=sales_agreement, supplier=supplier_org, quarter=Q1,
                                     rows=[], correction_reason="x")
    assert refused.value.code == "no_rows"


def test_a_quarter_that_has_not_ended_or_another_suppliers_is_refused(sales_agreement, supplier, supplier_b,
                                                                      supplier_org, agency):
    with pytest.raises(services.SalesReportError) as refused:
        report(supplier, sales_agreement, supplier_org, Q2, [(agency, "1")])
    assert refused.value.code == "no_report_due" and refused.value.status == 409
    with pytest.raises(services.SalesReportError) as refused:
        report(supplier_b, sales_agreement, supplier_org, Q1, [(agency, "1")])
    assert refused.value.code == "not_representative"


def test_a_correction_is_a_new_version_with_a_reason_and_the_purchasing_body_is_told(
        sales_agreement, supplier, supplier_org, agency, cpb_manager, django_capture_on_commit_callbacks):
    first = report(supplier, sales_agreement, supplier_org, Q1, [(agency, "1000")])
    with pytest.raises(services.SalesReportError) as refused:
        report(supplier, sales_agreement, supplier_org, Q1, [(agency, "2000")])
    assert refused.value.code == "correction_needs_reason"
    with django_capture_on_commit_callbacks(execute=True):
        second = report(supplier, sales_agreement, supplier_org, Q1, [(agency, "2000")],
                        correction_reason="An invoice was missing")
    first.refresh_from_db()
    assert (first.is_current, second.is_current, second.version) == (False, True, 2)
    assert second.correction_reason == "An invoice was missing"
    assert reported_turnover(sales_agreement) == Decimal(2000)
    assert AuditEvent.objects.filter(verb="sales_report.corrected").count() == 1
    notice = Notification.objects.get(recipient=cpb_manager, kind="followup.sales_report_corrected")
    assert "An invoice was missing" in notice.body


def test_under_reporting_against_a_running_contract_is_flagged(sales_agreement, supplier, supplier_org, agency,
                                                               agency_procurer, clock):
    # 365 000 over 1 January–31 December 2026: Q1 (90 days) is worth 90 000, half of it 45 000.
    contract(sales_agreement, supplier_org, agency, agency_procurer, value=365_000, starts=date(2026, 1, 1),
             ends=date(2026, 12, 31))
    report(supplier, sales_agreement, supplier_org, Q1, [(agency, "44999")])
    [flag] = flags(sales_agreement)
    assert (flag.kind, flag.expected, flag.reported) == ("under_reported", Decimal("90000.00"), Decimal(44999))
    report(supplier, sales_agreement, supplier_org, Q1, [(agency, "45000")], correction_reason="Rättat")
    assert flags(sales_agreement) == []


@override_settings(INNOKOP_SALES_UNDER_REPORTING_SHARE="0.9")
def test_a_zero_report_where_a_contract_runs_is_flagged_at_the_configured_share(
        sales_agreement, supplier, supplier_org, agency, agency_procurer):
    contract(sales_agreement, supplier_org, agency, agency_procurer, value=365_000, starts=date(2026, 3, 2),
             ends=date(2027, 3, 1))
    report(supplier, sales_agreement, supplier_org, Q1)
    [flag] = flags(sales_agreement)
    assert flag.kind == "under_reported" and flag.expected == Decimal("30000.00") and flag.reported == 0


def test_reminders_go_once_before_and_once_after_the_due_date(sales_agreement, supplier, supplier_org, supplier_b,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sales_reminders_send(today=date(2026, 4, 20)) == 0  # more than two weeks before 15 May
        assert services.sales_reminders_send(today=date(2026, 5, 2)) == 2   # both suppliers, before
        assert services.sales_reminders_send(today=date(2026, 5, 3)) == 0   # never twice
        report(supplier, sales_agreement, supplier_org, Q1)
        assert services.sales_reminders_send(today=date(2026, 5, 16)) == 1  # only the one who has not reported
        assert services.sales_reminders_send(today=date(2026, 5, 17)) == 0
    kinds = sorted(Notification.objects.filter(recipient=supplier_b).values_list("kind", flat=True))
    assert kinds == ["followup.sales_reminder_after", "followup.sales_reminder_before"]
    assert SalesReminder.objects.count() == 3
    assert not Notification.objects.filter(recipient=supplier, kind="followup.sales_reminder_after").exists()


def test_the_task_sends_the_reminders(sales_agreement, supplier_b, clock, django_capture_on_commit_callbacks):
    from innokop.followup.tasks import send_sales_report_reminders

    clock.set(at(2026, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        send_sales_report_reminders.enqueue()
        send_sales_report_reminders.enqueue()
    assert Notification.objects.filter(recipient=supplier_b, kind="followup.sales_reminder_after").count() == 1


def test_only_the_current_version_counts(sales_agreement, supplier, supplier_org, agency):
    report(supplier, sales_agreement, supplier_org, Q1, [(agency, "10")])
    report(supplier, sales_agreement, supplier_org, Q1, [(agency, "20")], correction_reason="r")
    assert SalesReport.objects.count() == 2 and SalesReport.objects.current().count() == 1
