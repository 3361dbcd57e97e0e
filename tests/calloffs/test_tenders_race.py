"""Concurrency at the deadline: submissions racing on real threads, each with its own database connection.

Each submission is decided by the server clock read once inside the transaction that holds the
call-off's lock. To prove it, the clock passes the deadline while the first submission holds the
lock: the second, waiting for the lock, must then be refused, even though it started at the same
instant as the first. A submission that read the clock before taking the lock would have been let in.
Nothing is ever half-stored: a refused submission leaves no row, no status change and no audit event.
Runs on PostgreSQL (row locks) and on SQLite (one writer at a time, the others wait): SQLite's
in-memory test database answers "locked" at once instead of waiting, so for SQLite these tests move
to a database file configured as the application configures it (WAL, busy timeout, immediate transactions).
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from innokop.accounts.models import Role
from innokop.calloffs import sealing
from innokop.calloffs.models import Tender, TenderStatus, TenderSubmission
from innokop.calloffs.services import CallOffError, tenders
from innokop.core.models import AuditEvent

from ..factories import member
from ..multi_process import database_on_disk
from .test_tenders_fixtures import (  # noqa: F401  (fixtures)
    calloff,
    complete,
    english,
    priced_lot,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english", "chain_head", "on_disk")]

# How long the first submission, holding the lock, waits for the other to read the clock (see below).
SETTLE = 0.3


@pytest.fixture
def chain_head():
    """An earlier transactional test may have flushed the audit chain's head that a migration made."""
    from innokop.core.audit import GENESIS_HASH
    from innokop.core.models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})


@pytest.fixture
def on_disk(calloff, tmp_path):
    """On SQLite, the test database copied to a file for the test, and put back (untouched) afterwards."""
    with database_on_disk(tmp_path / "race.sqlite3"):
        yield


def _race(actors, calloff) -> dict:
    """Every actor submits at the same moment, each on its own thread and connection; the outcomes by actor."""
    barrier, outcomes = threading.Barrier(len(actors)), {}

    def submit(actor):
        try:
            barrier.wait(timeout=10)
            outcomes[actor.pk] = tenders.tender_submit(actor=actor, calloff=calloff)
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            outcomes[actor.pk] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.fixture
def time_passes_while_the_first_seals(clock, monkeypatch):
    """The first submission to seal moves the clock one microsecond past the deadline while it holds the lock.

    Before it does, it gives the other thread up to SETTLE seconds to read the clock: a submission that
    read the clock before taking the lock does so at once and would then wrongly be let in; one that
    reads it under the lock cannot read it before the first has committed.
    """
    from innokop.core import clock as clock_module

    real_seal, fixed_now, main = sealing.seal_tender, clock_module.now, threading.get_ident()
    readers, changed, moved = set(), threading.Condition(), threading.Event()

    def recording_now():
        with changed:
            readers.add(threading.get_ident())
            changed.notify_all()
        return fixed_now()

    def seal_then_time_passes(*args, **kwargs):
        blob = real_seal(*args, **kwargs)
        if not moved.is_set():
            me = threading.get_ident()
            with changed:
                changed.wait_for(lambda: readers - {me, main}, timeout=SETTLE)
            clock.set(kwargs["deadline"] + timedelta(microseconds=1))
            moved.set()
        return blob

    monkeypatch.setattr(clock_module, "now", recording_now)
    monkeypatch.setattr(sealing, "seal_tender", seal_then_time_passes)
    return moved


def test_two_suppliers_racing_the_deadline_are_each_judged_by_the_clock_under_the_lock(
        calloff, supplier, supplier_b, clock, time_passes_while_the_first_seals):
    for actor in (supplier, supplier_b):
        tenders.tender_save_draft(actor=actor, calloff=calloff, content=complete(calloff))
    clock.set(calloff.tender_deadline)  # both arrive at exactly the deadline

    outcomes = _race([supplier, supplier_b], calloff)

    taken = [o for o in outcomes.values() if isinstance(o, TenderSubmission)]
    refused = [o for o in outcomes.values() if not isinstance(o, TenderSubmission)]
    assert len(taken) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], CallOffError) and "has passed" in str(refused[0])
    assert taken[0].submitted_at == calloff.tender_deadline
    # The late one left nothing behind: no submission, still a draft, no audit event.
    late_tender = Tender.objects.exclude(pk=taken[0].tender_id).get()
    assert not late_tender.submissions.exists() and late_tender.status == TenderStatus.DRAFT
    assert TenderSubmission.objects.count() == 1
    assert AuditEvent.objects.filter(verb="tender.submitted").count() == 1


def test_two_suppliers_just_before_the_deadline_are_both_taken(calloff, supplier, supplier_b, clock):
    for actor in (supplier, supplier_b):
        tenders.tender_save_draft(actor=actor, calloff=calloff, content=complete(calloff))
    clock.set(calloff.tender_deadline - timedelta(seconds=1))

    outcomes = _race([supplier, supplier_b], calloff)

    assert all(isinstance(o, TenderSubmission) for o in outcomes.values()), outcomes
    assert sorted(TenderSubmission.objects.values_list("tender__supplier__name", "number")) == [
        ("Leverantör Ett AB", 1), ("Leverantör Två AB", 1)]
    assert AuditEvent.objects.filter(verb="tender.submitted").count() == 2


def test_two_representatives_of_one_supplier_submitting_at_once_leave_one_current_tender(calloff, supplier,
                                                                                        supplier_org, clock):
    colleague = member(supplier_org, Role.SUPPLIER_REPRESENTATIVE, full_name="Sam Säljare", email="sam@supplier.se")
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))

    outcomes = _race([supplier, colleague], calloff)

    assert all(isinstance(o, TenderSubmission) for o in outcomes.values()), outcomes
    submissions = list(TenderSubmission.objects.order_by("number"))
    assert [s.number for s in submissions] == [1, 2]
    assert [s.is_current for s in submissions] == [False, True]
    assert submissions[0].superseded_at == submissions[1].submitted_at
    assert Tender.objects.get().status == TenderStatus.SUBMITTED
