"""The contract register: records, options within rule 1, changes under LOU 17 kap. (warnings, not refusals, with
dated limits), completion, expiry alerts from the clock, and the buyer's reference case after completion."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from innokop.accounts.models import Role, Sector
from innokop.agreements.consumption import agreement_consumption
from innokop.agreements.models import Commitment
from innokop.agreements.services import AgreementError
from innokop.catalogue.models import SolutionStatus
from innokop.catalogue.services import solution_changes_approve
from innokop.core.models import AppendOnlyError, AuditEvent, Notification
from innokop.followup.models import ChangeLimit, ChangeReason, ContractKind, ContractRecord, ExpiryAlert
from innokop.followup.models.register import seed_change_limits
from innokop.followup.services import register as services
from innokop.reference.thresholds import seed_thresholds

from ..catalogue.factories import SolutionFactory
from ..factories import member
from .conftest import at, contract


@pytest.fixture(autouse=True)
def _dated_configuration(db):
    """The rows data migrations load (thresholds, the limits of LOU 17 kap.): a transactional test elsewhere in
    the suite flushes them."""
    seed_thresholds()
    seed_change_limits()


@pytest.fixture(autouse=True)
def _notify_at_once(monkeypatch):
    """Notifications are queued on commit; the test's transaction never commits, so they are made at once."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda callback, using=None, robust=False: callback())


@pytest.fixture
def signed(sales_agreement, supplier_org, agency, agency_procurer):
    """A contract of 1 000 000 kr from 1 February 2026 to 31 January 2027 (the clock: 20 May 2026)."""
    made = contract(sales_agreement, supplier_org, agency, agency_procurer, value=1_000_000, starts=date(2026, 2, 1),
                    ends=date(2027, 1, 31))
    made.calloff.team.add(agency_procurer)
    return made


@pytest.fixture
def record(signed):
    return services.record_of(signed)


def codes(change) -> list[str]:
    return [warning["code"] for warning in change.warnings]


def test_a_record_is_made_once_when_the_register_first_meets_the_contract(signed):
    first = services.record_of(signed)
    assert services.record_of(signed).pk == first.pk and ContractRecord.objects.count() == 1
    assert (first.ends_on, first.value, first.registration_number) == (date(2027, 1, 31), Decimal(1_000_000), "")


def test_the_registration_number_is_the_agencys_and_audited(record, agency_procurer, supplier):
    services.contract_details_set(actor=agency_procurer, record=record, registration_number=" Dnr 2026/123 ",
                                  kind=ContractKind.GOODS_SERVICES)
    record.refresh_from_db()
    assert record.registration_number == "Dnr 2026/123"
    assert AuditEvent.objects.filter(verb="contract.register_details_set").exists()
    with pytest.raises(services.ContractRegisterError) as refused:
        services.contract_details_set(actor=supplier, record=record, registration_number="X", kind="works")
    assert refused.value.status == 403


def test_an_option_is_used_once_within_what_it_allows_and_counts_against_the_maximum(
        record, sales_agreement, agency_procurer, supplier):
    option = services.contract_option_add(actor=agency_procurer, record=record, description="Förlängning 6 månader",
                                          extension_months=6, value=Decimal(200_000))
    with pytest.raises(services.ContractRegisterError) as beyond:
        services.contract_option_use(actor=agency_procurer, option=option, reason="Behov", months=7)
    assert beyond.value.code == "beyond_option"
    with pytest.raises(services.ContractRegisterError):
        services.contract_option_use(actor=agency_procurer, option=option, reason="  ")
    services.contract_option_use(actor=agency_procurer, option=option, reason="Verksamheten behöver tjänsten")
    record.refresh_from_db()
    option.refresh_from_db()
    assert record.ends_on == date(2027, 7, 31) and record.value == Decimal(1_200_000)
    assert (option.end_before, option.end_after, option.used_value) == (date(2027, 1, 31), date(2027, 7, 31),
                                                                         Decimal(200_000))
    assert Commitment.objects.get(source=f"followup.contractoption:{option.pk}").amount == Decimal(200_000)
    assert agreement_consumption(sales_agreement).contracted == Decimal(200_000)
    assert Notification.objects.filter(recipient=supplier, kind="followup.contract_option_used").exists()
    assert AuditEvent.objects.get(verb="contract.option_used").payload["reason"] == "Verksamheten behöver tjänsten"
    with pytest.raises(services.ContractRegisterError) as again:
        services.contract_option_use(actor=agency_procurer, option=option, reason="Igen")
    assert again.value.code == "option_used"


