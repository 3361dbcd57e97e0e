"""Follow-up plans (issue 11): generated from the inherited requirements and the winning tender's promises, items
with a method, frequency, person responsible and KPI target, every change with its reason; the schedule on Swedish
working days; who sees and changes a plan (DESIGN.md §5)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from innokop.calloffs.models import Evaluation, EvaluationModel, Tender
from innokop.core.calendar import is_working_day
from innokop.core.models import AuditEvent
from innokop.followup.models import FollowUpRound, ItemSource, PlanFrequency, PlanItemChange, PlanMethod
from innokop.followup.services import plans as services

from .test_plans_setup import build, kpi


@pytest.fixture
def setup(clock, cpb, cpb_manager, agency, agency_procurer, supplier_org, supplier_org_b):
    return build(cpb=cpb, cpb_manager=cpb_manager, agency=agency, agency_procurer=agency_procurer,
                 supplier_org=supplier_org, supplier_org_b=supplier_org_b)


def test_a_contract_plan_follows_the_inherited_requirements_with_their_method_and_frequency(setup, agency_procurer):
    plan = services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)
    items = {item.identifier: item for item in plan.items.all()}
    assert set(items) == {"K1", "K2", "B1"}  # no evaluation recorded what was credited: every requirement
    assert items["K1"].method == PlanMethod.DOCUMENT and items["K1"].frequency == PlanFrequency.ANNUALLY
    assert items["K2"].method == PlanMethod.SELF_DECLARATION and items["K2"].frequency == PlanFrequency.QUARTERLY
    assert items["B1"].method == PlanMethod.AUDIT
    assert all(item.responsible == agency_procurer for item in items.values())
    assert AuditEvent.objects.filter(verb="followup_plan.created", object_id=str(plan.pk)).exists()


def test_the_winning_tenders_promises_become_items_and_an_evaluated_requirement_not_offered_is_left_out(
        setup, agency_procurer, supplier_org):
    calloff = setup.contract.calloff
    calloff.evaluation_model = EvaluationModel.VALUE_ADDED
    calloff.save(update_fields=["evaluation_model"])
    tender = Tender.objects.create(calloff=calloff, supplier=supplier_org, draft_key="x")
    Evaluation.objects.create(calloff=calloff, completed_by=agency_procurer, completed_at=setup.contract.signed_at,
                              winner=tender, ranking=[{"tender": tender.pk, "meets": [], "scores": {"7": "4"},
                                                       "criterion_points": [{"criterion": 7, "name": "Leveranstid",
                                                                             "points": "20"}]}])
    plan = services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)
    items = {item.identifier: item for item in plan.items.all()}
    assert "B1" not in items  # evaluated, and the winner was not credited with it
    assert items["T1"].source == ItemSource.PROMISE and items["T1"].text == "Leveranstid"

    Evaluation.objects.filter(calloff=calloff).update(ranking=[{"tender": tender.pk, "meets": ["B1"]}])
    plan.items.all().delete()
    plan.delete()
    calloff.refresh_from_db()
    plan = services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)
    assert plan.items.get(identifier="B1").source == ItemSource.PROMISE


def test_an_agreement_plan_follows_every_admitted_supplier(setup, cpb_manager, supplier_org, supplier_org_b):
    plan = services.plan_create_for_agreement(actor=cpb_manager, agreement=setup.agreement)
    assert {s.pk for s in services.plan_suppliers(plan)} == {supplier_org.pk, supplier_org_b.pk}
    assert plan.items.count() == 3


def test_one_plan_per_contract(setup, agency_procurer):
    services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)
    with pytest.raises(services.FollowUpError) as refused:
        services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)
    assert refused.value.code == "plan_exists"


def test_only_the_call_offs_team_makes_the_contract_plan(setup, agency_colleague, cpb_manager):
    for outsider in (agency_colleague, cpb_manager):
        with pytest.raises(services.FollowUpError) as refused:
            services.plan_create_for_contract(actor=outsider, contract=setup.contract)
        assert refused.value.status == 403


def test_a_change_needs_a_reason_and_is_kept_with_the_values_before_and_after(setup, agency_procurer):
    plan = services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)
    item = plan.items.get(identifier="K2")
    with pytest.raises(services.FollowUpError) as refused:
        services.plan_item_change(actor=agency_procurer, item=item, reason="  ", frequency=PlanFrequency.MONTHLY)
    assert refused.value.problems[0].field == "reason"
    assert not PlanItemChange.objects.filter(item=item).exists()
    services.plan_item_change(actor=agency_procurer, item=item, reason="Fler klagomål från användare",
                              frequency=PlanFrequency.MONTHLY)
    change = PlanItemChange.objects.get(item=item)
    assert change.reason == "Fler klagomål från användare"
    assert change.changes == {"frequency": ["quarterly", "monthly"]}
    with translation.override("en"):
        assert change.rows() == [("frequency", "Every quarter", "Every month")]
    item.refresh_from_db()
    assert item.frequency == PlanFrequency.MONTHLY
    event = AuditEvent.objects.get(verb="followup_plan.item_changed")
    assert event.payload["reason"] == "Fler klagomål från användare"


def test_a_kpi_needs_a_target_and_a_unit(setup, agency_procurer):
    plan = services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)
    with pytest.raises(services.FollowUpError) as refused:
        services.plan_item_add(actor=agency_procurer, plan=plan, reason="r", text="Svarstid", method="kpi",
                               frequency="monthly", unit="dagar")
    assert refused.value.code == "kpi_needs_target"
    item = kpi(plan, agency_procurer)
    assert item.source == ItemSource.TARGET and item.identifier == "M1" and item.target == Decimal("95")
    assert item.changes.get().reason == "Avtalad tillgänglighet"


def test_the_person_responsible_belongs_to_the_buyer(setup, agency_procurer, supplier):
    plan = services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)
    with pytest.raises(services.FollowUpError) as refused:
        services.plan_item_change(actor=agency_procurer, item=plan.items.first(), reason="byte", responsible=supplier)
    assert refused.value.code == "responsible_outside"


def test_the_schedule_puts_each_round_on_a_working_day():
    quarterly = services.schedule(PlanFrequency.QUARTERLY, date(2027, 1, 1), date(2027, 12, 31))
    # 1 April 2027 is Maundy Thursday (a working day); 1 January 2028 is a holiday → Monday 3 January
    assert quarterly == [date(2027, 4, 1), date(2027, 7, 1), date(2027, 10, 1), date(2028, 1, 3)]
    yearly = services.schedule(PlanFrequency.ANNUALLY, date(2026, 6, 19), date(2028, 6, 1))
    # Midsummer Eve 2027 is Friday 25 June, 19 June 2027 a Saturday: Monday 21 June
    assert yearly == [date(2027, 6, 21)]
    assert services.schedule(PlanFrequency.ON_DEMAND, date(2027, 1, 1), date(2030, 1, 1)) == []
    assert services.schedule(PlanFrequency.ONCE, date(2027, 11, 24), date(2030, 1, 1)) == [date(2027, 12, 27)]
    monthly = services.schedule(PlanFrequency.MONTHLY, date(2027, 1, 31), date(2027, 12, 31))
    assert all(is_working_day(day) for day in monthly) and len(monthly) == 11


def test_due_rounds_are_the_scheduled_days_up_to_today_without_a_round(setup, agency_procurer, clock):
    from .test_plans_setup import at

    plan = services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)
    clock.set(at(2027, 8, 10))
    due = [(item.identifier, day) for item, _supplier, day in services.due_rounds(plan, date(2027, 8, 10))]
    assert due == [("K2", date(2027, 5, 3)), ("K2", date(2027, 8, 2))]  # 1 May is a holiday, 1 August a Sunday
    item = plan.items.get(identifier="K2")
    services.round_request(actor=agency_procurer, item=item, supplier=setup.contract.supplier,
                           scheduled_on=date(2027, 5, 3))
    assert [day for *_rest, day in services.due_rounds(plan, date(2027, 8, 10))] == [date(2027, 8, 2)]


def test_who_sees_and_changes_a_contract_plan(setup, login, agency_procurer, agency_colleague, supplier,
                                              other_agency_procurer, cpb_manager):
    plan = services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)
    url = reverse("followup:plan_detail", args=[plan.pk])
    add = reverse("followup:plan_item_add", args=[plan.pk])
    assert login(agency_procurer).get(url).status_code == 200
    assert login(agency_colleague).get(url).status_code == 200
    assert login(agency_colleague).get(add).status_code == 403
    for outsider in (supplier, other_agency_procurer, cpb_manager):
        assert login(outsider).get(url).status_code == 404


def test_the_plan_page_shows_the_items_with_their_light_and_a_change_needs_a_reason_on_the_page(
        setup, login, agency_procurer):
    plan = services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)
    item = plan.items.get(identifier="K1")
    client = login(agency_procurer)
    with translation.override("en"):
        page = client.get(reverse("followup:plan_detail", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200 and b'id="plan-items"' in page.content
        edit = reverse("followup:plan_item_edit", args=[plan.pk, item.pk])
        data = {"text": item.text, "method": "audit", "frequency": item.frequency, "responsible": agency_procurer.pk,
                "target_direction": "at_least", "active": "on", "reason": ""}
        refused = client.post(edit, data)
        assert refused.status_code == 200 and b"govuk-error-summary" in refused.content
        assert client.post(edit, data | {"reason": "Revision behövs"}).status_code == 302
    item.refresh_from_db()
    assert item.method == "audit" and item.changes.get().reason == "Revision behövs"
    assert "Revision behövs" in client.get(edit).content.decode()


def test_the_purchasing_body_makes_its_agreements_plan_and_reads_it_per_supplier(
        setup, login, cpb_manager, agency_procurer, supplier, supplier_org, supplier_org_b):
    client = login(cpb_manager)
    response = client.post(reverse("followup:plan_create_for_agreement", args=[setup.agreement.pk]))
    plan = setup.agreement.followup_plan
    assert response.status_code == 302 and response["Location"] == reverse("followup:plan_detail", args=[plan.pk])
    services.round_request(actor=cpb_manager, item=plan.items.get(identifier="K1"), supplier=supplier_org_b)
    page = client.get(reverse("followup:plan_detail", args=[plan.pk])).content.decode()
    assert supplier_org.name in page and supplier_org_b.name in page
    assert login(agency_procurer).get(reverse("followup:plan_detail", args=[plan.pk])).status_code == 404
    # A supplier on the agreement sees its own rounds only.
    assert not FollowUpRound.objects.filter(supplier=supplier_org).exists()
    home = login(supplier).get(reverse("followup:plans_home")).content.decode()
    assert "UP-" not in home
