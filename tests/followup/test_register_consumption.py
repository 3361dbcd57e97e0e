"""Rule 1: the maximum value counts the larger of the contracted value (contracts, options used, changes) and the
turnover the suppliers report; the 80 % warning and the refusal read that one figure."""

from datetime import date
from decimal import Decimal

import pytest

from innokop.agreements.consumption import CONTRACTED, REPORTED, agreement_consumption
from innokop.agreements.services import AgreementError, agreement_commit
from innokop.core.models import Notification
from innokop.followup.models import ChangeReason
from innokop.followup.models.register import seed_change_limits
from innokop.followup.quarters import Quarter
from innokop.followup.services import register
from innokop.reference.thresholds import seed_thresholds

from .conftest import contract, report


@pytest.fixture(autouse=True)
def _dated_configuration(db):
    """The rows data migrations load (thresholds, the limits of LOU 17 kap.): a transactional test elsewhere in
    the suite flushes them."""
    seed_thresholds()
    seed_change_limits()


@pytest.fixture(autouse=True)
def _notify_at_once(monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda callback, using=None, robust=False: callback())


def _commit(agreement, agency, user, amount, source):
    return agreement_commit(actor=user, agreement=agreement, amount=Decimal(amount), source=source, label=source,
                            buyer=agency)


def test_reported_turnover_counts_when_it_is_larger_than_the_contracted_value(
        sales_agreement, supplier, supplier_org, agency, agency_procurer):
    _commit(sales_agreement, agency, agency_procurer, 1_000_000, "calloffs.contract:test")
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), [(agency, "3000000")])
    sales_agreement.refresh_from_db()
    used = agreement_consumption(sales_agreement)
    assert (used.contracted, used.reported, used.committed, used.counts) == (
        Decimal(1_000_000), Decimal(3_000_000), Decimal(3_000_000), REPORTED)
    assert used.remaining == Decimal(7_000_000) and used.percent == 30
    assert agreement_consumption(sales_agreement).after(Decimal(2_500_000)).counts == CONTRACTED


def test_a_correction_replaces_the_reported_figure(sales_agreement, supplier, supplier_org, agency):
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), [(agency, "3000000")])
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), [(agency, "500000")],
           correction_reason="Fel belopp")
    sales_agreement.refresh_from_db()
    assert agreement_consumption(sales_agreement).reported == Decimal(500_000)
    assert agreement_consumption(sales_agreement).committed == Decimal(500_000)


def test_a_contract_is_refused_when_the_reported_turnover_already_exceeds_the_maximum(
        sales_agreement, supplier, supplier_org, agency, agency_procurer):
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), [(agency, "10500000")])
    sales_agreement.refresh_from_db()
    assert agreement_consumption(sales_agreement).exhausted
    with pytest.raises(AgreementError) as refused:
        _commit(sales_agreement, agency, agency_procurer, 1, "calloffs.contract:late")
    assert "reported a turnover" in str(refused.value.message) or "rapporterat" in str(refused.value.message)


def test_the_80_percent_warning_comes_from_the_reported_side(sales_agreement, supplier, supplier_org, agency,
                                                              cpb_manager):
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), [(agency, "7900000")])
    assert not Notification.objects.filter(kind="agreement.consumption").exists()
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), [(agency, "8000000")],
           correction_reason="Ny faktura")
    sales_agreement.refresh_from_db()
    assert agreement_consumption(sales_agreement).warning
    assert Notification.objects.get(kind="agreement.consumption").recipient == cpb_manager


def test_the_80_percent_warning_comes_from_the_contracted_side(sales_agreement, agency, agency_procurer,
                                                                cpb_manager):
    _commit(sales_agreement, agency, agency_procurer, 7_999_999, "calloffs.contract:one")
    assert not Notification.objects.filter(kind="agreement.consumption").exists()
    _commit(sales_agreement, agency, agency_procurer, 1, "calloffs.contract:two")
    assert Notification.objects.get(kind="agreement.consumption").recipient == cpb_manager


def test_options_and_changes_count_as_contracted_value(sales_agreement, supplier_org, agency, agency_procurer):
    signed = contract(sales_agreement, supplier_org, agency, agency_procurer, value=1_000_000,
                      starts=date(2026, 2, 1), ends=date(2027, 1, 31))
    _commit(sales_agreement, agency, agency_procurer, 1_000_000, f"calloffs.contract:{signed.pk}")
    record = register.record_of(signed)
    option = register.contract_option_add(actor=agency_procurer, record=record, description="Mer",
                                          value=Decimal(300_000))
    register.contract_option_use(actor=agency_procurer, option=option, reason="Behov")
    register.contract_change_record(actor=agency_procurer, record=record, reason=ChangeReason.LOW_VALUE,
                                    description="Mindre", value_after=Decimal(1_250_000))
    assert agreement_consumption(sales_agreement).contracted == Decimal(1_250_000)