def test_a_contract_may_be_extended_past_its_agreement_but_not_past_the_latest_contract_end(
        record, sales_agreement, agency_procurer):
    sales_agreement.latest_contract_end = date(2028, 6, 30)
    sales_agreement.save()
    within = services.contract_option_add(actor=agency_procurer, record=record, description="12 månader",
                                          extension_months=12)
    services.contract_option_use(actor=agency_procurer, option=within, reason="Behövs")
    record.refresh_from_db()
    assert record.ends_on == date(2028, 1, 31) > sales_agreement.end_date
    beyond = services.contract_option_add(actor=agency_procurer, record=record, description="Ytterligare 12 månader",
                                          extension_months=12)
    with pytest.raises(services.ContractRegisterError) as refused:
        services.contract_option_use(actor=agency_procurer, option=beyond, reason="Behövs")
    assert refused.value.code == "extension_outside_rule_1"
    record.refresh_from_db()
    assert record.ends_on == date(2028, 1, 31)


def test_a_change_over_10_percent_of_low_value_is_a_warning_recorded_and_audited_not_a_refusal(
        record, agency_procurer, supplier):
    change = services.contract_change_record(actor=agency_procurer, record=record, reason=ChangeReason.LOW_VALUE,
                                             description="Fler licenser", value_after=Decimal(1_150_000))
    assert codes(change) == ["17_9_share"] and change.value_before == Decimal(1_000_000)
    record.refresh_from_db()
    assert record.value == Decimal(1_150_000)
    assert AuditEvent.objects.get(verb="contract.changed").payload["warnings"] == ["17_9_share"]
    assert Notification.objects.filter(recipient=supplier, kind="followup.contract_changed").exists()
    with translation.override("en"):
        [text] = [services.warning_text(w) for w in change.warnings]
    assert "10 %" in text and "LOU 17 kap. 9 §" in text


def test_within_10_percent_of_low_value_there_is_no_warning(record, agency_procurer):
    change = services.contract_change_record(actor=agency_procurer, record=record, reason=ChangeReason.LOW_VALUE,
                                             description="Små justeringar", value_after=Decimal(1_100_000))
    assert codes(change) == [] and change.threshold == Decimal(2_389_585)


def test_17_9_adds_up_the_changes_against_the_eu_threshold_of_the_buyer(sales_agreement, supplier_org, agency,
                                                                       agency_procurer):
    agency.sector = Sector.CENTRAL_GOVERNMENT
    agency.save()
    sales_agreement.max_value = Decimal(100_000_000)
    sales_agreement.save()
    big = services.record_of(contract(sales_agreement, supplier_org, agency, agency_procurer, value=20_000_000,
                                      starts=date(2026, 2, 1), ends=date(2027, 1, 31)))
    first = services.contract_change_record(actor=agency_procurer, record=big, reason=ChangeReason.LOW_VALUE,
                                            description="Tillägg", value_after=Decimal(21_000_000))
    second = services.contract_change_record(actor=agency_procurer, record=big, reason=ChangeReason.LOW_VALUE,
                                             description="Tillägg igen", value_after=Decimal(21_600_000))
    assert codes(first) == [] and codes(second) == ["17_9_threshold"]  # 1 600 000 ≥ 1 546 202
    assert second.threshold == Decimal(1_546_202)


def test_works_may_change_15_percent_and_have_no_threshold_in_the_table_yet(record, agency_procurer):
    services.contract_details_set(actor=agency_procurer, record=record, registration_number="", kind=ContractKind.WORKS)
    change = services.contract_change_record(actor=agency_procurer, record=record, reason=ChangeReason.LOW_VALUE,
                                             description="Tillägg", value_after=Decimal(1_120_000))
    assert codes(change) == ["no_threshold"]


def test_additional_deliveries_may_add_at_most_half_the_original_value_per_change(record, agency_procurer):
    within = services.contract_change_record(actor=agency_procurer, record=record, reason=ChangeReason.ADDITIONAL,
                                             description="Kompletterande leverans", value_after=Decimal(1_500_000))
    beyond = services.contract_change_record(actor=agency_procurer, record=record, reason=ChangeReason.UNFORESEEN,
                                             description="Oförutsett", value_after=Decimal(2_100_000))
    assert codes(within) == [] and codes(beyond) == ["17_11_12_share"]


