"""No deadlock between a supplier's first draft and another's submission (the deadline crunch found one).

The interleaving, made deterministic with two threads, each on its own PostgreSQL connection:

1. Supplier B saves its first draft: its new `Tender` references the call-off (PostgreSQL checks that
   foreign key at commit, with FOR KEY SHARE on the call-off row), and its `tender.started` audit event
   holds the audit chain's head. B stops there, before committing.
2. Supplier A submits (or withdraws, or asks a question): it locks the call-off row, then waits for the
   chain's head that B holds.
3. B commits: its foreign-key check needs FOR KEY SHARE on the call-off row that A has locked.

With the call-off locked FOR UPDATE, B waits for A and A for B: PostgreSQL kills one (`deadlock detected`)
and the supplier gets a 500. Locked FOR NO KEY UPDATE (`select_for_update(no_key=True)`), which the
foreign-key check does not wait for, B commits, A takes the head, and both succeed.

PostgreSQL only: SQLite has no row locks (one writer at a time, the others wait).
"""

import threading

import pytest
from django.db import OperationalError, connection, connections
from django.db.models import QuerySet
from django.utils import translation

from innokop.calloffs.models import CallOffQuestion, Tender, TenderStatus, TenderSubmission
from innokop.calloffs.services import question_ask, tenders
from innokop.core import audit
from innokop.core.models import AuditEvent

from .test_tenders_fixtures import (  # noqa: F401  (fixtures)
    calloff,
    complete,
    english,
    priced_lot,
)

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks, deferred foreign keys: PostgreSQL"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english", "chain_head"),
]

# How long a step may wait for the other thread before the test gives up (it never waits this long when it passes).
PATIENCE = 20


@pytest.fixture
def chain_head():
    """An earlier transactional test may have flushed the audit chain's head that a migration made."""
    from innokop.core.models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": audit.GENESIS_HASH})


def _interleave(monkeypatch, *, first_draft, locker) -> dict:
    """Runs `first_draft` and `locker` on their own threads in the order of the module's docstring.

    The draft's thread stops once it holds the chain's head; the locker starts then and, when it asks for the
    head (holding the call-off's lock by then), lets the draft's thread go on and commit. The outcomes by name.
    """
    real_locked_head = audit._locked_head
    draft_holds_head, locker_waits_for_head = threading.Event(), threading.Event()

    def locked_head():
        name = threading.current_thread().name
        if name == "locker":
            locker_waits_for_head.set()  # it holds the call-off's lock and is about to wait for the head
            return real_locked_head()
        head = real_locked_head()
        if name == "first_draft":
            draft_holds_head.set()
            assert locker_waits_for_head.wait(PATIENCE), "the locker never asked for the audit chain's head"
        return head

    monkeypatch.setattr(audit, "_locked_head", locked_head)
    outcomes = {}

    def run(name, call):
        try:
            with translation.override("en"):  # the active language is per thread
                outcomes[name] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            outcomes[name] = error
        finally:
            connections.close_all()

    draft = threading.Thread(target=run, args=("first_draft", first_draft), name="first_draft")
    draft.start()
    assert draft_holds_head.wait(PATIENCE), outcomes
    lock = threading.Thread(target=run, args=("locker", locker), name="locker")
    lock.start()
    for thread in (draft, lock):
        thread.join(PATIENCE)
    assert not draft.is_alive() and not lock.is_alive()
    assert locker_waits_for_head.is_set()
    return outcomes


def _first_draft(calloff, actor):
    return lambda: tenders.tender_save_draft(actor=actor, calloff=calloff, content=complete(calloff))


def test_a_submission_and_another_suppliers_first_draft_both_succeed(monkeypatch, calloff, supplier, supplier_b,
                                                                    supplier_org_b):
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))

    outcomes = _interleave(monkeypatch, first_draft=_first_draft(calloff, supplier_b),
                           locker=lambda: tenders.tender_submit(actor=supplier, calloff=calloff))

    assert isinstance(outcomes["first_draft"], Tender), outcomes
    assert isinstance(outcomes["locker"], TenderSubmission), outcomes
    assert Tender.objects.get(supplier=supplier_org_b).draft
    assert list(AuditEvent.objects.filter(verb__in=["tender.started", "tender.submitted"])
                .order_by("id").values_list("verb", flat=True)) == ["tender.started", "tender.started",
                                                                    "tender.submitted"]
    assert audit.audit_verify().ok


def test_a_withdrawal_and_another_suppliers_first_draft_both_succeed(monkeypatch, calloff, supplier, supplier_b,
                                                                    supplier_org):
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))
    tenders.tender_submit(actor=supplier, calloff=calloff)

    outcomes = _interleave(monkeypatch, first_draft=_first_draft(calloff, supplier_b),
                           locker=lambda: tenders.tender_withdraw(actor=supplier, calloff=calloff))

    assert isinstance(outcomes["first_draft"], Tender), outcomes
    assert isinstance(outcomes["locker"], TenderSubmission), outcomes
    assert Tender.objects.get(supplier=supplier_org).status == TenderStatus.WITHDRAWN
    assert audit.audit_verify().ok


def test_a_question_and_another_suppliers_first_draft_both_succeed(monkeypatch, calloff, supplier, supplier_b):
    outcomes = _interleave(monkeypatch, first_draft=_first_draft(calloff, supplier_b),
                           locker=lambda: question_ask(actor=supplier, calloff=calloff, text="Gäller K1 även tolkar?"))

    assert isinstance(outcomes["first_draft"], Tender), outcomes
    assert isinstance(outcomes["locker"], CallOffQuestion), outcomes
    assert audit.audit_verify().ok


def test_the_same_interleaving_deadlocks_when_the_call_off_is_locked_for_update(monkeypatch, calloff, supplier,
                                                                               supplier_b):
    """The reproduction is real: with every lock taken FOR UPDATE (as before), PostgreSQL detects the deadlock."""
    real_select_for_update = QuerySet.select_for_update

    def for_update(self, nowait=False, skip_locked=False, of=(), no_key=False):
        return real_select_for_update(self, nowait=nowait, skip_locked=skip_locked, of=of, no_key=False)

    monkeypatch.setattr(QuerySet, "select_for_update", for_update)
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))

    outcomes = _interleave(monkeypatch, first_draft=_first_draft(calloff, supplier_b),
                           locker=lambda: tenders.tender_submit(actor=supplier, calloff=calloff))

    failed = [o for o in outcomes.values() if isinstance(o, OperationalError)]
    assert len(failed) == 1 and "deadlock detected" in str(failed[0]), outcomes
