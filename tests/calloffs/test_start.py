"""Starting a call-off and saving its steps: the rules of DESIGN.md §4, 2–4, each with its refusal."""

from dataclasses import asdict
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from innokop.accounts.models import Role
from innokop.calloffs import rules, services
from innokop.calloffs.models import CallOffKind, CallOffStatus
from innokop.core.audit import audit_verify
from innokop.core.calendar import STOCKHOLM
from innokop.core.models import AuditEvent

from ..factories import member
from .conftest import prepare, start

pytestmark = pytest.mark.django_db


def test_it_starts_a_draft_prefilled_from_the_lot(draft, lot, agency, agency_procurer):
    assert draft.status == CallOffStatus.DRAFT
    assert draft.reference == "AV-2027-0001"
    assert draft.agency == agency and draft.method == CallOffKind.RENEWED_COMPETITION_DIALOGUE
    assert list(draft.team.all()) == [agency_procurer]
    assert {row.lot_criterion.name: row.weight for row in draft.criteria.all()} == {"Pris": 50, "Kvalitet": 40}
    assert draft.price_weight == 10
    assert sorted(r.identifier for r in draft.requirements.all()) == ["K1", "K2"]
    assert AuditEvent.objects.filter(verb="calloff.started", object_id=str(draft.pk)).exists()


def test_references_run_per_year(lot, agency_procurer, clock):
    assert [start(agency_procurer, lot).reference for _ in range(2)] == ["AV-2027-0001", "AV-2027-0002"]


def test_a_business_developer_may_start(lot, agency_colleague, clock):
    assert start(agency_colleague, lot).team.get() == agency_colleague


def test_a_buyer_that_is_not_entitled_is_refused(lot, other_agency_procurer, clock):
    lot.agreement.entitled_categories = ["municipality"]
    lot.agreement.save()
    with pytest.raises(services.CallOffError, match="not entitled to call off"):
        start(other_agency_procurer, lot)


@pytest.mark.parametrize("persona", ["supplier", "cpb_manager"])
def test_only_agency_buyers_may_start(lot, clock, persona, request):
    with pytest.raises(services.CallOffError, match="Only procurers and business developers"):
        start(request.getfixturevalue(persona), lot)


def test_an_agency_contract_manager_may_not_start(lot, agency, clock):
    with pytest.raises(services.CallOffError, match="Only procurers"):
        start(member(agency, Role.CONTRACT_MANAGER), lot)


def test_an_agreement_not_in_force_is_refused(lot, agency_procurer, clock):
    clock.set(datetime(2031, 2, 3, 9, tzinfo=timezone.utc))
    with pytest.raises(services.CallOffError, match="not in force"):
        start(agency_procurer, lot)


def test_a_method_the_lot_does_not_have_is_refused(lot, agency_procurer, clock):
    with pytest.raises(ValidationError, match="called off by renewed competition with dialogue only"):
        start(agency_procurer, lot, method=CallOffKind.RANKING)


def test_a_combination_lot_decides_the_method_by_value(combination_lot, agency_procurer, clock):
    assert start(agency_procurer, combination_lot, estimated_value=Decimal(2_000_000)).method == "renewed_competition"
    assert start(agency_procurer, combination_lot, estimated_value=Decimal(1_999_999)).method == "ranking"


def test_renewed_competition_below_the_threshold_is_refused(combination_lot, agency_procurer, clock):
    with pytest.raises(ValidationError) as refused:
        start(agency_procurer, combination_lot, estimated_value=Decimal(500_000), method="renewed_competition")
    assert "estimated_value" in refused.value.error_dict
    assert "ranking order, not by renewed competition" in str(refused.value)


def test_lowering_the_value_of_a_combination_call_off_moves_it_to_ranking(combination_lot, agency_procurer, clock):
    calloff = start(agency_procurer, combination_lot, estimated_value=Decimal(3_000_000))
    services.calloff_update_step(actor=agency_procurer, calloff=calloff, step="need", data={
        "title": "T", "need": "N", "estimated_value": Decimal(1_000_000)})
    assert calloff.method == CallOffKind.RANKING
    with pytest.raises(services.CallOffError, match="ranking order"):
        services.calloff_publish(actor=agency_procurer, calloff=calloff)


def _evaluation(calloff, *, model="price_quality", price=10, weights=None):
    criteria = {c.name: c.pk for c in calloff.lot.criteria.all()}
    weights = weights or {"Pris": 50, "Kvalitet": 40}
    return {"evaluation_model": model, "price_weight": price, "weights": {criteria[k]: v for k, v in weights.items()}}