def test_the_limits_are_dated_and_never_edited(record, agency_procurer):
    ChangeLimit.objects.create(valid_from=date(2026, 5, 1), low_value_share_goods_services=Decimal(20),
                               low_value_share_works=Decimal(25), per_change_share=Decimal(50), source="Test",
                               created_at=at(2026, 5, 1))
    change = services.contract_change_record(actor=agency_procurer, record=record, reason=ChangeReason.LOW_VALUE,
                                             description="Tillägg", value_after=Decimal(1_150_000))
    assert codes(change) == [] and change.limits.valid_from == date(2026, 5, 1)
    assert services.change_limits_on(date(2026, 4, 30)).valid_from == date(2017, 1, 1)
    old = ChangeLimit.objects.get(valid_from=date(2017, 1, 1))
    old.per_change_share = Decimal(60)
    with pytest.raises(AppendOnlyError):
        old.save()


def test_a_reduction_gives_value_back_to_the_agreement(record, sales_agreement, agency_procurer):
    services.contract_change_record(actor=agency_procurer, record=record, reason=ChangeReason.NON_SUBSTANTIAL,
                                    description="Mindre omfattning", value_after=Decimal(900_000))
    assert agreement_consumption(sales_agreement).contracted == Decimal(-100_000)


def test_a_change_over_the_agreements_maximum_is_refused(record, agency_procurer):
    with pytest.raises(AgreementError):
        services.contract_change_record(actor=agency_procurer, record=record, reason=ChangeReason.ADDITIONAL,
                                        description="Stor", value_after=Decimal(12_000_000))
    record.refresh_from_db()
    assert record.value == Decimal(1_000_000) and not record.changes.exists()


def test_the_state_is_read_from_the_clock(record):
    assert record.state(date(2026, 11, 1)) == "running"
    assert record.state(date(2026, 11, 2)) == "expiring"  # 90 days before 31 January
    assert record.state(date(2027, 2, 1)) == "ended"
    records = ContractRecord.objects.all()
    assert list(services.in_state(records, "expiring", date(2026, 11, 2))) == [record]
    assert list(services.in_state(records, "running", date(2026, 11, 2))) == []
    assert list(services.in_state(records, "running", date(2026, 11, 1))) == [record]


def test_expiry_alerts_go_once_at_90_and_at_30_days_to_the_team_and_the_supplier(
        record, agency, agency_procurer, supplier, clock):
    contract_manager = member(agency, Role.CONTRACT_MANAGER, email="avtal@agency.se")
    assert services.contract_expiry_alerts_send(today=date(2026, 11, 1)) == 0
    assert services.contract_expiry_alerts_send(today=date(2026, 11, 2)) == 1
    assert services.contract_expiry_alerts_send(today=date(2026, 11, 3)) == 0
    assert services.contract_expiry_alerts_send(today=date(2027, 1, 1)) == 1
    assert services.contract_expiry_alerts_send(today=date(2027, 1, 2)) == 0
    assert sorted(ExpiryAlert.objects.values_list("days", flat=True)) == [30, 90]
    told = set(Notification.objects.filter(kind="followup.contract_expiry_30").values_list("recipient", flat=True))
    assert told == {agency_procurer.pk, contract_manager.pk, supplier.pk}


def test_a_contract_first_met_inside_30_days_gets_the_30_day_alert_alone(record):
    assert services.contract_expiry_alerts_send(today=date(2027, 1, 20)) == 1
    assert list(ExpiryAlert.objects.values_list("days", flat=True)) == [30]


def test_completion_with_the_final_amount_closes_the_register_entry(record, agency_procurer, supplier):
    services.contract_complete(actor=agency_procurer, record=record, final_amount=Decimal("985000.50"))
    record.refresh_from_db()
    assert record.state(date(2026, 5, 20)) == "completed" and record.final_amount == Decimal("985000.50")
    assert Notification.objects.filter(recipient=supplier, kind="followup.contract_completed").exists()
    with pytest.raises(services.ContractRegisterError) as refused:
        services.contract_change_record(actor=agency_procurer, record=record, reason=ChangeReason.LOW_VALUE,
                                        description="För sent", value_after=Decimal(1))
    assert refused.value.code == "contract_completed"


