"""Questions and answers in an open call-off (rule 5): the asker is never shown to other suppliers."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from innokop.calloffs import services
from innokop.calloffs.models import CallOffQuestion
from innokop.core.formats import when
from innokop.core.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db

QUESTION = "Ska lösningen kunna integreras med vårt ärendesystem?"
ANSWER = "Ja, via ett öppet API."


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def question(open_calloff, supplier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.question_ask(actor=supplier, calloff=open_calloff, text=QUESTION)


@pytest.fixture
def answered(question, agency_procurer, supplier_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.question_answer(actor=agency_procurer, question=question, answer=ANSWER)


def _ask_url(calloff):
    return reverse("calloffs:question_ask", args=[calloff.pk])


def _answer_url(question):
    return reverse("calloffs:question_answer", args=[question.calloff_id, question.pk])


# Asking

def test_an_invited_supplier_asks_and_the_team_is_told(question, supplier_org, agency_procurer, supplier):
    assert question.supplier == supplier_org
    assert question.asked_by == supplier
    assert not question.is_answered
    notified = set(Notification.objects.filter(kind="calloff.question_asked").values_list("recipient_id", flat=True))
    assert notified == {agency_procurer.pk}


def test_asking_is_audited(question, supplier_org):
    event = AuditEvent.objects.get(verb="calloff.question_asked")
    assert event.payload == {"question": question.pk, "supplier": supplier_org.pk}


def test_a_question_just_before_the_deadline_is_taken(open_calloff, supplier, clock):
    clock.set(open_calloff.questions_close - timedelta(seconds=1))
    services.question_ask(actor=supplier, calloff=open_calloff, text=QUESTION)
    assert open_calloff.questions.count() == 1


@pytest.mark.parametrize("after", [timedelta(0), timedelta(minutes=1)], ids=["at", "after"])
def test_a_question_at_or_after_the_deadline_is_refused(open_calloff, supplier, clock, after):
    clock.set(open_calloff.questions_close + after)
    with pytest.raises(services.CallOffError, match="last time for questions has passed"):
        services.question_ask(actor=supplier, calloff=open_calloff, text=QUESTION)
    assert not CallOffQuestion.objects.exists()


def test_only_an_invited_supplier_may_ask(open_calloff, supplier_off_lot, agency_procurer):
    for actor in (supplier_off_lot, agency_procurer):
        with pytest.raises(services.CallOffError, match="Only representatives of the suppliers invited"):
            services.question_ask(actor=actor, calloff=open_calloff, text=QUESTION)


def test_no_questions_in_a_cancelled_call_off(open_calloff, supplier, agency_procurer):
    services.calloff_cancel(actor=agency_procurer, calloff=open_calloff, reason="Behovet finns inte längre.")
    with pytest.raises(services.CallOffError, match="not open for questions"):
        services.question_ask(actor=supplier, calloff=open_calloff, text=QUESTION)


def test_an_empty_question_is_refused(open_calloff, supplier):
    with pytest.raises(services.ValidationError):
        services.question_ask(actor=supplier, calloff=open_calloff, text="   ")


# Answering

def test_the_answer_goes_to_every_invited_supplier(answered, supplier, supplier_b, supplier_off_lot,
                                                   agency_procurer):
    assert answered.answer == ANSWER and answered.answered_by == agency_procurer and answered.is_answered
    notified = set(Notification.objects.filter(kind="calloff.answer_published").values_list("recipient_id", flat=True))
    assert notified == {supplier.pk, supplier_b.pk}


def test_the_published_answer_notification_does_not_name_the_asker(answered, supplier_b):
    note = Notification.objects.get(kind="calloff.answer_published", recipient=supplier_b)
    assert "Leverantör Ett" not in note.subject + note.body
    assert "Sara" not in note.subject + note.body


def test_answering_is_audited(answered):
    assert AuditEvent.objects.get(verb="calloff.question_answered").payload == {"question": answered.pk}


def test_only_the_team_answers(question, agency_colleague, supplier):
    for actor in (agency_colleague, supplier):
        with pytest.raises(services.CallOffError, match="Only the call-off's team can answer"):
            services.question_answer(actor=actor, question=question, answer=ANSWER)


@pytest.mark.parametrize("after", [timedelta(0), timedelta(hours=1)], ids=["at", "after"])
def test_an_answer_at_or_after_the_last_time_for_answers_is_refused(question, agency_procurer, clock, after):
    clock.set(question.calloff.answers_by + after)
    with pytest.raises(services.CallOffError, match="last time for answers has passed"):
        services.question_answer(actor=agency_procurer, question=question, answer=ANSWER)


def test_an_answer_after_questions_close_but_before_the_last_time_for_answers_is_taken(question, agency_procurer,
                                                                                        clock):
    clock.set(question.calloff.questions_close)
    assert services.question_answer(actor=agency_procurer, question=question, answer=ANSWER).is_answered


def test_a_question_is_answered_once(answered, agency_procurer):
    with pytest.raises(services.CallOffError, match="already answered"):
        services.question_answer(actor=agency_procurer, question=answered, answer="Nej.")


# Pages

def test_a_supplier_asks_on_the_call_off_page(login, open_calloff, supplier):
    client = login(supplier)
    page = client.get(reverse("calloffs:calloff_detail", args=[open_calloff.pk])).content.decode()
    assert "Questions and answers" in page and _ask_url(open_calloff) in page
    assert when(open_calloff.questions_close) in page
    response = client.post(_ask_url(open_calloff), {"text": QUESTION})
    assert response.status_code == 302
    assert open_calloff.questions.get().text == QUESTION
    assert QUESTION in client.get(response["Location"]).content.decode()


def test_a_late_question_on_the_page_is_refused_with_a_message(login, open_calloff, supplier, clock):
    clock.set(open_calloff.questions_close)
    client = login(supplier)
    page = client.get(reverse("calloffs:calloff_detail", args=[open_calloff.pk])).content.decode()
    assert _ask_url(open_calloff) not in page
    response = client.post(_ask_url(open_calloff), {"text": QUESTION})
    assert response.status_code == 302
    assert any("last time for questions" in str(m) for m in get_messages(response.wsgi_request))
    assert not CallOffQuestion.objects.exists()


def test_questions_are_limited_per_supplier_with_a_429_until_the_window_ends(
        login, open_calloff, supplier, supplier_b, clock, settings, django_capture_on_commit_callbacks):
    count, seconds = settings.INNOKOP_RATE_LIMITS["question"]
    client = login(supplier)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(count):
            assert client.post(_ask_url(open_calloff), {"text": f"{QUESTION} ({number})"}).status_code == 302
        flooded = client.post(_ask_url(open_calloff), {"text": QUESTION})
    assert flooded.status_code == 429 and 0 < int(flooded["Retry-After"]) <= seconds
    assert "Too many attempts" in flooded.content.decode()
    assert open_calloff.questions.count() == count
    assert Notification.objects.filter(kind="calloff.question_asked").count() == count  # no flood for the team
    assert login(supplier_b).post(_ask_url(open_calloff), {"text": QUESTION}).status_code == 302  # others may ask
    clock.set(clock.now() + timedelta(seconds=int(flooded["Retry-After"])))
    assert login(supplier).post(_ask_url(open_calloff), {"text": QUESTION}).status_code == 302


@pytest.mark.parametrize("persona, status", [("supplier_off_lot", 404), ("other_agency_procurer", 404),
                                             ("agency_procurer", 403), ("agency_colleague", 403)])
def test_who_may_not_ask(login, open_calloff, persona, status, request):
    response = login(request.getfixturevalue(persona)).post(_ask_url(open_calloff), {"text": QUESTION})
    assert response.status_code == status
    assert not CallOffQuestion.objects.exists()


@pytest.mark.parametrize("persona, status", [("supplier_off_lot", 404), ("other_agency_procurer", 404),
                                             ("agency_colleague", 403), ("supplier", 403), ("supplier_b", 403)])
def test_who_may_not_answer(login, question, persona, status, request):
    response = login(request.getfixturevalue(persona)).post(_answer_url(question), {"answer": ANSWER})
    assert response.status_code == status
    question.refresh_from_db()
    assert not question.is_answered


def test_the_wrong_method_is_refused(login, question, supplier, agency_procurer):
    assert login(supplier).get(_ask_url(question.calloff)).status_code == 405
    assert login(agency_procurer).get(_answer_url(question)).status_code == 405


def test_the_team_answers_on_the_agency_page(login, question, agency_procurer, supplier_org):
    client = login(agency_procurer)
    page = client.get(reverse("calloffs:calloff_detail", args=[question.calloff_id])).content.decode()
    assert supplier_org.name in page and QUESTION in page and _answer_url(question) in page
    response = client.post(_answer_url(question), {"answer": ANSWER})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == ANSWER


def test_the_agency_page_lists_unanswered_questions_first(login, answered, supplier_b, agency_procurer):
    later = services.question_ask(actor=supplier_b, calloff=answered.calloff, text="Vilken volym gäller?")
    page = login(agency_procurer).get(reverse("calloffs:calloff_detail", args=[answered.calloff_id])).content.decode()
    assert page.index(later.text) < page.index(QUESTION)


def test_a_colleague_outside_the_team_sees_questions_without_an_answer_form(login, question, agency_colleague):
    page = login(agency_colleague).get(reverse("calloffs:calloff_detail", args=[question.calloff_id])).content.decode()
    assert QUESTION in page and _answer_url(question) not in page


# Anonymity (rule 5)

def test_the_other_supplier_sees_the_answer_but_not_who_asked(login, answered, supplier_b, supplier, supplier_org):
    page = login(supplier_b).get(reverse("calloffs:calloff_detail", args=[answered.calloff_id])).content.decode()
    assert QUESTION in page and ANSWER in page
    assert supplier_org.name not in page and supplier.full_name not in page
    api = login(supplier_b).get(f"/api/calloffs/{answered.calloff_id}")
    assert api.json()["questions"] == [{"id": answered.pk, "question": QUESTION, "answer": ANSWER, "supplier": None,
                                        "asked_at": api.json()["questions"][0]["asked_at"],
                                        "answered_at": api.json()["questions"][0]["answered_at"]}]
    assert supplier_org.name not in api.content.decode() and supplier.full_name not in api.content.decode()


def test_an_unanswered_question_is_seen_only_by_its_supplier_and_the_agency(login, question, supplier, supplier_b,
                                                                            agency_procurer):
    url = reverse("calloffs:calloff_detail", args=[question.calloff_id])
    assert QUESTION in login(supplier).get(url).content.decode()
    assert QUESTION not in login(supplier_b).get(url).content.decode()
    assert login(supplier_b).get(f"/api/calloffs/{question.calloff_id}").json()["questions"] == []
    assert [q["question"] for q in login(supplier).get(f"/api/calloffs/{question.calloff_id}").json()["questions"]] \
        == [QUESTION]


def test_the_agency_api_names_the_asking_supplier(login, answered, agency_procurer, supplier_org):
    rows = login(agency_procurer).get(f"/api/calloffs/{answered.calloff_id}").json()["questions"]
    assert [(row["supplier"], row["answer"]) for row in rows] == [(supplier_org.name, ANSWER)]


def test_the_supplier_page_query_count_does_not_grow_with_questions(login, open_calloff, supplier, supplier_b,
                                                                    agency_procurer, django_assert_max_num_queries):
    client = login(supplier_b)
    url = reverse("calloffs:calloff_detail", args=[open_calloff.pk])
    for n in range(2):
        asked = services.question_ask(actor=supplier, calloff=open_calloff, text=f"Fråga {n}")
        services.question_answer(actor=agency_procurer, question=asked, answer=f"Svar {n}")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(2, 6):
        asked = services.question_ask(actor=supplier, calloff=open_calloff, text=f"Fråga {n}")
        services.question_answer(actor=agency_procurer, question=asked, answer=f"Svar {n}")
    with django_assert_max_num_queries(len(few)):
        client.get(url)
