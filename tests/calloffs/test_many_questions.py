"""A call-off with many questions (issue 13): its page makes as many queries with 60 questions as with 3, and shows
them a page at a time, the agency's unanswered ones first."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innokop.calloffs.models import CallOffQuestion
from innokop.calloffs.views import QUESTIONS_PER_PAGE

pytestmark = pytest.mark.django_db


def _ask(calloff, supplier, count: int, *, answered_by=None, start: int = 0) -> list[CallOffQuestion]:
    """`count` questions of `supplier`'s organisation, answered by `answered_by` if given, in one insert."""
    moment = calloff.published_at
    return CallOffQuestion.objects.bulk_create([CallOffQuestion(
        calloff=calloff, supplier=supplier.memberships.first().organisation, asked_by=supplier, text=f"Fråga nummer {n}",
        asked_at=moment + timedelta(minutes=n), answer=f"Svar nummer {n}" if answered_by else "",
        answered_by=answered_by, answered_at=moment + timedelta(minutes=n, hours=1) if answered_by else None)
        for n in range(start, start + count)])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["agency_procurer", "supplier_b"])
def test_the_call_off_page_makes_as_many_queries_with_sixty_questions_as_with_three(request, login, open_calloff,
                                                                                     supplier, agency_procurer, viewer):
    client = login(request.getfixturevalue(viewer))
    url = reverse("calloffs:calloff_detail", args=[open_calloff.pk])
    _ask(open_calloff, supplier, 2, answered_by=agency_procurer)
    _ask(open_calloff, supplier, 1, start=2)
    few = _queries(client, url)
    _ask(open_calloff, supplier, 50, answered_by=agency_procurer, start=3)
    _ask(open_calloff, supplier, 7, start=53)
    assert _queries(client, url) == few
    assert _queries(client, url + "?page=2") == few


def test_the_agency_sees_the_unanswered_questions_first_and_the_rest_a_page_at_a_time(login, open_calloff, supplier,
                                                                                       agency_procurer):
    answered = _ask(open_calloff, supplier, QUESTIONS_PER_PAGE + 5, answered_by=agency_procurer)
    unanswered = _ask(open_calloff, supplier, 3, start=len(answered))
    client = login(agency_procurer)
    url = reverse("calloffs:calloff_detail", args=[open_calloff.pk])
    first = client.get(url)
    shown = list(first.context["questions"])
    assert shown[:3] == unanswered and shown[3:] == answered[: QUESTIONS_PER_PAGE - 3]
    assert 'id="questions"' in first.content.decode() and "?page=2#questions" in first.content.decode()
    assert list(client.get(url + "?page=2").context["questions"]) == answered[QUESTIONS_PER_PAGE - 3 :]


def test_an_invited_supplier_reads_every_published_answer_a_page_at_a_time(login, open_calloff, supplier, supplier_b,
                                                                            agency_procurer):
    answered = _ask(open_calloff, supplier, QUESTIONS_PER_PAGE + 1, answered_by=agency_procurer)
    _ask(open_calloff, supplier, 2, start=len(answered))  # another supplier's unanswered: never shown to supplier_b
    client = login(supplier_b)
    url = reverse("calloffs:calloff_detail", args=[open_calloff.pk])
    pages = [client.get(url), client.get(url + "?page=2")]
    assert [q for page in pages for q in page.context["answered"]] == answered
    assert "Svar nummer 0" in pages[0].content.decode() and "Svar nummer 50" in pages[1].content.decode()
    assert "?page=1#questions" in pages[1].content.decode()
    assert all("Fråga nummer 51" not in page.content.decode() for page in pages)
