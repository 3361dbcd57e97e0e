"""At the tender deadline the state, the taking of tenders, the sealing and the opening agree (issue 9, point 23).

Rule 6: the server clock decides and late tenders are refused. A tender submitted at the deadline
instant is taken, so at that instant the call-off is still taking tenders: its state is not yet
"awaiting opening", the tenders are still sealed and nobody can open them. One microsecond later
all of that has turned together. One predicate decides: `sealing.deadline_passed` (now > deadline),
which `CallOff.is_past_deadline` applies.
"""

from datetime import timedelta

import pytest

from innokop.calloffs import sealing, services
from innokop.calloffs.models import CallOffStatus
from innokop.calloffs.permissions import tenders_sealed
from innokop.calloffs.services import opening, tenders

from .award_helpers import (  # noqa: F401  (fixtures)
    DEADLINE,
    award_lot,
    content_for,
    published_calloff,
)

pytestmark = pytest.mark.django_db

MICROSECOND = timedelta(microseconds=1)


def test_at_the_deadline_instant_everything_says_tenders_are_still_taken(published_calloff, agency_procurer,
                                                                         agency_colleague):
    calloff = published_calloff
    assert not calloff.is_past_deadline(DEADLINE)
    assert calloff.effective_state(DEADLINE) == CallOffStatus.TENDERING
    assert calloff.may_tender(DEADLINE)
    assert tenders_sealed(calloff, DEADLINE)
    assert not calloff.may_open(DEADLINE)
    sealing.seal_tender(calloff.data_key, b"{}", calloff_id=calloff.pk, tender_id=1, deadline=DEADLINE, now=DEADLINE)
    with pytest.raises(sealing.SealedError):
        sealing.unwrap_for_opening(calloff.data_key, deadline=DEADLINE, now=DEADLINE,
                                   openers=[agency_procurer.pk, agency_colleague.pk])


def test_one_microsecond_after_the_deadline_everything_has_turned(published_calloff, agency_procurer,
                                                                  agency_colleague):
    calloff, after = published_calloff, DEADLINE + MICROSECOND
    assert calloff.is_past_deadline(after)
    assert calloff.effective_state(after) == CallOffStatus.AWAITING_OPENING
    assert not calloff.may_tender(after)
    assert not tenders_sealed(calloff, after)
    assert calloff.may_open(after)
    with pytest.raises(sealing.LateTenderError):
        sealing.seal_tender(calloff.data_key, b"{}", calloff_id=calloff.pk, tender_id=1, deadline=DEADLINE, now=after)
    assert sealing.unwrap_for_opening(calloff.data_key, deadline=DEADLINE, now=after,
                                      openers=[agency_procurer.pk, agency_colleague.pk])


@pytest.mark.parametrize("offset", [-MICROSECOND, timedelta(0), MICROSECOND], ids=["before", "at", "after"])
def test_the_state_and_every_check_agree_around_the_deadline(published_calloff, offset):
    calloff, now = published_calloff, DEADLINE + offset
    passed = sealing.deadline_passed(DEADLINE, now)
    assert passed == calloff.is_past_deadline(now) == (offset > timedelta(0))
    assert (calloff.effective_state(now) == CallOffStatus.AWAITING_OPENING) == passed
    assert calloff.may_tender(now) == (not passed) == tenders_sealed(calloff, now)
    assert calloff.may_open(now) == passed


def test_the_services_agree_at_the_deadline(published_calloff, supplier, agency_procurer, clock):
    """A supplier submits at the deadline instant and the state still reads "awaiting tenders"; nobody opens yet."""
    clock.set(DEADLINE - timedelta(minutes=5))
    tenders.tender_save_draft(actor=supplier, calloff=published_calloff, content=content_for(published_calloff,
                                                                                              price=100))
    clock.set(DEADLINE)
    submission = tenders.tender_submit(actor=supplier, calloff=published_calloff)
    assert submission.submitted_at == DEADLINE
    assert published_calloff.effective_state(DEADLINE) == CallOffStatus.TENDERING
    with pytest.raises(services.CallOffError, match="sealed until the tender deadline"):
        opening.opening_start(actor=agency_procurer, calloff=published_calloff)
    clock.set(DEADLINE + MICROSECOND)
    assert published_calloff.effective_state(DEADLINE + MICROSECOND) == CallOffStatus.AWAITING_OPENING
    with pytest.raises(services.CallOffError, match="has passed"):
        tenders.tender_submit(actor=supplier, calloff=published_calloff)
    assert opening.opening_start(actor=agency_procurer, calloff=published_calloff).started_at == DEADLINE + MICROSECOND
