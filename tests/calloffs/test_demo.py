"""The demo has a draft and a published renewed competition with dialogue, and loading it twice adds nothing."""

import pytest

from innokop.calloffs.models import CallOff, CallOffStatus
from innokop.core.demo import load_demo


@pytest.mark.django_db
def test_the_demo_call_offs(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    calloffs = CallOff.objects.filter(agency__name="Myndigheten för digital samhällsservice")
    assert set(calloffs.values_list("status", flat=True)) == {CallOffStatus.DRAFT, CallOffStatus.OPEN}
    published = calloffs.get(status=CallOffStatus.OPEN)
    assert published.method == "renewed_competition_dialogue"
    assert published.invitations.count() == published.lot.lot_suppliers.count() == 5
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    assert CallOff.objects.count() == 2