def test_an_evaluation_model_the_lot_does_not_allow_is_refused(draft, agency_procurer):
    with pytest.raises(ValidationError, match="does not allow that evaluation model"):
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="evaluation",
                                     data=_evaluation(draft, model="value_added"))


def test_a_weight_outside_the_agreements_range_is_refused(draft, agency_procurer):
    with pytest.raises(ValidationError) as refused:
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="evaluation",
                                     data=_evaluation(draft, price=0, weights={"Pris": 80, "Kvalitet": 20}))
    assert "from 30 to 70 %" in str(refused.value)


def test_weights_that_do_not_sum_to_100_are_refused(draft, agency_procurer):
    with pytest.raises(ValidationError, match="add up to 95 %"):
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="evaluation",
                                     data=_evaluation(draft, price=5))


def test_a_criterion_not_in_the_agreement_is_refused(draft, agency_procurer, supplier_org):
    data = _evaluation(draft)
    data["weights"][999_999] = 10
    with pytest.raises(ValidationError, match="criteria cannot be added"):
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="evaluation", data=data)


def test_a_refused_step_leaves_the_draft_as_it_was(draft, agency_procurer):
    with pytest.raises(ValidationError):
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="evaluation",
                                     data=_evaluation(draft, price=5))
    draft.refresh_from_db()
    assert draft.evaluation_model == "" and draft.price_weight == 10


def test_each_step_saves_the_draft(draft, agency_procurer):
    services.calloff_update_step(actor=agency_procurer, calloff=draft, step="need", data={
        "title": "Nytt namn", "need": "Ny beskrivning", "estimated_value": Decimal(4_000_000)})
    services.calloff_update_step(actor=agency_procurer, calloff=draft, step="evaluation",
                                 data=_evaluation(draft, price=0, weights={"Pris": 60, "Kvalitet": 40}))
    draft.refresh_from_db()
    assert (draft.title, draft.estimated_value, draft.evaluation_model, draft.price_weight) == (
        "Nytt namn", 4_000_000, "price_quality", 0)
    assert draft.steps_done() == {"need": True, "evaluation": True, "timetable": False}
    prepare(agency_procurer, draft)
    draft.refresh_from_db()
    assert draft.steps_done()["timetable"]
    assert AuditEvent.objects.filter(verb="calloff.step_saved").count() == 4
    assert audit_verify().ok


def test_the_suggested_timetable(lot):
    t = rules.suggest_timetable(lot, date(2027, 3, 15))
    assert t.publish_on == date(2027, 3, 15)
    assert t.tender_deadline == datetime(2027, 3, 25, 12, tzinfo=STOCKHOLM)  # 10 days, Thursday
    assert t.questions_close == datetime(2027, 3, 19, 12, tzinfo=STOCKHOLM)  # 40 % of 10 days
    assert t.answers_by == datetime(2027, 3, 23, 12, tzinfo=STOCKHOLM)  # two working days later
    assert t.opening_at.date() == date(2027, 3, 30)  # after Easter
    rules.check_timetable(lot, t)
    assert rules.timetable_warnings(t) == []


def test_the_suggested_deadline_rolls_to_a_working_day(lot):
    t = rules.suggest_timetable(lot, date(2027, 3, 16))  # + 10 days = Good Friday
    assert t.tender_deadline == datetime(2027, 3, 30, 12, tzinfo=STOCKHOLM)


def _timetable(lot, **changes):
    return asdict(rules.suggest_timetable(lot, date(2027, 3, 15))) | changes


def test_a_tender_period_shorter_than_the_lots_minimum_is_refused(draft, agency_procurer):
    with pytest.raises(ValidationError) as refused:
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="timetable", data=_timetable(
            draft.lot, tender_deadline=datetime(2027, 3, 24, 12, tzinfo=STOCKHOLM)))
    assert "9 days" in str(refused.value) and "at least 10 days" in str(refused.value)
    assert "tender_deadline" in refused.value.error_dict


def test_a_contract_period_over_four_years_needs_reasons_but_may_outlive_the_agreement(draft, agency_procurer):
    with pytest.raises(ValidationError, match="at most four years as a main rule"):
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="timetable",
                                     data=_timetable(draft.lot, contract_end=date(2035, 6, 30)))
    saved = services.calloff_update_step(actor=agency_procurer, calloff=draft, step="timetable",
                                         data=_timetable(draft.lot, contract_end=date(2031, 1, 31)))
    assert saved.contract_end == date(2031, 1, 31)  # the agreement ends on 31 December 2030


