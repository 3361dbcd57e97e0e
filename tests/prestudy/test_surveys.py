"""Needs surveys: written and sent by the purchasing body, answered once per agency until the deadline (read from
the clock), reminded a week and a day before (each once), aggregated per question."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from innokop.accounts.models import OrganisationKind, Role, Sector
from innokop.core.models import AuditEvent, Notification
from innokop.prestudy.models import SurveyAnswer, SurveyReminder, SurveyStatus
from innokop.prestudy.services import PreStudyError, surveys
from innokop.prestudy.services.surveys import SurveyError

from ..factories import OrganisationFactory, member

DEADLINE = datetime(2027, 4, 15, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def draft(prestudy, cpb_manager, agency, other_agency):
    survey = surveys.survey_create(actor=cpb_manager, prestudy=prestudy, title="Behov av sensorer",
                                   introduction="Vi vill veta hur era behov ser ut.", deadline=DEADLINE,
                                   agencies=[agency, other_agency])
    surveys.survey_question_add(actor=cpb_manager, survey=survey, kind="text", text="Beskriv problemet",
                                required=True)
    surveys.survey_question_add(actor=cpb_manager, survey=survey, kind="single", text="Hur brådskande?",
                                choices="Låg\nMedel\nHög")
    surveys.survey_question_add(actor=cpb_manager, survey=survey, kind="multiple", text="Var?",
                                choices="Kontor\nSkola\nVård")
    surveys.survey_question_add(actor=cpb_manager, survey=survey, kind="number", text="Antal kärl")
    return survey


@pytest.fixture
def sent(draft, cpb_manager):
    return surveys.survey_send(actor=cpb_manager, survey=draft)


def _values(survey, text="Kärlen blir fulla", single="Hög", multiple=("Skola",), number="120"):
    q = list(survey.questions.all())
    return {q[0].pk: text, q[1].pk: single, q[2].pk: list(multiple), q[3].pk: number}


def test_a_survey_goes_to_the_chosen_agencies_and_their_members_are_told(
        draft, cpb_manager, agency_procurer, agency_colleague, other_agency_procurer, supplier,
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        surveys.survey_send(actor=cpb_manager, survey=draft)
    draft.refresh_from_db()
    assert draft.status == SurveyStatus.SENT and draft.sent_by == cpb_manager
    told = set(Notification.objects.filter(kind="prestudy.survey_sent").values_list("recipient", flat=True))
    assert told == {agency_procurer.pk, agency_colleague.pk, other_agency_procurer.pk}
    assert AuditEvent.objects.filter(verb="survey.sent", object_id=str(draft.pk)).exists()
    with pytest.raises(SurveyError) as refused:
        surveys.survey_question_add(actor=cpb_manager, survey=draft, kind="text", text="En till?")
    assert refused.value.code == "survey_sent" and refused.value.status == 409


def test_a_sector_rule_asks_every_agency_of_the_sector_as_it_is_when_sent(prestudy, cpb_manager, agency, clock):
    agency.sector = Sector.MUNICIPALITY
    agency.save()
    survey = surveys.survey_create(actor=cpb_manager, prestudy=prestudy, title="Kommunernas behov",
                                   introduction="Till alla kommuner.", deadline=DEADLINE, sector=Sector.MUNICIPALITY)
    surveys.survey_question_add(actor=cpb_manager, survey=survey, kind="number", text="Antal kärl")
    later = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Nya kommunen", sector=Sector.MUNICIPALITY)
    OrganisationFactory(kind=OrganisationKind.AGENCY, name="En region", sector=Sector.REGION)
    OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Leverantör", sector=Sector.MUNICIPALITY)
    surveys.survey_send(actor=cpb_manager, survey=survey)
    assert set(survey.recipients.all()) == {agency, later}
    with translation.override("en"):
        assert surveys.rule_label(survey) == "Every agency of the sector: Municipality"


def test_a_survey_needs_questions_a_future_deadline_and_recipients(prestudy, cpb_manager, agency, agency_procurer):
    with pytest.raises(SurveyError) as refused:
        surveys.survey_create(actor=cpb_manager, prestudy=prestudy, title="", introduction="x",
                              deadline=datetime(2027, 3, 1, tzinfo=timezone.utc))
    assert {p.field for p in refused.value.problems} == {"title", "deadline", "agencies"}
    survey = surveys.survey_create(actor=cpb_manager, prestudy=prestudy, title="T", introduction="I",
                                   deadline=DEADLINE, agencies=[agency])
    with pytest.raises(SurveyError) as refused:
        surveys.survey_send(actor=cpb_manager, survey=survey)
    assert refused.value.code == "no_questions"
    with pytest.raises(SurveyError) as refused:
        surveys.survey_question_add(actor=cpb_manager, survey=survey, kind="single", text="Välj", choices="Bara en")
    assert refused.value.problems[0].field == "choices"
    with pytest.raises(PreStudyError) as refused:
        surveys.survey_create(actor=agency_procurer, prestudy=prestudy, title="T", introduction="I",
                              deadline=DEADLINE, agencies=[agency])
    assert refused.value.status == 403


def test_one_answer_per_agency_changed_until_the_deadline_read_from_the_clock(sent, agency, agency_procurer,
                                                                               agency_colleague, clock):
    surveys.survey_answer(actor=agency_procurer, survey=sent, agency=agency, values=_values(sent))
    surveys.survey_answer(actor=agency_colleague, survey=sent, agency=agency, values=_values(sent, number="150"))
    answer = SurveyAnswer.objects.get()
    assert answer.answered_by == agency_colleague
    assert [item.number for item in answer.items.all() if item.number is not None] == [Decimal("150")]
    verbs = list(AuditEvent.objects.filter(verb__startswith="survey.answer").values_list("verb", flat=True))
    assert verbs == ["survey.answered", "survey.answer_changed"]
    clock.set(DEADLINE + timedelta(seconds=1))
    with pytest.raises(SurveyError) as refused:
        surveys.survey_answer(actor=agency_procurer, survey=sent, agency=agency, values=_values(sent))
    assert refused.value.code == "survey_closed" and refused.value.status == 409


def test_answers_are_checked_per_kind_of_question(sent, agency, agency_procurer, other_agency, supplier):
    q = list(sent.questions.all())
    with pytest.raises(SurveyError) as refused:
        surveys.survey_answer(actor=agency_procurer, survey=sent, agency=agency,
                              values=_values(sent, text="", single="Okänd", multiple=("Skola", "Rymden"), number="x"))
    assert [p.field for p in refused.value.problems] == [f"q_{q[0].pk}", f"q_{q[1].pk}", f"q_{q[2].pk}",
                                                          f"q_{q[3].pk}"]
    with pytest.raises(SurveyError) as refused:  # not a member of the other agency
        surveys.survey_answer(actor=agency_procurer, survey=sent, agency=other_agency, values=_values(sent))
    assert refused.value.status == 403
    assert not SurveyAnswer.objects.exists()


def test_the_results_count_choices_sum_numbers_list_texts_and_give_the_rate(sent, agency, agency_procurer,
                                                                            other_agency, other_agency_procurer):
    empty = surveys.survey_results(sent)
    assert (empty.asked, empty.answered, empty.rate) == (2, 0, Decimal("0.0"))
    surveys.survey_answer(actor=agency_procurer, survey=sent, agency=agency,
                          values=_values(sent, multiple=("Skola", "Vård"), number="120"))
    surveys.survey_answer(actor=other_agency_procurer, survey=sent, agency=other_agency,
                          values=_values(sent, text="Vi har också fulla kärl", single="Medel", number="31,5"))
    results = surveys.survey_results(sent)
    assert (results.asked, results.answered, results.rate) == (2, 2, Decimal("100.0"))
    text, single, multiple, number = results.questions
    assert sorted(text.texts) == [("Andra myndigheten", "Vi har också fulla kärl"),
                                  ("Myndigheten för test", "Kärlen blir fulla")]
    assert single.counts == [("Låg", 0), ("Medel", 1), ("Hög", 1)]
    assert multiple.counts == [("Kontor", 0), ("Skola", 2), ("Vård", 1)]
    assert number.total == Decimal("151.5") and number.median == Decimal("75.75")


def test_reminders_go_a_week_and_a_day_before_once_to_the_agencies_that_have_not_answered(
        sent, agency, agency_procurer, other_agency_procurer, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert surveys.survey_reminders_send(now=DEADLINE - timedelta(days=8)) == 0
        surveys.survey_answer(actor=agency_procurer, survey=sent, agency=agency, values=_values(sent))
        assert surveys.survey_reminders_send(now=DEADLINE - timedelta(days=6)) == 1  # the other agency only
        assert surveys.survey_reminders_send(now=DEADLINE - timedelta(days=5)) == 0  # never twice
        clock.set(DEADLINE - timedelta(hours=12))
        call_command("survey_reminders")
        assert surveys.survey_reminders_send(now=DEADLINE + timedelta(hours=1)) == 0  # closed: no reminder
    kinds = sorted(Notification.objects.filter(recipient=other_agency_procurer,
                                               kind__startswith="prestudy.survey_reminder").values_list("kind",
                                                                                                         flat=True))
    assert kinds == ["prestudy.survey_reminder_day", "prestudy.survey_reminder_week"]
    assert not Notification.objects.filter(recipient=agency_procurer,
                                           kind__startswith="prestudy.survey_reminder").exists()
    assert SurveyReminder.objects.count() == 2


def test_a_reminder_whose_moment_came_before_the_survey_was_sent_is_not_sent(prestudy, cpb_manager, agency, clock):
    survey = surveys.survey_create(actor=cpb_manager, prestudy=prestudy, title="Kort", introduction="Snabbt.",
                                   deadline=clock.now() + timedelta(days=3), agencies=[agency])
    surveys.survey_question_add(actor=cpb_manager, survey=survey, kind="text", text="Något?")
    surveys.survey_send(actor=cpb_manager, survey=survey)
    assert surveys.survey_reminders_send() == 0
    assert surveys.survey_reminders_send(now=survey.deadline - timedelta(hours=20)) == 1


def test_the_task_sends_the_reminders(sent, other_agency_procurer, clock, django_capture_on_commit_callbacks):
    from innokop.prestudy.tasks import send_survey_reminders

    clock.set(DEADLINE - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        send_survey_reminders.enqueue()
        send_survey_reminders.enqueue()
    assert Notification.objects.filter(recipient=other_agency_procurer,
                                       kind="prestudy.survey_reminder_week").count() == 1


def test_the_pages_the_purchasing_body_writes_sends_and_reads(login, prestudy, cpb_manager, agency, clock):
    client = login(cpb_manager)
    response = client.post(reverse("prestudy:survey_create", args=[prestudy.pk]), {
        "title": "Behov av sensorer", "introduction": "Varför vi frågar.", "deadline": "2027-04-15T12:00",
        "sector": "", "agencies": [str(agency.pk)]})
    assert response.status_code == 302
    survey = prestudy.surveys.get()
    assert survey.deadline == DEADLINE
    client.post(reverse("prestudy:survey_question_add", args=[survey.pk]),
                {"kind": "single", "text": "Hur brådskande?", "choices": "Låg\nHög"})
    assert client.post(reverse("prestudy:survey_question_add", args=[survey.pk]),
                       {"kind": "single", "text": "Utan val", "choices": ""}).status_code == 422
    client.post(reverse("prestudy:survey_send", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SENT and survey.questions.count() == 1
    page = client.get(reverse("prestudy:survey_detail", args=[survey.pk])).content.decode()
    assert 'id="response-rate"' in page and "<svg" in page and "govuk-table" in page


def test_an_agency_answers_on_its_page_and_sees_its_answer_again(login, sent, agency, agency_procurer, clock):
    client = login(agency_procurer)
    q = list(sent.questions.all())
    url = reverse("prestudy:survey_answer", args=[sent.pk])
    missing = client.post(url, {f"q_{q[1].pk}": "Hög"})
    assert missing.status_code == 422 and not SurveyAnswer.objects.exists()
    response = client.post(url, {f"q_{q[0].pk}": "Fulla kärl", f"q_{q[1].pk}": "Hög", f"q_{q[2].pk}": ["Skola", "Vård"],
                                 f"q_{q[3].pk}": "40"})
    assert response.status_code == 302
    form = client.get(url).context["form"]
    assert form.initial[f"q_{q[2].pk}"] == ["Skola", "Vård"] and form.initial[f"q_{q[1].pk}"] == "Hög"
    clock.set(DEADLINE + timedelta(minutes=1))
    assert 'id="earlier-answer"' in client.get(url).content.decode()
    assert client.post(url, {f"q_{q[0].pk}": "Ändrat"}).status_code == 422


def test_who_reaches_a_survey(login, sent, cpb_manager, agency_procurer, other_agency_procurer, supplier, draft):
    third = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Tredje")
    outsider = member(third, Role.PROCURER)
    answer = reverse("prestudy:survey_answer", args=[sent.pk])
    detail = reverse("prestudy:survey_detail", args=[sent.pk])
    assert login(cpb_manager).get(detail).status_code == 200
    assert login(other_agency_procurer).get(answer).status_code == 200
    for user in (outsider, supplier, cpb_manager):
        assert login(user).get(answer).status_code == 404
    for user in (agency_procurer, supplier):
        assert login(user).get(detail).status_code == 404


def test_the_dashboard_lists_the_surveys_an_agency_has_to_answer(login, sent, agency_procurer, supplier, clock):
    page = login(agency_procurer).get(reverse("core:dashboard")).content.decode()
    assert reverse("prestudy:survey_answer", args=[sent.pk]) in page
    clock.set(DEADLINE + timedelta(minutes=1))
    page = login(agency_procurer).get(reverse("core:dashboard")).content.decode()
    assert reverse("prestudy:survey_answer", args=[sent.pk]) not in page


def test_the_survey_page_reads_in_a_fixed_number_of_queries(login, sent, cpb_manager, agency, agency_procurer,
                                                            other_agency, other_agency_procurer,
                                                            django_assert_max_num_queries):
    client = login(cpb_manager)
    url = reverse("prestudy:survey_detail", args=[sent.pk])

    def measure():
        client.get(url)
        with django_assert_max_num_queries(80) as counted:
            client.get(url)
        return len(counted.captured_queries)

    surveys.survey_answer(actor=agency_procurer, survey=sent, agency=agency, values=_values(sent))
    before = measure()
    surveys.survey_answer(actor=other_agency_procurer, survey=sent, agency=other_agency, values=_values(sent))
    assert measure() == before


def test_the_survey_pages_read_in_english(login, sent, cpb_manager, agency_procurer):
    for user, name in ((cpb_manager, "survey_detail"), (agency_procurer, "survey_answer")):
        client = login(user)
        client.cookies["django_language"] = "en"
        with translation.override("en"):
            assert client.get(reverse(f"prestudy:{name}", args=[sent.pk])).status_code == 200


def test_a_draft_survey_changes_and_a_sent_one_does_not(login, draft, cpb_manager, agency, other_agency, clock):
    client = login(cpb_manager)
    url = reverse("prestudy:survey_edit", args=[draft.pk])
    assert client.get(url).context["form"].initial["deadline"] == DEADLINE
    response = client.post(url, {"title": "Ny rubrik", "introduction": "Ny text", "deadline": "2027-04-20T12:00",
                                 "sector": "", "agencies": [str(other_agency.pk)]})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Ny rubrik" and list(draft.recipients.all()) == [other_agency]
    assert AuditEvent.objects.filter(verb="survey.updated").exists()
    surveys.survey_send(actor=cpb_manager, survey=draft)
    with pytest.raises(SurveyError) as refused:
        surveys.survey_update(actor=cpb_manager, survey=draft, title="Igen", introduction="x", deadline=DEADLINE,
                              agencies=[agency])
    assert refused.value.code == "survey_sent"
