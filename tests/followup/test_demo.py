import pytest
from django.core.management import call_command

from innokop.followup.models import SalesReport, SalesReportRow
from innokop.followup.reporting import flags, overdue_lines


@pytest.mark.django_db
def test_the_demo_has_zero_corrected_overdue_and_flagged_sales_reports(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet_logins=True)
    assert SalesReport.objects.filter(is_zero=True).exists()
    assert SalesReport.objects.filter(version=2, is_current=True).exclude(correction_reason="").exists()
    assert SalesReportRow.objects.filter(entitled=False, report__is_current=True).exists()
    from innokop.agreements.models import FrameworkAgreement
    from innokop.core import clock
    from innokop.core.calendar import local_date

    agreements = list(FrameworkAgreement.objects.published())
    assert overdue_lines(agreements, local_date(clock.now()))
    kinds = {flag.kind for agreement in agreements for flag in flags(agreement)}
    assert "not_entitled" in kinds
    count = SalesReport.objects.count()
    call_command("demo", quiet_logins=True)
    assert SalesReport.objects.count() == count
