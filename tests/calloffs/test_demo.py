"""The demo has a call-off in every state, played through the services; loading it twice adds nothing."""

import pytest

from innokop.calloffs import sealing
from innokop.calloffs.models import CallOff, CallOffStatus, OfferStatus
from innokop.core import clock
from innokop.core.audit import audit_verify
from innokop.core.demo import load_demo


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return load_demo()


def _states():
    now = clock.now()
    return {c.title: c.effective_state(now) for c in CallOff.objects.filter(agency__name="Myndigheten för digital samhällsservice")}


def test_there_is_a_call_off_in_every_state_and_each_obeys_the_rules(demo):
    # One test, because loading the demo plays a dozen call-offs through their services and takes a while.
    assert set(_states().values()) == {s.value for s in CallOffStatus}
    open_one = demo.objects["calloff:open"]
    assert open_one.invitations.count() == open_one.lot.lot_suppliers.count() == 5
    assert open_one.slots.filter(supplier__isnull=False).count() == 1
    awarded = demo.objects["calloff:awarded"]
    assert awarded.decision.standstill_ends >= clock.now().date()  # the standstill still runs
    contracted = demo.objects["calloff:contracted"]
    assert contracted.contract.supplier == contracted.decision.winner.supplier
    assert set(contracted.contract.requirements.all()) == set(contracted.requirements.all())
    opened = demo.objects["calloff:opened"]
    assert opened.opening.confirmed_by != opened.opening.started_by
    assert opened.tenders.filter(status="rejected").count() == 1  # a mandatory requirement answered no
    offered = demo.objects["calloff:offered"]
    assert list(offered.offers.values_list("status", flat=True)) == [OfferStatus.DECLINED, OfferStatus.OFFERED]
    waiting = demo.objects["calloff:awaiting_opening"]
    submission = waiting.tenders.first().submissions.get()
    assert "1850000" not in submission.sealed and "Bedömt" not in submission.sealed
    with pytest.raises(sealing.SealedError):
        sealing.unwrap_for_opening(waiting.data_key, deadline=waiting.tender_deadline, now=clock.now(), openers=[1])
    assert audit_verify().ok  # the travelled clock keeps the audit chain intact


def test_loading_twice_adds_nothing(demo, django_capture_on_commit_callbacks):
    count = CallOff.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    assert CallOff.objects.count() == count