def test_an_award_planned_after_the_agreement_has_ended_is_refused(draft, agency_procurer):
    with pytest.raises(ValidationError, match="awarded while the framework agreement is in force"):
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="timetable", data=_timetable(
            draft.lot, decision_on=date(2031, 1, 7), contract_start=date(2031, 2, 1),
            contract_end=date(2032, 1, 31)))


def test_dates_out_of_order_are_refused(draft, agency_procurer):
    with pytest.raises(ValidationError) as refused:
        services.calloff_update_step(actor=agency_procurer, calloff=draft, step="timetable", data=_timetable(
            draft.lot, answers_by=datetime(2027, 3, 18, 12, tzinfo=STOCKHOLM)))
    assert "answers_by" in refused.value.error_dict


def test_a_deadline_on_a_holiday_is_a_warning_not_a_refusal(draft, agency_procurer):
    good_friday = datetime(2027, 3, 26, 12, tzinfo=STOCKHOLM)
    services.calloff_update_step(actor=agency_procurer, calloff=draft, step="timetable",
                                 data=_timetable(draft.lot, tender_deadline=good_friday))
    warnings = rules.timetable_warnings(services.timetable_of(draft))
    assert len(warnings) == 1 and warnings[0].startswith("Tender deadline falls on a weekend or public holiday")


def test_a_saturday_deadline_is_warned_about(lot):
    t = rules.suggest_timetable(lot, date(2027, 3, 15))
    saturday = rules.Timetable(**asdict(t) | {"questions_close": datetime(2027, 3, 20, 12, tzinfo=STOCKHOLM)})
    assert "Last time for questions falls on a weekend" in rules.timetable_warnings(saturday)[0]


def test_only_the_team_changes_the_draft(draft, agency_colleague):
    with pytest.raises(services.CallOffError, match="Only the call-off's team"):
        services.calloff_update_step(actor=agency_colleague, calloff=draft, step="need",
                                     data={"title": "x", "need": "y", "estimated_value": Decimal(1)})


def test_the_team_is_the_agency_only(draft, agency_procurer, agency_colleague, other_agency_procurer):
    services.calloff_team_add(actor=agency_procurer, calloff=draft, user=agency_colleague)
    assert set(draft.team.all()) == {agency_procurer, agency_colleague}
    with pytest.raises(services.CallOffError, match="Only people in Myndigheten för test"):
        services.calloff_team_add(actor=agency_procurer, calloff=draft, user=other_agency_procurer)
    assert AuditEvent.objects.filter(verb="calloff.team_member_added").count() == 1


# Starting from a solution in the catalogue

@pytest.fixture
def offered_solution(lot, supplier_org):
    from ..catalogue.factories import PublishedSolutionFactory

    solution = PublishedSolutionFactory(supplier=supplier_org, title="Sorteringsassistenten",
                                        problem="<p>Handläggare sorterar ansökningar för hand.</p>")
    solution.lots.add(lot)
    return solution


def test_an_entitled_procurer_starts_a_call_off_from_a_solution(login, offered_solution, lot, agency_procurer,
                                                                clock):
    client = login(agency_procurer)
    solution_page = client.get(reverse("catalogue:solution_detail", args=[offered_solution.pk])).content.decode()
    start_url = f"{reverse('calloffs:calloff_start', args=[lot.pk])}?solution={offered_solution.pk}"
    assert start_url in solution_page
    page = client.get(start_url).content.decode()
    assert "Handläggare sorterar ansökningar för hand." in page  # the problem it solves, as a start
    assert "Describe your need, not a product" in page and "Sorteringsassistenten" in page


@pytest.mark.parametrize("persona", ["supplier", "cpb_manager"])
def test_those_who_may_not_call_off_are_not_offered_to_start_a_call_off_from_the_solution(login, offered_solution, persona, request):
    page = login(request.getfixturevalue(persona)).get(
        reverse("catalogue:solution_detail", args=[offered_solution.pk])).content.decode()
    assert "/call-off/?solution=" not in page


def test_a_solution_not_offered_through_the_lot_is_ignored(login, offered_solution, lot, published, agency_procurer):
    other_lot = published.lots.get(number=2)
    page = login(agency_procurer).get(
        f"{reverse('calloffs:calloff_start', args=[other_lot.pk])}?solution={offered_solution.pk}").content.decode()
    assert "Sorteringsassistenten" not in page