def test_a_contract_not_yet_started_cannot_be_completed(sales_agreement, supplier_org, agency, agency_procurer):
    later = services.record_of(contract(sales_agreement, supplier_org, agency, agency_procurer, value=10,
                                        starts=date(2026, 9, 1), ends=date(2027, 1, 31)))
    with pytest.raises(services.ContractRegisterError) as refused:
        services.contract_complete(actor=agency_procurer, record=later, final_amount=Decimal(0))
    assert refused.value.code == "not_started"


def test_the_reference_case_is_written_after_completion_and_shows_once_the_purchasing_body_approves_it(
        record, supplier_org, agency_procurer, supplier, cpb_manager, client):
    solution = SolutionFactory(supplier=supplier_org, status=SolutionStatus.PUBLISHED, title="Smart tolkning")
    texts = {"title": "Tolkning i vården", "story": "Vi köpte tolkning på distans.",
             "effects": "Kortare väntetider.", "assessment": "Mycket bra."}
    with pytest.raises(services.ContractRegisterError) as early:
        services.contract_reference_case_write(actor=agency_procurer, record=record, solution=solution, **texts)
    assert early.value.code == "not_completed"
    services.contract_complete(actor=agency_procurer, record=record, final_amount=Decimal(990_000))
    link = services.contract_reference_case_write(actor=agency_procurer, record=record, solution=solution, **texts)
    case = link.case
    assert case.pending and case.buyer == record.contract.agency and case.effects == "Kortare väntetider."
    assert Notification.objects.filter(recipient=cpb_manager, kind="catalogue.reference_case_to_review").exists()
    assert Notification.objects.filter(recipient=supplier, kind="catalogue.reference_case_by_buyer").exists()
    assert "Tolkning i vården" not in client.get(reverse("catalogue:solution_detail", args=[solution.pk])).content.decode()
    solution_changes_approve(actor=cpb_manager, solution=solution)
    case.refresh_from_db()
    assert not case.pending
    page = client.get(reverse("catalogue:solution_detail", args=[solution.pk])).content.decode()
    assert "Tolkning i vården" in page and "Kortare väntetider." in page
    with pytest.raises(services.ContractRegisterError) as twice:
        services.contract_reference_case_write(actor=agency_procurer, record=record, solution=solution, **texts)
    assert twice.value.code == "case_exists"


def test_only_the_suppliers_published_solutions_take_a_case(record, supplier_org_b, agency_procurer):
    services.contract_complete(actor=agency_procurer, record=record, final_amount=Decimal(1))
    other = SolutionFactory(supplier=supplier_org_b, status=SolutionStatus.PUBLISHED)
    with pytest.raises(services.ContractRegisterError) as refused:
        services.contract_reference_case_write(actor=agency_procurer, record=record, solution=other, title="T",
                                               story="S", effects="E", assessment="A")
    assert refused.value.code == "wrong_solution"


def test_a_reference_case_the_purchasing_body_rejects_leaves_the_register_saying_so(
        record, supplier_org, agency_procurer, cpb_manager, client):
    from innokop.catalogue.services import solution_changes_reject

    solution = SolutionFactory(supplier=supplier_org, status=SolutionStatus.PUBLISHED)
    services.contract_complete(actor=agency_procurer, record=record, final_amount=Decimal(1))
    link = services.contract_reference_case_write(actor=agency_procurer, record=record, solution=solution,
                                                  title="Vårt case", story="S", effects="E", assessment="A")
    solution_changes_reject(actor=cpb_manager, solution=solution, reason="Referensen beskriver inte lösningen.")
    link.refresh_from_db()
    assert link.case is None
    client.force_login(agency_procurer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("followup:contract_record", args=[record.contract_id])).content.decode()
    assert "The purchasing body did not approve the reference case." in page
    assert 'href="' + reverse("followup:contract_reference_case", args=[record.contract_id]) not in page


def test_visible_contracts_join_the_agreement_only_for_a_purchasing_body_member(agency_procurer, cpb_manager):
    """Without an agreement to manage the statement names only the contract's parties: joining every contract
    to its call-off, lot and agreement made PostgreSQL scan them all at national scale."""
    from innokop.accounts.permissions import actor_for
    from innokop.followup.permissions import contracts_visible_to

    assert "agreements_frameworkagreement" not in str(contracts_visible_to(actor_for(agency_procurer)).query)
    assert "agreements_frameworkagreement" in str(contracts_visible_to(actor_for(cpb_manager)).query)
