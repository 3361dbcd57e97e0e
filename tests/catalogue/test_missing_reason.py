"""A review decision without its reason (issue 9, point 8): the field says what is missing, not "Something went wrong".

The page comes back with an error summary that links to the reason field, the error on the field, and what was
typed kept; nothing is decided.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from innokop.catalogue import services
from innokop.catalogue.models import Evidence, ReviewStatus, Solution, SolutionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def test_returning_a_solution_without_a_reason_marks_the_reason_field(login, submitted, cpb_manager):
    response = login(cpb_manager).post(reverse("catalogue:review_action", args=[submitted.pk]),
                                       {"action": "return", "reason": "  "})
    page = response.content.decode()
    assert response.status_code == 200
    assert Solution.objects.get(pk=submitted.pk).status == SolutionStatus.SUBMITTED
    assert "Something went wrong" not in page
    assert '<a href="#reason-return">Give a reason: the supplier will see it.</a>' in page  # the error summary
    assert 'id="reason-return-error"' in page and "govuk-form-group--error" in page
    assert 'id="reason-publish-error"' not in page  # only the decision that was refused


@pytest.mark.parametrize("action", ["reject_changes", "unverify"])
def test_every_decision_that_needs_a_reason_marks_its_field(login, published, accepted_evidence, cpb_manager, supplier,
                                                            action):
    if action == "reject_changes":
        services.solution_update(actor=supplier, solution=published, title="Nytt namn")
    if action == "unverify":
        services.solution_verify(actor=cpb_manager, solution=published, reason="Piloten räcker.")
    page = login(cpb_manager).post(reverse("catalogue:review_action", args=[published.pk]),
                                   {"action": action, "reason": ""}).content.decode()
    assert f'href="#reason-{action}"' in page and f'id="reason-{action}-error"' in page
    assert "Something went wrong" not in page


def test_rejecting_evidence_without_a_note_marks_the_note_field(login, submitted, supplier, cpb_manager, clock):
    evidence = services.evidence_add(actor=supplier, solution=submitted, kind="pilot", provided_by="Kommunen",
                                     date=clock.now().date(), description="Pilot")
    response = login(cpb_manager).post(reverse("catalogue:evidence_review", args=[evidence.pk]),
                                       {"status": "rejected", "note": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "Something went wrong" not in page
    assert f'href="#note-{evidence.pk}"' in page and f'id="note-{evidence.pk}-error"' in page
    assert Evidence.objects.get(pk=evidence.pk).status == ReviewStatus.PENDING


def test_the_refusal_names_the_field_for_programs_too(submitted, cpb_manager):
    with pytest.raises(services.CatalogueError) as refused:
        services.solution_return(actor=cpb_manager, solution=submitted, reason="")
    assert [problem.field for problem in refused.value.problems] == ["reason"]
