"""The demo catalogue is rich enough to try every page, and loading it twice creates nothing new."""

import pytest

from innokop.catalogue.models import Collection, Evidence, ReferenceCase, Solution, SolutionReview, SolutionStatus
from innokop.core.demo import load_demo
from innokop.core.models import AuditEvent


@pytest.mark.django_db
def test_the_demo_catalogue(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    solutions = Solution.objects.all()
    assert solutions.count() >= 40
    assert Solution.objects.published().count() >= 40  # besides drafts and ones under review
    assert set(solutions.values_list("trl", flat=True)) == set(range(1, 10))
    assert solutions.filter(verified_at__isnull=False).count() >= 5
    assert solutions.filter(featured=True).count() >= 3
    assert solutions.filter(status=SolutionStatus.SUBMITTED).exists()
    assert solutions.filter(status=SolutionStatus.DRAFT).exists()
    assert solutions.filter(pending_submitted_at__isnull=False).exists()
    assert Evidence.objects.filter(status="accepted").exists() and Evidence.objects.filter(status="pending").exists()
    assert ReferenceCase.objects.filter(pending=False).count() >= 5
    assert Collection.objects.filter(published=True).count() >= 3
    assert AuditEvent.objects.filter(verb="solution.published").count() == SolutionReview.objects.filter(
        decision="published").count()
    counts = (Solution.objects.count(), Evidence.objects.count(), ReferenceCase.objects.count(),
              Collection.objects.count(), AuditEvent.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        second = load_demo()
    assert counts == (Solution.objects.count(), Evidence.objects.count(), ReferenceCase.objects.count(),
                      Collection.objects.count(), AuditEvent.objects.count())
    assert second.created == 0
