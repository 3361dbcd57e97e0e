"""Rule 13: thresholds in a dated table with their source, from 1 January 2024; a new value is a new row."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from innokop.core.models import AppendOnlyError, AuditEvent
from innokop.followup.models.register import seed_change_limits
from innokop.reference.models import Threshold, ThresholdKind
from innokop.reference.thresholds import ThresholdError, seed_thresholds, threshold_add, threshold_on


@pytest.fixture(autouse=True)
def _dated_configuration(db):
    """The rows data migrations load (thresholds, the limits of LOU 17 kap.): a transactional test elsewhere in
    the suite flushes them."""
    seed_thresholds()
    seed_change_limits()


def test_the_values_from_1_january_2024_are_in_the_table_with_their_source(db):
    assert threshold_on(ThresholdKind.CENTRAL_GOVERNMENT, date(2024, 1, 1)).amount == Decimal(1_546_202)
    assert threshold_on(ThresholdKind.OTHER_BUYERS, date(2025, 6, 1)).amount == Decimal(2_389_585)
    assert threshold_on(ThresholdKind.DIRECT_AWARD, date(2026, 12, 5)).amount == Decimal(700_000)
    assert threshold_on(ThresholdKind.CENTRAL_GOVERNMENT, date(2023, 12, 31)) is None
    assert all(row.source for row in Threshold.objects.all())


def test_a_new_value_is_a_new_row_from_a_later_day_and_the_old_one_still_answers_for_its_days(db, cpb_manager):
    threshold_add(actor=cpb_manager, kind=ThresholdKind.CENTRAL_GOVERNMENT, valid_from=date(2026, 1, 1),
                  amount=Decimal(1_500_000), source="Testkälla")
    assert threshold_on(ThresholdKind.CENTRAL_GOVERNMENT, date(2025, 12, 31)).amount == Decimal(1_546_202)
    assert threshold_on(ThresholdKind.CENTRAL_GOVERNMENT, date(2026, 1, 1)).amount == Decimal(1_500_000)
    assert AuditEvent.objects.filter(verb="threshold.added").exists()


def test_an_old_row_is_never_edited_nor_moved_into_the_past(db, cpb_manager):
    row = threshold_on(ThresholdKind.OTHER_BUYERS, date(2024, 1, 1))
    row.amount = Decimal(1)
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(ThresholdError) as refused:
        threshold_add(actor=cpb_manager, kind=ThresholdKind.OTHER_BUYERS, valid_from=date(2024, 1, 1),
                      amount=Decimal(2), source="Rättelse")
    assert refused.value.code == "threshold_not_later"
    with pytest.raises(ThresholdError):
        threshold_add(actor=cpb_manager, kind=ThresholdKind.OTHER_BUYERS, valid_from=date(2027, 1, 1),
                      amount=Decimal(2), source=" ")


def test_the_command_adds_a_row(db):
    call_command("threshold_add", "direct_award", "2027-01-01", "800000", "SFS 2026:000 (test)")
    assert threshold_on(ThresholdKind.DIRECT_AWARD, date(2027, 1, 1)).amount == Decimal(800_000)
