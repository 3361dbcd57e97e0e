"""Follow-up rounds and deviations (DESIGN.md §3): requested → answered → met | deviation; a deviation open →
action planned → verified closed | escalated. Every step audited, the other side told, both sides reading the
same history; overdue read from the clock; reminders sent once; traffic lights with the text behind them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from innokop.core.models import AuditEvent, Document, Notification
from innokop.followup import traffic
from innokop.followup.models import Deviation, DeviationStatus, EventKind, RoundKind, RoundStatus, Sanction
from innokop.followup.services import plan_reminders
from innokop.followup.services import plans as services

from .test_plans_setup import at, build, kpi


@pytest.fixture
def setup(clock, cpb, cpb_manager, agency, agency_procurer, supplier_org, supplier_org_b):
    clock.set(at(2027, 5, 3, 8))  # Monday 3 May 2027
    return build(cpb=cpb, cpb_manager=cpb_manager, agency=agency, agency_procurer=agency_procurer,
                 supplier_org=supplier_org, supplier_org_b=supplier_org_b)


@pytest.fixture
def plan(setup, agency_procurer):
    return services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)


def request(plan, actor, identifier="K2", **kwargs):
    item = plan.items.get(identifier=identifier)
    return services.round_request(actor=actor, item=item, supplier=plan.contract.supplier, **kwargs)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def notified(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_a_request_goes_to_the_supplier_with_a_deadline_fifteen_working_days_away(
        plan, agency_procurer, supplier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        followup_round = request(plan, agency_procurer)
    # 3 May 2027 + 15 working days (Ascension Day 6 May is a holiday) → Tuesday 25 May, end of the day
    assert followup_round.deadline.date() == date(2027, 5, 25)
    assert followup_round.status == RoundStatus.REQUESTED
    assert notified(supplier, "followup.round_requested") == 1
    assert followup_round.events.get().kind == EventKind.REQUESTED
    assert AuditEvent.objects.filter(verb="followup_round.requested").count() == 1


def test_a_deadline_sooner_than_five_working_days_is_refused(plan, agency_procurer):
    with pytest.raises(services.FollowUpError) as refused:
        request(plan, agency_procurer, deadline=date(2027, 5, 7))
    assert refused.value.code == "deadline_too_soon"


def test_a_day_of_the_schedule_is_requested_once_and_never_before_it(plan, agency_procurer):
    request(plan, agency_procurer, scheduled_on=date(2027, 5, 3))
    with pytest.raises(services.FollowUpError) as refused:
        request(plan, agency_procurer, scheduled_on=date(2027, 5, 3))
    assert refused.value.code == "round_exists"
    with pytest.raises(services.FollowUpError) as refused:
        request(plan, agency_procurer, scheduled_on=date(2027, 8, 2))
    assert refused.value.code == "not_yet_due"


def test_overdue_is_read_from_the_clock_and_never_stored(plan, agency_procurer, clock):
    followup_round = request(plan, agency_procurer)
    assert not followup_round.is_overdue(at(2027, 5, 25, 21))  # 23:00 in Stockholm: still the deadline day
    clock.set(at(2027, 5, 25, 22, ))  # midnight in Stockholm
    followup_round.refresh_from_db()
    assert followup_round.status == RoundStatus.REQUESTED
    assert followup_round.is_overdue(at(2027, 5, 25, 22) + timedelta(seconds=1))


def test_the_whole_round_met(plan, agency_procurer, supplier, django_capture_on_commit_callbacks):
    followup_round = request(plan, agency_procurer)
    with django_capture_on_commit_callbacks(execute=True):
        answered = services.round_answer(actor=supplier, followup_round=followup_round, answer="Vi uppfyller WCAG.",
                                         files=[SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 granskning")])
    assert answered.status == RoundStatus.ANSWERED
    assert notified(agency_procurer, "followup.round_answered") == 1
    assert Document.objects.filter(attached_to=answered.document_key, owner=plan.contract.supplier).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        met = services.round_assess(actor=agency_procurer, followup_round=answered, met=True, reason="Intyg granskat.")
    assert met.status == RoundStatus.MET and not Deviation.objects.exists()
    assert notified(supplier, "followup.round_met") == 1
    assert [e.kind for e in met.events.all()] == [EventKind.REQUESTED, EventKind.ANSWERED, EventKind.MET]
    assert list(AuditEvent.objects.filter(verb__startswith="followup_round").values_list("verb", flat=True)) == [
        "followup_round.requested", "followup_round.answered", "followup_round.met"]


def test_only_the_suppliers_representatives_answer_and_only_the_team_assesses(
        plan, agency_procurer, agency_colleague, supplier, supplier_b):
    followup_round = request(plan, agency_procurer)
    for outsider in (supplier_b, agency_procurer):
        with pytest.raises(services.FollowUpError) as refused:
            services.round_answer(actor=outsider, followup_round=followup_round, answer="x")
        assert refused.value.status == 403
    answered = services.round_answer(actor=supplier, followup_round=followup_round, answer="Svar")
    for outsider in (agency_colleague, supplier):
        with pytest.raises(services.FollowUpError) as refused:
            services.round_assess(actor=outsider, followup_round=answered, met=True, reason="ok")
        assert refused.value.status == 403


def test_an_assessment_needs_reasons_and_an_answer_unless_the_deadline_has_passed(plan, agency_procurer, clock):
    followup_round = request(plan, agency_procurer)
    with pytest.raises(services.FollowUpError) as refused:
        services.round_assess(actor=agency_procurer, followup_round=followup_round, met=False, reason="Inget svar")
    assert refused.value.code == "not_answered"
    clock.set(at(2027, 5, 26, 8))
    with pytest.raises(services.FollowUpError) as refused:
        services.round_assess(actor=agency_procurer, followup_round=followup_round, met=False, reason=" ")
    assert refused.value.code == "missing"
    with pytest.raises(services.FollowUpError):
        services.round_assess(actor=agency_procurer, followup_round=followup_round, met=True, reason="ok")
    assessed = services.round_assess(actor=agency_procurer, followup_round=followup_round, met=False,
                                     reason="Inget svar inom tiden.")
    assert assessed.status == RoundStatus.DEVIATION and assessed.deviation.status == DeviationStatus.OPEN


def _deviation(plan, agency_procurer, supplier):
    followup_round = request(plan, agency_procurer)
    answered = services.round_answer(actor=supplier, followup_round=followup_round, answer="Delvis")
    return services.round_assess(actor=agency_procurer, followup_round=answered, met=False,
                                 reason="Två sidor saknar alt-text.").deviation


def test_a_deviation_is_closed_after_a_corrective_action_is_verified(
        plan, agency_procurer, supplier, django_capture_on_commit_callbacks):
    deviation = _deviation(plan, agency_procurer, supplier)
    assert list(Deviation.objects.open()) == [deviation]
    with pytest.raises(services.FollowUpError) as refused:
        services.deviation_action_propose(actor=supplier, deviation=deviation, action="Rätta", deadline=date(2027, 5, 2))
    assert refused.value.code == "deadline_passed"
    with django_capture_on_commit_callbacks(execute=True):
        planned = services.deviation_action_propose(actor=supplier, deviation=deviation, action="Lägga till alt-text.",
                                                    deadline=date(2027, 5, 20))
    assert planned.status == DeviationStatus.ACTION_PLANNED
    assert notified(agency_procurer, "followup.action_proposed") == 1
    with pytest.raises(services.FollowUpError):
        services.deviation_close(actor=supplier, deviation=planned, note="klart")
    with django_capture_on_commit_callbacks(execute=True):
        closed = services.deviation_close(actor=agency_procurer, deviation=planned, note="Kontrollerat på sidan.")
    assert closed.status == DeviationStatus.CLOSED and closed.closed_at is not None
    assert notified(supplier, "followup.deviation_closed") == 1
    assert not Deviation.objects.open().exists()
    assert AuditEvent.objects.filter(verb__in=["deviation.action_proposed", "deviation.closed"]).count() == 2


def test_a_sent_back_action_opens_the_deviation_again_and_an_escalation_names_its_sanction(
        plan, agency_procurer, supplier):
    deviation = _deviation(plan, agency_procurer, supplier)
    with pytest.raises(services.FollowUpError):
        services.deviation_close(actor=agency_procurer, deviation=deviation, note="x")  # no action yet
    planned = services.deviation_action_propose(actor=supplier, deviation=deviation, action="Något",
                                                deadline=date(2027, 5, 20))
    reopened = services.deviation_action_reject(actor=agency_procurer, deviation=planned, reason="För vagt.")
    assert reopened.status == DeviationStatus.OPEN and reopened in Deviation.objects.open()
    with pytest.raises(services.FollowUpError) as refused:
        services.deviation_escalate(actor=agency_procurer, deviation=reopened, sanction=Sanction.PRICE_REDUCTION,
                                    reason="Upprepat")
    assert refused.value.code == "amount_missing"
    escalated = services.deviation_escalate(actor=agency_procurer, deviation=reopened,
                                            sanction=Sanction.PRICE_REDUCTION, reason="Upprepat.",
                                            amount=Decimal("25000"))
    assert escalated.status == DeviationStatus.ESCALATED and escalated.sanction_amount == Decimal("25000")
    assert not Deviation.objects.open().exists()
    with pytest.raises(services.FollowUpError):
        services.deviation_action_propose(actor=supplier, deviation=escalated, action="x", deadline=date(2027, 6, 1))
    kinds = [e.kind for e in escalated.round.events.all()]
    assert kinds[-3:] == [EventKind.ACTION_PROPOSED, EventKind.ACTION_REJECTED, EventKind.ESCALATED]


def test_a_commissioned_audit_is_answered_by_the_auditors_report(plan, agency_procurer, supplier):
    followup_round = request(plan, agency_procurer, identifier="B1", kind=RoundKind.AUDIT,
                             audit_area="environment", auditor="Revisionsbyrån AB")
    with pytest.raises(services.FollowUpError) as refused:
        services.round_answer(actor=supplier, followup_round=followup_round, answer="x")
    assert refused.value.code == "audit_round"
    reported = services.round_audit_report(actor=agency_procurer, followup_round=followup_round,
                                           summary="Inga avvikelser.",
                                           report=SimpleUploadedFile("revision.pdf", b"%PDF-1.4 revision"))
    assert reported.status == RoundStatus.ANSWERED
    assert Document.objects.filter(attached_to=reported.document_key, owner=plan.buyer).exists()
    with pytest.raises(services.FollowUpError) as refused:
        request(plan, agency_procurer, identifier="K1", kind=RoundKind.AUDIT, audit_area="", auditor="")
    assert refused.value.code == "missing"


def test_reminders_go_once_before_and_once_after_the_deadline(plan, agency_procurer, supplier, clock,
                                                             django_capture_on_commit_callbacks):
    request(plan, agency_procurer)  # due Tuesday 25 May
    with django_capture_on_commit_callbacks(execute=True):
        assert plan_reminders.followup_reminders_send(now=at(2027, 5, 17, 8)) == 0  # six working days left
        assert plan_reminders.followup_reminders_send(now=at(2027, 5, 20, 8)) == 1  # three working days left
        assert plan_reminders.followup_reminders_send(now=at(2027, 5, 21, 8)) == 0
        clock.set(at(2027, 5, 27, 8))
        call_command("followup_reminders", stdout=open("/dev/null", "w"))
        assert plan_reminders.followup_reminders_send(now=at(2027, 5, 28, 8)) == 0
    assert notified(supplier, "followup.round_reminded_before") == 1
    assert notified(supplier, "followup.round_reminded_after") == 1


def test_traffic_lights_say_why(plan, agency_procurer, supplier, clock):
    with translation.override("en"):
        assert traffic.lights([], clock.now())["all"].colour == traffic.GREY
        deviation = _deviation(plan, agency_procurer, supplier)
        services.deviation_action_propose(actor=supplier, deviation=deviation, action="Rätta",
                                          deadline=date(2027, 5, 20))
        rounds = traffic.rounds_for_lights(plan.rounds.all())
        light = traffic.lights(rounds, clock.now())["all"]
        assert light.colour == traffic.YELLOW and "corrective action planned" in light.text
        clock.set(at(2027, 5, 24, 8))
        light = traffic.lights(traffic.rounds_for_lights(plan.rounds.all()), clock.now())["all"]
        assert light.colour == traffic.RED
        assert light.text == "Red: K2: deviation open since Monday 3 May 2027, corrective action late (due Thursday 20 May 2027)"


def test_a_kpi_below_target_is_yellow_and_its_values_make_a_chart(plan, agency_procurer, supplier, clock, login):
    item = kpi(plan, agency_procurer)
    for month, value in ((5, "97"), (8, "91.5")):
        clock.set(at(2027, month, 3 if month == 5 else 2, 8))
        followup_round = services.round_request(actor=agency_procurer, item=item, supplier=supplier.memberships.first()
                                                .organisation)
        answered = services.round_answer(actor=supplier, followup_round=followup_round, answer="Mätt", value=Decimal(value))
        services.round_assess(actor=agency_procurer, followup_round=answered, met=True, reason="Mätning mottagen")
    with translation.override("en"):
        light = traffic.lights(traffic.rounds_for_lights(plan.rounds.all()), clock.now())[("item", item.pk)]
        assert light.colour == traffic.YELLOW and "latest value 91.50 %, target at least 95 %" in light.text
        page = login(agency_procurer).get(reverse("followup:plan_detail", args=[plan.pk]))
    content = page.content.decode()
    assert "<svg" in content and 'role="img"' in content and "97" in content


def test_both_sides_read_the_same_history_and_others_nothing(plan, agency_procurer, agency_colleague, supplier,
                                                             supplier_b, login, cpb_manager):
    deviation = _deviation(plan, agency_procurer, supplier)
    url = reverse("followup:round_detail", args=[deviation.round.pk])
    history = []
    for reader in (agency_procurer, agency_colleague, supplier):
        page = login(reader).get(url)
        assert page.status_code == 200
        content = page.content.decode()
        history.append(content[content.index('id="history"'):content.index("</ol>", content.index('id="history"'))])
    assert history[0] == history[1] == history[2] and "Två sidor saknar alt-text." in history[0]
    for outsider in (supplier_b, cpb_manager):
        assert login(outsider).get(url).status_code == 404
    assert login(supplier).get(reverse("followup:round_assess", args=[deviation.round.pk])).status_code == 403
    assert login(agency_colleague).get(reverse("followup:deviation_escalate", args=[deviation.round.pk])).status_code == 403
    assert login(agency_procurer).get(reverse("followup:deviation_action", args=[deviation.round.pk])).status_code == 403


def test_the_pages_run_a_round_from_request_to_a_closed_deviation(plan, agency_procurer, supplier, login):
    item = plan.items.get(identifier="K2")
    buyer = login(agency_procurer)
    response = buyer.post(reverse("followup:round_request", args=[plan.pk, item.pk]), {
        "supplier": plan.contract.supplier_id, "deadline": "2027-05-25", "question": ""})
    assert response.status_code == 302
    followup_round = plan.rounds.get()
    seller = login(supplier)
    assert seller.post(reverse("followup:round_answer", args=[followup_round.pk]), {
        "answer": "Se bifogad rapport.", "evidence": SimpleUploadedFile("wcag.pdf", b"%PDF-1.4 wcag")}).status_code == 302
    document = Document.objects.get(attached_to=followup_round.document_key)
    buyer = login(agency_procurer)
    download = buyer.get(reverse("followup:round_document", args=[followup_round.pk, document.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert buyer.post(reverse("followup:round_assess", args=[followup_round.pk]), {
        "outcome": "deviation", "reason": "Rapporten är ett år gammal."}).status_code == 302
    seller = login(supplier)
    assert seller.post(reverse("followup:deviation_action", args=[followup_round.pk]), {
        "action": "Ny granskning beställd.", "deadline": "2027-06-15"}).status_code == 302
    buyer = login(agency_procurer)
    assert buyer.post(reverse("followup:deviation_decide", args=[followup_round.pk]), {
        "decision": "close", "note": "Ny rapport mottagen."}).status_code == 302
    followup_round.refresh_from_db()
    assert followup_round.deviation.status == DeviationStatus.CLOSED


def test_the_dashboard_counts_what_each_side_has_to_do(plan, agency_procurer, supplier, login):
    followup_round = request(plan, agency_procurer)
    with translation.override("en"):
        page = english(login(supplier)).get(reverse("core:dashboard")).content.decode()
        assert "1 follow-up request to answer" in page
        services.round_answer(actor=supplier, followup_round=followup_round, answer="Svar")
        page = english(login(agency_procurer)).get(reverse("core:dashboard")).content.decode()
        assert "1 answer to assess" in page and "0 open deviations" in page


def test_the_contract_register_shows_the_plans_light_with_its_reason(plan, agency_procurer, supplier, login, clock):
    deviation = _deviation(plan, agency_procurer, supplier)
    with translation.override("en"):
        page = english(login(agency_procurer)).get(reverse("followup:contract_record", args=[plan.contract.pk]))
        assert page.status_code == 200
        content = page.content.decode()
        assert 'id="contract-followup"' in content
        assert "deviation open since Monday 3 May 2027, awaiting a corrective action" in content
    assert deviation.is_open


def test_the_plan_page_reads_the_same_number_of_queries_however_many_rounds(plan, agency_procurer, supplier, login,
                                                                            clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(agency_procurer)
    url = reverse("followup:plan_detail", args=[plan.pk])
    _deviation(plan, agency_procurer, supplier)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    item = kpi(plan, agency_procurer, frequency="monthly")
    for day in (date(2027, 3, 1), date(2027, 4, 1), date(2027, 5, 3)):
        answered = services.round_answer(actor=supplier, answer="Mätt", value=Decimal("96"), followup_round=services
                                         .round_request(actor=agency_procurer, item=item, supplier=plan.contract.supplier,
                                                        scheduled_on=day))
        services.round_assess(actor=agency_procurer, followup_round=answered, met=True, reason="ok")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    # The rounds add none, and neither does the KPI chart (it renders without the request's context processors).
    assert len(many) == len(few)


def test_a_late_corrective_action_can_be_escalated_to_a_termination_recommendation(plan, agency_procurer, supplier,
                                                                                   clock):
    deviation = _deviation(plan, agency_procurer, supplier)
    planned = services.deviation_action_propose(actor=supplier, deviation=deviation, action="Rätta formulären.",
                                                deadline=date(2027, 5, 10))
    clock.set(at(2027, 5, 12, 8))
    assert planned.is_action_late(clock.now())
    with pytest.raises(services.FollowUpError) as refused:
        services.deviation_escalate(actor=agency_procurer, deviation=planned, sanction="", reason="Försenad")
    assert refused.value.code == "sanction_missing"
    escalated = services.deviation_escalate(actor=agency_procurer, deviation=planned, sanction=Sanction.TERMINATION,
                                            reason="Åtgärden är försenad och kravet är väsentligt.")
    assert escalated.status == DeviationStatus.ESCALATED and escalated.sanction_amount is None
    assert AuditEvent.objects.filter(verb="deviation.escalated", object_id=str(escalated.pk)).exists()
    with pytest.raises(services.FollowUpError):
        services.deviation_close(actor=agency_procurer, deviation=escalated, note="x")
