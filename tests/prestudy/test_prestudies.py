"""The pre-study case: created by the purchasing body, moved through its statuses, decided with reasons."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from innokop.core.models import AuditEvent, Notification
from innokop.prestudy import services
from innokop.prestudy.models import PreStudy, PreStudyStatus, PreStudyStep
from innokop.prestudy.services import PreStudyError

from ..factories import member
from .conftest import prestudy_input


def _walk_to_concluded(actor, prestudy):
    for status in (PreStudyStatus.COLLECTING, PreStudyStatus.ANALYSING, PreStudyStatus.CONCLUDED):
        services.prestudy_advance(actor=actor, prestudy=prestudy, to_status=status)
    return prestudy


def test_the_purchasing_body_creates_a_pre_study_with_a_reference_and_an_audit_event(prestudy, cpb_manager):
    assert prestudy.reference == f"FS-2027-{prestudy.pk:04d}"
    assert prestudy.status == PreStudyStatus.PLANNING
    assert list(prestudy.team.all()) == [cpb_manager]
    assert prestudy.question_list == ["Vilka lösningar finns?", "Hur stor är efterfrågan?"]
    event = AuditEvent.objects.get(verb="prestudy.created")
    assert event.object_id == str(prestudy.pk) and event.actor == cpb_manager


def test_only_a_framework_manager_of_the_body_creates_one(cpb, agency_procurer, clock):
    with pytest.raises(PreStudyError) as refused:
        services.prestudy_create(actor=agency_procurer, owner=cpb, given=prestudy_input())
    assert refused.value.status == 403 and not PreStudy.objects.exists()


def test_the_timeline_runs_forward_and_the_team_is_the_bodys_own(cpb, cpb_manager, agency_procurer, clock):
    with pytest.raises(PreStudyError) as refused:
        services.prestudy_create(actor=cpb_manager, owner=cpb, given=prestudy_input(
            needs_until=date(2027, 2, 1), team=[agency_procurer]))
    fields = {problem.field for problem in refused.value.problems}
    assert fields == {"needs_until", "team"}


def test_every_step_is_audited_recorded_and_told_to_the_team(prestudy, cpb, cpb_manager,
                                                             django_capture_on_commit_callbacks):
    colleague = member(cpb, "framework_manager", full_name="Erik Förvaltare")
    services.prestudy_update(actor=cpb_manager, prestudy=prestudy, given=prestudy_input(team=[cpb_manager, colleague]))
    with django_capture_on_commit_callbacks(execute=True):
        _walk_to_concluded(cpb_manager, prestudy)
    assert prestudy.status == PreStudyStatus.CONCLUDED
    verbs = list(AuditEvent.objects.filter(verb__startswith="prestudy.").values_list("verb", flat=True))
    assert verbs == ["prestudy.created", "prestudy.updated", "prestudy.collecting", "prestudy.analysing",
                     "prestudy.concluded"]
    assert list(PreStudyStep.objects.values_list("to_status", flat=True)) == ["collecting", "analysing", "concluded"]
    assert Notification.objects.filter(recipient=colleague, kind="prestudy.moved").count() == 3
    assert not Notification.objects.filter(recipient=cpb_manager, kind="prestudy.moved").exists()


def test_a_step_the_table_does_not_have_is_refused(prestudy, cpb_manager):
    with pytest.raises(PreStudyError) as refused:
        services.prestudy_advance(actor=cpb_manager, prestudy=prestudy, to_status=PreStudyStatus.CONCLUDED)
    assert refused.value.status == 409
    with pytest.raises(PreStudyError):
        services.prestudy_advance(actor=cpb_manager, prestudy=prestudy, to_status=PreStudyStatus.PROCUREMENT_STARTED)
    prestudy.refresh_from_db()
    assert prestudy.status == PreStudyStatus.PLANNING


def test_back_to_collecting_needs_a_note(prestudy, cpb_manager):
    services.prestudy_advance(actor=cpb_manager, prestudy=prestudy, to_status=PreStudyStatus.COLLECTING)
    services.prestudy_advance(actor=cpb_manager, prestudy=prestudy, to_status=PreStudyStatus.ANALYSING)
    with pytest.raises(PreStudyError) as refused:
        services.prestudy_advance(actor=cpb_manager, prestudy=prestudy, to_status=PreStudyStatus.COLLECTING)
    assert refused.value.code == "note_needed"
    services.prestudy_advance(actor=cpb_manager, prestudy=prestudy, to_status=PreStudyStatus.COLLECTING,
                              note="Fler kommuner vill vara med.")
    assert prestudy.status == PreStudyStatus.COLLECTING


def test_the_decision_needs_a_concluded_pre_study_and_reasons(prestudy, cpb_manager):
    with pytest.raises(PreStudyError) as refused:
        services.prestudy_decide(actor=cpb_manager, prestudy=prestudy, outcome=PreStudyStatus.NOT_PURSUED,
                                 reasons="För tidigt.")
    assert refused.value.status == 409
    _walk_to_concluded(cpb_manager, prestudy)
    with pytest.raises(PreStudyError) as refused:
        services.prestudy_decide(actor=cpb_manager, prestudy=prestudy, outcome=PreStudyStatus.NOT_PURSUED, reasons=" ")
    assert refused.value.code == "reasons_needed"


def test_the_decision_tells_the_agencies_of_the_needs_and_those_that_joined(
        prestudy, cpb_manager, need, other_agency, other_agency_procurer, agency_colleague,
        django_capture_on_commit_callbacks):
    services.need_join(actor=other_agency_procurer, need=need, agency=other_agency, volume=150, needed_year=2028)
    services.need_link(actor=cpb_manager, need=need, prestudy=prestudy)
    _walk_to_concluded(cpb_manager, prestudy)
    with django_capture_on_commit_callbacks(execute=True):
        services.prestudy_decide(actor=cpb_manager, prestudy=prestudy, outcome=PreStudyStatus.PROCUREMENT_STARTED,
                                 reasons="Stor efterfrågan och flera mogna lösningar.")
    assert prestudy.status == PreStudyStatus.PROCUREMENT_STARTED
    assert prestudy.decided_by == cpb_manager and prestudy.decision_reasons.startswith("Stor efterfrågan")
    told = set(Notification.objects.filter(kind="prestudy.procurement_started").values_list("recipient", flat=True))
    assert {other_agency_procurer.pk, agency_colleague.pk, need.created_by_id} <= told
    assert AuditEvent.objects.filter(verb="prestudy.procurement_started").exists()
    notice = Notification.objects.get(recipient=other_agency_procurer, kind="prestudy.procurement_started")
    with translation.override("en"):
        assert notice.subject == f"A procurement follows from pre-study {prestudy.reference}"
    with pytest.raises(PreStudyError):  # once only
        services.prestudy_decide(actor=cpb_manager, prestudy=prestudy, outcome=PreStudyStatus.NOT_PURSUED,
                                 reasons="Ändrat oss.")
    with pytest.raises(PreStudyError):  # a decided pre-study is no longer edited
        services.prestudy_update(actor=cpb_manager, prestudy=prestudy, given=prestudy_input())


def test_only_the_bodys_own_agreement_may_be_named(prestudy, cpb_manager):
    from ..agreements.factories import AgreementFactory

    _walk_to_concluded(cpb_manager, prestudy)
    foreign = AgreementFactory()
    with pytest.raises(PreStudyError) as refused:
        services.prestudy_decide(actor=cpb_manager, prestudy=prestudy, outcome=PreStudyStatus.PROCUREMENT_STARTED,
                                 reasons="Ja.", agreement=foreign)
    assert refused.value.code == "invalid_agreement"
    own = AgreementFactory(owner=prestudy.owner, created_by=cpb_manager)
    services.prestudy_decide(actor=cpb_manager, prestudy=prestudy, outcome=PreStudyStatus.PROCUREMENT_STARTED,
                             reasons="Ja.", agreement=own)
    assert prestudy.agreement == own


def test_the_pages_walk_a_pre_study_from_creation_to_decision(login, cpb_manager, clock):
    client = login(cpb_manager)
    response = client.post(reverse("prestudy:prestudy_create"), {
        "title": "Digital vårdbokning", "area": "Bokning av vård digitalt.", "cpv_codes": "72000000-5",
        "questions": "Vad finns?", "team": [cpb_manager.pk], "starts_on": "2027-03-15", "needs_until": "2027-04-30",
        "concludes_on": "2027-06-30"})
    prestudy = PreStudy.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("prestudy:prestudy_detail",
                                                                           args=[prestudy.pk])
    for status in ("collecting", "analysing", "concluded"):
        page = reverse("prestudy:prestudy_advance", args=[prestudy.pk, status])
        assert client.get(page).status_code == 200
        assert client.post(page, {"note": ""}).status_code == 302
    impossible = client.post(reverse("prestudy:prestudy_advance", args=[prestudy.pk, "collecting"]), {"note": ""})
    assert impossible.status_code == 422  # concluded cannot go back to collecting
    assert client.post(reverse("prestudy:prestudy_decide", args=[prestudy.pk]), {"outcome": "not_pursued"}
                       ).status_code == 422
    response = client.post(reverse("prestudy:prestudy_decide", args=[prestudy.pk]),
                           {"outcome": "not_pursued", "reasons": "Marknaden är inte mogen."})
    assert response.status_code == 302
    prestudy.refresh_from_db()
    assert prestudy.status == PreStudyStatus.NOT_PURSUED
    with translation.override("en"):
        page = client.get(reverse("prestudy:prestudy_detail", args=[prestudy.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Marknaden är inte mogen." in page.content.decode()


def test_the_detail_page_reads_in_a_fixed_number_of_queries(login, prestudy, cpb_manager, agency, agency_procurer,
                                                            django_assert_max_num_queries):
    from .conftest import need_input

    client = login(cpb_manager)
    url = reverse("prestudy:prestudy_detail", args=[prestudy.pk])
    services.need_link(actor=cpb_manager, prestudy=prestudy,
                       need=services.need_create(actor=agency_procurer, agency=agency, given=need_input()))
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(4):
        services.need_link(actor=cpb_manager, prestudy=prestudy, need=services.need_create(
            actor=agency_procurer, agency=agency, given=need_input(title=f"Behov {n}")))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
