"""Rounds scheduled from each item's frequency happen by themselves (DESIGN.md §3): a round whose working day has come
counts as requested from that day on every page, API operation and traffic light, whether or not a task has run, with
its deadline computed from that day; the task only tells people, each thing once. And the sanctions a deviation can
be escalated to are those the framework agreement provides."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from innokop.core.models import AuditEvent, Notification
from innokop.followup.models import EventKind, FollowUpRound, RoundStatus, Sanction
from innokop.followup.services import plan_reminders
from innokop.followup.services import plans as services

from ..factories import api_token
from .test_plans_setup import at, build, kpi


@pytest.fixture
def setup(clock, cpb, cpb_manager, agency, agency_procurer, supplier_org, supplier_org_b):
    clock.set(at(2027, 5, 3, 8))  # Monday 3 May 2027: the plan is made on a day of K2's quarterly schedule
    return build(cpb=cpb, cpb_manager=cpb_manager, agency=agency, agency_procurer=agency_procurer,
                 supplier_org=supplier_org, supplier_org_b=supplier_org_b)


@pytest.fixture
def plan(setup, agency_procurer):
    return services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def k2_rounds(plan):
    return FollowUpRound.objects.filter(plan=plan, item__identifier="K2").order_by("scheduled_on")


def test_a_scheduled_round_is_requested_on_its_day_and_overdue_from_its_own_deadline_without_any_task(
        plan, supplier, agency_procurer, login, clock):
    assert not FollowUpRound.objects.exists()  # nobody has read anything yet
    clock.set(at(2027, 8, 30, 8))  # K2 was due 3 May and 2 August; nobody looked until now, and no task ran
    page = english(login(agency_procurer)).get(reverse("followup:plan_detail", args=[plan.pk])).content.decode()
    rounds = list(k2_rounds(plan))
    assert [r.scheduled_on for r in rounds] == [date(2027, 5, 3), date(2027, 8, 2)]
    # each deadline is 15 working days from its own day (Ascension Day 6 May), not from the day it was first read
    assert [r.deadline.date() for r in rounds] == [date(2027, 5, 25), date(2027, 8, 23)]
    assert all(r.status == RoundStatus.REQUESTED and r.requested_by is None for r in rounds)
    assert rounds[1].requested_at == services.start_of_day(date(2027, 8, 2))
    assert "answer overdue since Monday 23 August 2027" in page
    assert [e.kind for e in rounds[1].events.all()] == [EventKind.SCHEDULED]
    assert AuditEvent.objects.filter(verb="followup_round.scheduled").count() == 2
    assert not Notification.objects.filter(kind="followup.round_requested").exists()  # the task tells, not a reader


def test_the_supplier_sees_and_answers_a_scheduled_round_on_the_page_and_in_the_api(plan, supplier, login, clock):
    clock.set(at(2027, 8, 2, 9))
    client = login(supplier)
    token = api_token(supplier)
    listed = client.get("/api/follow-up/rounds", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [(r["item_identifier"], r["scheduled_on"], r["status"]) for r in listed] == [
        ("K2", "2027-08-02", "requested"), ("K2", "2027-05-03", "requested")]
    assert listed[1]["overdue"] is True and listed[0]["overdue"] is False
    newest = k2_rounds(plan).last()
    assert newest.reference in client.get(reverse("followup:plans_home")).content.decode()
    answered = services.round_answer(actor=supplier, followup_round=newest, answer="Vi följer WCAG 2.1 AA.")
    assert answered.status == RoundStatus.ANSWERED


def test_a_scheduled_round_is_made_once_however_often_and_by_whomever_it_is_read(
        plan, supplier, agency_procurer, login, clock):
    clock.set(at(2027, 8, 2, 9))
    for user in (agency_procurer, supplier, agency_procurer):
        login(user).get(reverse("followup:plans_home"))
    assert services.rounds_open_due([plan]) == 0
    login(agency_procurer).get(reverse("followup:plan_detail", args=[plan.pk]))
    assert k2_rounds(plan).count() == 2
    with pytest.raises(services.FollowUpError) as refused:  # nor can a person request the same day again
        services.round_request(actor=agency_procurer, item=plan.items.get(identifier="K2"),
                               supplier=plan.contract.supplier, scheduled_on=date(2027, 8, 2))
    assert refused.value.code == "round_exists"


def test_days_before_the_item_was_in_the_plan_stay_for_the_buyer_to_request(plan, agency_procurer, clock):
    item = kpi(plan, agency_procurer, frequency="monthly")  # on 3 May; the contract began 1 February
    services.rounds_open_due([plan])
    assert [r.scheduled_on for r in FollowUpRound.objects.filter(item=item)] == [date(2027, 5, 3)]
    assert [day for i, _s, day in services.due_rounds(plan, date(2027, 5, 3)) if i == item] == [
        date(2027, 3, 1), date(2027, 4, 1)]


def test_the_task_sends_each_scheduled_request_once_and_a_person_s_request_is_not_sent_again(
        plan, supplier, agency_procurer, clock, django_capture_on_commit_callbacks):
    clock.set(at(2027, 5, 3, 9))
    with django_capture_on_commit_callbacks(execute=True):
        by_hand = services.round_request(actor=agency_procurer, item=plan.items.get(identifier="K1"),
                                         supplier=plan.contract.supplier)
        call_command("followup_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
        plan_reminders.followup_reminders_send()
    requested = Notification.objects.filter(recipient=supplier, kind="followup.round_requested")
    assert requested.count() == 2  # the request by hand (when made) and the scheduled K2 (by the task), once each
    scheduled = k2_rounds(plan).get()
    assert list(scheduled.events.values_list("kind", flat=True)) == [EventKind.SCHEDULED, EventKind.REQUEST_SENT]
    assert not by_hand.events.filter(kind=EventKind.REQUEST_SENT).exists()
    assert AuditEvent.objects.filter(verb="followup_round.request_sent").count() == 1


def test_the_person_responsible_is_reminded_once_of_an_answer_waiting_for_assessment(
        plan, supplier, agency_procurer, agency_colleague, clock, django_capture_on_commit_callbacks):
    services.rounds_open_due([plan])
    answered = services.round_answer(actor=supplier, followup_round=k2_rounds(plan).get(), answer="Svar")
    reminders = Notification.objects.filter(kind="followup.assess_reminder")
    clock.set(at(2027, 5, 10, 9))  # four working days later (Ascension Day on 6 May)
    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders.followup_reminders_send()
    assert not reminders.exists()
    clock.set(at(2027, 5, 11, 9))  # five working days
    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders.followup_reminders_send()
        plan_reminders.followup_reminders_send()
    assert list(reminders.values_list("recipient", flat=True)) == [agency_procurer.pk]  # the item's responsible
    assert answered.events.filter(kind=EventKind.ASSESS_REMINDED).count() == 1
    services.round_assess(actor=agency_procurer, followup_round=answered, met=True, reason="Granskat.")


def test_an_unanswered_round_past_its_deadline_reminds_the_buyer_that_it_can_be_assessed(
        plan, agency_procurer, clock, django_capture_on_commit_callbacks):
    services.rounds_open_due([plan])
    clock.set(at(2027, 5, 26, 9))  # the deadline 25 May has passed
    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders.followup_reminders_send()
    assert Notification.objects.filter(recipient=agency_procurer, kind="followup.assess_reminder").count() == 1


# --- Sanctions the agreement provides ----------------------------------------------------------------------------

def _deviation(plan, agency_procurer, supplier):
    services.rounds_open_due([plan])
    answered = services.round_answer(actor=supplier, followup_round=k2_rounds(plan).get(), answer="Delvis")
    return services.round_assess(actor=agency_procurer, followup_round=answered, met=False, reason="Brister.").deviation


def test_only_the_sanctions_the_agreement_provides_are_offered_and_accepted(
        plan, setup, agency_procurer, supplier, login):
    agreement = setup.agreement
    agreement.sanctions, agreement.liquidated_damages_terms = ["remark", "liquidated_damages"], "5 000 kr per vecka"
    agreement.save()
    deviation = _deviation(plan, agency_procurer, supplier)
    page = english(login(agency_procurer)).get(reverse("followup:deviation_escalate", args=[deviation.round.pk]))
    offered = [str(choice) for choice, _label in page.context["form"].fields["sanction"].choices]
    assert offered == ["remark", "liquidated_damages"]
    assert "5 000 kr per vecka" in page.content.decode()
    with pytest.raises(services.FollowUpError) as refused:
        services.deviation_escalate(actor=agency_procurer, deviation=deviation, sanction=Sanction.TERMINATION,
                                    reason="Allvarligt")
    assert refused.value.code == "sanction_not_provided"
    with pytest.raises(services.FollowUpError) as refused:
        services.deviation_escalate(actor=agency_procurer, deviation=deviation, sanction=Sanction.LIQUIDATED_DAMAGES,
                                    reason="Försenat")
    assert refused.value.code == "amount_missing"
    escalated = services.deviation_escalate(actor=agency_procurer, deviation=deviation,
                                            sanction=Sanction.LIQUIDATED_DAMAGES, reason="Försenat",
                                            amount=Decimal("10000"))
    assert (escalated.sanction, escalated.sanction_amount) == ("liquidated_damages", Decimal("10000"))


def test_an_agreement_that_states_no_sanction_offers_a_remark_only_and_the_page_says_so(
        plan, setup, agency_procurer, supplier, login):
    setup.agreement.sanctions = []
    setup.agreement.save()
    deviation = _deviation(plan, agency_procurer, supplier)
    page = english(login(agency_procurer)).get(reverse("followup:deviation_escalate", args=[deviation.round.pk]))
    assert [str(c) for c, _label in page.context["form"].fields["sanction"].choices] == ["remark"]
    assert "states no sanctions, so only a remark can be given" in page.content.decode()
    response = login(agency_procurer).post(reverse("followup:deviation_escalate", args=[deviation.round.pk]),
                                           {"sanction": "price_reduction", "amount": "100", "note": "x"})
    assert response.status_code == 200 and not response.context["form"].is_valid()
    deviation.refresh_from_db()
    assert deviation.is_open


def test_an_agreement_plan_offers_the_agreement_s_sanctions(setup, cpb_manager):
    setup.agreement.sanctions = ["termination", "remark"]
    setup.agreement.save()
    agreement_plan = services.plan_create_for_agreement(actor=cpb_manager, agreement=setup.agreement)
    assert services.offered_sanctions(agreement_plan) == ["remark", "termination"]  # in the fixed order


def test_the_framework_manager_states_the_sanctions_on_the_agreement_s_edit_page(setup, cpb_manager, login):
    from innokop.agreements.views import services as agreement_services

    agreement = setup.agreement
    client = english(login(cpb_manager))
    url = reverse("agreements:agreement_edit", args=[agreement.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, "")}
    data |= {"cpv_codes": "72000000", "entitled_categories": ["municipality"],
             "sanctions": ["remark", "liquidated_damages"], "liquidated_damages_terms": ""}
    for name in ("start_date", "end_date", "latest_contract_end"):
        if data.get(name):
            data[name] = data[name].isoformat()
    refused = client.post(url, data)
    assert refused.status_code == 200 and "liquidated_damages_terms" in refused.context["form"].errors
    data["liquidated_damages_terms"] = "1 000 kr per påbörjad vecka"
    assert client.post(url, data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.sanctions == ["remark", "liquidated_damages"] and agreement.offered_sanctions == [
        "remark", "liquidated_damages"]
    event = AuditEvent.objects.filter(verb="agreement.updated").latest("pk")
    assert event.payload["sanctions"] == ["remark", "liquidated_damages"]
    detail = client.get(reverse("agreements:agreement_detail", args=[agreement.pk])).content.decode()
    assert "1 000 kr per påbörjad vecka" in detail
    assert agreement_services.AGREEMENT_FIELDS[-2:] == ("sanctions", "liquidated_damages_terms")


def test_after_a_change_of_frequency_only_the_new_schedule_s_coming_days_are_requested_by_themselves(
        plan, agency_procurer, clock):
    item = plan.items.get(identifier="K2")
    clock.set(at(2027, 8, 10, 9))
    services.plan_item_change(actor=agency_procurer, item=item, reason="Tätare uppföljning efter klagomål.",
                              frequency="monthly")
    clock.set(at(2027, 9, 1, 9))
    services.rounds_open_due([plan])
    # the quarterly days reached before the change (3 May, 2 August), then the monthly 1 September; not the monthly
    # days of the past (1 June, 1 July), which stay for the buyer to request
    assert [r.scheduled_on for r in k2_rounds(plan)] == [date(2027, 5, 3), date(2027, 8, 2), date(2027, 9, 1)]
    due = [day for i, _s, day in services.due_rounds(plan, date(2027, 9, 1)) if i == item]
    assert date(2027, 6, 1) in due and date(2027, 7, 1) in due


def test_an_item_no_longer_followed_up_is_not_requested_by_itself(plan, agency_procurer, clock):
    item = plan.items.get(identifier="K2")
    clock.set(at(2027, 6, 10, 9))
    services.plan_item_change(actor=agency_procurer, item=item, reason="Ersätts av extern granskning.", active=False)
    clock.set(at(2027, 9, 1, 9))
    services.rounds_open_due([plan])
    assert [r.scheduled_on for r in k2_rounds(plan)] == [date(2027, 5, 3)]


def test_the_agreement_api_names_the_sanctions_it_provides(setup, client):
    body = client.get(f"/api/agreements/{setup.agreement.pk}").json()
    assert body["sanctions"] == ["remark", "price_reduction", "liquidated_damages", "termination"]
    assert body["liquidated_damages_terms"] == "5 000 kronor per påbörjad vecka"
    setup.agreement.sanctions = []
    setup.agreement.save()
    assert client.get(f"/api/agreements/{setup.agreement.pk}").json()["sanctions"] == ["remark"]


def _another_plan(setup, agency_procurer, n: int):
    from innokop.calloffs.models import CallOff, CallOffKind, Contract

    calloff = CallOff.objects.create(agency=setup.contract.agency, lot=setup.lot, reference=f"AV-PLAN-{n}",
                                     created_by=agency_procurer, method=CallOffKind.RENEWED_COMPETITION,
                                     title=f"Avrop {n}")
    calloff.team.add(agency_procurer)
    contract = Contract.objects.create(calloff=calloff, agency=setup.contract.agency, supplier=setup.contract.supplier,
                                       value=Decimal(100_000), starts_on=date(2027, 2, 1), ends_on=date(2029, 1, 31),
                                       signed_by=agency_procurer, signed_at=at(2027, 1, 20))
    contract.requirements.set(setup.requirements)
    return services.plan_create_for_contract(actor=agency_procurer, contract=contract)


def test_the_start_page_reads_the_same_number_of_queries_however_many_plans(
        setup, plan, agency_procurer, supplier, cpb_manager, login, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.plan_create_for_agreement(actor=cpb_manager, agreement=setup.agreement)
    clock.set(at(2027, 8, 30, 8))  # rounds of every plan are due: the first read makes them, the next reads count
    counts = {}
    for n in (1, 4):
        if n == 4:
            for extra in range(2, 5):
                _another_plan(setup, agency_procurer, extra)
            clock.set(at(2027, 11, 2, 8))  # the new plans' items' first quarterly day (1 November) has come
        for user in (agency_procurer, supplier, cpb_manager):
            client = login(user)
            client.get(reverse("core:dashboard"))  # makes the rounds due, once
            with CaptureQueriesContext(connection) as read:
                assert client.get(reverse("core:dashboard")).status_code == 200
            counts[n, user.pk] = len(read)
    assert FollowUpRound.objects.filter(plan__contract__calloff__reference="AV-PLAN-4").exists()  # made on reading
    for user in (agency_procurer, supplier, cpb_manager):
        assert counts[4, user.pk] == counts[1, user.pk]
